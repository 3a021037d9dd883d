#include "core/io/proto_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace tbp {
namespace {

// Collects text-format parse errors with their line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (!errors_.empty()) errors_ += "; ";
    absl::StrAppend(&errors_, "line ", line + 1, " column ", column + 1, ": ", message);
  }
  void AddWarning(int line, int column, const std::string& message) override {}
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

// Whether s is well-formed UTF-8: no stray continuation bytes, no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool IsUtf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;  // a continuation byte, C0/C1, or F5..FF
    }
    if (end - p <= extra) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

// The path ("nodes[1].name") of the first `string` field (not `bytes`) in
// m whose value is not UTF-8, or "" if there is none. Text format accepts
// any escaped bytes in a string field; binary and JSON parsing check.
std::string FirstNonUtf8Field(const google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (!f->is_repeated()) {
        if (!IsUtf8(r->GetString(m, f))) return f->name();
        continue;
      }
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (!IsUtf8(r->GetRepeatedString(m, f, i))) return absl::StrCat(f->name(), "[", i, "]");
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!f->is_repeated()) {
        std::string inner = FirstNonUtf8Field(r->GetMessage(m, f));
        if (!inner.empty()) return absl::StrCat(f->name(), ".", inner);
        continue;
      }
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        std::string inner = FirstNonUtf8Field(r->GetRepeatedMessage(m, f, i));
        if (!inner.empty()) return absl::StrCat(f->name(), "[", i, "].", inner);
      }
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<FileFormat> FormatForPath(const std::string& path) {
  for (const char* ext : {".textproto", ".pbtxt", ".txtpb"}) {
    if (absl::EndsWith(path, ext)) return FileFormat::kText;
  }
  if (absl::EndsWith(path, ".json")) return FileFormat::kJson;
  for (const char* ext : {".pb", ".binpb"}) {
    if (absl::EndsWith(path, ext)) return FileFormat::kBinary;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "file '", path,
      "': unknown extension; use .textproto/.pbtxt/.txtpb (text), .json (JSON) or .pb/.binpb "
      "(binary)"));
}

absl::StatusOr<std::string> SerializeProto(const google::protobuf::Message& message,
                                           FileFormat format) {
  std::string out;
  switch (format) {
    case FileFormat::kText:
      if (!google::protobuf::TextFormat::PrintToString(message, &out)) {
        return absl::InternalError("text serialisation failed");
      }
      return out;
    case FileFormat::kJson: {
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = true;
      options.preserve_proto_field_names = true;
      auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
      if (!status.ok()) return absl::InternalError(status.ToString());
      return out;
    }
    case FileFormat::kBinary:
      if (!message.SerializeToString(&out)) {
        return absl::InternalError("binary serialisation failed");
      }
      return out;
  }
  return absl::InternalError("unknown format");
}

absl::Status ParseProto(const std::string& data, FileFormat format, const std::string& what,
                        google::protobuf::Message* message) {
  message->Clear();
  switch (format) {
    case FileFormat::kText: {
      google::protobuf::TextFormat::Parser parser;
      ErrorCollector errors;
      parser.RecordErrorsTo(&errors);
      if (!parser.ParseFromString(data, message)) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": not a valid ", message->GetTypeName(), " in text format: ", errors.errors()));
      }
      if (const std::string field = FirstNonUtf8Field(*message); !field.empty()) {
        message->Clear();
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": not a valid ", message->GetTypeName(), " in text format: ",
                         message->GetTypeName(), ".", field, " is not valid UTF-8"));
      }
      return absl::OkStatus();
    }
    case FileFormat::kJson: {
      google::protobuf::util::JsonParseOptions options;
      auto status = google::protobuf::util::JsonStringToMessage(data, message, options);
      if (!status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": not a valid ", message->GetTypeName(), " in JSON: ", status.ToString()));
      }
      return absl::OkStatus();
    }
    case FileFormat::kBinary:
      if (!message->ParseFromString(data)) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": not a valid ", message->GetTypeName(),
            " in binary format (truncated or corrupt)"));
      }
      return absl::OkStatus();
  }
  return absl::InternalError("unknown format");
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' is a directory, not a file"));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot read file '", path, "': ", std::strerror(errno)));
  }
  // One buffer of the file's size, filled in place (a stream copy would
  // hold the file twice: a 5,000,000-node graph is hundreds of MB).
  std::string data;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data.reserve(static_cast<size_t>(st.st_size));
  }
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return absl::DataLossError(
          absl::StrCat("error reading '", path, "': ", std::strerror(err)));
    }
    if (n == 0) break;
    data.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

absl::Status ReadProtoFile(const std::string& path, google::protobuf::Message* message) {
  absl::StatusOr<FileFormat> format = FormatForPath(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> data = ReadFile(path);
  if (!data.ok()) return data.status();
  return ParseProto(*data, *format, absl::StrCat("file '", path, "'"), message);
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write file '", path, "': it is a directory"));
  }
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  // The temporary name is short and fixed in length (".tbp-<pid>-<n>"),
  // so it never exceeds a file-name limit that the final name meets.
  static std::atomic<int64_t> counter{0};
  const std::string tmp = absl::StrCat(dir, slash == std::string::npos ? "/" : "", ".tbp-",
                                       ::getpid(), "-", counter++);
  // The data goes into an unnamed file (O_TMPFILE) where the filesystem
  // allows it: a process killed while writing leaves nothing behind; the
  // file gets the temporary name only once complete, for the rename.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  const bool unnamed = fd >= 0;
  if (!unnamed) fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write file '", path, "': ", std::strerror(errno)));
  }
  auto fail = [&](absl::Status s) {
    ::close(fd);
    if (!unnamed) ::unlink(tmp.c_str());
    return s;
  };
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return fail(absl::DataLossError(
          absl::StrCat("error writing '", path, "': ", std::strerror(errno))));
    }
    done += static_cast<size_t>(n);
  }
  if (unnamed) {
    const std::string self = absl::StrCat("/proc/self/fd/", fd);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return fail(absl::PermissionDeniedError(
          absl::StrCat("cannot write file '", path, "': ", std::strerror(errno))));
    }
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return absl::PermissionDeniedError(
        absl::StrCat("cannot move output into '", path, "': ", std::strerror(err)));
  }
  return absl::OkStatus();
}

absl::Status WriteProtoFile(const std::string& path, const google::protobuf::Message& message) {
  absl::StatusOr<FileFormat> format = FormatForPath(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> data = SerializeProto(message, *format);
  if (!data.ok()) return data.status();
  return WriteFileAtomically(path, *data);
}

}  // namespace tbp

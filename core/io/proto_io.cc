#include "core/io/proto_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read file '", path, "': ", std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading '", path, "'"));
  return buffer.str();
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

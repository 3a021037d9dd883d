// Reading and writing protobuf messages (graphs, schedules, specs, results)
// as files, in the format chosen by the file's extension:
//   .textproto .pbtxt .txtpb  protobuf text format
//   .json                     proto3 JSON mapping (field names as declared)
//   .pb .binpb                binary wire format
// Writes are atomic (a temporary file renamed into place), so a failed write
// never leaves a partial output file.
#ifndef TBP_CORE_IO_PROTO_IO_H_
#define TBP_CORE_IO_PROTO_IO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace tbp {

enum class FileFormat { kText, kJson, kBinary };

// The format for `path`'s extension; kInvalidArgument naming the path and the
// accepted extensions otherwise.
absl::StatusOr<FileFormat> FormatForPath(const std::string& path);

// Serialises `message` in `format`. JSON uses the declared field names and
// is newline-terminated; output is deterministic for a given message.
absl::StatusOr<std::string> SerializeProto(const google::protobuf::Message& message,
                                           FileFormat format);

// Parses `data` in `format` into `message` (cleared first). Errors name
// `what` (e.g. the file path) and the parser's complaint. A `string` field
// that is not valid UTF-8 is an error in every format (text: naming the
// field's path, e.g. "tbp.proto.Graph.nodes[1].name is not valid UTF-8").
absl::Status ParseProto(const std::string& data, FileFormat format, const std::string& what,
                        google::protobuf::Message* message);

// Reads `path` into `message`. kNotFound if the file cannot be read;
// kInvalidArgument if it is a directory or does not parse.
absl::Status ReadProtoFile(const std::string& path, google::protobuf::Message* message);

// Writes `message` to `path` atomically.
absl::Status WriteProtoFile(const std::string& path, const google::protobuf::Message& message);

// Writes `contents` to `path` atomically: the data goes into an unnamed
// temporary file in the same directory (O_TMPFILE; a named one, ".tbp-<pid>-
// <n>", on filesystems without it), which is named and renamed over `path`
// only once complete. A process killed while writing leaves either no file
// or the old one, never a partial one, and no temporary to find (but for
// the instant between naming and renaming). The temporary name is short,
// so any final name the filesystem accepts works. kInvalidArgument if
// `path` is a directory; kPermissionDenied / kDataLoss naming the path if
// the directory cannot be written.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Reads the whole file at `path`. kNotFound if it cannot be read;
// kInvalidArgument if it is a directory.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace tbp

#endif  // TBP_CORE_IO_PROTO_IO_H_

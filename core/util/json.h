// A tiny deterministic JSON object writer for reports (`--format=json`):
// keys keep insertion order, integers stay integers, doubles print with
// "%.10g", strings are escaped per RFC 8259.
#ifndef TBP_CORE_UTIL_JSON_H_
#define TBP_CORE_UTIL_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace tbp {

class JsonObject {
 public:
  JsonObject& Add(absl::string_view key, int64_t value);
  JsonObject& Add(absl::string_view key, int value) { return Add(key, int64_t{value}); }
  JsonObject& Add(absl::string_view key, double value);
  JsonObject& Add(absl::string_view key, bool value);
  JsonObject& Add(absl::string_view key, absl::string_view value);
  JsonObject& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  JsonObject& Add(absl::string_view key, const JsonObject& value);
  JsonObject& Add(absl::string_view key, const std::vector<JsonObject>& values);
  JsonObject& Add(absl::string_view key, const std::vector<int64_t>& values);
  // Adds already-serialised JSON.
  JsonObject& AddRaw(absl::string_view key, std::string json);

  // Serialised with two-space indentation starting at `indent`.
  std::string ToString(int indent = 0) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// `s` as a quoted, escaped JSON string.
std::string JsonString(absl::string_view s);

}  // namespace tbp

#endif  // TBP_CORE_UTIL_JSON_H_

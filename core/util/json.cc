#include "core/util/json.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tbp {

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::AddRaw(absl::string_view key, std::string json) {
  fields_.emplace_back(std::string(key), std::move(json));
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, int64_t value) {
  return AddRaw(key, absl::StrCat(value));
}

JsonObject& JsonObject::Add(absl::string_view key, double value) {
  if (!std::isfinite(value)) return AddRaw(key, "null");
  return AddRaw(key, absl::StrFormat("%.10g", value));
}

JsonObject& JsonObject::Add(absl::string_view key, bool value) {
  return AddRaw(key, value ? "true" : "false");
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view value) {
  return AddRaw(key, JsonString(value));
}

JsonObject& JsonObject::Add(absl::string_view key, const JsonObject& value) {
  return AddRaw(key, value.ToString(0));
}

JsonObject& JsonObject::Add(absl::string_view key, const std::vector<JsonObject>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", values[i].ToString(0));
  }
  return AddRaw(key, out + "]");
}

JsonObject& JsonObject::Add(absl::string_view key, const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) absl::StrAppend(&out, i ? ", " : "", values[i]);
  return AddRaw(key, out + "]");
}

std::string JsonObject::ToString(int indent) const {
  if (fields_.empty()) return "{}";
  const std::string pad(indent + 2, ' ');
  std::string out = "{\n";
  for (size_t i = 0; i < fields_.size(); ++i) {
    // Nested objects are re-indented line by line.
    std::string value = fields_[i].second;
    std::string indented;
    for (char c : value) {
      indented += c;
      if (c == '\n') indented += pad;
    }
    absl::StrAppend(&out, pad, JsonString(fields_[i].first), ": ", indented,
                    i + 1 < fields_.size() ? ",\n" : "\n");
  }
  return out + std::string(indent, ' ') + "}";
}

}  // namespace tbp

#include "experiments/csv.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tbp::experiments {
namespace {

const std::string& Empty() {
  static const std::string* empty = new std::string;
  return *empty;
}

}  // namespace

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(fields[i]);
  }
  return line + "\n";
}

bool CsvTable::Has(absl::string_view column) const {
  return column_.find(column) != column_.end();
}

const std::string& CsvTable::At(const std::vector<std::string>& row,
                                absl::string_view column) const {
  auto it = column_.find(column);
  return it == column_.end() ? Empty() : row[it->second];
}

absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, absl::string_view what) {
  CsvTable t;
  bool have_header = false;
  size_t i = 0;
  int64_t line = 0;
  while (i < text.size()) {
    ++line;
    const size_t start = i;
    if (!have_header && text[i] == '#') {  // A comment line.
      const size_t end = text.find('\n', i);
      i = end == absl::string_view::npos ? text.size() : end + 1;
      continue;
    }
    // One record: fields up to an unquoted '\n' (or the end).
    std::vector<std::string> fields(1);
    bool quoted = false;
    const int64_t first_line = line;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          fields.back() += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line;
          fields.back() += c;
        }
      } else if (c == '"' && fields.back().empty()) {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else if (c == '\n') {
        ++i;
        break;
      } else if (c != '\r') {
        fields.back() += c;
      }
    }
    if (quoted) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d: a quoted field is not closed", what, first_line));
    }
    if (fields.size() == 1 && fields[0].empty() && i - start <= 2) continue;  // Blank line.
    if (!have_header) {
      for (int c = 0; c < static_cast<int>(fields.size()); ++c) {
        if (!t.column_.emplace(fields[c], c).second) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: line %d: column '%s' appears twice in the header", what, first_line,
              fields[c]));
        }
      }
      t.header_ = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != t.header_.size()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d has %d fields, the header %d", what, first_line, fields.size(),
          t.header_.size()));
    }
    t.rows_.push_back(std::move(fields));
  }
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": no header line"));
  }
  return t;
}

}  // namespace tbp::experiments

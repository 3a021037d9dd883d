// The one CSV dialect of tiny-backprop: every CSV an experiment writes and
// every CSV the paper reads goes through this file (RFC 4180 subset).
//   - Fields are separated by ','; lines end in '\n'.
//   - A field is quoted ("...", a quote inside doubled) exactly when it
//     contains ',', '"', '\r' or '\n'; otherwise it is written as is.
//   - Lines before the header that start with '#' are comments.
//   - The first other line is the header; every row has exactly as many
//     fields as the header (a short or long row is an error, never skipped).
#ifndef TBP_EXPERIMENTS_CSV_H_
#define TBP_EXPERIMENTS_CSV_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tbp::experiments {

// `s` as one CSV field (quoted only when it must be).
std::string CsvField(absl::string_view s);

// The fields, each through CsvField, joined by ',' and ended by '\n'.
std::string CsvLine(const std::vector<std::string>& fields);

// A parsed CSV: the header and the rows, each as wide as the header.
class CsvTable {
 public:
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }
  bool Has(absl::string_view column) const;
  // The field of `row` under `column`; "" if the table has no such column.
  const std::string& At(const std::vector<std::string>& row, absl::string_view column) const;

 private:
  friend absl::StatusOr<CsvTable> ParseCsv(absl::string_view, absl::string_view);
  std::vector<std::string> header_;
  std::map<std::string, int, std::less<>> column_;
  std::vector<std::vector<std::string>> rows_;
};

// Parses `text`. kInvalidArgument naming `what` (e.g. the file) and the
// line: no header, a repeated column name, a row of the wrong width, an
// unterminated quote. An empty row (a blank line) is skipped. O(size).
absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, absl::string_view what);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_CSV_H_

#include "experiments/csv.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp::experiments {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvTest, QuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(CsvField("plain text: 5 bytes"), "plain text: 5 bytes");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvLine({"x", "", "a,b"}), "x,,\"a,b\"\n");
}

TEST(CsvTest, RoundTripsWhatItWrites) {
  const std::vector<std::string> row = {"a,b", "say \"hi\"", "", "two\nlines", "7"};
  const std::string text = "# comment, with a comma\n" + CsvLine({"p", "q", "r", "s", "t"}) +
                           CsvLine(row) + CsvLine({"1", "2", "3", "4", "5"});
  absl::StatusOr<CsvTable> t = ParseCsv(text, "t.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->header(), ElementsAre("p", "q", "r", "s", "t"));
  ASSERT_EQ(t->rows().size(), 2u);
  EXPECT_EQ(t->rows()[0], row);
  EXPECT_EQ(t->At(t->rows()[1], "s"), "4");
  EXPECT_TRUE(t->Has("q"));
  EXPECT_FALSE(t->Has("z"));
  EXPECT_EQ(t->At(t->rows()[1], "z"), "");
}

TEST(CsvTest, MalformedTablesAreNamedErrors) {
  absl::StatusOr<CsvTable> short_row = ParseCsv("a,b,c\n1,2,3\n4,5\n", "x.csv");
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_row.status().message(), HasSubstr("x.csv: line 3 has 2 fields, the header 3"));
  absl::StatusOr<CsvTable> long_row = ParseCsv("a\n1,2\n", "y.csv");
  EXPECT_THAT(long_row.status().message(), HasSubstr("y.csv: line 2 has 2 fields"));
  absl::StatusOr<CsvTable> open_quote = ParseCsv("a,b\n\"1,2\n", "z.csv");
  EXPECT_THAT(open_quote.status().message(), HasSubstr("z.csv: line 2: a quoted field"));
  EXPECT_THAT(ParseCsv("# only a comment\n", "c.csv").status().message(),
              HasSubstr("c.csv: no header line"));
  EXPECT_THAT(ParseCsv("a,a\n", "d.csv").status().message(),
              HasSubstr("column 'a' appears twice"));
}

TEST(CsvTest, BlankLinesAndCarriageReturnsAreIgnored) {
  absl::StatusOr<CsvTable> t = ParseCsv("a,b\r\n1,2\r\n\n3,4\n", "w.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 2u);
  EXPECT_THAT(t->rows()[1], ElementsAre("3", "4"));
}

}  // namespace
}  // namespace tbp::experiments

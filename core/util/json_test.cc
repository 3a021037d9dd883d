#include "core/util/json.h"

#include "gtest/gtest.h"

namespace tbp {
namespace {

TEST(JsonTest, ObjectsKeepOrderAndTypes) {
  JsonObject inner;
  inner.Add("k", int64_t{3});
  JsonObject o;
  o.Add("name", "a\"b\n").Add("n", int64_t{-7}).Add("x", 0.5).Add("ok", true).Add("in", inner);
  o.Add("list", std::vector<int64_t>{1, 2});
  EXPECT_EQ(o.ToString(),
            "{\n  \"name\": \"a\\\"b\\n\",\n  \"n\": -7,\n  \"x\": 0.5,\n  \"ok\": true,\n"
            "  \"in\": {\n    \"k\": 3\n  },\n  \"list\": [1, 2]\n}");
  EXPECT_EQ(JsonObject().ToString(), "{}");
  EXPECT_EQ(JsonString(std::string("\x01", 1)), "\"\\u0001\"");
}

}  // namespace
}  // namespace tbp

#include "experiments/exact_scaling.h"

#include <string>

#include "experiments/csv.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace tbp::experiments {
namespace {

using ::testing::HasSubstr;

proto::ExperimentSpec Spec(const std::string& text) {
  proto::ExperimentSpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &spec));
  return spec;
}

// Unit chains of 4 and 6 nodes at the budget halfway between the lower
// bound and store-all: both exact methods prove the optimum quickly, and
// agree (the library fails the run otherwise).
TEST(ExactScalingTest, BothMethodsProveAndAgreeOnSmallChains) {
  const proto::ExperimentSpec spec = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 4 } sizes: [4, 6] }
    planners { options { planner: "exhaustive" } budget_fractions: [0.5] }
    planners { options { planner: "exact" } budget_fractions: [0.5] }
  )pb");
  absl::StatusOr<std::string> csv = RunExactScaling(spec, 60, nullptr);
  ASSERT_TRUE(csv.ok()) << csv.status();
  absl::StatusOr<CsvTable> t = ParseCsv(*csv, "exact_scaling");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 4u);  // 2 sizes x 2 methods
  for (const auto& row : t->rows()) {
    EXPECT_EQ(t->At(row, "status"), "optimal") << t->At(row, "method");
    EXPECT_FALSE(t->At(row, "recompute_cost").empty());
  }
  EXPECT_EQ(t->At(t->rows()[0], "recompute_cost"), t->At(t->rows()[1], "recompute_cost"));
}

// A method that cannot take the graph is marked too_large by its status
// code, and skipped on the larger sizes of the family.
TEST(ExactScalingTest, GraphsBeyondAMethodAreTooLargeThenSkipped) {
  const proto::ExperimentSpec spec = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 4 } sizes: [70, 80] }
    planners { options { planner: "exact" } budget_fractions: [1] }
  )pb");
  absl::StatusOr<std::string> csv = RunExactScaling(spec, 5, nullptr);
  ASSERT_TRUE(csv.ok()) << csv.status();
  absl::StatusOr<CsvTable> t = ParseCsv(*csv, "exact_scaling");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 2u);
  EXPECT_EQ(t->At(t->rows()[0], "status"), "too_large");
  EXPECT_EQ(t->At(t->rows()[1], "status"), "skipped");
}

TEST(ExactScalingTest, BadInputsAreNamed) {
  const proto::ExperimentSpec heuristic = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 4 } }
    planners { options { planner: "budget" } budget_fractions: [0.5] }
  )pb");
  absl::StatusOr<std::string> csv = RunExactScaling(heuristic, 60, nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(csv.status().message(), HasSubstr("planners[0].options.planner = 'budget'"));
  const proto::ExperimentSpec ok = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 4 } }
    planners { options { planner: "exhaustive" } budget_fractions: [0.5] }
  )pb");
  csv = RunExactScaling(ok, 0, nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(csv.status().message(), HasSubstr("--time_limit_s = 0"));
}

}  // namespace
}  // namespace tbp::experiments

#include "experiments/replay_fidelity.h"

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

// A small chain: every planner's replayed peak equals the simulated one and
// its gradients match store-all's; a budget below the planner's reach is a
// row with its error, not a failure of the run.
TEST(ReplayFidelityTest, ReplayAgreesWithTheSimulator) {
  const proto::ExperimentSpec spec = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 12 base_bytes: 64 } }
    planners { options { planner: "store_all" } }
    planners { options { planner: "periodic" } }
    planners { options { planner: "budget" } budget_fractions: [0, 0.5] }
  )pb");
  ReplayFidelityOptions options;
  options.repeats = 1;
  absl::StatusOr<ReplayFidelityOutput> out = RunReplayFidelity(spec, options, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  absl::StatusOr<CsvTable> t = ParseCsv(out->csv, "csv");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 4u);
  int ok = 0;
  for (const auto& row : t->rows()) {
    if (t->At(row, "status") != "ok") continue;
    ++ok;
    EXPECT_EQ(t->At(row, "peaks_equal"), "1") << t->At(row, "planner_label");
    EXPECT_EQ(t->At(row, "gradients_match"), "1") << t->At(row, "planner_label");
    EXPECT_EQ(t->At(row, "simulated_peak_bytes"), t->At(row, "measured_peak_bytes"));
  }
  EXPECT_GE(ok, 3);
  absl::StatusOr<CsvTable> timing = ParseCsv(out->timing_csv, "timing");
  ASSERT_TRUE(timing.ok()) << timing.status();
  EXPECT_TRUE(timing->Has("time_overhead"));
  EXPECT_EQ(timing->rows().size(), 4u);
}

TEST(ReplayFidelityTest, BadOptionsAreNamed) {
  const proto::ExperimentSpec spec = Spec(R"pb(
    name: "t"
    graphs { label: "chain" generator { family: CHAIN nodes: 4 base_bytes: 64 } }
    planners { options { planner: "store_all" } }
  )pb");
  ReplayFidelityOptions options;
  options.repeats = 0;
  absl::StatusOr<ReplayFidelityOutput> out = RunReplayFidelity(spec, options, nullptr);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("--repeats = 0"));
  options.repeats = 1;
  options.batch = 0;
  out = RunReplayFidelity(spec, options, nullptr);
  EXPECT_THAT(out.status().message(), HasSubstr("--batch = 0"));
}

}  // namespace
}  // namespace tbp::experiments

// Every committed spec parses and validates for the experiment binary that
// runs it (experiments/BUILD), so a typo fails here in seconds instead of
// at the end of a long build.
#include <string>

#include "core/io/proto_io.h"
#include "experiments/runner.h"
#include "gtest/gtest.h"
#include "proto/experiment.pb.h"

namespace tbp::experiments {
namespace {

struct SpecCase {
  const char* path;
  ExperimentKind kind;
};

class SpecsTest : public ::testing::TestWithParam<SpecCase> {};

TEST_P(SpecsTest, ParsesAndValidates) {
  proto::ExperimentSpec spec;
  const absl::Status read = ReadProtoFile(GetParam().path, &spec);
  ASSERT_TRUE(read.ok()) << read;
  const absl::Status valid = ValidateExperimentSpec(spec, GetParam().kind);
  EXPECT_TRUE(valid.ok()) << GetParam().path << ": " << valid;
  EXPECT_FALSE(ExpandInstances(spec).empty());
}

INSTANTIATE_TEST_SUITE_P(
    Committed, SpecsTest,
    ::testing::Values(
        SpecCase{"experiments/specs/random_dags.textproto", ExperimentKind::kRandomDags},
        SpecCase{"experiments/specs/compare_checkpointing.textproto",
                 ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/specs/lower_bound_gap.textproto", ExperimentKind::kLowerBoundGap},
        SpecCase{"experiments/specs/lower_bound_gap_exact.textproto",
                 ExperimentKind::kLowerBoundGap},
        SpecCase{"experiments/specs/frontier_profiles.textproto",
                 ExperimentKind::kFrontierProfiles},
        SpecCase{"experiments/specs/planner_runtime_scaling.textproto",
                 ExperimentKind::kRuntimeScaling},
        // replay_fidelity validates its spec as a compare_checkpointing one.
        SpecCase{"experiments/specs/replay_fidelity.textproto",
                 ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/testdata/tiny.textproto", ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/testdata/tiny.textproto", ExperimentKind::kRandomDags}));

}  // namespace
}  // namespace tbp::experiments

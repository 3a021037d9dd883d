// Every committed spec parses and validates for the experiment binary that
// runs it (experiments/BUILD), so a typo fails here in seconds instead of
// at the end of a long build.
#include <string>
#include <vector>

#include "core/io/proto_io.h"
#include "experiments/runner.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/experiment.pb.h"
#include "proto/generator.pb.h"

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
        SpecCase{"experiments/specs/cluster_sweep.textproto", ExperimentKind::kLowerBoundGap},
        SpecCase{"experiments/testdata/tiny_cluster_sweep.textproto",
                 ExperimentKind::kLowerBoundGap},
        SpecCase{"experiments/specs/peers.textproto", ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/specs/peers_milp.textproto",
                 ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/specs/peers_zoo.textproto",
                 ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/specs/peers_zoo_timing.textproto",
                 ExperimentKind::kRuntimeScaling},
        SpecCase{"experiments/specs/frontier_profiles.textproto",
                 ExperimentKind::kFrontierProfiles},
        SpecCase{"experiments/specs/planner_runtime_scaling.textproto",
                 ExperimentKind::kRuntimeScaling},
        // replay_fidelity validates its spec as a compare_checkpointing one.
        SpecCase{"experiments/specs/replay_fidelity.textproto",
                 ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/testdata/tiny.textproto", ExperimentKind::kCompareCheckpointing},
        SpecCase{"experiments/testdata/tiny.textproto", ExperimentKind::kRandomDags}));

// determinism_test checks the cluster sweep's shard-count independence on
// its small version: that only stands for the real spec if both have the
// same planners and the same graph families, and the small one has at
// least as many instances as cluster_sweep_results has shards (64), and the
// real one too.
TEST(ClusterSweepTest, SmallVersionMirrorsTheClusterSpec) {
  proto::ExperimentSpec full, tiny;
  ASSERT_TRUE(ReadProtoFile("experiments/specs/cluster_sweep.textproto", &full).ok());
  ASSERT_TRUE(ReadProtoFile("experiments/testdata/tiny_cluster_sweep.textproto", &tiny).ok());
  ASSERT_EQ(full.planners_size(), tiny.planners_size());
  for (int i = 0; i < full.planners_size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(full.planners(i),
                                                                   tiny.planners(i)))
        << "planners[" << i << "]: " << full.planners(i).ShortDebugString() << " vs "
        << tiny.planners(i).ShortDebugString();
  }
  auto families = [](const proto::ExperimentSpec& spec) {
    std::vector<std::string> out;
    for (const proto::GraphSource& g : spec.graphs()) {
      out.push_back(g.label() + ":" + proto::Family_Name(g.generator().family()));
    }
    return out;
  };
  EXPECT_EQ(families(full), families(tiny));
  EXPECT_EQ(full.exact_max_nodes(), tiny.exact_max_nodes());
  EXPECT_GE(ExpandInstances(tiny).size(), 64u);
  EXPECT_GE(ExpandInstances(full).size(), 64u);
}

}  // namespace
}  // namespace tbp::experiments

#include "experiments/runner.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/io/proto_io.h"
#include "experiments/csv.h"
#include "experiments/results_csv.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/experiment.pb.h"
#include "proto/result.pb.h"

namespace tbp::experiments {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

proto::ExperimentSpec ParseSpec(const std::string& text) {
  proto::ExperimentSpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &spec)) << text;
  return spec;
}

// Two chains (sizes 8 and 12) and two random DAGs (seeds 5, 6): 4 instances.
proto::ExperimentSpec SmallSpec() {
  return ParseSpec(R"pb(
    name: "small"
    graphs {
      label: "chain"
      generator { family: CHAIN }
      sizes: [ 8, 12 ]
    }
    graphs {
      label: "dense"
      generator { family: RANDOM_DAG nodes: 16 fan_in: 3 window: 4 long_range_prob: 0.5 }
      first_seed: 5
      num_seeds: 2
    }
    planners { options { planner: "store_all" } }
    planners { options { planner: "periodic" } segment_lengths: [ 2, 4 ] }
    planners { options { planner: "budget" } budget_fractions: [ 0, 0.5, 1 ] }
  )pb");
}

absl::Status Validate(const std::string& text,
                      ExperimentKind kind = ExperimentKind::kCompareCheckpointing) {
  return ValidateExperimentSpec(ParseSpec(text), kind);
}

// A valid spec with one graph source `graph` and one planner sweep `planner`.
std::string WithGraph(const std::string& graph,
                      const std::string& planner = R"(options { planner: "store_all" })") {
  return "name: \"t\" graphs { " + graph + " } planners { " + planner + " }";
}

constexpr char kChain[] = R"(label: "c" generator { family: CHAIN nodes: 8 })";

// ---------------------------------------------------------------------------
// Validation: every error names the field path and the value.

TEST(ValidateExperimentSpecTest, AcceptsSmallSpec) {
  EXPECT_TRUE(ValidateExperimentSpec(SmallSpec(), ExperimentKind::kRandomDags).ok());
}

TEST(ValidateExperimentSpecTest, NamesNegativeNumSeedsWithItsIndex) {
  const absl::Status s = Validate(
      R"(name: "t"
         graphs { label: "a" generator { family: CHAIN nodes: 4 } }
         graphs { label: "b" generator { family: CHAIN nodes: 4 } }
         graphs { label: "c" generator { family: CHAIN nodes: 4 } num_seeds: -1 }
         planners { options { planner: "store_all" } })");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("ExperimentSpec.graphs[2].num_seeds = -1"));
}

// A spec that would expand to more instances than memory holds is an
// error before expansion (seen while writing tests/fuzz: num_seeds = 2^62
// passed validation, and ExpandInstances would exhaust memory).
TEST(ValidateExperimentSpecTest, BoundsTheExpansion) {
  absl::Status s = Validate(
      R"(name: "t"
         graphs { label: "a" generator { family: CHAIN nodes: 4 } num_seeds: 4611686018427387904 }
         planners { options { planner: "store_all" } })");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("graphs[0].num_seeds = 4611686018427387904: must be at "
                                     "most 1000000"));
  // 1,000,000 seeds are allowed; times 2 sizes they are not (2,000,000).
  EXPECT_TRUE(Validate(R"(name: "t"
         graphs { label: "a" generator { family: CHAIN nodes: 4 } num_seeds: 1000000 }
         planners { options { planner: "store_all" } })")
                  .ok());
  s = Validate(
      R"(name: "t"
         graphs { label: "a" generator { family: CHAIN nodes: 4 } num_seeds: 1000000
                  sizes: [4, 5] }
         planners { options { planner: "store_all" } })");
  EXPECT_THAT(s.message(), HasSubstr("ExperimentSpec.graphs: the spec expands to more than "
                                     "1000000 graph instances"));
  // Summed over sources: 600,000 + 600,000.
  s = Validate(
      R"(name: "t"
         graphs { label: "a" generator { family: CHAIN nodes: 4 } num_seeds: 600000 }
         graphs { label: "b" generator { family: CHAIN nodes: 4 } num_seeds: 600000 }
         planners { options { planner: "store_all" } })");
  EXPECT_THAT(s.message(), HasSubstr("expands to more than 1000000"));
}

TEST(ValidateExperimentSpecTest, RejectsBadNamesAndLabels) {
  EXPECT_THAT(Validate(R"(graphs { label: "a" generator { family: CHAIN nodes: 4 } }
                          planners { options { planner: "store_all" } })")
                  .message(),
              HasSubstr("ExperimentSpec.name = ''"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a b" generator { family: CHAIN nodes: 4 })"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].label = 'a b'"));
  EXPECT_THAT(Validate(R"(name: "t"
                          graphs { label: "a" generator { family: CHAIN nodes: 4 } }
                          graphs { label: "a" generator { family: CHAIN nodes: 5 } }
                          planners { options { planner: "store_all" } })")
                  .message(),
              HasSubstr("ExperimentSpec.graphs[1].label = 'a' repeats"));
  EXPECT_THAT(Validate(R"(name: "t" planners { options { planner: "store_all" } })").message(),
              HasSubstr("ExperimentSpec.graphs: at least one"));
}

TEST(ValidateExperimentSpecTest, RejectsBadGraphSources) {
  EXPECT_THAT(Validate(WithGraph(R"(label: "a")")).message(),
              HasSubstr("graphs[0] ('a'): give exactly one of generator and graph_file"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" generator { family: CHAIN nodes: 4 }
                                    graph_file: "g.textproto")"))
                  .message(),
              HasSubstr("exactly one of generator and graph_file"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" generator { family: CHAIN nodes: 4 }
                                    seeds: [1] num_seeds: 2)"))
                  .message(),
              HasSubstr("graphs[0].num_seeds = 2 and seeds (1 values) are both given"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" generator { family: CHAIN } sizes: [4, 0])"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].sizes[1] = 0: must be >= 1"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" graph_file: "g.textproto" sizes: [4])"))
                  .message(),
              HasSubstr("graphs[0].graph_file = 'g.textproto': seeds, num_seeds and sizes"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" graph_file: "g.txt")")).message(),
              HasSubstr("ExperimentSpec.graphs[0].graph_file: "));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" graph_file: "g.textproto" onnx_batch: 8)"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].onnx_batch = 8: must be >= 0, and only with "
                        "a .onnx graph_file"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" graph_file: "m.onnx" onnx_batch: -1)"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].onnx_batch = -1"));
  EXPECT_TRUE(Validate(WithGraph(R"(label: "a" graph_file: "m.onnx" onnx_batch: 4)")).ok());
}

TEST(ValidateExperimentSpecTest, RejectsBadSweepFields) {
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" sweep: "long range" sweep_value: 1
                                    generator { family: CHAIN nodes: 4 })"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].sweep = 'long range': must use only"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" sweep_value: 0.5
                                    generator { family: CHAIN nodes: 4 })"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].sweep_value = 0.5: must be finite, and only "
                        "with .sweep"));
  EXPECT_THAT(Validate(WithGraph(R"(label: "a" sweep: "s" sweep_value: inf
                                    generator { family: CHAIN nodes: 4 })"))
                  .message(),
              HasSubstr("ExperimentSpec.graphs[0].sweep_value = inf"));
  EXPECT_TRUE(Validate(WithGraph(R"(label: "a" sweep: "s" sweep_value: -2
                                    generator { family: CHAIN nodes: 4 })"))
                  .ok());
}

TEST(RunExperimentTest, RecordsCarryTheSweepPointAndTheGraphFeatures) {
  const proto::ExperimentSpec spec = ParseSpec(R"pb(
    name: "sweep"
    graphs {
      label: "p"
      sweep: "fan_in"
      sweep_value: 2
      generator { family: CHAIN nodes: 9 }
    }
    planners { options { planner: "store_all" } }
  )pb");
  absl::StatusOr<proto::RunResults> r =
      RunExperiment(spec, ExperimentKind::kCompareCheckpointing, {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(r->records(), SizeIs(1));
  const proto::RunRecord& rec = r->records(0);
  EXPECT_EQ(rec.sweep(), "fan_in");
  EXPECT_EQ(rec.sweep_value(), 2);
  EXPECT_EQ(rec.depth(), 9);  // a chain: every node on the longest path
  EXPECT_EQ(rec.long_skip_fraction(), 0);
  EXPECT_NEAR(rec.max_activation_fraction(), 1.0 / 9, 1e-12);  // equal sizes
}

TEST(ValidateExperimentSpecTest, PrefixesGeneratorErrorsWithThePath) {
  const absl::Status s = Validate(WithGraph(
      R"(label: "a" generator { family: LAYERED layers: 3 width: 2 edge_prob: 1.5 })"));
  EXPECT_THAT(s.message(), AllOf(HasSubstr("ExperimentSpec.graphs[0].generator: "),
                                 HasSubstr("edge_prob = 1.5")));
  // A size from `sizes` is named too.
  const absl::Status t = Validate(WithGraph(R"(label: "a" generator { family: CHAIN }
                                               sizes: [4, 100000000])"));
  EXPECT_THAT(t.message(), HasSubstr("graphs[0].generator (with nodes = 100000000 from sizes)"));
}

TEST(ValidateExperimentSpecTest, RejectsBadPlannerSweeps) {
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "nope" })")).message(),
              AllOf(HasSubstr("ExperimentSpec.planners[0].options: "), HasSubstr("'nope'")));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "periodic" } slots: [2])"))
                  .message(),
              HasSubstr("planners[0].slots is a knob of revolve, but options.planner = "
                        "'periodic'"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "interval_tree" }
                                            block_sizes: [2] arities: [2])"))
                  .message(),
              HasSubstr("both block_sizes and arities are given"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "budget" }
                                            budget_fractions: [0.5, 1.5])"))
                  .message(),
              HasSubstr("ExperimentSpec.planners[0].budget_fractions[1] = 1.5: must be in [0, 1]"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "budget" }
                                            budget_fractions: [nan])"))
                  .message(),
              HasSubstr("budget_fractions[0] = nan: must be in [0, 1]"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "interval_tree" } arities: [1])"))
                  .message(),
              HasSubstr("planners[0].arities[0] = 1: must be >= 2"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "periodic" }
                                            segment_lengths: [0])"))
                  .message(),
              HasSubstr("planners[0].segment_lengths[0] = 0: must be >= 1"));
  // A budget planner without a budget or budget fractions.
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "budget" })")).message(),
              HasSubstr("planners[0].options: PlannerOptions.budget_bytes is missing"));
  EXPECT_THAT(Validate("name: \"t\" graphs { " + std::string(kChain) +
                       " } planners { options { planner: \"store_all\" } }"
                       " planners { options { planner: \"store_all\" } }")
                  .message(),
              HasSubstr("planners[1]: label 'store_all' repeats"));
}

TEST(ValidateExperimentSpecTest, BudgetsOfExactAndMinFeasibleBudget) {
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "exact" })")).message(),
              HasSubstr("planners[0].options: PlannerOptions.budget_bytes is missing"));
  EXPECT_TRUE(
      Validate(WithGraph(kChain, R"(options { planner: "exact" } budget_fractions: [0])")).ok());
  EXPECT_TRUE(
      Validate(WithGraph(kChain, R"(options { planner: "budget" } min_feasible_budget: true)"))
          .ok());
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "periodic" }
                                            min_feasible_budget: true)"))
                  .message(),
              HasSubstr("planners[0].min_feasible_budget is a budget option, but "
                        "options.planner = 'periodic'"));
  EXPECT_THAT(Validate(WithGraph(kChain, R"(options { planner: "budget" }
                                            min_feasible_budget: true budget_fractions: [0.5])"))
                  .message(),
              HasSubstr("min_feasible_budget and budget_fractions are both given"));
  EXPECT_THAT(Validate("exact_max_nodes: 65 " + WithGraph(kChain)).message(),
              HasSubstr("ExperimentSpec.exact_max_nodes = 65: must be in [0, 64]"));
}

TEST(ValidateExperimentSpecTest, KindSpecificRules) {
  EXPECT_THAT(Validate(WithGraph(kChain), ExperimentKind::kFrontierProfiles).message(),
              HasSubstr("ExperimentSpec.planners: 1 given, but frontier_profiles takes none"));
  EXPECT_TRUE(Validate("name: \"t\" graphs { " + std::string(kChain) + " }",
                       ExperimentKind::kFrontierProfiles)
                  .ok());
  EXPECT_THAT(Validate("name: \"t\" graphs { " + std::string(kChain) + " }",
                       ExperimentKind::kLowerBoundGap)
                  .message(),
              HasSubstr("lower_bound_gap needs at least one planner"));
  EXPECT_THAT(Validate("exact_max_nodes: 4 " + WithGraph(kChain),
                       ExperimentKind::kRuntimeScaling)
                  .message(),
              HasSubstr("ExperimentSpec.exact_max_nodes = 4: planner_runtime_scaling"));
  EXPECT_THAT(Validate("timing_repetitions: -2 " + WithGraph(kChain)).message(),
              HasSubstr("ExperimentSpec.timing_repetitions = -2"));
}

TEST(ValidateShardOptionsTest, NamesTheFlag) {
  EXPECT_TRUE(ValidateShardOptions({2, 3}).ok());
  EXPECT_THAT(ValidateShardOptions({0, 0}).message(), HasSubstr("--num_shards = 0"));
  EXPECT_THAT(ValidateShardOptions({3, 3}).message(),
              HasSubstr("--shard_index = 3: must be in [0, 3)"));
  EXPECT_THAT(ValidateShardOptions({-1, 3}).message(), HasSubstr("--shard_index = -1"));
}

TEST(ExperimentKindTest, NamesRoundTrip) {
  for (ExperimentKind k :
       {ExperimentKind::kRandomDags, ExperimentKind::kCompareCheckpointing,
        ExperimentKind::kLowerBoundGap, ExperimentKind::kRuntimeScaling,
        ExperimentKind::kFrontierProfiles}) {
    absl::StatusOr<ExperimentKind> parsed = ParseExperimentKind(ExperimentKindName(k));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, k);
  }
  EXPECT_THAT(ParseExperimentKind("nope").status().message(), HasSubstr("random_dags"));
}

// ---------------------------------------------------------------------------
// Expansion

TEST(ExpandTest, InstancesInSourceSizeSeedOrder) {
  const std::vector<GraphInstance> inst = ExpandInstances(SmallSpec());
  ASSERT_THAT(inst, SizeIs(4));
  EXPECT_EQ(inst[0].label, "chain");
  EXPECT_EQ(inst[0].size, 8);
  EXPECT_EQ(inst[0].generator.nodes(), 8);
  EXPECT_EQ(inst[1].generator.nodes(), 12);
  EXPECT_EQ(inst[2].label, "dense");
  EXPECT_EQ(inst[2].seed, 5u);
  EXPECT_EQ(inst[2].generator.seed(), 5u);
  EXPECT_EQ(inst[3].seed, 6u);
  EXPECT_EQ(inst[3].size, 16);  // no sizes: the generator's own
  EXPECT_EQ(inst[3].family, "random_dag");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(inst[i].instance_index, i);
}

TEST(ExpandTest, RunsPerKnobValue) {
  const std::vector<RunConfig> runs = ExpandRuns(SmallSpec());
  ASSERT_THAT(runs, SizeIs(1 + 2 + 3));
  EXPECT_EQ(runs[0].knob, "");
  EXPECT_EQ(runs[1].knob, "segment_length");
  EXPECT_EQ(runs[2].options.segment_length(), 4);
  EXPECT_EQ(runs[3].knob, "budget_fraction");
  EXPECT_TRUE(runs[5].budget_from_fraction);
  EXPECT_EQ(runs[5].knob_value, 1.0);
  EXPECT_EQ(runs[5].label, "budget");
}

// ---------------------------------------------------------------------------
// Execution

proto::RunResults MustRun(const proto::ExperimentSpec& spec,
                          ExperimentKind kind = ExperimentKind::kCompareCheckpointing,
                          ShardOptions shard = {}) {
  absl::StatusOr<proto::RunResults> r = RunExperiment(spec, kind, shard, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : proto::RunResults();
}

TEST(RunExperimentTest, RecordsEveryRunInOrderAndJudgesWithTheSimulator) {
  const proto::RunResults r = MustRun(SmallSpec());
  EXPECT_EQ(r.binary(), "compare_checkpointing");
  EXPECT_EQ(r.spec().name(), "small");
  ASSERT_EQ(r.records_size(), 4 * 6);
  for (int i = 0; i < r.records_size(); ++i) {
    const proto::RunRecord& rec = r.records(i);
    EXPECT_EQ(rec.run_index(), i);
    EXPECT_EQ(rec.instance_index(), i / 6);
    EXPECT_GE(rec.store_all_peak_bytes(), rec.lower_bound_bytes());
    if (!rec.valid()) continue;
    EXPECT_GE(rec.peak_bytes(), rec.lower_bound_bytes()) << rec.DebugString();
    EXPECT_EQ(rec.peak_bytes(), rec.peak_activation_bytes() + rec.peak_gradient_bytes());
  }
  // store_all's peak is the store-all peak, with no recomputation.
  EXPECT_EQ(r.records(0).peak_bytes(), r.records(0).store_all_peak_bytes());
  EXPECT_EQ(r.records(0).recompute_cost(), 0);
}

TEST(RunExperimentTest, BudgetFractionsSpanLowerBoundToStoreAll) {
  const proto::RunResults r = MustRun(SmallSpec());
  // Instance 0 is a unit chain of 8: lower bound 4 (BACKWARD of a node with
  // its input: 2 activations + 2 gradients), store-all peak 8 + 2 = 10.
  const proto::RunRecord& f0 = r.records(3);
  const proto::RunRecord& f05 = r.records(4);
  const proto::RunRecord& f1 = r.records(5);
  EXPECT_EQ(f0.lower_bound_bytes(), 4);
  EXPECT_EQ(f0.store_all_peak_bytes(), 10);
  EXPECT_EQ(f0.options().budget_bytes(), 4);
  EXPECT_EQ(f05.options().budget_bytes(), 4 + 3);  // floor(0.5 * 6)
  EXPECT_EQ(f1.options().budget_bytes(), 10);
  for (const proto::RunRecord* rec : {&f0, &f05, &f1}) {
    ASSERT_TRUE(rec->valid()) << rec->error();
    EXPECT_LE(rec->peak_bytes(), rec->options().budget_bytes());
  }
  EXPECT_EQ(f1.recompute_cost(), 0);
}

TEST(RunExperimentTest, InfeasibleBudgetIsAnInvalidRowNotAFailure) {
  // The budget planner only checkpoints frontier cuts of one order; on
  // densely cross-linked DAGs the lower bound is below every such plan.
  const proto::ExperimentSpec spec = ParseSpec(R"pb(
    name: "infeasible"
    graphs {
      label: "dense"
      generator { family: RANDOM_DAG nodes: 70 fan_in: 4 window: 4 long_range_prob: 0.7 }
      num_seeds: 4
    }
    planners { options { planner: "budget" } budget_fractions: [ 0 ] }
    planners { options { planner: "exhaustive" } budget_fractions: [ 0 ] }
    exact_max_nodes: 8
  )pb");
  const proto::RunResults r = MustRun(spec);
  ASSERT_EQ(r.records_size(), 8);
  int infeasible = 0;
  for (const proto::RunRecord& rec : r.records()) {
    if (rec.options().planner() == "budget" && !rec.valid()) {
      ++infeasible;
      EXPECT_THAT(rec.error(), HasSubstr("budget"));
      EXPECT_EQ(rec.peak_bytes(), 0);
    }
    if (rec.options().planner() == "exhaustive") {
      // 70 nodes: too many for the exhaustive search; recorded, not a crash.
      EXPECT_FALSE(rec.valid());
      EXPECT_THAT(rec.error(), HasSubstr("64"));
      EXPECT_FALSE(rec.has_exact());  // 70 > exact_max_nodes
    }
  }
  EXPECT_GE(infeasible, 1);
}

TEST(RunExperimentTest, ExactReferencesOnTinyGraphs) {
  const proto::ExperimentSpec spec = ParseSpec(R"pb(
    name: "exact"
    exact_max_nodes: 8
    graphs {
      label: "chain"
      generator { family: CHAIN nodes: 8 }
    }
    planners { options { planner: "exhaustive" } budget_fractions: [ 0, 1 ] }
    planners { options { planner: "revolve" } slots: [ 1, 2 ] }
    planners { options { planner: "interval_tree" } }
  )pb");
  const proto::RunResults r = MustRun(spec, ExperimentKind::kLowerBoundGap);
  ASSERT_EQ(r.records_size(), 5);
  for (const proto::RunRecord& rec : r.records()) {
    ASSERT_TRUE(rec.valid()) << rec.error();
    EXPECT_TRUE(rec.has_exact());
    // Unit chain of 8: the lower bound 4 is the true minimum memory.
    EXPECT_EQ(rec.exact_min_memory_bytes(), 4);
    EXPECT_LE(rec.exact_recompute_cost(), rec.recompute_cost());
  }
  // The exact rows are the optimum: equal to their own reference.
  EXPECT_EQ(r.records(0).recompute_cost(), r.records(0).exact_recompute_cost());
  EXPECT_EQ(r.records(0).peak_bytes(), 4);
  EXPECT_EQ(r.records(1).recompute_cost(), 0);
  // Revolve is optimal on unit chains (revolve.h): same cost as the optimum
  // at its own peak.
  EXPECT_EQ(r.records(2).recompute_cost(), r.records(2).exact_recompute_cost());
  EXPECT_EQ(r.records(3).recompute_cost(), r.records(3).exact_recompute_cost());
}

// min_feasible_budget is the least budget of the budget planner's
// frontier-cut DP (dp_only: the DP's plan space alone).
TEST(RunExperimentTest, MinFeasibleBudgetIsTheDpsLeastMemory) {
  const proto::ExperimentSpec spec = ParseSpec(R"pb(
    name: "min_budget"
    graphs {
      label: "chain"
      generator { family: CHAIN nodes: 8 }
    }
    graphs {
      label: "dense"
      generator { family: RANDOM_DAG nodes: 24 fan_in: 3 window: 4 long_range_prob: 0.5 }
      num_seeds: 3
    }
    planners {
      label: "budget_min"
      options { planner: "budget" dp_only: true }
      min_feasible_budget: true
    }
    planners {
      options { planner: "budget" dp_only: true }
      budget_fractions: [ 0, 0.1, 0.2, 0.4, 0.7, 1 ]
    }
  )pb");
  const proto::RunResults r = MustRun(spec, ExperimentKind::kLowerBoundGap);
  ASSERT_EQ(r.records_size(), 4 * 7);
  for (int i = 0; i < r.records_size(); i += 7) {
    const proto::RunRecord& least = r.records(i);
    ASSERT_TRUE(least.valid()) << least.error();
    EXPECT_EQ(least.knob(), "");
    EXPECT_GE(least.options().budget_bytes(), least.lower_bound_bytes());
    EXPECT_LE(least.peak_bytes(), least.options().budget_bytes());
    // No budget the sweep tries does better, and the ones below it fail.
    for (int k = 1; k < 7; ++k) {
      const proto::RunRecord& rec = r.records(i + k);
      if (rec.valid()) {
        EXPECT_GE(rec.peak_bytes(), least.peak_bytes()) << rec.DebugString();
      } else {
        EXPECT_LT(rec.options().budget_bytes(), least.options().budget_bytes());
      }
    }
  }
  // Unit chain of 8, uncoarsened: the least budget is the lower bound (4).
  EXPECT_EQ(r.records(0).options().budget_bytes(), 4);
}

TEST(RunExperimentTest, ShardsMergeIntoTheUnshardedResultByteForByte) {
  const proto::ExperimentSpec spec = SmallSpec();
  const proto::RunResults whole = MustRun(spec);
  std::vector<proto::RunResults> shards;
  for (int k = 2; k >= 0; --k) shards.push_back(MustRun(spec, ExperimentKind::kCompareCheckpointing, {k, 3}));
  EXPECT_LT(shards[0].records_size(), whole.records_size());
  absl::StatusOr<proto::RunResults> merged = MergeResults(shards);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->SerializeAsString(), whole.SerializeAsString());
  EXPECT_EQ(ResultsCsv(*merged, CsvLayout::kRuns), ResultsCsv(whole, CsvLayout::kRuns));
}

TEST(MergeResultsTest, RefusesMissingDuplicateAndForeignShards) {
  const proto::ExperimentSpec spec = SmallSpec();
  const proto::RunResults s0 = MustRun(spec, ExperimentKind::kCompareCheckpointing, {0, 2});
  const proto::RunResults s1 = MustRun(spec, ExperimentKind::kCompareCheckpointing, {1, 2});
  EXPECT_THAT(MergeResults({s0}).status().message(), HasSubstr("missing: give every shard"));
  EXPECT_THAT(MergeResults({s0, s1, s1}).status().message(), HasSubstr("present twice"));
  EXPECT_THAT(MergeResults({}).status().message(), HasSubstr("no shard results"));
  proto::RunResults foreign = s1;
  foreign.mutable_spec()->set_name("other");
  EXPECT_THAT(MergeResults({s0, foreign}).status().message(),
              HasSubstr("shard 1 comes from another spec"));
  EXPECT_TRUE(MergeResults({s1, s0}).ok());
}

TEST(RunExperimentTest, FrontierProfilesOnePerInstance) {
  proto::ExperimentSpec spec = SmallSpec();
  spec.clear_planners();
  const proto::RunResults r = MustRun(spec, ExperimentKind::kFrontierProfiles);
  EXPECT_EQ(r.records_size(), 0);
  ASSERT_EQ(r.profiles_size(), 4);
  // A chain's cuts each hold one node.
  const proto::FrontierProfile& chain = r.profiles(0);
  ASSERT_EQ(chain.width_bytes_size(), 8);
  EXPECT_EQ(chain.width_bytes(0), 1);
  EXPECT_EQ(chain.width_bytes(7), 0);  // the last cut is empty
  EXPECT_EQ(chain.peak_frontier_bytes(), 1);
  EXPECT_FALSE(chain.verdict().empty());
}

TEST(RunExperimentTest, RuntimeRecordsTimings) {
  proto::ExperimentSpec spec = SmallSpec();
  spec.set_timing_repetitions(2);
  const proto::RunResults r = MustRun(spec, ExperimentKind::kRuntimeScaling);
  ASSERT_GT(r.records_size(), 0);
  for (const proto::RunRecord& rec : r.records()) {
    EXPECT_GE(rec.order_seconds(), 0.0);
    if (rec.valid()) {
      EXPECT_GE(rec.plan_seconds(), 0.0);
    }
  }
  const std::string csv = ResultsCsv(r, CsvLayout::kRuntime);
  EXPECT_THAT(csv, HasSubstr("WALL-CLOCK"));
  EXPECT_THAT(csv, HasSubstr("plan_seconds"));
}

// An ONNX model as a graph file is imported at onnx_batch (as `tbp import`
// would: VGG-16 has 40 COMPUTE nodes), and its activations scale with the
// batch; a missing model is an error naming the source.
TEST(RunExperimentTest, OnnxGraphFilesAreImportedAtTheirBatch) {
  int64_t store_all[2] = {0, 0};
  for (int b = 1; b <= 2; ++b) {
    proto::ExperimentSpec spec;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        absl::StrCat(R"(name: "onnx" graphs { label: "vgg16" graph_file: "tools/zoo/vgg16.onnx"
                        onnx_batch: )",
                     b, R"( } planners { options { planner: "store_all" } })"),
        &spec));
    const proto::RunResults r = MustRun(spec);
    ASSERT_EQ(r.records_size(), 1);
    EXPECT_EQ(r.records(0).compute_nodes(), 40);
    EXPECT_TRUE(r.records(0).valid()) << r.records(0).error();
    store_all[b - 1] = r.records(0).store_all_peak_bytes();
  }
  EXPECT_GT(store_all[1], store_all[0]);
  proto::ExperimentSpec missing;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(name: "onnx" graphs { label: "m" graph_file: "no/such/model.onnx" onnx_batch: 1 }
         planners { options { planner: "store_all" } })",
      &missing));
  EXPECT_THAT(std::string(RunExperiment(missing, ExperimentKind::kCompareCheckpointing, {},
                                        nullptr)
                              .status()
                              .message()),
              HasSubstr("ExperimentSpec.graphs[0].graph_file 'no/such/model.onnx'"));
}

TEST(RunExperimentTest, InvalidSpecIsAnError) {
  proto::ExperimentSpec spec = SmallSpec();
  spec.mutable_graphs(1)->set_num_seeds(-1);
  EXPECT_THAT(RunExperiment(spec, ExperimentKind::kRandomDags, {}, nullptr).status().message(),
              HasSubstr("ExperimentSpec.graphs[1].num_seeds = -1"));
  EXPECT_THAT(RunExperiment(SmallSpec(), ExperimentKind::kRandomDags, {0, 0}, nullptr)
                  .status()
                  .message(),
              HasSubstr("--num_shards = 0"));
}

// ---------------------------------------------------------------------------
// CSV

TEST(ResultsCsvTest, HeaderDocumentsEveryColumnAndRowsMatchIt) {
  const proto::RunResults r = MustRun(SmallSpec());
  const std::string csv = ResultsCsv(r, CsvLayout::kRuns);
  const std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  const auto& columns = CsvColumns(CsvLayout::kRuns);
  std::vector<std::string> data;
  for (const std::string& l : lines) {
    if (l[0] != '#') data.push_back(l);
  }
  EXPECT_EQ(data[0].substr(0, 22), "run_index,instance_ind");
  // Every row as wide as the header (the CSV dialect's own check).
  absl::StatusOr<CsvTable> table = ParseCsv(csv, "runs.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->header().size(), columns.size());
  EXPECT_EQ(table->rows().size(), static_cast<size_t>(r.records_size()));
  for (const auto& [name, doc] : columns) {
    EXPECT_THAT(csv, HasSubstr("#   " + name + ": "));
  }
  EXPECT_EQ(columns.back().first, "error");
}

TEST(ResultsCsvTest, DoublesAreDeterministicAndMissingValuesEmpty) {
  EXPECT_EQ(CsvDouble(0.1), "0.1");
  EXPECT_EQ(CsvDouble(1.0 / 3), "0.333333333");
  EXPECT_EQ(CsvDouble(2), "2");
  EXPECT_EQ(CsvDouble(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(CsvDouble(std::numeric_limits<double>::infinity()), "");
}

TEST(ResultsCsvTest, ErrorsCannotBreakTheColumns) {
  proto::RunResults r;
  r.set_binary("compare_checkpointing");
  proto::RunRecord* rec = r.add_records();
  rec->set_error("a, b\n\"c\"");
  const std::string csv = ResultsCsv(r, CsvLayout::kRuns);
  EXPECT_THAT(csv, HasSubstr(",\"a, b\n\"\"c\"\"\"\n"));
  // And it parses back with as many fields as the header, the error intact.
  absl::StatusOr<CsvTable> t = ParseCsv(csv, "runs.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 1u);
  EXPECT_EQ(t->At(t->rows()[0], "error"), "a, b\n\"c\"");
}

// ---------------------------------------------------------------------------
// Files

TEST(FilesTest, NoOutputOnError) {
  const std::string dir = ::testing::TempDir();
  const std::string spec_path = dir + "/bad_spec.textproto";
  proto::ExperimentSpec spec = SmallSpec();
  spec.mutable_graphs(0)->set_label("");
  ASSERT_TRUE(WriteProtoFile(spec_path, spec).ok());
  OutputPaths out{dir + "/bad.json", dir + "/bad.csv"};
  const absl::Status s =
      RunExperimentFiles(spec_path, ExperimentKind::kRandomDags, {}, out);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("bad_spec.textproto"),
                                 HasSubstr("ExperimentSpec.graphs[0].label = ''")));
  EXPECT_EQ(std::fopen(out.results.c_str(), "r"), nullptr);
  EXPECT_EQ(std::fopen(out.csv.c_str(), "r"), nullptr);
  EXPECT_THAT(ValidateOutputPaths({"", ""}).message(), HasSubstr("--out and --csv"));
  EXPECT_THAT(ValidateOutputPaths({"", "x.txt"}).message(), HasSubstr("--csv = 'x.txt'"));
  EXPECT_THAT(ValidateOutputPaths({"x.txt", ""}).message(), HasSubstr("--out: "));
}

TEST(FilesTest, WritesBothOutputsAndMergesFiles) {
  const std::string dir = ::testing::TempDir();
  const std::string spec_path = dir + "/small.textproto";
  ASSERT_TRUE(WriteProtoFile(spec_path, SmallSpec()).ok());
  std::vector<std::string> shards;
  for (int k = 0; k < 2; ++k) {
    shards.push_back(dir + "/s" + std::to_string(k) + ".pb");
    ASSERT_TRUE(RunExperimentFiles(spec_path, ExperimentKind::kRandomDags, {k, 2},
                                   {shards.back(), ""})
                    .ok());
  }
  OutputPaths merged{dir + "/m.json", dir + "/m.csv"};
  ASSERT_TRUE(MergeResultFiles(shards, merged).ok());
  OutputPaths whole{dir + "/w.json", dir + "/w.csv"};
  ASSERT_TRUE(RunExperimentFiles(spec_path, ExperimentKind::kRandomDags, {}, whole).ok());
  EXPECT_EQ(*ReadFile(merged.csv), *ReadFile(whole.csv));
  EXPECT_EQ(*ReadFile(merged.results), *ReadFile(whole.results));
}

}  // namespace
}  // namespace tbp::experiments

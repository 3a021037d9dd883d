#include "paper/tex_numbers.h"

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "experiments/runner.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/result.pb.h"

namespace tbp::paper {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

proto::RunResults RunSpec(const std::string& spec_text, experiments::ExperimentKind kind) {
  proto::ExperimentSpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(spec_text, &spec));
  absl::StatusOr<proto::RunResults> r = experiments::RunExperiment(spec, kind, {}, nullptr);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : proto::RunResults();
}

constexpr char kCompare[] = R"pb(
  name: "cmp"
  graphs { label: "chain" generator { family: CHAIN nodes: 16 } }
  graphs {
    label: "random_dense"
    generator { family: RANDOM_DAG nodes: 16 fan_in: 3 window: 4 long_range_prob: 0.5 }
  }
  planners { options { planner: "store_all" } }
  planners { options { planner: "revolve" } slots: [ 1, 2, 3 ] }
  planners { options { planner: "interval_tree" } }
  planners { options { planner: "budget" } budget_fractions: [ 0, 0.1, 0.3, 1 ] }
)pb";

TEST(MacroNameTest, CamelCaseLettersOnly) {
  EXPECT_EQ(MacroName("random_dense"), "RandomDense");
  EXPECT_EQ(MacroName("interval_tree_arity"), "IntervalTreeArity");
  EXPECT_EQ(MacroName("l2_wide"), "LTwoWide");
  EXPECT_EQ(MacroName("chain"), "Chain");
}

TEST(TexEscapeTest, EscapesSpecials) {
  EXPECT_EQ(TexEscape("random_dense"), "random\\_dense");
  EXPECT_EQ(TexEscape("50% & #1"), "50\\% \\& \\#1");
}

TEST(GenerateTexTest, EveryFileAlwaysPresentAndMissingInputsSaySo) {
  const std::map<std::string, std::string> files = GenerateTex({});
  for (const char* name : {"numbers.tex", "tab_regimes.tex", "tab_tradeoff.tex", "tab_gap.tex",
                           "tab_exact.tex", "tab_tightness.tex", "tab_runtime.tex"}) {
    ASSERT_TRUE(files.count(name)) << name;
  }
  EXPECT_THAT(files.at("tab_gap.tex"), HasSubstr("no lower_bound_gap results"));
}

TEST(GenerateTexTest, MacrosAndTablesFromResults) {
  PaperInputs in;
  in.compare = RunSpec(kCompare, experiments::ExperimentKind::kCompareCheckpointing);
  in.gap = RunSpec(kCompare, experiments::ExperimentKind::kLowerBoundGap);
  in.random_dags = RunSpec(kCompare, experiments::ExperimentKind::kRandomDags);
  const std::map<std::string, std::string> files = GenerateTex(in);
  const std::string& numbers = files.at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResCCGraphs}{2}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResCCRuns}{18}"));
  // Revolve reaches the lower bound on a unit chain: gap exactly 1.
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResGapChainRevolveMean}{1.00}"));
  EXPECT_THAT(numbers, HasSubstr("\\ResRDRandomDenseMemoryPct"));
  EXPECT_THAT(numbers, Not(HasSubstr("nan")));
  EXPECT_THAT(files.at("tab_gap.tex"), HasSubstr("random\\_dense"));
  EXPECT_THAT(files.at("tab_tradeoff.tex"), HasSubstr("\\begin{tabular}"));
  // Deterministic.
  EXPECT_EQ(GenerateTex(in), files);
}

TEST(GenerateTexTest, ReplayFidelityMacrosFromCsv) {
  PaperInputs in;
  in.replay_fidelity_csv =
      "graph_label,family,seed,compute_nodes,planner_label,planner,knob_value,budget_bytes,"
      "simulated_peak_bytes,measured_peak_bytes,peaks_equal,gradients_match,compute_overhead,"
      "status\n"
      "chain,chain,0,8,store_all,store_all,0,0,100,100,1,1,0.000000,ok\n"
      "chain,chain,0,8,revolve,revolve,2,0,40,40,1,1,0.500000,ok\n"
      "rd,random_dag,1,8,periodic,periodic,3,0,60,64,0,1,0.200000,ok\n"
      "rd,random_dag,2,8,budget,budget,0.2,50,0,0,0,0,0.000000,infeasible budget\n";
  const std::string numbers = GenerateTex(in).at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFRuns}{3}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFFailedRuns}{1}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFGraphs}{2}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFFamilies}{2}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFPeaksEqualPct}{67}"));
  EXPECT_THAT(numbers, HasSubstr("\\newcommand{\\ResRFGradientsMatchPct}{100}"));
}

}  // namespace
}  // namespace tbp::paper

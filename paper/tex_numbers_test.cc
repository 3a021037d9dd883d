#include "paper/tex_numbers.h"

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "experiments/runner.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/result.pb.h"

namespace tbp::paper {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The line of numbers.tex that defines the macro \Res<name> as `value`.
std::string ResMacro(const std::string& name, const std::string& value) {
  return absl::StrCat("\\newcommand{\\Res", name, "}{", value, "}");
}

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
  const std::map<std::string, std::string> files = *GenerateTex({});
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
  const std::map<std::string, std::string> files = *GenerateTex(in);
  const std::string& numbers = files.at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("CCGraphs", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("CCRuns", "18")));
  // Revolve reaches the lower bound on a unit chain: gap exactly 1.
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GapChainRevolveMean", "1.00")));
  EXPECT_THAT(numbers, HasSubstr("\\ResRDRandomDenseMemoryPct"));
  EXPECT_THAT(numbers, Not(HasSubstr("nan")));
  EXPECT_THAT(files.at("tab_gap.tex"), HasSubstr("random\\_dense"));
  EXPECT_THAT(files.at("tab_tradeoff.tex"), HasSubstr("\\begin{tabular}"));
  // Deterministic.
  EXPECT_EQ(*GenerateTex(in), files);
}

// The abstract's verdict split puts the compute beside the memory: two
// compressible runs (peaks 10 and 30 of 100, overheads 0.5 and 1.0) and one
// not (peak 60, overhead 0.2); an invalid run counts in neither.
TEST(GenerateTexTest, VerdictSplitReportsOverheadBesideMemory) {
  proto::RunResults r;
  auto add = [&](bool compressible, bool valid, int64_t peak, double overhead) {
    proto::RunRecord* rec = r.add_records();
    rec->set_graph_label("g");
    rec->set_compressible(compressible);
    rec->set_valid(valid);
    rec->set_peak_bytes(peak);
    rec->set_store_all_peak_bytes(100);
    rec->set_compute_overhead(overhead);
  };
  add(true, true, 10, 0.5);
  add(true, true, 30, 1.0);
  add(false, true, 60, 0.2);
  add(false, false, 1, 9.0);
  PaperInputs in;
  in.random_dags = r;
  const std::string numbers = GenerateTex(in)->at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RDCompressibleMemoryPct", "20")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RDCompressibleOverheadPct", "75")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RDIncompressibleMemoryPct", "60")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RDIncompressibleOverheadPct", "20")));
}

TEST(GenerateTexTest, VersusExactCountsInfeasibleRunsWhereAScheduleExists) {
  proto::RunResults r;
  r.mutable_spec()->add_graphs()->set_label("g");
  // Exact least memory 50 bytes; optimum recompute 10 at every budget.
  auto add = [&](bool valid, int64_t budget, int64_t recompute) {
    proto::RunRecord* rec = r.add_records();
    rec->set_graph_label("g");
    rec->set_planner_label("budget");
    rec->set_has_exact(true);
    rec->set_exact_min_memory_bytes(50);
    rec->set_exact_recompute_cost(10);
    rec->set_exact_memory_at_recompute(60);
    rec->mutable_options()->set_budget_bytes(budget);
    rec->set_valid(valid);
    rec->set_peak_bytes(60);
    rec->set_recompute_cost(recompute);
  };
  add(true, 60, 10);   // optimal
  add(true, 70, 20);   // outside 2%
  add(false, 55, 0);   // infeasible where a schedule exists: counted
  add(false, 40, 0);   // below the exact least memory: not counted
  PaperInputs in;
  in.exact = r;
  const auto files = GenerateTex(in);
  ASSERT_TRUE(files.ok()) << files.status();
  const std::string& numbers = files->at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("EXVsBudgetRuns", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("EXVsBudgetInfeasible", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("EXVsBudgetWithinTwoPct", "50")));
  EXPECT_THAT(files->at("tab_vs_exact.tex"), HasSubstr("budget & g & 2 & 1 & 50\\%"));
}

TEST(GenerateTexTest, GapAtBoundedComputeAndTheComputeOfTheLeastPeak) {
  proto::RunResults r;
  r.mutable_spec()->add_graphs()->set_label("g");
  r.mutable_spec()->add_planners()->mutable_options()->set_planner("budget");
  // One graph, lower bound 100: (peak 120, overhead 2.0) is the least
  // peak; (150, 0.8) is the least within 2x; (200, 0.4) within 1.5x.
  auto add = [&](int64_t peak, double overhead, int64_t recompute) {
    proto::RunRecord* rec = r.add_records();
    rec->set_graph_label("g");
    rec->set_planner_label("budget");
    rec->mutable_options()->set_planner("budget");
    rec->set_valid(true);
    rec->set_peak_bytes(peak);
    rec->set_lower_bound_bytes(100);
    rec->set_compute_overhead(overhead);
    rec->set_recompute_cost(recompute);
  };
  add(120, 2.0, 20);
  add(150, 0.8, 8);
  add(200, 0.4, 4);
  PaperInputs in;
  in.gap = r;
  const auto files = GenerateTex(in);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(files->at("numbers.tex"), HasSubstr(ResMacro("GapGBudgetMean", "1.20")));
  EXPECT_THAT(files->at("numbers.tex"), HasSubstr(ResMacro("GapGBudgetCompute", "3.00")));
  EXPECT_THAT(files->at("tab_gap_compute.tex"), HasSubstr("g & 2.00 / 1.50 / 3.00$\\times$"));
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
  const std::string numbers = GenerateTex(in)->at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFRuns", "3")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFFailedRuns", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFGraphs", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFFamilies", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFPeaksEqualPct", "67")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("RFGradientsMatchPct", "100")));
}

// The committed cross-check log: comment lines skipped, one row per graph;
// a row that does not parse is an error naming the file and the seed.
TEST(GenerateTexTest, ExactCrossCheckMacrosFromCsv) {
  PaperInputs in;
  in.exact_cross_check_csv =
      "# exact_cross_check: a comment\n"
      "variant,seed,compute_nodes,breakpoints,seconds\n"
      "large,1001,8,1,0.5\n"
      "large,1002,7,3,179.5\n"
      "xl,2001,10,2,3420.0\n";
  const std::string numbers = GenerateTex(in)->at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCGraphs", "3")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCBreakpoints", "6")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCNineOrMore", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCMinNodes", "7")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCMaxNodes", "10")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCMaxMinutes", "57")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("XCHours", "1.0")));
  in.exact_cross_check_csv = *in.exact_cross_check_csv + "xl,2002,nine,2,1.0\n";
  absl::StatusOr<std::map<std::string, std::string>> bad = GenerateTex(in);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("exact_cross_check.csv: a row of seed 2002"));
}

// Who wins at equal memory, on two hand-made points of two models: at the
// first dtr recomputes 5 and budget 10 (base 100: budget's total compute is
// 110 / 105 = 1.05 of the best); at the second only budget plans.
TEST(GenerateTexTest, PeersZooScoresEveryPointAndNamesBudgetsLosses) {
  proto::RunResults r;
  auto add = [&](int instance, const char* model, const char* planner, bool valid,
                 int64_t recompute) {
    proto::RunRecord* rec = r.add_records();
    rec->set_instance_index(instance);
    rec->set_graph_label(model);
    rec->set_planner_label(planner);
    rec->set_knob("budget_fraction");
    rec->set_knob_value(0.1);
    rec->set_valid(valid);
    rec->set_recompute_cost(recompute);
    rec->set_base_cost(100);
    if (!valid) rec->set_error("below every candidate");
  };
  add(0, "m_one", "budget", true, 10);
  add(0, "m_one", "dtr", true, 5);
  add(1, "m_two", "budget", true, 3);
  add(1, "m_two", "dtr", false, 0);
  PaperInputs in;
  in.peers_zoo = r;
  const std::map<std::string, std::string> files = *GenerateTex(in);
  const std::string& numbers = files.at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooModels", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooPoints", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooBudgetLosses", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooBudgetMisses", "0")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooBudgetBestPct", "50")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooBudgetWorst", "1.05")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooDtrFeasible", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooDtrBestPct", "100")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooDtrBudgetLossesTo", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PeersZooBudgetBudgetLossesTo", "0")));
  // A planner without runs has a dash, so that the text still compiles.
  EXPECT_THAT(numbers,
              HasSubstr(ResMacro("PeersZooCheckmateMilpBudgetLossesTo", "\\textemdash{}")));
  EXPECT_THAT(files.at("tab_peers_zoo_losses.tex"),
              HasSubstr("m\\_one & 0 & 0.10 & 10 & 5 & dtr \\\\"));
  EXPECT_THAT(files.at("tab_peers_zoo_losses.tex"), Not(HasSubstr("m\\_two")));
}

// Planning times on the zoo: the ratio where checkmate_lp solved, its
// time-limit stops counted apart.
TEST(GenerateTexTest, PeersZooTimingFromCsv) {
  PaperInputs in;
  in.peers_zoo_timing_csv =
      "# peers_zoo_timing: a comment\n"
      "graph_label,compute_nodes,planner_label,knob_value,valid,plan_seconds,error\n"
      "m_one,40,budget,0.1,1,0.5,\n"
      "m_one,40,checkmate_lp,0.1,1,50,\n"
      "m_one,40,budget,0.5,1,0.00126,\n"
      "m_one,40,checkmate_lp,0.5,0,0,\"planner 'checkmate_lp' (CLP): still running after the "
      "time limit of 300 s; stopped\"\n";
  in.peers_zoo_timing_machine = "a test machine";
  const std::map<std::string, std::string> files = *GenerateTex(in);
  const std::string& numbers = files.at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTPoints", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTBudgetMaxSeconds", "0.50")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTLpSolved", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTLpTimedOut", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTLpFailed", "0")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("PZTLeastRatio", "100")));
  EXPECT_THAT(files.at("tab_peers_zoo_timing.tex"),
              HasSubstr("m\\_one & 40 & 0.1 & $0.5$ & $50$ & 100 \\\\"));
  // Sub-centisecond times keep two significant digits.
  EXPECT_THAT(files.at("tab_peers_zoo_timing.tex"),
              HasSubstr("m\\_one & 40 & 0.5 & $1.3\\times 10^{-3}$ & time limit & "));
}

// A CSV the paper reads that is malformed or lacks a column it needs is an
// error naming the file, never a silently shorter table.
TEST(GenerateTexTest, MalformedCsvInputsAreNamedErrors) {
  PaperInputs short_row;
  short_row.replay_fidelity_csv =
      "graph_label,family,seed,planner,status,peaks_equal,gradients_match\n"
      "chain,chain,0,periodic,ok,1\n";
  absl::StatusOr<std::map<std::string, std::string>> r = GenerateTex(short_row);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("replay_fidelity_results.csv: line 2 has 6 fields, the header 7"));
  PaperInputs no_column;
  no_column.exact_scaling_csv = "label,compute_nodes,method,status,seconds\nchain,4,exact,optimal,1\n";
  r = GenerateTex(no_column);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("exact_scaling.csv: no column 'time_limit_s'"));
}

// The GPU bundle's CSVs quote fields that hold commas; a row whose measured
// peak differs from the simulator's, or whose gradients differ, must say
// "no" in the table and not count as equal.
TEST(GenerateTexTest, GpuReplayTablesFromQuotedCsv) {
  PaperInputs in;
  in.gpu_replay_csv =
      "backend,device,family,graph,planner,status,simulated_peak_bytes,measured_peak_bytes,"
      "store_all_measured_peak_bytes,seconds,time_overhead,compute_overhead,"
      "peak_matches_simulator,gradients_match\n"
      "cuda,\"GPU (sm_90, 1 GiB)\",chain,\"chain(n=4,seed=1)\",\"store_all\",\"ok\","
      "1073741824,1073741824,1073741824,2.0,0.0,0.0,1,1\n"
      "cuda,\"GPU (sm_90, 1 GiB)\",chain,\"chain(n=4,seed=1)\",\"periodic\",\"ok\","
      "536870912,536870912,1073741824,2.5,0.25,0.2,1,1\n"
      "cuda,\"GPU (sm_90, 1 GiB)\",chain,\"chain(n=4,seed=1)\",\"budget:0.3\",\"ok\","
      "322122547,322125000,1073741824,2.2,0.1,0.14,0,0\n"
      "cuda,\"GPU (sm_90, 1 GiB)\",chain,\"chain(n=4,seed=1)\",\"budget:0.1\","
      "\"infeasible, \"\"below\"\" 9\",0,0,0,0,0,0,0,0\n";
  in.gpu_torch_csv =
      "family,rows,compute_nodes,mode,peak_bytes,seconds,segment,torch\n"
      "chain,8,4,store_all,1084479242,1.9,,2.0\n"
      "chain,8,4,checkpoint,536870912,2.6,2,2.0\n";
  const std::map<std::string, std::string> files = *GenerateTex(in);
  const std::string& numbers = files.at("numbers.tex");
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRDevice", "GPU (sm\\_90, 1 GiB)")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRRuns", "3")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRNotRun", "1")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRPeaksEqual", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRGradientsBitwise", "2")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRMaxTimeComputeGapPts", "5.0")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRTorchStoreAllPeakDiffPct", "1.0")));
  EXPECT_THAT(numbers, HasSubstr(ResMacro("GRTorchCheckpointPeakDiffPct", "0.0")));
  const std::string& table = files.at("tab_gpu_replay.tex");
  EXPECT_THAT(table, HasSubstr("chain & store\\_all & 1.0 & 1.00 & yes & 0\\% & 0\\% & yes"));
  EXPECT_THAT(table, HasSubstr("& periodic & 0.5 & 0.50 & yes & +25\\% & +20\\% & yes"));
  EXPECT_THAT(table, HasSubstr("& budget:0.3 & 0.3 & 0.30 & \\textbf{no} & +10\\% & +14\\% & "
                               "\\textbf{no}"));
  EXPECT_THAT(table, HasSubstr("infeasible, \"below\" 9"));
  EXPECT_THAT(files.at("tab_gpu_torch.tex"),
              HasSubstr("chain & 1.0 & 2.00 & 1.0 & 1.90 & 0.5 & 2.50 & 0.5 & 2.60"));
}

}  // namespace
}  // namespace tbp::paper

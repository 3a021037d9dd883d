// real_models_tex on hand-written CSVs: the macros and table cells are
// computed by hand in the comments.
#include "paper/real_models_tex.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp::paper {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSummary[] =
    "model,batch,anchor,onnx_nodes,compute_nodes,input_nodes,forward_flops,"
    "store_all_peak_bytes,lower_bound_bytes,lower_bound_over_store_all,best_label,"
    "best_peak_bytes,best_overhead,best_over_store_all,reference_peak_bytes,reference_overhead,"
    "candidate_label,candidate_peak_bytes,candidate_overhead,reference_over_candidate,"
    "memory_goal,reference_goal,goal,memory_goal_infeasible,max_compute_overhead\n"
    // store-all 8 GiB; best 1 GiB = 12.5%; periodic 4 GiB = 50%; candidate 2 GiB = 25%.
    "net1,16,x,10,9,3,100,8589934592,536870912,0.0625,budget,1073741824,0.25,0.125,"
    "4294967296,0.33,budget,2147483648,0.3,2,1,1,1,0,0.3\n"
    "vgg,256,x,44,40,37,100,1073741824,536870912,0.5,budget,536870912,0,0.5,"
    "805306368,0.33,budget,536870912,0,1.5,0,1,0,1,0.3\n";

constexpr char kMaxBatch[] =
    "model,anchor_batch,planner_label,memory_limit_bytes,max_batch,capped,peak_bytes,"
    "compute_overhead,batches_tried,parameter_bytes\n"
    "net1,16,store_all,17179869184,32,0,1,0,2,536870912\n"
    "net1,16,store_all,85899345920,160,0,1,0,2,536870912\n"
    "net1,16,budget,17179869184,128,0,1,0.25,2,536870912\n"
    "net1,16,budget,85899345920,65536,1,1,0.5,2,536870912\n";

// net1's runs: store-all; budget at 12.5% and 1.25x (within the 0.3 cap);
// budget at 10% but 1.5x (over the cap: not shown); a failed revolve.
constexpr char kPoints[] =
    "model,batch,planner_label,planner,knob,knob_value,budget_bytes,status,peak_bytes,"
    "peak_over_store_all,compute_overhead\n"
    "net1,16,store_all,store_all,,0,0,ok,8589934592,1.000000,0.000000\n"
    "net1,16,budget_curve,budget,budget_bytes,1,1,ok,1073741824,0.125000,0.250000\n"
    "net1,16,budget_curve,budget,budget_bytes,1,1,ok,858993459,0.100000,0.500000\n"
    "net1,16,revolve,revolve,slots,1,0,too long,0,0.000000,0.000000\n";

TEST(RealModelsTexTest, MacrosAndTablesByHand) {
  std::map<std::string, std::string> f = *RealModelsTex(kSummary, kMaxBatch, kPoints);
  const std::string& m = f["real_models_numbers.tex"];
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneStoreAllGiB}{8.0}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneBestPct}{12.5}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneBestComputeFactor}{1.25}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOnePeriodicPct}{50.0}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneCandidatePct}{25.0}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOnePeriodicRatio}{2.00}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMVggLowerBoundPct}{50.0}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMGoalHolds}{1}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMGoalHoldsModels}{\\texttt{net1}}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMMemoryGoalFailsModels}{\\texttt{vgg}}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMReferenceGoalFailsModels}{none}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMMemoryGoalInfeasibleModels}{\\texttt{vgg}}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMPeriodicRatioMin}{1.50}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMPeriodicRatioMaxModel}{\\texttt{net1}}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMLimitSmallGiB}{16}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMLimitLargeGiB}{80}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneParametersGiB}{0.50}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMNetOneBudgetBatchAtGEightZero}{$\\ge$65536}"));
  const std::string& t = f["tab_real_models.tex"];
  EXPECT_THAT(t, HasSubstr("\\texttt{net1} & 16 & 9 & 8.0 & 6.2 & 12.5 & \\texttt{budget} & "
                           "50.0 & 25.0 & 2.00 & yes \\\\"));
  EXPECT_THAT(t, HasSubstr("\\texttt{vgg} & 256 & 40 & 1.0 & 50.0 & 50.0"));
  const std::string& b = f["tab_real_models_batch.tex"];
  EXPECT_THAT(b, HasSubstr("model & \\texttt{store\\_all} & \\texttt{budget}"));
  EXPECT_THAT(b, HasSubstr("\\texttt{net1} & 32 / 160 & 128 / $\\ge$65536 \\\\"));
  // The largest compute factors: store-all 1 + 0, budget 1 + 0.5.
  EXPECT_THAT(b, HasSubstr("largest compute & 1.00$\\times$ & 1.50$\\times$ \\\\"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResRMBudgetMaxBatchComputeFactor}{1.5}"));
  // One column per planner with rows, in registration order.
  const std::string& p = f["tab_real_models_planners.tex"];
  EXPECT_THAT(p, HasSubstr("model & \\texttt{store\\_all} & \\texttt{revolve} & "
                           "\\texttt{budget} \\\\"));
  EXPECT_THAT(p, HasSubstr("\\texttt{net1} & 100.0 (1.00) & \\textemdash{} & 12.5 (1.25) \\\\"));
}

TEST(RealModelsTexTest, MissingInputsSaySo) {
  std::map<std::string, std::string> f = *RealModelsTex(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(f.size(), 4u);
  EXPECT_THAT(f["tab_real_models.tex"], HasSubstr("no real_models results"));
  EXPECT_THAT(f["real_models_numbers.tex"], Not(HasSubstr("newcommand")));
}

}  // namespace
}  // namespace tbp::paper

#include "paper/failure_modes_tex.h"

#include <map>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/result.pb.h"

namespace tbp::paper {
namespace {

using ::testing::HasSubstr;

TEST(FailureModesTex, WithoutResultsEveryFileSaysSo) {
  const std::map<std::string, std::string> files = FailureModesTex(std::nullopt);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_THAT(files.at("tab_failure_modes.tex"), HasSubstr("no failure\\_modes results"));
  EXPECT_THAT(files.at("tab_hcp_predictor.tex"), HasSubstr("no failure\\_modes results"));
  EXPECT_EQ(files.at("failure_modes_numbers.tex").find("\\newcommand"), std::string::npos);
}

// One sweep of two points, one seed each (seed 1: training; seed 2:
// held out), budget only. Store-all peak 1000, lower bound 100.
TEST(FailureModesTex, MacrosAndTablesFromHandMadeRecords) {
  proto::RunResults results;
  results.mutable_spec()->add_planners()->mutable_options()->set_planner("budget");
  struct Point {
    const char* label;
    double value;
    uint64_t seed;
    int64_t peak;
    double overhead;
    bool hcp;
  };
  const Point points[] = {{"w_1", 1, 1, 300, 0.4, true}, {"w_48", 48, 2, 900, 0.1, true}};
  int64_t instance = 0;
  for (const Point& p : points) {
    proto::GraphSource* g = results.mutable_spec()->add_graphs();
    g->set_label(p.label);
    g->set_sweep("width");
    g->set_sweep_value(p.value);
    proto::RunRecord* r = results.add_records();
    r->set_graph_label(p.label);
    r->set_sweep("width");
    r->set_sweep_value(p.value);
    r->set_instance_index(instance++);
    r->set_seed(p.seed);
    r->set_compute_nodes(96);
    r->set_planner_label("budget");
    r->mutable_options()->set_planner("budget");
    r->set_valid(true);
    r->set_peak_bytes(p.peak);
    r->set_store_all_peak_bytes(1000);
    r->set_lower_bound_bytes(100);
    r->set_compute_overhead(p.overhead);
    r->set_compressible(p.hcp);
  }
  const std::map<std::string, std::string> files = FailureModesTex(results);
  const std::string& m = files.at("failure_modes_numbers.tex");
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMInstances}{2}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMWidthFirstBudgetMemOneFivePct}{30}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMWidthLastBudgetMemOneFivePct}{90}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMWidthFirstBudgetLeastCompute}{1.40}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMWidthLastLowerBoundPct}{10}"));
  // Budget is above half the store-all peak first at width 48.
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMWidthBudgetHalfBreaks}{48}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMBudgetInfeasible}{0}"));
  // HCP says "compresses" on the held-out instance, which does not: a
  // false positive; accuracy 0.
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMPredHcpFalsePositives}{1}"));
  EXPECT_THAT(m, HasSubstr("\\newcommand{\\ResFMPredHcpAccuracyPct}{0}"));
  EXPECT_THAT(files.at("tab_failure_modes.tex"), HasSubstr("width & 1 & 30 & "));
  EXPECT_THAT(files.at("tab_hcp_predictor.tex"), HasSubstr("hcp & fixed: compressible & 0 & 1 & 0 & 0"));
}

}  // namespace
}  // namespace tbp::paper

#include "experiments/summary.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "proto/result.pb.h"

namespace tbp::experiments {
namespace {

// One run of planner "p" on regime "r": store-all's peak is 100 bytes.
void AddRun(proto::RunResults* results, int64_t instance, bool valid, int64_t peak,
            double overhead) {
  proto::RunRecord* r = results->add_records();
  r->set_graph_label("r");
  r->set_instance_index(instance);
  r->set_planner_label("p");
  r->mutable_options()->set_planner("p");
  r->set_valid(valid);
  r->set_peak_bytes(peak);
  r->set_store_all_peak_bytes(100);
  r->set_compute_overhead(overhead);
}

proto::RunResults TwoInstances() {
  proto::RunResults results;
  results.mutable_spec()->add_graphs()->set_label("r");
  results.mutable_spec()->add_planners()->mutable_options()->set_planner("p");
  AddRun(&results, 0, true, 40, 0.3);
  AddRun(&results, 0, true, 20, 0.9);
  AddRun(&results, 0, false, 10, 0.0);  // invalid: never counted
  AddRun(&results, 1, true, 60, 0.1);
  AddRun(&results, 1, true, 30, 0.5);
  return results;
}

TEST(StudentT95, TabulatedValues) {
  EXPECT_DOUBLE_EQ(StudentT95(1), 12.706);
  EXPECT_DOUBLE_EQ(StudentT95(9), 2.262);
  EXPECT_DOUBLE_EQ(StudentT95(30), 2.042);
  EXPECT_DOUBLE_EQ(StudentT95(5000), 1.960);
  EXPECT_TRUE(std::isnan(StudentT95(0)));
}

TEST(ComputeStats, MeanRangeAndConfidenceHalfWidth) {
  // Mean 2, sample sd 1, t(2) = 4.303: half-width 4.303 / sqrt(3).
  const Stats s = ComputeStats({3.0, 1.0, 2.0});
  EXPECT_EQ(s.count, 3);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 3.0);
  EXPECT_NEAR(s.half_width, 4.303 / std::sqrt(3.0), 1e-12);
  EXPECT_TRUE(std::isnan(ComputeStats({5.0}).half_width));
  EXPECT_TRUE(std::isnan(ComputeStats({}).mean));
}

TEST(TradeoffSummary, StatisticsArePerInstanceThenOverInstances) {
  const std::vector<TradeoffRow> rows = TradeoffSummary(TwoInstances());
  ASSERT_EQ(rows.size(), 1u);
  const TradeoffRow& row = rows[0];
  EXPECT_EQ(row.regime, "r");
  EXPECT_EQ(row.planner, "p");
  EXPECT_EQ(row.instances, 2);
  EXPECT_EQ(row.valid_runs, 4);
  // Least memory: 0.2 and 0.3; mean 0.25; sd 0.0707; t(1) = 12.706.
  EXPECT_EQ(row.min_memory_ratio.count, 2);
  EXPECT_NEAR(row.min_memory_ratio.mean, 0.25, 1e-12);
  EXPECT_NEAR(row.min_memory_ratio.half_width, 12.706 * 0.05, 1e-9);
  // Within half: 0.3 (instance 0, the cheaper of its two), 0.5 (instance 1).
  EXPECT_EQ(row.overhead_at_half.count, 2);
  EXPECT_NEAR(row.overhead_at_half.mean, 0.4, 1e-12);
  // Within a quarter: only instance 0 (0.9); one value has no interval.
  EXPECT_EQ(row.overhead_at_quarter.count, 1);
  EXPECT_NEAR(row.overhead_at_quarter.mean, 0.9, 1e-12);
  EXPECT_TRUE(std::isnan(row.overhead_at_quarter.half_width));
}

TEST(TradeoffSummary, NoValidRunGivesNaN) {
  proto::RunResults results;
  results.mutable_spec()->add_graphs()->set_label("r");
  results.mutable_spec()->add_planners()->mutable_options()->set_planner("p");
  AddRun(&results, 0, false, 10, 0.0);
  const std::vector<TradeoffRow> rows = TradeoffSummary(results);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].instances, 1);
  EXPECT_EQ(rows[0].valid_runs, 0);
  EXPECT_EQ(rows[0].min_memory_ratio.count, 0);
  EXPECT_TRUE(std::isnan(rows[0].min_memory_ratio.mean));
  EXPECT_TRUE(std::isnan(rows[0].overhead_at_half.mean));
}

}  // namespace
}  // namespace tbp::experiments

#include "experiments/failure_modes.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "proto/result.pb.h"

namespace tbp::experiments {
namespace {

// Adds one graph source (a sweep point) to the spec.
void AddSource(proto::RunResults* results, const std::string& label, const std::string& sweep,
               double value) {
  proto::GraphSource* g = results->mutable_spec()->add_graphs();
  g->set_label(label);
  g->set_sweep(sweep);
  g->set_sweep_value(value);
}

// One run: store-all's peak is 1000 bytes, the lower bound 100.
proto::RunRecord* AddRun(proto::RunResults* results, const std::string& label,
                         const std::string& sweep, double value, int64_t instance, uint64_t seed,
                         const std::string& planner, bool valid, int64_t peak, double overhead) {
  proto::RunRecord* r = results->add_records();
  r->set_graph_label(label);
  r->set_sweep(sweep);
  r->set_sweep_value(value);
  r->set_instance_index(instance);
  r->set_seed(seed);
  r->set_compute_nodes(10);
  r->set_planner_label(planner);
  r->mutable_options()->set_planner(planner);
  r->set_valid(valid);
  r->set_peak_bytes(peak);
  r->set_store_all_peak_bytes(1000);
  r->set_lower_bound_bytes(100);
  r->set_compute_overhead(overhead);
  return r;
}

TEST(FailureModeRows, LeastMemoryBoundedComputeAndInfeasible) {
  proto::RunResults results;
  results.mutable_spec()->add_planners()->mutable_options()->set_planner("budget");
  AddSource(&results, "lr_0", "long_range", 0.0);
  // Instance 0: runs at (500 B, 0.2) and (200 B, 1.0): least 0.2 at
  // overhead 1.0; within 1.5x compute 0.5.
  AddRun(&results, "lr_0", "long_range", 0.0, 0, 1, "budget", true, 500, 0.2);
  AddRun(&results, "lr_0", "long_range", 0.0, 0, 1, "budget", true, 200, 1.0);
  // Instance 1: least 0.4 at 0.5 (ties at 0.4: the lower overhead).
  AddRun(&results, "lr_0", "long_range", 0.0, 1, 2, "budget", true, 400, 0.7);
  AddRun(&results, "lr_0", "long_range", 0.0, 1, 2, "budget", true, 400, 0.5);
  // Instance 2: nothing valid: infeasible; memory within 1.5x is store-all.
  AddRun(&results, "lr_0", "long_range", 0.0, 2, 3, "budget", false, 0, 0.0);
  const std::vector<FailureModeRow> rows = FailureModeRows(results);
  ASSERT_EQ(rows.size(), 1u);
  const FailureModeRow& r = rows[0];
  EXPECT_EQ(r.sweep, "long_range");
  EXPECT_EQ(r.planner, "budget");
  EXPECT_TRUE(r.largest);
  EXPECT_EQ(r.instances, 3);
  EXPECT_EQ(r.infeasible, 1);
  EXPECT_EQ(r.least_memory.count, 2);
  EXPECT_DOUBLE_EQ(r.least_memory.mean, 0.3);   // (0.2 + 0.4) / 2
  EXPECT_DOUBLE_EQ(r.overhead_at_least.mean, 0.75);  // (1.0 + 0.5) / 2
  EXPECT_EQ(r.memory_at_1_5x.count, 3);
  EXPECT_DOUBLE_EQ(r.memory_at_1_5x.mean, (0.5 + 0.4 + 1.0) / 3);
  EXPECT_DOUBLE_EQ(r.lower_bound.mean, 0.1);
  // sd of {0.2, 0.4} is sqrt(0.02); t(1) = 12.706.
  EXPECT_NEAR(r.least_memory.half_width, 12.706 * std::sqrt(0.02) / std::sqrt(2.0), 1e-12);
  const std::string csv = FailureModesCsv(rows);
  EXPECT_NE(csv.find("\nlong_range,0,0,10,1,0,budget,3,1,0.3,"), std::string::npos) << csv;
}

TEST(FailureModeRows, IgnoresRecordsWithoutSweep) {
  proto::RunResults results;
  results.mutable_spec()->add_planners()->mutable_options()->set_planner("budget");
  results.mutable_spec()->add_graphs()->set_label("plain");
  AddRun(&results, "plain", "", 0.0, 0, 1, "budget", true, 500, 0.2);
  EXPECT_TRUE(FailureModeRows(results).empty());
  EXPECT_EQ(EvaluateHcpPredictor(results).train_instances, 0);
}

TEST(EvaluateHcpPredictor, ConfusionAndFittedThreshold) {
  proto::RunResults results;
  AddSource(&results, "p", "long_range", 0.0);
  // Seeds 1, 3 (train) and 2, 4 (test). Outcome: budget reaches <= 0.5 of
  // store-all within overhead 0.5. Feature: long_skip_fraction, low on
  // the instances that compress.
  struct Case {
    uint64_t seed;
    int64_t peak;
    double overhead;
    bool hcp;
    double long_skip;
  };
  const Case cases[] = {
      {1, 400, 0.3, true, 0.1},   // compresses, HCP right
      {3, 900, 0.1, true, 0.6},   // does not, HCP wrong
      {2, 450, 0.5, false, 0.2},  // compresses, HCP wrong
      {4, 400, 0.9, false, 0.7},  // too much compute: does not; HCP right
  };
  int64_t instance = 0;
  for (const Case& c : cases) {
    proto::RunRecord* r = AddRun(&results, "p", "long_range", 0.0, instance++, c.seed, "budget",
                                 true, c.peak, c.overhead);
    r->set_compressible(c.hcp);
    r->set_long_skip_fraction(c.long_skip);
    r->set_best_frontier_bytes(1);
    r->set_total_activation_bytes(1);  // frontier fraction 1 everywhere
  }
  const PredictorEvaluation e = EvaluateHcpPredictor(results);
  EXPECT_EQ(e.train_instances, 2);
  EXPECT_EQ(e.test_instances, 2);
  EXPECT_EQ(e.train_positive, 1);
  EXPECT_EQ(e.test_positive, 1);
  ASSERT_EQ(e.rows.size(), 6u);
  const PredictorRow& hcp = e.rows[0];
  EXPECT_EQ(hcp.name, "hcp");
  EXPECT_EQ(hcp.test.true_positive, 0);
  EXPECT_EQ(hcp.test.false_negative, 1);
  EXPECT_EQ(hcp.test.true_negative, 1);
  EXPECT_DOUBLE_EQ(hcp.test.accuracy(), 0.5);
  EXPECT_TRUE(std::isnan(hcp.test.precision()));  // never predicts positive
  EXPECT_DOUBLE_EQ(hcp.train.accuracy(), 0.5);
  // long_skip_fraction: train values 0.1 (yes) and 0.6 (no): `<= 0.1`
  // is right on both; on test, 0.2 > 0.1 is called "no" (wrong), 0.7
  // "no" (right).
  const PredictorRow& skip = e.rows[3];
  EXPECT_EQ(skip.name, "long_skip_fraction");
  EXPECT_EQ(skip.rule, "<= 0.1");
  EXPECT_DOUBLE_EQ(skip.train.accuracy(), 1.0);
  EXPECT_EQ(skip.test.false_negative, 1);
  EXPECT_EQ(skip.test.true_negative, 1);
  // frontier fraction is 1 everywhere: the first rule wins (`<= 1`, all
  // "yes"): half right on each split.
  EXPECT_EQ(e.rows[1].rule, "<= 1");
  EXPECT_EQ(e.rows[1].test.true_positive, 1);
  EXPECT_EQ(e.rows[1].test.false_positive, 1);
  EXPECT_DOUBLE_EQ(e.rows[1].test.precision(), 0.5);
  EXPECT_DOUBLE_EQ(e.rows[1].test.recall(), 1.0);
  // Both features: frontier <= 1 (all) and skip <= 0.1, as skip alone.
  EXPECT_EQ(e.rows[5].name, "frontier_and_skip");
  EXPECT_EQ(e.rows[5].rule, "<= 1 and <= 0.1");
  EXPECT_EQ(e.rows[5].test.false_negative, 1);
  EXPECT_EQ(e.rows[5].test.true_negative, 1);
}

}  // namespace
}  // namespace tbp::experiments

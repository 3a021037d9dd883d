// The exact planner's portfolio (exact.h): the search answers small graphs;
// where it runs out of states, the MILP in a child process answers the
// same optimum; a stopped MILP reports its best schedule unproven.
#include <cstdint>
#include <random>
#include <string>

#include "core/schedule/exhaustive.h"
#include "core/schedule/planner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"

namespace tbp {
namespace {

proto::PlannerOptions Exact(int64_t budget) {
  proto::PlannerOptions o;
  o.set_planner("exact");
  o.set_budget_bytes(budget);
  return o;
}

// On random DAGs of 5-8 nodes at budgets from the true minimum memory up:
// the portfolio's answer is proven and equals the plain search's optimum,
// whether the search (default) or the MILP (a search limited to one byte
// of states) produced it.
TEST(ExactPortfolioTest, SearchAndMilpGiveTheSameProvenOptimum) {
  int milp_runs = 0;
  for (uint64_t seed = 0; seed < 6; ++seed) {
    std::mt19937_64 rng(seed);
    testing_graphs::RandomDagOptions ro;
    ro.min_compute = 5;
    ro.max_compute = 8;
    const Graph g = testing_graphs::MustBuild(testing_graphs::RandomDagProto(rng, ro));
    absl::StatusOr<int64_t> min_memory = ExhaustiveMinimumMemory(g);
    ASSERT_TRUE(min_memory.ok()) << min_memory.status();
    for (int64_t budget : {*min_memory, *min_memory + 2}) {
      absl::StatusOr<ExhaustiveResult> truth = ExhaustiveSearch(g, budget);
      ASSERT_TRUE(truth.ok()) << truth.status();
      proto::PlannerOptions o = Exact(budget);
      absl::StatusOr<JudgedSchedule> fast = PlanAndJudge(g, o);
      ASSERT_TRUE(fast.ok()) << "seed " << seed << ": " << fast.status();
      EXPECT_EQ(fast->sim.recompute_cost, truth->recompute_cost) << "seed " << seed;
      EXPECT_TRUE(fast->schedule.optimality->proven_optimal);
      o.set_max_state_bytes(1);  // The search gives up at once: the MILP answers.
      o.set_time_limit_s(120);
      absl::StatusOr<JudgedSchedule> milp = PlanAndJudge(g, o);
      ASSERT_TRUE(milp.ok()) << "seed " << seed << ": " << milp.status();
      ++milp_runs;
      EXPECT_EQ(milp->sim.recompute_cost, truth->recompute_cost) << "seed " << seed;
      EXPECT_TRUE(milp->schedule.optimality->proven_optimal) << "seed " << seed;
      EXPECT_EQ(milp->schedule.optimality->recompute_lower_bound, truth->recompute_cost);
    }
  }
  EXPECT_EQ(milp_runs, 12);
}

// A MILP stopped by the time limit still returns within the limit's
// reach: the budget planner's schedule (or a better one) with a lower
// bound, marked not proven; or, with no schedule at all, kDeadlineExceeded.
TEST(ExactPortfolioTest, AStoppedMilpReportsItsBestUnproven) {
  const Graph g = testing_graphs::MustBuild(testing_graphs::ChainProto(40, 1));
  proto::PlannerOptions o = Exact(7);
  o.set_max_state_bytes(1);
  o.set_time_limit_s(0.5);
  absl::StatusOr<JudgedSchedule> r = PlanAndJudge(g, o);
  if (r.ok()) {
    ASSERT_TRUE(r->schedule.optimality.has_value());
    EXPECT_LE(r->schedule.optimality->recompute_lower_bound, r->sim.recompute_cost);
    EXPECT_LE(r->sim.peak_bytes, 7);
  } else {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  }
}

// A unit chain of 6: a BACKWARD holds 2 activations and 2 gradients, so 3
// bytes are below the lower bound (kOutOfRange at the front door), and 4
// bytes are Revolve with s = 1 slot (tests/revolve_oracle_test.cc): the
// optimum recomputes t(6, 1) - (6 - 1) = 15 - 5, which the search proves.
TEST(ExactPortfolioTest, TightBudgetsOnAUnitChain) {
  const Graph g = testing_graphs::MustBuild(testing_graphs::ChainProto(6, 1));
  absl::StatusOr<JudgedSchedule> r = PlanAndJudge(g, Exact(3));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange) << r.status();
  r = PlanAndJudge(g, Exact(4));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sim.recompute_cost, 15 - 5);
  EXPECT_TRUE(r->schedule.optimality->proven_optimal);
}

}  // namespace
}  // namespace tbp

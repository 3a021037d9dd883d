// The Revolve oracle (core/schedule/revolve.h): on a chain of l unit nodes,
// a budget of s + 3 bytes corresponds to Griewank-Walther's s slots and the
// least recomputation is t(l, s) - (l - 1). Checked three ways: exhaustive
// search over all schedules (small l), the budget planner, and revolve.
#include <cstdint>
#include <string>
#include <vector>

#include "tests/fixtures/test_graphs.h"
#include "core/graph/graph.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/planner.h"
#include "core/schedule/revolve.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;

// A chain of l unit nodes (output_bytes = forward_cost = backward_cost = 1).
Graph UnitChain(int l) { return testing_graphs::MustBuild(testing_graphs::ChainProto(l, 1)); }

// Griewank-Walther t(l, s) translated to this model's recompute_cost.
int64_t ExpectedRecompute(int64_t l, int64_t s) { return RevolveSteps(l, s) - (l - 1); }

SimResult PlanAndSimulate(const Graph& g, proto::PlannerOptions options) {
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(g, g.compute_nodes(), options);
  EXPECT_TRUE(judged.ok()) << judged.status();
  return judged->sim;
}

TEST(RevolveOracleTest, ExhaustiveSearchConfirmsTheCorrespondence) {
  for (int l = 2; l <= 9; ++l) {
    Graph g = UnitChain(l);
    // The least memory of any schedule: BACKWARD n_i with n_i, n_{i-1} and
    // both gradients live, i.e. 4 bytes = 1 slot.
    EXPECT_EQ(*ExhaustiveMinimumMemory(g), 4) << "l=" << l;
    for (int64_t budget = 4; budget <= l + 2; ++budget) {
      auto r = ExhaustiveSearch(g, budget);
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->recompute_cost, ExpectedRecompute(l, budget - 3))
          << "l=" << l << " budget=" << budget;
      // The search's own schedule is judged by the simulator too.
      auto sim = Simulate(g, r->instructions);
      ASSERT_TRUE(sim.ok()) << sim.status();
      EXPECT_LE(sim->peak_bytes, budget);
      EXPECT_EQ(sim->recompute_cost, r->recompute_cost);
    }
    EXPECT_THAT(std::string(ExhaustiveSearch(g, 3).status().message()),
                HasSubstr("no valid schedule"));
  }
}

TEST(RevolveOracleTest, BudgetPlannerAttainsTheOptimum) {
  for (int l = 2; l <= 60; l += (l < 20 ? 1 : 7)) {
    Graph g = UnitChain(l);
    for (int64_t budget = 4; budget <= l + 2; ++budget) {
      proto::PlannerOptions o;
      o.set_planner("budget");
      o.set_budget_bytes(budget);
      o.set_max_blocks(l);
      SimResult sim = PlanAndSimulate(g, o);
      EXPECT_LE(sim.peak_bytes, budget) << "l=" << l;
      EXPECT_EQ(sim.recompute_cost, ExpectedRecompute(l, budget - 3))
          << "l=" << l << " budget=" << budget;
    }
  }
}

// At its default options (128 blocks: the DP alone is too coarse on chains
// of more than 128 nodes), the budget planner still attains Griewank-
// Walther's optimum, through its revolve candidate: every budget from 4
// bytes on chains of 50 and 137 nodes, a ladder of budgets up to 100,000
// nodes. At 30,000 nodes and 4 bytes (one slot) the optimal schedule has
// t(l, 1) = l (l - 1) / 2 = 4.5 * 10^8 forward steps: too long to emit, a
// named kResourceExhausted error, not a wrong answer.
TEST(RevolveOracleTest, BudgetPlannerAtDefaultOptionsOnLongChains) {
  struct Case { int l; std::vector<int64_t> budgets; };
  std::vector<Case> cases;
  for (int l : {50, 137}) {
    Case c{l, {}};
    for (int64_t b = 4; b <= l + 2; ++b) c.budgets.push_back(b);
    cases.push_back(c);
  }
  cases.push_back({1000, {4, 5, 6, 7, 8, 9, 10, 16, 33, 100, 500, 1001, 1002}});
  cases.push_back({10000, {5, 6, 7, 10, 100, 1000, 5000, 10002}});
  cases.push_back({100000, {1000, 100002}});
  for (const Case& c : cases) {
    Graph g = UnitChain(c.l);
    for (int64_t budget : c.budgets) {
      proto::PlannerOptions o;
      o.set_planner("budget");
      o.set_budget_bytes(budget);
      SimResult sim = PlanAndSimulate(g, o);
      EXPECT_LE(sim.peak_bytes, budget) << "l=" << c.l;
      EXPECT_EQ(sim.recompute_cost, ExpectedRecompute(c.l, budget - 3))
          << "l=" << c.l << " budget=" << budget;
    }
  }
  proto::PlannerOptions o;
  o.set_planner("budget");
  o.set_budget_bytes(4);
  absl::StatusOr<JudgedSchedule> huge = PlanAndJudge(UnitChain(30000), o);
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kResourceExhausted) << huge.status();
  EXPECT_THAT(std::string(huge.status().message()), HasSubstr("too long to emit"));
}

TEST(RevolveOracleTest, BudgetPlannerPublishedValue) {
  // t(100, 3) = 490 (Griewank & Walther 2000): budget 6 bytes.
  proto::PlannerOptions o;
  o.set_planner("budget");
  o.set_budget_bytes(6);
  o.set_max_blocks(100);
  SimResult sim = PlanAndSimulate(UnitChain(100), o);
  EXPECT_EQ(sim.recompute_cost, 490 - 99);
  EXPECT_LE(sim.peak_bytes, 6);
}

TEST(RevolveOracleTest, RevolveAttainsTheOptimum) {
  for (int l = 2; l <= 120; l += (l < 30 ? 1 : 13)) {
    Graph g = UnitChain(l);
    for (int64_t s = 1; s <= 7; ++s) {
      proto::PlannerOptions o;
      o.set_planner("revolve");
      o.set_slots(s);
      SimResult sim = PlanAndSimulate(g, o);
      EXPECT_EQ(sim.recompute_cost, ExpectedRecompute(l, s)) << "l=" << l << " s=" << s;
      EXPECT_LE(sim.peak_bytes, s + 3) << "l=" << l << " s=" << s;
      // Slots derived from the budget give the same schedule cost.
      proto::PlannerOptions b;
      b.set_planner("revolve");
      b.set_budget_bytes(s + 3);
      SimResult from_budget = PlanAndSimulate(g, b);
      EXPECT_EQ(from_budget.recompute_cost, ExpectedRecompute(l, s)) << "l=" << l << " s=" << s;
    }
  }
}

TEST(RevolveOracleTest, RevolvePublishedValues) {
  struct Case { int l; int64_t s; int64_t t; } cases[] = {
      {100, 3, 490}, {1000, 4, 7998}, {10000, 5, 112868}};
  for (const Case& c : cases) {
    proto::PlannerOptions o;
    o.set_planner("revolve");
    o.set_slots(c.s);
    SimResult sim = PlanAndSimulate(UnitChain(c.l), o);
    // Total forwards = t(l, s) + 1 (the output's own forward).
    EXPECT_EQ(sim.num_forwards, c.t + 1) << "l=" << c.l;
    EXPECT_EQ(sim.recompute_cost, c.t - (c.l - 1));
    EXPECT_EQ(sim.peak_bytes, c.s + 3);
  }
}

}  // namespace
}  // namespace tbp

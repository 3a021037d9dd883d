// checkmate_milp and checkmate_lp (core/schedule/checkmate.h): a chain of
// four unit nodes with its optima derived by hand, the stage structure
// checked against independent answers on random graphs (the exhaustive
// search over all schedules below, budget's and rotor's frontier-cut plans
// above), and the refusals.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/schedule/checkmate.h"
#include "core/schedule/planner.h"
#include "core/schedule/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"

namespace tbp {
namespace {

using testing_graphs::ChainProto;
using testing_graphs::MustBuild;

proto::PlannerOptions Options(const std::string& planner, int64_t budget) {
  proto::PlannerOptions o;
  o.set_planner(planner);
  o.set_budget_bytes(budget);
  if (planner.rfind("checkmate", 0) == 0) o.set_time_limit_s(30);
  return o;
}

// x -> c0 -> c1 -> c2 -> c3, unit sizes and forward costs. By hand (a..d =
// c0..c3; BACKWARD v holds v, its input and both gradients):
//   budget 6: store all, recompute 0 (BACKWARD d holds a b c d, gd, gc);
//   budget 5: hold a, c, d through BACKWARD d (5 bytes), recompute b from a
//             before BACKWARD c (a b c gc gb = 5): recompute 1;
//   budget 4: BACKWARD c and BACKWARD b each take all 4 bytes, so nothing
//             else is held across them: b is recomputed for BACKWARD c
//             (from a recomputed), a again for BACKWARD b: recompute 3;
//   budget 3: BACKWARD d alone needs c, d, gd, gc = 4: infeasible.
TEST(CheckmateTest, ChainOfFourByHand) {
  const Graph g = MustBuild(ChainProto(4, 1));
  for (auto [budget, recompute] : {std::pair<int64_t, int64_t>{6, 0}, {5, 1}, {4, 3}}) {
    absl::StatusOr<JudgedSchedule> j =
        PlanAndJudge(g, g.compute_nodes(), Options("checkmate_milp", budget));
    ASSERT_TRUE(j.ok()) << budget << ": " << j.status();
    EXPECT_EQ(j->sim.recompute_cost, recompute) << "budget " << budget;
    EXPECT_LE(j->sim.peak_bytes, budget);
    ASSERT_TRUE(j->schedule.optimality.has_value());
    EXPECT_TRUE(j->schedule.optimality->proven_optimal);
    EXPECT_EQ(j->schedule.optimality->recompute_lower_bound, recompute);
    absl::StatusOr<JudgedSchedule> lp =
        PlanAndJudge(g, g.compute_nodes(), Options("checkmate_lp", budget));
    ASSERT_TRUE(lp.ok()) << budget << ": " << lp.status();
    EXPECT_GE(lp->sim.recompute_cost, recompute);
    EXPECT_LE(lp->sim.peak_bytes, budget);
  }
  std::unique_ptr<PlanContext> c = *PlanContext::Create(g, g.compute_nodes());
  for (const char* planner : {"checkmate_milp", "checkmate_lp"}) {
    proto::PlannerOptions o = ResolvePlannerOptions(*c, Options(planner, 3));
    EXPECT_EQ(FindPlanner(planner)->plan(*c, o).status().code(),
              absl::StatusCode::kOutOfRange)
        << planner;
  }
}

// The stage plan of a schedule round-trips: budget's schedule maps onto
// the stage variables, and emitting them gives a schedule with the same
// recompute and no larger peak.
TEST(CheckmateTest, BudgetSchedulesAreStagePlans) {
  std::mt19937_64 rng(7);
  testing_graphs::RandomDagOptions options;
  options.max_compute = 14;
  int mapped = 0;
  for (int i = 0; i < 60; ++i) {
    const Graph g = MustBuild(testing_graphs::RandomDagProto(rng, options));
    std::unique_ptr<PlanContext> c = *PlanContext::Create(g, *ChooseOrder(g, proto::ORDER_BEST));
    const int64_t top = SimulateStoreAll(*c)->peak_bytes;
    const int64_t lower = c->best_lower_bound();
    for (int step = 0; step <= 3; ++step) {
      proto::PlannerOptions o =
          Options("budget", std::max<int64_t>(1, lower + (top - lower) * step / 3));
      o.set_dp_only(true);
      absl::StatusOr<JudgedSchedule> j = PlanAndJudge(*c, o);
      if (!j.ok()) {
        ASSERT_EQ(j.status().code(), absl::StatusCode::kOutOfRange) << j.status();
        continue;
      }
      std::optional<StagePlan> plan = StagePlanOf(g, c->order(), j->schedule.instructions);
      ASSERT_TRUE(plan.has_value()) << g.ToProto().ShortDebugString();
      ++mapped;
      absl::StatusOr<SimResult> again = Simulate(g, EmitStagePlan(g, c->order(), *plan));
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_EQ(again->recompute_cost, j->sim.recompute_cost);
      EXPECT_LE(again->peak_bytes, j->sim.peak_bytes);
    }
  }
  EXPECT_GT(mapped, 100);
}

// On random DAGs of at most 9 COMPUTE nodes at budgets from the least the
// exhaustive search plans to store-all's peak: checkmate_milp (proven)
// recomputes no more than budget's frontier-cut DP and rotor on the same
// order (their plans are stage plans) and no less than the exhaustive
// optimum over all schedules; on chains, where the optimum computes in
// order and backwards in reverse, it equals the exhaustive optimum.
// checkmate_lp is valid, within budget, never below the MILP, and its bound
// never above it.
TEST(CheckmateTest, BetweenTheExhaustiveOptimumAndTheFrontierCutPlans) {
  std::mt19937_64 rng(20241205);
  testing_graphs::RandomDagOptions options;
  options.max_compute = 9;
  int64_t points = 0, lp_plans = 0, lp_optimal = 0, below_dp = 0, compared = 0;
  for (int i = 0; i < 40; ++i) {
    const bool chain = i % 4 == 0;
    const Graph g = chain ? MustBuild(ChainProto(3 + i % 5, 1 + i % 3))
                          : MustBuild(testing_graphs::RandomDagProto(rng, options));
    std::unique_ptr<PlanContext> c = *PlanContext::Create(g, *ChooseOrder(g, proto::ORDER_BEST));
    const int64_t top = SimulateStoreAll(*c)->peak_bytes;
    const int64_t lower = c->best_lower_bound();
    for (int step = 0; step <= 3; ++step) {
      const int64_t budget = std::max<int64_t>(1, lower + (top - lower) * step / 3);
      absl::StatusOr<JudgedSchedule> best = PlanAndJudge(*c, Options("exhaustive", budget));
      absl::StatusOr<JudgedSchedule> milp = PlanAndJudge(*c, Options("checkmate_milp", budget));
      if (!milp.ok()) {
        ASSERT_EQ(milp.status().code(), absl::StatusCode::kOutOfRange) << milp.status();
        // No stage plan: nor a frontier-cut plan.
        proto::PlannerOptions dp = Options("budget", budget);
        dp.set_dp_only(true);
        EXPECT_EQ(PlanAndJudge(*c, dp).status().code(), absl::StatusCode::kOutOfRange)
            << g.ToProto().ShortDebugString();
        continue;
      }
      ++points;
      ASSERT_TRUE(best.ok()) << best.status();
      ASSERT_TRUE(milp->schedule.optimality->proven_optimal);
      const int64_t r = milp->sim.recompute_cost;
      EXPECT_GE(r, best->sim.recompute_cost);
      if (chain) EXPECT_EQ(r, best->sim.recompute_cost) << g.ToProto().ShortDebugString();
      proto::PlannerOptions dp = Options("budget", budget);
      dp.set_dp_only(true);
      for (const proto::PlannerOptions& o : {dp, Options("rotor", budget)}) {
        absl::StatusOr<JudgedSchedule> j = PlanAndJudge(*c, o);
        if (!j.ok()) {
          EXPECT_EQ(j.status().code(), absl::StatusCode::kOutOfRange) << j.status();
          continue;
        }
        ++compared;
        EXPECT_LE(r, j->sim.recompute_cost)
            << o.planner() << " at " << budget << ": " << g.ToProto().ShortDebugString();
        if (o.planner() == "budget" && r < j->sim.recompute_cost) ++below_dp;
      }
      absl::StatusOr<JudgedSchedule> lp = PlanAndJudge(*c, Options("checkmate_lp", budget));
      if (lp.ok()) {
        ++lp_plans;
        EXPECT_GE(lp->sim.recompute_cost, r);
        if (lp->sim.recompute_cost == r) ++lp_optimal;
        EXPECT_LE(lp->schedule.optimality->recompute_lower_bound, r);
      } else {
        EXPECT_EQ(lp.status().code(), absl::StatusCode::kOutOfRange) << lp.status();
      }
    }
  }
  std::printf("%lld points: checkmate_milp below the DP on %lld; checkmate_lp plans %lld, "
              "optimal on %lld\n",
              static_cast<long long>(points), static_cast<long long>(below_dp),
              static_cast<long long>(lp_plans), static_cast<long long>(lp_optimal));
  EXPECT_GT(points, 80);
  EXPECT_GT(compared, points);  // Most points have both budget and rotor.
}

// A program too large to build is refused with kResourceExhausted.
TEST(CheckmateTest, RefusesAProgramTooLargeToBuild) {
  const Graph g = MustBuild(ChainProto(2000, 1));
  for (const char* planner : {"checkmate_milp", "checkmate_lp"}) {
    absl::StatusOr<JudgedSchedule> j = PlanAndJudge(g, g.compute_nodes(), Options(planner, 100));
    EXPECT_EQ(j.status().code(), absl::StatusCode::kResourceExhausted) << planner;
  }
}

}  // namespace
}  // namespace tbp

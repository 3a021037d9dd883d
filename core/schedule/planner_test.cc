#include "core/schedule/planner.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tests/fixtures/test_graphs.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;

using testing_graphs::ChainProto;
using testing_graphs::MustBuild;
using testing_graphs::ProtoBuilder;

// A chain of l unit nodes (output_bytes = forward_cost = backward_cost = 1).
Graph UnitChain(int l) { return MustBuild(ChainProto(l, 1)); }

// x -> a -> b -> c -> d, plus the skip a -> d; unit sizes and costs.
Graph Skip() {
  return MustBuild(ProtoBuilder()
                       .Input("x")
                       .Compute("a", 1, {"x"})
                       .Compute("b", 1, {"a"})
                       .Compute("c", 1, {"b"})
                       .Compute("d", 1, {"c", "a"})
                       .Output("d")
                       .proto());
}

// PlanAndJudge on the file order; the simulator's verdict.
SimResult Judge(const Graph& g, proto::PlannerOptions o) {
  o.set_order(proto::ORDER_AS_GIVEN);
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(g, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? s->sim : SimResult{};
}

proto::PlannerOptions Options(const std::string& planner) {
  proto::PlannerOptions o;
  o.set_planner(planner);
  return o;
}

TEST(PlannerTest, StoreAllOnAChain) {
  // BACKWARD n9 holds all 9 activations and the gradients of n9 and n8.
  SimResult r = Judge(UnitChain(9), Options("store_all"));
  EXPECT_EQ(r.peak_bytes, 11);
  EXPECT_EQ(r.recompute_cost, 0);
}

TEST(PlannerTest, PeriodicOnAChain) {
  // k = 3 on 12 nodes: checkpoints n3, n6, n9 are held while the last
  // segment runs store-all: 3 + (3 activations + 2 gradients) = 8. Each of
  // the three earlier segments recomputes its two non-checkpoint nodes: 6.
  proto::PlannerOptions o = Options("periodic");
  o.set_segment_length(3);
  SimResult r = Judge(UnitChain(12), o);
  EXPECT_EQ(r.peak_bytes, 8);
  EXPECT_EQ(r.recompute_cost, 6);
  // The default segment length is ceil(sqrt(12)) = 4: checkpoints n4, n8;
  // peak 2 + 4 + 2 = 8; recompute 3 + 3 = 6.
  SimResult d = Judge(UnitChain(12), Options("periodic"));
  EXPECT_EQ(d.peak_bytes, 8);
  EXPECT_EQ(d.recompute_cost, 6);
}

TEST(PlannerTest, IntervalTreeOnAChain) {
  // 12 nodes, blocks of 3, arity 2: the root splits blocks {0,1 | 2,3} at
  // n6, its halves at n3 and n9. Reversing block 3 holds n6 and n9:
  // 2 + 5 = 7. Recompute: block 2 (n7, n8) 2; sweep n1..n3 again 3; block 1
  // (n4, n5) 2; block 0 (n1, n2) 2; total 9 -- less memory than periodic
  // (8), more recomputation (6).
  proto::PlannerOptions o = Options("interval_tree");
  o.set_block_size(3);
  o.set_arity(2);
  SimResult r = Judge(UnitChain(12), o);
  EXPECT_EQ(r.peak_bytes, 7);
  EXPECT_EQ(r.recompute_cost, 9);
  // Arity 4: one level, like periodic with k = 3.
  o.set_arity(4);
  SimResult flat = Judge(UnitChain(12), o);
  EXPECT_EQ(flat.peak_bytes, 8);
  EXPECT_EQ(flat.recompute_cost, 6);
}

TEST(PlannerTest, BudgetOnTheSkipFixture) {
  // Store-all: BACKWARD d holds a, b, c, d and the gradients of d, c, a: 7.
  EXPECT_EQ(Judge(Skip(), Options("store_all")).peak_bytes, 7);
  // Budget 6 (= the backward working set of d, 2 * (d + c + a)): keep a and
  // c across the cut before d, drop b and recompute it once.
  proto::PlannerOptions o = Options("budget");
  o.set_budget_bytes(6);
  SimResult r = Judge(Skip(), o);
  EXPECT_LE(r.peak_bytes, 6);
  EXPECT_EQ(r.recompute_cost, 1);
  // Budget 7 is store-all.
  o.set_budget_bytes(7);
  EXPECT_EQ(Judge(Skip(), o).recompute_cost, 0);
}

TEST(PlannerTest, ExactOnTheSkipFixture) {
  // The optimum over all schedules at 6 bytes also recomputes b once; at 7
  // bytes nothing.
  proto::PlannerOptions o = Options("exact");
  o.set_budget_bytes(6);
  SimResult r = Judge(Skip(), o);
  EXPECT_LE(r.peak_bytes, 6);
  EXPECT_EQ(r.recompute_cost, 1);
  o.set_budget_bytes(7);
  EXPECT_EQ(Judge(Skip(), o).recompute_cost, 0);
  // The exhaustive search agrees, and says it proved it.
  o.set_planner("exhaustive");
  o.set_budget_bytes(6);
  EXPECT_EQ(Judge(Skip(), o).recompute_cost, 1);
  absl::StatusOr<JudgedSchedule> proved = PlanAndJudge(Skip(), o);
  ASSERT_TRUE(proved.ok() && proved->schedule.optimality.has_value());
  EXPECT_TRUE(proved->schedule.optimality->proven_optimal);
  EXPECT_EQ(proved->schedule.optimality->recompute_lower_bound, 1);
  // Too large a graph for either method is a named error.
  o.set_budget_bytes(1000);
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(UnitChain(65), o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("at most 64 COMPUTE nodes"));
  o.set_planner("exact");
  s = PlanAndJudge(UnitChain(65), o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("at most 64 COMPUTE nodes"));
}

TEST(PlannerTest, BudgetDominatesPeriodicOnAChain) {
  proto::PlannerOptions p = Options("periodic");
  p.set_segment_length(3);
  SimResult periodic = Judge(UnitChain(12), p);
  proto::PlannerOptions b = Options("budget");
  b.set_budget_bytes(periodic.peak_bytes);
  SimResult budget = Judge(UnitChain(12), b);
  EXPECT_LE(budget.peak_bytes, periodic.peak_bytes);
  // 8 bytes = 5 slots: t(12, 5) = 2 * 12 - C(7, 6) = 17, so the optimum
  // recomputes 17 - 11 = 6, which periodic with k = 3 happens to attain.
  EXPECT_EQ(budget.recompute_cost, 6);
}

TEST(PlannerTest, BadOptionsAreNamed) {
  Graph g = UnitChain(5);
  auto error = [&](proto::PlannerOptions o, absl::StatusCode code) {
    absl::StatusOr<JudgedSchedule> s = PlanAndJudge(g, o);
    EXPECT_EQ(s.status().code(), code) << o.ShortDebugString() << ": " << s.status();
    return s.ok() ? std::string("ok") : std::string(s.status().message());
  };
  constexpr absl::StatusCode kBad = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(error(Options("magic"), kBad),
              HasSubstr("PlannerOptions.planner = 'magic' is not a planner"));
  proto::PlannerOptions o = Options("budget");
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.budget_bytes is missing"));
  o.set_budget_bytes(-3);
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.budget_bytes = -3: must be >= 0"));
  o.set_budget_bytes(3);
  // The backward working set of n2..n5 is 2 * (1 + 1) = 4 bytes: an
  // infeasible budget, with the bound that proves it.
  EXPECT_THAT(error(o, absl::StatusCode::kOutOfRange),
              HasSubstr("PlannerOptions.budget_bytes = 3 is below the lower bound"));
  EXPECT_THAT(error(o, absl::StatusCode::kOutOfRange), HasSubstr("= 4 bytes"));
  o = Options("revolve");
  EXPECT_THAT(error(o, kBad), HasSubstr("slots and budget_bytes are both missing"));
  o = Options("interval_tree");
  o.set_arity(1);
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.arity = 1: must be >= 2"));
  o = Options("periodic");
  o.set_segment_length(-1);
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.segment_length = -1: must be >= 1"));
  o = Options("exact");
  o.set_budget_bytes(10);
  o.set_time_limit_s(-1);
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.time_limit_s = -1"));
  // A knob the planner does not read is refused, not ignored.
  o = Options("store_all");
  o.set_time_limit_s(5);
  EXPECT_THAT(error(o, kBad), HasSubstr("planner 'store_all' has no such knob"));
  o = Options("budget");
  o.set_budget_bytes(10);
  o.set_slots(3);
  EXPECT_THAT(error(o, kBad), HasSubstr("PlannerOptions.slots = 3: planner 'budget' has no such "
                                        "knob (its knobs: budget_bytes, max_blocks"));
}

// A budget is checked for every planner: one that only shapes or ignores
// it reports a schedule above it as kOutOfRange, never as a valid plan.
TEST(PlannerTest, ASchedulesAboveItsBudgetIsOutOfRange) {
  proto::PlannerOptions o = Options("store_all");
  o.set_budget_bytes(10);  // Store-all of 9 unit nodes peaks at 11 bytes.
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(UnitChain(9), o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("the simulated peak 11 bytes exceeds the budget 10 bytes"));
  o.set_budget_bytes(11);
  s = PlanAndJudge(UnitChain(9), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sim.peak_bytes, 11);
  EXPECT_EQ(s->lower_bound_bytes, 4);  // BACKWARD of a chain node: 2 + 2.
}

// The budget planner's own limit (the least budget of its plan space) is
// kOutOfRange too, with that budget in the message.
TEST(PlannerTest, BudgetBelowThePlannersReachIsOutOfRange) {
  // One block: the DP's only plan is store-all (11 bytes); 5 bytes is above
  // the lower bound (4) but below that.
  proto::PlannerOptions o = Options("budget");
  o.set_budget_bytes(5);
  o.set_max_blocks(1);
  o.set_dp_only(true);  // The DP alone (the portfolio would find a schedule).
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(UnitChain(9), o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("below the smallest budget of any frontier-cut schedule of this order at "
                        "1 blocks: 11 bytes"));
}

TEST(PlannerTest, OrderMustBeTopological) {
  Graph g = UnitChain(3);
  std::vector<NodeId> reversed(g.compute_nodes().rbegin(), g.compute_nodes().rend());
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(g, reversed, Options("store_all"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

// The slot count comes from the budget first: a budget that more slots fit
// is never refused because one slot would be too long to emit.
TEST(PlannerTest, RevolveChoosesItsSlotsFromTheBudget) {
  proto::PlannerOptions o = Options("revolve");
  o.set_budget_bytes(1000);
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(UnitChain(30000), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_LE(s->sim.peak_bytes, 1000);
  EXPECT_EQ(s->schedule.options.slots(), 997);  // s + 3 bytes on a unit chain.
}

TEST(PlannerTest, RevolveRefusesHugeSchedules) {
  proto::PlannerOptions o = Options("revolve");
  o.set_slots(1);
  absl::StatusOr<JudgedSchedule> s = PlanAndJudge(UnitChain(30000), o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("forward steps"));
}

// ORDER_BEST_OF_ALL keeps, among the heuristic orders, a schedule that fits
// the budget and recomputes no more than the budget planner on any single
// one of them (each judged by the simulator).
TEST(PlannerTest, BestOfAllOrdersIsNoWorseThanAnyOneOrder) {
  int improved = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    std::mt19937_64 rng(seed);
    testing_graphs::RandomDagOptions ro;
    ro.min_compute = 6;
    ro.max_compute = 20;
    const Graph g = MustBuild(testing_graphs::RandomDagProto(rng, ro));
    absl::StatusOr<SimResult> store_all = SimulateStoreAll(g, AllHeuristicOrders(g)[0]);
    ASSERT_TRUE(store_all.ok());
    proto::PlannerOptions o = Options("budget");
    o.set_budget_bytes(store_all->peak_bytes * 3 / 4);
    int64_t best_single = -1;
    for (const std::vector<NodeId>& order : AllHeuristicOrders(g)) {
      absl::StatusOr<JudgedSchedule> s = PlanAndJudge(g, order, o);
      if (!s.ok()) {
        EXPECT_EQ(s.status().code(), absl::StatusCode::kOutOfRange) << s.status();
        continue;
      }
      if (best_single < 0 || s->sim.recompute_cost < best_single) {
        best_single = s->sim.recompute_cost;
      }
    }
    o.set_order(proto::ORDER_BEST_OF_ALL);
    absl::StatusOr<JudgedSchedule> all = PlanAndJudge(g, o);
    if (best_single < 0) {
      EXPECT_EQ(all.status().code(), absl::StatusCode::kOutOfRange) << "seed " << seed;
      continue;
    }
    ASSERT_TRUE(all.ok()) << "seed " << seed << ": " << all.status();
    const SimResult* sim = &all->sim;
    EXPECT_LE(sim->peak_bytes, o.budget_bytes()) << "seed " << seed;
    EXPECT_EQ(sim->recompute_cost, best_single) << "seed " << seed;
    // The order of the kept schedule is recorded and is one of them.
    const std::vector<std::vector<NodeId>> orders = AllHeuristicOrders(g);
    EXPECT_NE(std::find(orders.begin(), orders.end(), all->schedule.order), orders.end());
    proto::PlannerOptions best_order = o;
    best_order.set_order(proto::ORDER_BEST);
    absl::StatusOr<JudgedSchedule> bs = PlanAndJudge(g, best_order);
    if (!bs.ok() || sim->recompute_cost < bs->sim.recompute_cost) ++improved;
  }
  std::printf("best_of_all beats the best-frontier order on %d of 60 graphs\n", improved);
}

}  // namespace
}  // namespace tbp

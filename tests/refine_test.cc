// KeepRecomputedResident, RecomputeToFit and TradeRecomputations
// (core/schedule/refine.h): hand
// fixtures whose outcomes are worked out below, the errors, and properties
// over the random suite: every refined budget schedule is valid, within its
// budget, and (keep_recomputed) recomputes no more than the DP's schedule.
#include "core/schedule/refine.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/analysis/lower_bounds.h"
#include "tests/fixtures/test_graphs.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/planner.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "gtest/gtest.h"
#include "proto/planner.pb.h"
#include "tests/random_suite.h"

namespace tbp {
namespace {

using testing_graphs::ChainProto;
using testing_graphs::MustBuild;

Instruction F(NodeId v) { return {Op::kForward, v}; }
Instruction X(NodeId v) { return {Op::kFree, v}; }
Instruction B(NodeId v) { return {Op::kBackward, v}; }

// The simulator's (peak_bytes, recompute_cost) of a hand schedule; a
// schedule it rejects fails the test and gives (-1, -1).
using PeakRecompute = std::pair<int64_t, int64_t>;
PeakRecompute PeakAndRecompute(const Graph& g, const std::vector<Instruction>& s) {
  absl::StatusOr<SimResult> r = Simulate(g, s);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? PeakRecompute(r->peak_bytes, r->recompute_cost) : PeakRecompute(-1, -1);
}

// Chain x -> c1 -> c2 -> c3 (ids 0..3), every tensor 1 byte, unit costs
// (the INPUT x costs no memory in the model). The schedule
//   k:  0  1  2  3  4  5  6  7  8  9  10 11 12
//       F1 F2 X1 F3 X2 F1 F2 B3 X3 B2 X2 B1 X1
// recomputes c1 (pair X1@2, F1@5) and c2 (pair X2@4, F2@6): cost 2. Its
// samples are 1 2 1 2 1 2 3 | 5 3 4 2 2 1 (B3: c1 c2 c3 resident plus the
// gradients of c3 and c2), so the peak is 5, store-all's too (F1 F2 F3 B3:
// 3 + 2). Keeping c2 over [4, 6) raises samples 1 2 to 2 3; keeping c1 over
// [2, 5) raises 1 2 1 to 2 3 2: both fit under 5, the pairs' four
// instructions go, and the result recomputes nothing at the same peak.
TEST(KeepRecomputedResidentTest, HandChain) {
  const Graph g = MustBuild(ChainProto(3, 1));
  ASSERT_EQ(g.num_nodes(), 4);
  const std::vector<Instruction> s = {F(1), F(2), X(1), F(3), X(2), F(1), F(2),
                                      B(3), X(3), B(2), X(2), B(1), X(1)};
  ASSERT_EQ(PeakAndRecompute(g, s), PeakRecompute(5, 2));

  absl::StatusOr<KeptSchedule> kept = KeepRecomputedResident(g, s, 5);
  ASSERT_TRUE(kept.ok()) << kept.status();
  const std::vector<Instruction> expected = {F(1), F(2), F(3), B(3), X(3),
                                             B(2), X(2), B(1), X(1)};
  EXPECT_EQ(kept->instructions, expected);
  EXPECT_EQ(PeakAndRecompute(g, kept->instructions), PeakRecompute(5, 0));
}

// Chain x -> c1 -> ... -> c4, unit bytes and costs. The schedule
// (FreedEarly)
//   k:  0  1  2  3  4  5  6  7  8  9  10 11 12 13
//       F1 F2 X1 F3 F4 B4 X4 B3 X3 F1 B2 X2 B1 X1
// recomputes c1 once (pair X1@2, F1@9). Samples: 1 2 1 2 3 | 5 (B4: c2 c3
// c4 and the gradients of c4, c3) 3 4 2 | 3 4 2 2 1: the pair's range
// [2, 9) holds the peak 5. At budget 5 keeping c1 would make it 6, so the
// schedule comes back unchanged; at budget 6 c1 is kept and nothing is
// recomputed, at peak 6.
std::vector<Instruction> FreedEarly() {
  return {F(1), F(2), X(1), F(3), F(4), B(4), X(4), B(3), X(3), F(1), B(2), X(2), B(1), X(1)};
}

TEST(KeepRecomputedResidentTest, PairOverThePeakIsKeptOnlyWithRoom) {
  const Graph g = MustBuild(ChainProto(4, 1));
  const std::vector<Instruction> s = FreedEarly();
  ASSERT_EQ(PeakAndRecompute(g, s), PeakRecompute(5, 1));
  absl::StatusOr<KeptSchedule> at5 = KeepRecomputedResident(g, s, 5);
  ASSERT_TRUE(at5.ok()) << at5.status();
  EXPECT_EQ(at5->instructions, s);
  absl::StatusOr<KeptSchedule> at6 = KeepRecomputedResident(g, s, 6);
  ASSERT_TRUE(at6.ok()) << at6.status();
  EXPECT_EQ(PeakAndRecompute(g, at6->instructions), PeakRecompute(6, 0));
}

TEST(KeepRecomputedResidentTest, Errors) {
  const Graph g = MustBuild(ChainProto(2, 1));
  // Invalid schedule: the simulator's error.
  absl::StatusOr<KeptSchedule> bad = KeepRecomputedResident(g, {B(2)}, 100);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  // Over the budget.
  const std::vector<Instruction> s = {F(1), F(2), B(2), X(2), B(1), X(1)};
  absl::StatusOr<KeptSchedule> over = KeepRecomputedResident(g, s, 1);
  ASSERT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument) << over.status();
  EXPECT_NE(std::string(over.status().message()).find("budget_bytes = 1"), std::string::npos)
      << over.status();
  // Nothing recomputed: returned unchanged.
  absl::StatusOr<KeptSchedule> same = KeepRecomputedResident(g, s, 100);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->instructions, s);
}

// RecomputeToFit. Chain x -> c1 -> c2 -> c3, unit bytes and costs, the
// store-all schedule
//   k:  0  1  2  3  4  5  6  7  8
//       F1 F2 F3 B3 X3 B2 X2 B1 X1
// peaks at B3 (c1 c2 c3 and the gradients of c3 and c2: 5). At budget 4,
// B3 reads c3 and c2 but not c1, whose last reader before is F2 (k = 1)
// and whose next is B2 (k = 5): FREE c1 after F2, FORWARD c1 before B2.
// Then B3 holds c2 c3 and two gradients (4), the recomputing F1 c2, its
// gradient and c1 (3), B2 c1 c2 and their gradients (4): it fits, for a
// recompute of 1. Budget 3 is out of reach: B3 alone needs c3, c2 and
// their gradients (4), so after that move nothing lowers the excess.
TEST(RecomputeToFitTest, HandChain) {
  const Graph g = MustBuild(ChainProto(3, 1));
  const std::vector<Instruction> s = {F(1), F(2), F(3), B(3), X(3), B(2), X(2), B(1), X(1)};
  ASSERT_EQ(PeakAndRecompute(g, s), PeakRecompute(5, 0));
  absl::StatusOr<KeptSchedule> fit = RecomputeToFit(g, s, 4);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const std::vector<Instruction> expected = {F(1), F(2), X(1), F(3), B(3), X(3),
                                             F(1), B(2), X(2), B(1), X(1)};
  EXPECT_EQ(fit->instructions, expected);
  EXPECT_EQ(PeakAndRecompute(g, fit->instructions), PeakRecompute(4, 1));
  EXPECT_EQ(fit->recompute_cost, 1);
  // Already within the budget: unchanged.
  absl::StatusOr<KeptSchedule> same = RecomputeToFit(g, s, 5);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->instructions, s);
  // Nothing fits 3 bytes this way.
  absl::StatusOr<KeptSchedule> none = RecomputeToFit(g, s, 3);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::IsNotFound(none.status())) << none.status();
  EXPECT_NE(std::string(none.status().message()).find("budget_bytes = 3"), std::string::npos)
      << none.status();
  // An invalid schedule: the simulator's error.
  EXPECT_TRUE(absl::IsInvalidArgument(RecomputeToFit(g, {B(3)}, 100).status()));
}

// RecomputeToFit recomputes a dropped tensor's missing ancestors first.
// FreedEarly (above) peaks at B4 (c2 c3 c4 and two gradients: 5). At
// budget 4 the only tensor that B4 does not read is c2: last read by F3
// (k = 3), next by B3 (k = 7), where c1 is not resident. So FREE c2 after
// F3, and before B3 FORWARD c1, FORWARD c2, FREE c1: peak 4, recompute
// 1 + 2. Without the ancestor the FORWARD of c2 is invalid and nothing
// lowers the excess.
TEST(RecomputeToFitTest, RecomputesMissingAncestors) {
  const Graph g = MustBuild(ChainProto(4, 1));
  absl::StatusOr<KeptSchedule> fit = RecomputeToFit(g, FreedEarly(), 4);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const std::vector<Instruction> expected = {F(1), F(2), X(1), F(3), X(2), F(4), B(4),
                                             X(4), F(1), F(2), X(1), B(3), X(3), F(1),
                                             B(2), X(2), B(1), X(1)};
  EXPECT_EQ(fit->instructions, expected);
  EXPECT_EQ(PeakAndRecompute(g, fit->instructions), PeakRecompute(4, 3));
  EXPECT_EQ(fit->recompute_cost, 3);
}

// Calls visit(graph, budget, where) for the random suite's first `graphs`
// graphs (24 nodes) at the budgets lo + f (store_all - lo), f = 0.1, 0.3,
// 0.6, with lo the best lower bound; `where` describes graph and budget.
template <typename Visit>
void ForEachSuiteBudget(int graphs, Visit&& visit) {
  for (int64_t index = 0; index < graphs; ++index) {
    const proto::GeneratorSpec spec = RandomSuiteSpec(index, 24);
    absl::StatusOr<proto::Graph> p = Generate(spec);
    ASSERT_TRUE(p.ok()) << p.status();
    const Graph g = MustBuild(*p);
    proto::PlannerOptions sa;
    sa.set_planner("store_all");
    const int64_t hi = PlanAndJudge(g, sa)->sim.peak_bytes;
    const int64_t lo = BestLowerBound(g);
    for (double fraction : {0.1, 0.3, 0.6}) {
      const int64_t budget = lo + static_cast<int64_t>(fraction * static_cast<double>(hi - lo));
      if (budget <= 0) continue;
      visit(g, budget, DescribeSuiteGraph(index, spec, *p) + " budget " + std::to_string(budget));
    }
  }
}

// Over the random suite: the DP's schedule for a budget 25% above B,
// brought under B, is valid, within B, and its reported recompute is the
// simulator's; on some graphs the pass succeeds (else it is dead weight).
TEST(RecomputeToFitTest, FitsOrSaysSoOverTheRandomSuite) {
  constexpr int kGraphs = 200;
  int fitted = 0, tried = 0;
  ForEachSuiteBudget(kGraphs, [&](const Graph& g, int64_t budget, const std::string& where) {
    proto::PlannerOptions o;
    o.set_planner("budget");
    o.set_budget_bytes(budget + budget / 4);
    absl::StatusOr<JudgedSchedule> dp = PlanAndJudge(g, o);
    if (!dp.ok()) return;
    ++tried;
    absl::StatusOr<KeptSchedule> fit = RecomputeToFit(g, dp->schedule.instructions, budget);
    if (!fit.ok()) {
      EXPECT_TRUE(absl::IsNotFound(fit.status())) << fit.status() << "\n" << where;
      return;
    }
    absl::StatusOr<SimResult> r = Simulate(g, fit->instructions);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << where;
    EXPECT_LE(r->peak_bytes, budget) << where;
    EXPECT_EQ(r->recompute_cost, fit->recompute_cost) << where;
    ++fitted;
  });
  std::printf("RecomputeToFit: %d of %d schedules brought under the budget\n", fitted, tried);
  EXPECT_GT(fitted, kGraphs / 2);
}

// ForEachSuiteBudget where the plain budget DP has a schedule:
// visit(graph, budget, dp_schedule, where).
template <typename Visit>
void ForEachSuiteDpSchedule(int graphs, Visit&& visit) {
  ForEachSuiteBudget(graphs, [&](const Graph& g, int64_t budget, const std::string& where) {
    proto::PlannerOptions o;
    o.set_planner("budget");
    o.set_budget_bytes(budget);
    absl::StatusOr<JudgedSchedule> dp = PlanAndJudge(g, o);
    if (dp.ok()) visit(g, budget, dp->schedule, where);  // Else below the DP's least budget.
  });
}

// Over the random suite, at budgets between the best lower bound and
// store-all: keep_recomputed gives a valid schedule within the budget
// that recomputes no more than the plain DP on the same order, and
// strictly less on some graphs (else the option would be dead weight).
TEST(KeepRecomputedResidentTest, NeverWorseOverTheRandomSuite) {
  constexpr int kGraphs = 300;
  int planned = 0, better = 0;
  ForEachSuiteDpSchedule(kGraphs, [&](const Graph& g, int64_t budget, const Schedule& dp,
                                      const std::string& where) {
    proto::PlannerOptions o;
    o.set_planner("budget");
    o.set_budget_bytes(budget);
    o.set_keep_recomputed(true);
    absl::StatusOr<JudgedSchedule> kept = PlanAndJudge(g, o);
    ASSERT_TRUE(kept.ok()) << kept.status() << "\n" << where;
    absl::StatusOr<SimResult> a = Simulate(g, dp.instructions);
    absl::StatusOr<SimResult> b = kept->sim;
    ASSERT_TRUE(a.ok() && b.ok()) << where;
    EXPECT_LE(b->peak_bytes, budget) << where;
    EXPECT_LE(b->recompute_cost, a->recompute_cost) << where;
    better += b->recompute_cost < a->recompute_cost;
    ++planned;
  });
  std::printf("keep_recomputed: %d plans, %d recompute strictly less\n", planned, better);
  EXPECT_GT(planned, kGraphs);
  EXPECT_GT(better, 0);
}

// keep_recomputed brings the DP's schedules for larger budgets under the
// budget also in steps of B / 16, trading at each. On this residual graph
// (lower_bound_gap_exact's residual, seed 2) at 160 bytes, one step leaves
// a local optimum one recomputation above the optimum; the descent reaches
// the optimum, which the exhaustive search confirms.
TEST(KeepRecomputedResidentTest, GradualDescentReachesTheOptimumOnAResidualGraph) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RESIDUAL);
  spec.set_blocks(5);
  spec.set_block_depth(2);
  spec.set_size_distribution(proto::SIZE_UNIFORM);
  spec.set_base_bytes(10);
  spec.set_size_spread(3);
  spec.set_seed(2);
  absl::StatusOr<proto::Graph> p = Generate(spec);
  ASSERT_TRUE(p.ok()) << p.status();
  const Graph g = MustBuild(*p);
  constexpr int64_t kBudget = 160;
  proto::PlannerOptions o;
  o.set_planner("budget");
  o.set_order(proto::ORDER_BEST_OF_ALL);
  o.set_budget_bytes(kBudget);
  o.set_keep_recomputed(true);
  absl::StatusOr<JudgedSchedule> kept = PlanAndJudge(g, o);
  ASSERT_TRUE(kept.ok()) << kept.status();
  const SimResult* sim = &kept->sim;
  EXPECT_LE(sim->peak_bytes, kBudget);
  absl::StatusOr<ExhaustiveResult> optimum = ExhaustiveSearch(g, kBudget);
  ASSERT_TRUE(optimum.ok()) << optimum.status();
  EXPECT_GT(optimum->recompute_cost, 0);
  EXPECT_EQ(sim->recompute_cost, optimum->recompute_cost);
}

// Over the random suite: TradeRecomputations on the DP's schedule is valid,
// within the budget, reports the simulator's recompute, and never
// recomputes more than KeepRecomputedResident on the same schedule; on
// some graphs strictly less (else the trades would be dead weight).
TEST(TradeRecomputationsTest, NeverWorseThanKeepOverTheRandomSuite) {
  constexpr int kGraphs = 150;
  int planned = 0, better = 0;
  ForEachSuiteDpSchedule(kGraphs, [&](const Graph& g, int64_t budget, const Schedule& dp,
                                      const std::string& where) {
    absl::StatusOr<KeptSchedule> kept = KeepRecomputedResident(g, dp.instructions, budget);
    absl::StatusOr<KeptSchedule> traded = TradeRecomputations(g, dp.instructions, budget);
    ASSERT_TRUE(kept.ok()) << kept.status() << "\n" << where;
    ASSERT_TRUE(traded.ok()) << traded.status() << "\n" << where;
    absl::StatusOr<SimResult> r = Simulate(g, traded->instructions);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << where;
    EXPECT_LE(r->peak_bytes, budget) << where;
    EXPECT_EQ(r->recompute_cost, traded->recompute_cost) << where;
    EXPECT_LE(r->recompute_cost, kept->recompute_cost) << where;
    better += r->recompute_cost < kept->recompute_cost;
    ++planned;
  });
  std::printf("TradeRecomputations: %d plans, %d recompute strictly less than the keep pass\n",
              planned, better);
  EXPECT_GT(planned, kGraphs);
  EXPECT_GT(better, 0);
}

// The errors are KeepRecomputedResident's: the simulator's for an invalid
// schedule, kInvalidArgument naming the peak for one over the budget.
TEST(TradeRecomputationsTest, Errors) {
  const Graph g = MustBuild(ChainProto(3, 1));
  EXPECT_TRUE(absl::IsInvalidArgument(TradeRecomputations(g, {B(3)}, 100).status()));
  const std::vector<Instruction> s = {F(1), F(2), F(3), B(3), X(3), B(2), X(2), B(1), X(1)};
  absl::StatusOr<KeptSchedule> over = TradeRecomputations(g, s, 4);
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(over.status())) << over.status();
  EXPECT_NE(std::string(over.status().message()).find("peak 5"), std::string::npos)
      << over.status();
}

}  // namespace
}  // namespace tbp

// The A* heuristic of the exhaustive search must not change any answer:
// on seeded random graphs, A* and plain Dijkstra (reference = true)
// give the same least recompute at every budget from the minimum memory up
// to the first budget needing no recomputation, and every returned schedule
// is valid in the simulator with that recompute and a peak within the
// budget. An upper bound on the recompute equal to the optimum keeps it; one
// below it makes the search fail with a message naming the bound.
#include <cstdint>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/fixtures/test_graphs.h"
#include "core/graph/graph.h"
#include "core/schedule/exhaustive.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using testing_graphs::MustBuild;
using testing_graphs::RandomDagOptions;
using testing_graphs::RandomDagProto;
using ::testing::HasSubstr;

// The search's recompute at `budget`, its schedule checked by the
// simulator; -1 if no schedule fits.
int64_t CheckedCost(const Graph& g, int64_t budget, const ExhaustiveOptions& options,
                    const std::string& where) {
  absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(g, budget, options);
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange) << where << r.status();
    return -1;
  }
  absl::StatusOr<SimResult> sim = Simulate(g, r->instructions);
  EXPECT_TRUE(sim.ok()) << where << sim.status();
  if (!sim.ok()) return -2;
  EXPECT_LE(sim->peak_bytes, budget) << where;
  EXPECT_EQ(sim->recompute_cost, r->recompute_cost) << where;
  return r->recompute_cost;
}

TEST(ExhaustiveTest, AStarEqualsDijkstraOnRandomGraphs) {
  ExhaustiveOptions astar, dijkstra;
  dijkstra.reference = true;
  int budgets = 0, recomputing = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::mt19937_64 rng(seed);
    RandomDagOptions options;
    options.min_compute = 2;
    options.max_compute = 10;
    options.max_bytes = 8;
    const Graph g = MustBuild(RandomDagProto(rng, options));
    absl::StatusOr<int64_t> min_memory = ExhaustiveMinimumMemory(g);
    ASSERT_TRUE(min_memory.ok()) << min_memory.status();
    for (int64_t budget = *min_memory;; ++budget) {
      const std::string where = absl::StrCat("seed ", seed, " budget ", budget, ": ");
      const int64_t a = CheckedCost(g, budget, astar, where + "A*: ");
      const int64_t d = CheckedCost(g, budget, dijkstra, where + "Dijkstra: ");
      ASSERT_EQ(a, d) << where;
      ASSERT_GE(a, 0) << where << "no schedule at or above the minimum memory";
      ++budgets;
      if (a == 0) break;
      ++recomputing;
      ExhaustiveOptions bounded = astar;
      bounded.recompute_upper_bound = a;
      EXPECT_EQ(CheckedCost(g, budget, bounded, where + "bound = optimum: "), a);
      bounded.recompute_upper_bound = a - 1;
      absl::StatusOr<ExhaustiveResult> below = ExhaustiveSearch(g, budget, bounded);
      EXPECT_THAT(std::string(below.status().message()),
                  HasSubstr(absl::StrCat("recompute_cost <= ", a - 1)))
          << where;
    }
    // One budget below the minimum memory is infeasible for both.
    EXPECT_EQ(CheckedCost(g, *min_memory - 1, astar, "below min"), -1) << seed;
  }
  // The suite must exercise recomputation, not only store-all budgets.
  EXPECT_GT(recomputing, 600) << budgets << " budgets";
}

}  // namespace
}  // namespace tbp

namespace tbp {
namespace {

// A 20-node chain whose forward costs (4e17 each) overflow int64 once
// anything is recomputed (the adversarial case whose search once grew past
// 2.6 GB): every overflowing path is pruned, and the search says that no
// schedule within the budget has a cost int64 can hold, rather than calling
// the budget infeasible (the true minimum memory is 4 bytes).
TEST(ExhaustiveLimitsTest, CostsPastInt64AreNamed) {
  proto::Graph p = testing_graphs::ChainProto(20, 1);
  for (proto::Node& n : *p.mutable_nodes()) {
    if (n.kind() == proto::Node::COMPUTE) n.set_forward_cost(400'000'000'000'000'000);
  }
  const Graph g = testing_graphs::MustBuild(p);
  absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(g, 6);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("fits int64"));
  EXPECT_EQ(*ExhaustiveMinimumMemory(g), 4);
}

// The state cap is in bytes the caller sets; reaching it is a named
// kResourceExhausted error (never an abort).
TEST(ExhaustiveLimitsTest, TheStateCapIsNamed) {
  const Graph g = testing_graphs::MustBuild(testing_graphs::ChainProto(20, 1));
  ExhaustiveOptions o;
  o.max_state_bytes = 4096;
  absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(g, 5, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("max_state_bytes = 4096"));
  absl::StatusOr<int64_t> m = ExhaustiveMinimumMemory(g, 4096);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kResourceExhausted) << m.status();
}

}  // namespace
}  // namespace tbp

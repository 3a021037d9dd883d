// The budget planner's DP (core/schedule/budget_planner.cc: pruned split
// walks, skipped unreachable intervals) against the plain recurrence
// (core/schedule/budget_reference.h) on seeded random graphs of every
// generator family (tests/random_suite.h):
//   - identical root Pareto frontiers (modelled need, forward cost), point
//     for point, for several budget caps, with and without thinning, over
//     the full plan space and over split grids (SplitGrid) forced onto small
//     coarsenings;
//   - for several budgets, the planned tree's cost is the reference's least
//     cost within the budget, and the simulator accepts the schedule, finds
//     its peak within the budget and its forwards equal to that cost;
//   - a split grid only removes plans: it never beats the full space.
// On failure the seed, family and graph are printed.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/budget_reference.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"
#include "gtest/gtest.h"
#include "tests/random_suite.h"

namespace tbp {
namespace {

constexpr int64_t kNoCap = std::numeric_limits<int64_t>::max() / 4;

std::string Show(const std::vector<ModelledPoint>& f) {
  std::string s;
  for (const ModelledPoint& p : f) {
    s += "(" + std::to_string(p.need_bytes) + ", " + std::to_string(p.forward_cost) + ") ";
  }
  return s;
}

struct Config {
  const char* name;
  int64_t max_blocks_divisor;  // max_blocks = max(1, n / divisor).
  int64_t memory_levels;       // 1 << 15: never thinned at these sizes.
  SplitGrid grid;
};

// Checks one graph under every config; returns the number of budgets planned.
int64_t CheckGraph(const Graph& graph, const std::string& where) {
  const std::vector<NodeId> order = *ChooseOrder(graph, proto::ORDER_BEST);
  const OrderContext context(graph, order);
  const int64_t n = context.n;
  const int64_t base_forward = context.prefix_fwd[n];
  const Config configs[] = {
      {"full", 1, 1 << 15, SplitGrid()},
      {"full, thinned to 3", 1, 3, SplitGrid()},
      {"coarsened to n/3", 3, 1 << 15, SplitGrid()},
      {"grid 3/2/3", 1, 1 << 15, SplitGrid{3, 2, 3}},
      {"grid 2/1/2, thinned to 4", 1, 4, SplitGrid{2, 1, 2}},
      {"grid 4/3/2, coarsened to n/2", 2, 1 << 15, SplitGrid{4, 3, 2}},
  };
  int64_t planned = 0;
  for (const Config& config : configs) {
    const int64_t blocks = std::max<int64_t>(1, n / config.max_blocks_divisor);
    const std::string label = std::string(config.name) + " (" + std::to_string(blocks) +
                              " blocks)\n" + where;
    const std::vector<ModelledPoint> uncapped = ReferenceRootFrontier(
        context, blocks, config.memory_levels, kNoCap, config.grid);
    EXPECT_FALSE(uncapped.empty()) << label;
    if (uncapped.empty()) return planned;
    const int64_t least = uncapped.front().need_bytes, most = uncapped.back().need_bytes;
    // Budget caps: none, and three between the least feasible budget and the
    // least-cost plan's need.
    const int64_t caps[] = {kNoCap, least, least + (most - least) / 3, most};
    for (const int64_t cap : caps) {
      const std::vector<ModelledPoint> ref =
          ReferenceRootFrontier(context, blocks, config.memory_levels, cap, config.grid);
      absl::StatusOr<BudgetPlanner> dp =
          BudgetPlanner::Create(context, blocks, config.memory_levels, cap, config.grid);
      EXPECT_TRUE(dp.ok()) << dp.status() << "\n" << label;
      if (!dp.ok()) return planned;
      const std::vector<ModelledPoint> got = dp->RootFrontier();
      EXPECT_EQ(Show(got), Show(ref)) << "cap " << cap << ", " << label;
      if (Show(got) != Show(ref)) return planned;
      EXPECT_EQ(dp->MinFeasibleBytes(), least) << label;
      // Plans at budgets from the least feasible one up to the cap.
      for (int step = 0; step <= 3; ++step) {
        const int64_t budget = least + (std::min(cap, most + 1) - least) * step / 3;
        const int64_t want = ReferenceLeastCost(ref, budget);
        absl::StatusOr<PlanTree> tree = dp->PlanFor(budget);
        EXPECT_EQ(tree.ok(), want >= 0) << "budget " << budget << ", " << label;
        if (!tree.ok()) continue;
        ++planned;
        absl::StatusOr<SimResult> sim = Simulate(graph, EmitPlan(context, *tree));
        EXPECT_TRUE(sim.ok()) << sim.status() << "\nbudget " << budget << ", " << label;
        if (!sim.ok()) continue;
        EXPECT_LE(sim->peak_bytes, budget) << label;
        EXPECT_EQ(base_forward + sim->recompute_cost, want) << "budget " << budget << ", "
                                                            << label;
      }
    }
    // A grid only removes plans: never cheaper than the full space.
    if (config.grid.full_blocks < blocks) {
      const std::vector<ModelledPoint> full =
          ReferenceRootFrontier(context, blocks, 1 << 15, kNoCap, SplitGrid{blocks, 1});
      for (const ModelledPoint& p : uncapped) {
        const int64_t best_full = ReferenceLeastCost(full, p.need_bytes);
        if (config.memory_levels == (1 << 15)) {
          EXPECT_GE(p.forward_cost, best_full) << label;
        }
      }
    }
  }
  return planned;
}

TEST(BudgetDpReference, RandomSuite) {
  constexpr int64_t kGraphs = 350;
  int64_t planned = 0;
  for (int64_t index = 0; index < kGraphs; ++index) {
    const proto::GeneratorSpec spec = RandomSuiteSpec(index, 40);
    absl::StatusOr<proto::Graph> proto_graph = Generate(spec);
    ASSERT_TRUE(proto_graph.ok()) << proto_graph.status() << "\n" << spec.ShortDebugString();
    absl::StatusOr<Graph> graph = Graph::FromProto(*proto_graph);
    ASSERT_TRUE(graph.ok()) << graph.status();
    planned += CheckGraph(*graph, DescribeSuiteGraph(index, spec, *proto_graph));
    if (HasFailure()) return;
  }
  std::printf("budget DP vs reference: %lld graphs, %lld budgets planned and simulated\n",
              static_cast<long long>(kGraphs), static_cast<long long>(planned));
}

// Coarsenings beyond SplitGrid().full_blocks = 128 blocks use the default
// grid (cap 2 here); a forced grid reaches cap 8. Larger graphs of each
// family, uncoarsened.
TEST(BudgetDpReference, GridsOnLargerGraphs) {
  for (int64_t index = 0; index < 7; ++index) {
    proto::GeneratorSpec spec = RandomSuiteSpec(1000 + index, 200);
    absl::StatusOr<proto::Graph> proto_graph = Generate(spec);
    ASSERT_TRUE(proto_graph.ok()) << proto_graph.status();
    absl::StatusOr<Graph> graph = Graph::FromProto(*proto_graph);
    ASSERT_TRUE(graph.ok()) << graph.status();
    const std::vector<NodeId> order = *ChooseOrder(*graph, proto::ORDER_BEST);
    const OrderContext context(*graph, order);
    const std::string where = DescribeSuiteGraph(1000 + index, spec, *proto_graph);
    for (const SplitGrid& grid : {SplitGrid(), SplitGrid{32, 4, 16}}) {
      const std::vector<ModelledPoint> ref =
          ReferenceRootFrontier(context, context.n, 64, kNoCap, grid);
      absl::StatusOr<BudgetPlanner> dp =
          BudgetPlanner::Create(context, context.n, 64, kNoCap, grid);
      ASSERT_TRUE(dp.ok()) << dp.status();
      ASSERT_EQ(Show(dp->RootFrontier()), Show(ref))
          << context.n << " blocks, grid " << grid.full_blocks << "/" << grid.min_candidates
          << "/" << grid.top_blocks << "\n" << where;
    }
  }
}

}  // namespace
}  // namespace tbp

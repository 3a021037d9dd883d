// Planner speed (issue 3 targets, one core): interval_tree plan + simulate
// of a 1,000,000-node chain and of a 1,000,000-node layered DAG each under
// 2 s; budget on a 1,000-block coarsening under 1 s
// (BM_BudgetPlanOneBudget/1000/...).
#include <vector>

#include "benchmark/benchmark.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

Graph Make(proto::Family family, int64_t n) {
  proto::GeneratorSpec spec;
  spec.set_family(family);
  spec.set_seed(7);
  spec.set_size_distribution(proto::SIZE_LOGNORMAL);
  spec.set_size_sigma(0.5);
  spec.set_base_bytes(1024);
  if (family == proto::CHAIN) {
    spec.set_nodes(n);
  } else {
    spec.set_width(10);
    spec.set_layers(n / 10);
    spec.set_edge_prob(0.3);
    spec.set_skip_prob(0.01);
  }
  return *Graph::FromProto(*Generate(spec));
}

void PlanAndSimulate(benchmark::State& state, proto::Family family, const char* planner) {
  const Graph g = Make(family, state.range(0));
  const std::vector<NodeId> order = KahnOrder(g);
  proto::PlannerOptions o;
  o.set_planner(planner);
  for (auto _ : state) {
    absl::StatusOr<JudgedSchedule> r = PlanAndJudge(g, order, o);
    benchmark::DoNotOptimize(r);
  }
}

void BM_IntervalTreeChain(benchmark::State& state) {
  PlanAndSimulate(state, proto::CHAIN, "interval_tree");
}
void BM_IntervalTreeLayered(benchmark::State& state) {
  PlanAndSimulate(state, proto::LAYERED, "interval_tree");
}
BENCHMARK(BM_IntervalTreeChain)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntervalTreeLayered)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The budget DP alone (frontiers for every budget), L blocks of a layered
// graph, K Pareto points at most per interval (beyond 128 blocks on the
// default SplitGrid).
void BM_BudgetDp(benchmark::State& state) {
  const Graph g = Make(proto::LAYERED, 100000);
  const std::vector<NodeId> order = KahnOrder(g);
  const OrderContext context(g, order);
  for (auto _ : state) {
    absl::StatusOr<BudgetPlanner> p =
        BudgetPlanner::Create(context, state.range(0), state.range(1));
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_BudgetDp)->Iterations(1)
    ->Args({64, 1024})
    ->Args({128, 64})
    ->Args({128, 1024})
    ->Args({1000, 64})
    ->Unit(benchmark::kMillisecond);

// One budget, as `tbp plan --planner=budget` runs it: the DP drops every
// point above the budget. The budget is range(1) eighths of the way from the
// least feasible budget to the store-all peak of the 128-block coarsening,
// so every block count plans for the same budget; range(2) and range(3) are
// SplitGrid::min_candidates and top_blocks (0 = default). The simulated
// peak and recompute cost of the plan are reported beside the time
// (computed outside the timing), so block counts and grids can be compared.
void BM_BudgetPlanOneBudget(benchmark::State& state) {
  const Graph g = Make(proto::LAYERED, 100000);
  const std::vector<NodeId> order = KahnOrder(g);
  const OrderContext context(g, order);
  const int64_t blocks = state.range(0);
  const BudgetPlanner ends = *BudgetPlanner::Create(context, 128, 2);
  const std::vector<int64_t> needs = ends.BreakpointBudgets();
  const int64_t budget = needs.front() + (needs.back() - needs.front()) * state.range(1) / 8;
  SplitGrid grid;
  if (state.range(2) > 0) grid.min_candidates = state.range(2);
  if (state.range(3) > 0) grid.top_blocks = state.range(3);
  absl::StatusOr<PlanTree> tree;
  for (auto _ : state) {
    absl::StatusOr<BudgetPlanner> p =
        BudgetPlanner::Create(context, blocks, DefaultMemoryLevels(blocks), budget, grid);
    tree = p->PlanFor(budget);
    benchmark::DoNotOptimize(tree);
  }
  const absl::StatusOr<SimResult> sim = Simulate(g, EmitPlan(context, *tree));
  state.counters["budget_bytes"] = static_cast<double>(budget);
  state.counters["peak_bytes"] = static_cast<double>(sim->peak_bytes);
  state.counters["recompute_cost"] = static_cast<double>(sim->recompute_cost);
}
BENCHMARK(BM_BudgetPlanOneBudget)->Iterations(1)
    ->Args({128, 1, 0, 0})
    ->Args({1000, 1, 0, 0})
    ->Unit(benchmark::kMillisecond);

// The budget planner as users run it (PlanAndJudge: the portfolio), and
// with keep_recomputed, on the benchmark chain of range(0) nodes (lognormal
// sizes) at the budget 5% of the way from its best lower bound to its
// store-all peak: the keep_recomputed passes share a work meter
// (core/schedule/refine.h), so their time grows near-linearly with the
// graph. The recompute of the plan is reported beside the time.
void BudgetPortfolioChain(benchmark::State& state, bool keep) {
  const Graph g = Make(proto::CHAIN, state.range(0));
  const std::vector<NodeId> order = KahnOrder(g);
  const int64_t lower = BestLowerBound(g);
  const int64_t store_all = SimulateStoreAll(g, order)->peak_bytes;
  proto::PlannerOptions o;
  o.set_planner("budget");
  o.set_budget_bytes(lower + (store_all - lower) / 20);
  o.set_keep_recomputed(keep);
  absl::StatusOr<JudgedSchedule> r;
  for (auto _ : state) {
    r = PlanAndJudge(g, order, o);
    benchmark::DoNotOptimize(r);
  }
  state.counters["recompute_cost"] = r.ok() ? static_cast<double>(r->sim.recompute_cost) : -1;
}
void BM_BudgetChain(benchmark::State& state) { BudgetPortfolioChain(state, false); }
void BM_BudgetKeepRecomputedChain(benchmark::State& state) { BudgetPortfolioChain(state, true); }
BENCHMARK(BM_BudgetChain)->Iterations(1)->RangeMultiplier(10)->Range(1000, 1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BudgetKeepRecomputedChain)->Iterations(1)->RangeMultiplier(10)
    ->Range(1000, 1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tbp

// Properties of every planner over 2,100 seeded random graphs of all
// generator families (tests/random_suite.h):
//   - every schedule is valid (the simulator accepts it);
//   - its peak is >= every lower bound;
//   - store_all recomputes nothing;
//   - budget's simulated peak never exceeds its budget, and its
//     recomputation never increases when the budget grows;
//   - dominance: given the peak of periodic / revolve / interval_tree as
//     its budget, budget recomputes no more than they do. This is asserted
//     on chains (where the DP's accounting is exact) and measured elsewhere
//     (checkpoints of a DAG overlap; see core/schedule/budget_planner.h).
// On failure the seed, family and graph are printed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/analysis/lower_bounds.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"
#include "gtest/gtest.h"
#include "tests/random_suite.h"

namespace tbp {
namespace {

constexpr int64_t kGraphs = 2100;
constexpr int64_t kMaxNodes = 40;

struct Planned {
  bool ok = false;
  std::string error;
  SimResult sim;
};

// PlanAndJudge on `order`; an invalid schedule is kInternal (never a
// planner's legitimate refusal).
Planned PlanOn(const Graph& graph, const std::vector<NodeId>& order,
               const proto::PlannerOptions& options) {
  Planned p;
  absl::StatusOr<JudgedSchedule> j = PlanAndJudge(graph, order, options);
  if (!j.ok()) {
    p.error = absl::StrCat(absl::IsInternal(j.status()) ? "INVALID SCHEDULE: " : "",
                           j.status().message());
    return p;
  }
  p.ok = true;
  p.sim = j->sim;
  return p;
}

struct DominanceStats {
  int64_t checked = 0, held = 0;
  double worst_excess = 0;  // max (budget recompute - other) / base cost.
};

TEST(PlannerProperties, RandomSuite) {
  DominanceStats dominance[3];
  const char* other_names[3] = {"periodic", "revolve", "interval_tree"};
  int64_t budget_infeasible = 0, budget_runs = 0;
  for (int64_t index = 0; index < kGraphs; ++index) {
    const proto::GeneratorSpec spec = RandomSuiteSpec(index, kMaxNodes);
    absl::StatusOr<proto::Graph> proto_graph = Generate(spec);
    ASSERT_TRUE(proto_graph.ok()) << proto_graph.status() << "\n" << spec.ShortDebugString();
    absl::StatusOr<Graph> built = Graph::FromProto(*proto_graph);
    ASSERT_TRUE(built.ok()) << built.status();
    const Graph& graph = *built;
    const std::string where = DescribeSuiteGraph(index, spec, *proto_graph);
    const std::vector<NodeId> order = *ChooseOrder(graph, proto::ORDER_BEST);
    const int64_t n = static_cast<int64_t>(order.size());
    const std::vector<LowerBound> bounds = AllLowerBounds(graph);
    int64_t lower = 0;
    for (const LowerBound& b : bounds) lower = std::max(lower, b.bytes);

    auto check = [&](const proto::PlannerOptions& o, const Planned& p) {
      ASSERT_TRUE(p.ok) << o.ShortDebugString() << ": " << p.error << "\n" << where;
      for (const LowerBound& b : bounds) {
        ASSERT_GE(p.sim.peak_bytes, b.bytes)
            << "lower bound " << b.name << " violated by " << o.ShortDebugString() << "\n"
            << where;
      }
    };

    proto::PlannerOptions store_all;
    store_all.set_planner("store_all");
    const Planned all = PlanOn(graph, order, store_all);
    check(store_all, all);
    ASSERT_EQ(all.sim.recompute_cost, 0) << where;

    std::vector<Planned> others;
    proto::PlannerOptions periodic;
    periodic.set_planner("periodic");
    periodic.set_segment_length(1 + index % std::max<int64_t>(1, n));
    others.push_back(PlanOn(graph, order, periodic));
    check(periodic, others.back());
    proto::PlannerOptions revolve;
    revolve.set_planner("revolve");
    revolve.set_slots(1 + index % 5);
    others.push_back(PlanOn(graph, order, revolve));
    check(revolve, others.back());
    proto::PlannerOptions tree;
    tree.set_planner("interval_tree");
    tree.set_block_size(1 + index % 4);
    tree.set_arity(2 + index % 3);
    others.push_back(PlanOn(graph, order, tree));
    check(tree, others.back());
    proto::PlannerOptions tree_default;
    tree_default.set_planner("interval_tree");
    check(tree_default, PlanOn(graph, order, tree_default));

    // The budget planner's DP is built once per graph and queried for every
    // budget; its frontiers are not thinned at these sizes (exact DP).
    const OrderContext context(graph, order);
    absl::StatusOr<BudgetPlanner> dp = BudgetPlanner::Create(context, 128, 1 << 15);
    ASSERT_TRUE(dp.ok()) << dp.status();
    auto budget_plan = [&](int64_t budget) {
      Planned p;
      absl::StatusOr<PlanTree> tree = dp->PlanFor(budget);
      if (!tree.ok()) {
        p.error = std::string(tree.status().message());
        return p;
      }
      absl::StatusOr<SimResult> sim = Simulate(graph, EmitPlan(context, *tree));
      if (!sim.ok()) {
        p.error = "INVALID SCHEDULE: " + std::string(sim.status().message());
        return p;
      }
      p.ok = true;
      p.sim = *sim;
      return p;
    };
    proto::PlannerOptions b;
    b.set_planner("budget");

    // Budget sweep: from the lower bound to the store-all peak.
    int64_t previous_recompute = -1;
    for (int step = 0; step <= 6; ++step) {
      const int64_t budget = lower + (all.sim.peak_bytes - lower) * step / 6;
      b.set_budget_bytes(budget);
      const Planned p = budget_plan(budget);
      ++budget_runs;
      if (!p.ok) {
        // Only "no frontier-cut schedule fits" is acceptable, never at the
        // store-all peak.
        ASSERT_NE(step, 6) << p.error << "\n" << where;
        ASSERT_NE(p.error.find("smallest budget"), std::string::npos) << p.error << "\n"
                                                                       << where;
        ++budget_infeasible;
        continue;
      }
      check(b, p);
      ASSERT_LE(p.sim.peak_bytes, budget) << where;
      if (previous_recompute >= 0) {
        ASSERT_LE(p.sim.recompute_cost, previous_recompute)
            << "budget " << budget << " recomputes more than a smaller budget\n" << where;
      }
      previous_recompute = p.sim.recompute_cost;
    }

    // Dominance.
    for (int k = 0; k < 3; ++k) {
      const Planned p = budget_plan(others[k].sim.peak_bytes);
      DominanceStats& d = dominance[k];
      ++d.checked;
      const bool held = p.ok && p.sim.recompute_cost <= others[k].sim.recompute_cost;
      if (held) {
        ++d.held;
      } else if (p.ok) {
        d.worst_excess = std::max(
            d.worst_excess,
            static_cast<double>(p.sim.recompute_cost - others[k].sim.recompute_cost) /
                std::max<int64_t>(1, p.sim.base_cost));
      }
      if (spec.family() == proto::CHAIN) {
        ASSERT_TRUE(held) << "budget does not dominate " << other_names[k] << " on a chain: "
                          << (p.ok ? std::to_string(p.sim.recompute_cost) : p.error) << " vs "
                          << others[k].sim.recompute_cost << "\n" << where;
      }
    }
  }
  std::printf("budget runs: %lld, infeasible (below the frontier-cut minimum): %lld\n",
              static_cast<long long>(budget_runs), static_cast<long long>(budget_infeasible));
  for (int k = 0; k < 3; ++k) {
    std::printf("dominance over %s: held on %lld of %lld graphs (%.2f%%); worst miss %.4f of "
                "base cost\n",
                other_names[k], static_cast<long long>(dominance[k].held),
                static_cast<long long>(dominance[k].checked),
                100.0 * dominance[k].held / std::max<int64_t>(1, dominance[k].checked),
                dominance[k].worst_excess);
  }
}

// The budget planner as users get it (PlanAndJudge, default options: the
// search on graphs of at most 12 COMPUTE nodes, else the portfolio of the
// DP, revolve and the fixed shapes) over every kGraphsPortfolio-th graph of
// the suite: feasible at every budget from the true minimum memory (graphs
// the search covers) or wherever the DP is; never more recomputation for a
// larger budget; and at the simulated peak of periodic, revolve or
// interval_tree (knobs as above), never more recomputation than they.
TEST(PlannerProperties, BudgetPlannerDominatesAndNeverGivesUp) {
  constexpr int64_t kStride = 5;
  int64_t graphs = 0, runs = 0, dominance_checks = 0, searched = 0, refused = 0;
  for (int64_t index = 0; index < kGraphs; index += kStride) {
    const proto::GeneratorSpec spec = RandomSuiteSpec(index, kMaxNodes);
    absl::StatusOr<proto::Graph> proto_graph = Generate(spec);
    ASSERT_TRUE(proto_graph.ok()) << proto_graph.status();
    const Graph graph = *Graph::FromProto(*proto_graph);
    const std::string where = DescribeSuiteGraph(index, spec, *proto_graph);
    const std::vector<NodeId> order = *ChooseOrder(graph, proto::ORDER_BEST);
    const int64_t n = static_cast<int64_t>(order.size());
    ++graphs;
    proto::PlannerOptions store_all;
    store_all.set_planner("store_all");
    const Planned all = PlanOn(graph, order, store_all);
    ASSERT_TRUE(all.ok) << all.error << "\n" << where;
    int64_t lower = BestLowerBound(graph);
    if (n <= 12) {
      absl::StatusOr<int64_t> least = ExhaustiveMinimumMemory(graph);
      ASSERT_TRUE(least.ok()) << least.status();
      lower = *least;
      ++searched;
    }
    proto::PlannerOptions b;
    b.set_planner("budget");
    int64_t previous_recompute = -1;
    for (int step = 0; step <= 6; ++step) {
      const int64_t budget = lower + (all.sim.peak_bytes - lower) * step / 6;
      b.set_budget_bytes(budget);
      const Planned p = PlanOn(graph, order, b);
      ++runs;
      if (!p.ok) {
        // Only below the DP's reach on graphs the search does not cover.
        ASSERT_GT(n, 12) << "budget " << budget << ": " << p.error << "\n" << where;
        ASSERT_EQ(p.error.find("INVALID"), std::string::npos) << p.error << "\n" << where;
        ++refused;
        continue;
      }
      ASSERT_LE(p.sim.peak_bytes, budget) << where;
      if (previous_recompute >= 0) {
        ASSERT_LE(p.sim.recompute_cost, previous_recompute)
            << "budget " << budget << " recomputes more than a smaller budget\n" << where;
      }
      previous_recompute = p.sim.recompute_cost;
    }
    proto::PlannerOptions others[3];
    others[0].set_planner("periodic");
    others[0].set_segment_length(1 + index % std::max<int64_t>(1, n));
    others[1].set_planner("revolve");
    others[1].set_slots(1 + index % 5);
    others[2].set_planner("interval_tree");
    others[2].set_block_size(1 + index % 4);
    others[2].set_arity(2 + index % 3);
    for (const proto::PlannerOptions& o : others) {
      const Planned theirs = PlanOn(graph, order, o);
      ASSERT_TRUE(theirs.ok) << theirs.error;
      b.set_budget_bytes(theirs.sim.peak_bytes);
      const Planned ours = PlanOn(graph, order, b);
      ++dominance_checks;
      ASSERT_TRUE(ours.ok) << "budget at " << o.ShortDebugString() << "'s peak: " << ours.error
                           << "\n" << where;
      ASSERT_LE(ours.sim.recompute_cost, theirs.sim.recompute_cost)
          << "budget recomputes more than " << o.ShortDebugString() << " at its peak "
          << theirs.sim.peak_bytes << "\n" << where;
    }
  }
  std::printf("budget planner: %lld graphs (%lld searched), %lld budget runs (%lld refused, "
              "all on graphs over 12 nodes at budgets below every candidate), %lld dominance "
              "checks, all held\n",
              static_cast<long long>(graphs), static_cast<long long>(searched),
              static_cast<long long>(runs), static_cast<long long>(refused),
              static_cast<long long>(dominance_checks));
}

}  // namespace
}  // namespace tbp

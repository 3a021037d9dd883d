#include "core/schedule/planner.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/schedule/registry.h"

namespace tbp {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

absl::StatusOr<JudgedSchedule> PlanAndJudge(PlanContext& context,
                                            const proto::PlannerOptions& options) {
  if (absl::Status s = ValidatePlannerOptions(options); !s.ok()) return s;
  const PlannerDef& planner = *FindPlanner(options.planner());
  const Graph& graph = context.graph();
  const int64_t n = static_cast<int64_t>(graph.compute_nodes().size());
  if (planner.max_compute_nodes > 0 && n > planner.max_compute_nodes) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "planner '%s' handles graphs of at most %d COMPUTE nodes; this one has %d",
        planner.name, planner.max_compute_nodes, n));
  }
  if (options.budget_bytes() > 0) {
    // A budget below a true lower bound is an error that says the bound
    // (docs/design.md section 8).
    for (const LowerBound& b : context.lower_bounds()) {
      if (options.budget_bytes() < b.bytes) {
        return absl::OutOfRangeError(absl::StrFormat(
            "PlannerOptions.budget_bytes = %d is below the lower bound %s = %d bytes that every "
            "valid schedule needs (%s)",
            options.budget_bytes(), b.name, b.bytes, b.argument));
      }
    }
  }
  const proto::PlannerOptions resolved = ResolvePlannerOptions(context, options);
  JudgedSchedule j;
  const auto plan_start = std::chrono::steady_clock::now();
  absl::StatusOr<Schedule> schedule = planner.plan(context, resolved);
  j.plan_seconds = SecondsSince(plan_start);
  if (!schedule.ok()) return schedule.status();
  j.schedule = *std::move(schedule);
  const auto judge_start = std::chrono::steady_clock::now();
  absl::StatusOr<SimResult> sim = Simulate(graph, j.schedule.instructions);
  j.judge_seconds = SecondsSince(judge_start);
  if (!sim.ok()) {
    return absl::InternalError(absl::StrCat("planner '", planner.name,
                                            "' produced an invalid schedule: ",
                                            sim.status().message()));
  }
  j.sim = *std::move(sim);
  if (options.budget_bytes() > 0 && j.sim.peak_bytes > options.budget_bytes()) {
    return absl::OutOfRangeError(absl::StrFormat(
        "the simulated peak %d bytes exceeds the budget %d bytes", j.sim.peak_bytes,
        options.budget_bytes()));
  }
  j.lower_bound_bytes = context.best_lower_bound();
  return j;
}

absl::StatusOr<JudgedSchedule> PlanAndJudge(const Graph& graph, absl::Span<const NodeId> order,
                                            const proto::PlannerOptions& options) {
  absl::StatusOr<std::unique_ptr<PlanContext>> context =
      PlanContext::Create(graph, std::vector<NodeId>(order.begin(), order.end()));
  if (!context.ok()) return context.status();
  return PlanAndJudge(**context, options);
}

absl::StatusOr<JudgedSchedule> PlanAndJudge(const Graph& graph,
                                            const proto::PlannerOptions& options) {
  if (absl::Status s = ValidatePlannerOptions(options); !s.ok()) return s;
  std::vector<std::vector<NodeId>> orders;
  if (options.order() == proto::ORDER_BEST_OF_ALL) {
    orders = AllHeuristicOrders(graph);
  } else {
    absl::StatusOr<std::vector<NodeId>> order = ChooseOrder(graph, options.order());
    if (!order.ok()) return order.status();
    orders.push_back(*std::move(order));
  }
  absl::Status first_error;
  std::optional<JudgedSchedule> best;
  for (size_t i = 0; i < orders.size(); ++i) {
    absl::StatusOr<std::unique_ptr<PlanContext>> context =
        PlanContext::Create(graph, std::move(orders[i]));
    absl::StatusOr<JudgedSchedule> j =
        context.ok() ? PlanAndJudge(**context, options)
                     : absl::StatusOr<JudgedSchedule>(context.status());
    if (!j.ok()) {
      if (i == 0) first_error = j.status();
      continue;
    }
    if (!best || j->sim.recompute_cost < best->sim.recompute_cost ||
        (j->sim.recompute_cost == best->sim.recompute_cost &&
         j->sim.peak_bytes < best->sim.peak_bytes)) {
      best = *std::move(j);
    }
  }
  if (!best) return first_error;
  return *std::move(best);
}

absl::StatusOr<std::vector<NodeId>> ChooseOrder(const Graph& graph,
                                                proto::OrderHeuristic heuristic) {
  switch (heuristic) {
    case proto::ORDER_UNSPECIFIED:
    case proto::ORDER_BEST:
      return BestOrder(graph).order;
    case proto::ORDER_KAHN:
      return ComputeOrder(graph, OrderHeuristic::kKahn);
    case proto::ORDER_DFS:
      return ComputeOrder(graph, OrderHeuristic::kDfs);
    case proto::ORDER_GREEDY:
      return ComputeOrder(graph, OrderHeuristic::kGreedy);
    case proto::ORDER_LOCAL_SEARCH:
      return ComputeOrder(graph, OrderHeuristic::kLocalSearch);
    case proto::ORDER_BEST_OF_ALL:
      return absl::InvalidArgumentError(
          "PlannerOptions.order = ORDER_BEST_OF_ALL names several orders, not one (use Plan)");
    case proto::ORDER_AS_GIVEN: {
      std::vector<NodeId> order = graph.compute_nodes();
      if (absl::Status s = ValidateOrder(graph, order); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "PlannerOptions.order = ORDER_AS_GIVEN, but the file order is not topological: ",
            s.message()));
      }
      return order;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "PlannerOptions.order = %d is not an order heuristic", static_cast<int>(heuristic)));
}

std::vector<std::vector<NodeId>> AllHeuristicOrders(const Graph& graph) {
  std::vector<std::vector<NodeId>> orders;
  for (OrderHeuristic h : {OrderHeuristic::kKahn, OrderHeuristic::kDfs, OrderHeuristic::kGreedy,
                           OrderHeuristic::kLocalSearch}) {
    std::vector<NodeId> o = ComputeOrder(graph, h);
    if (std::find(orders.begin(), orders.end(), o) == orders.end()) orders.push_back(std::move(o));
  }
  return orders;
}

absl::StatusOr<SimResult> SimulateStoreAll(PlanContext& context) {
  proto::PlannerOptions o;
  o.set_planner("store_all");
  absl::StatusOr<JudgedSchedule> j = PlanAndJudge(context, o);
  if (!j.ok()) return j.status();
  return std::move(j->sim);
}

absl::StatusOr<SimResult> SimulateStoreAll(const Graph& graph, absl::Span<const NodeId> order) {
  absl::StatusOr<std::unique_ptr<PlanContext>> context =
      PlanContext::Create(graph, std::vector<NodeId>(order.begin(), order.end()));
  if (!context.ok()) return context.status();
  return SimulateStoreAll(**context);
}

}  // namespace tbp

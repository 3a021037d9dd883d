// The front door of planning: one call that plans and judges.
//
// PlanAndJudge validates the options against the registry (registry.h),
// refuses a budget below a proven lower bound, resolves the planner's
// defaults, plans, runs the schedule through the simulator (core/sim, the
// single judge) and checks that the simulated peak fits the budget. Every
// caller that reports on a planned schedule (the CLI, the experiments, the
// replay, the tests) goes through it; no planner reports its own peak.
//
// Status codes (callers classify errors by code, never by message):
//   kInvalidArgument     bad options or order (the field and value named)
//   kOutOfRange          the budget is infeasible: below a proven lower
//                        bound (the bound named), below what the planner's
//                        space reaches, or below the schedule's simulated
//                        peak (a planner that only shapes or ignores it)
//   kFailedPrecondition  the graph is larger than the planner accepts
//   kResourceExhausted   the plan is too large to emit, or a search hit its
//                        state limit
//   kDeadlineExceeded    a time limit passed before any schedule was found
//   kInternal            a broken invariant (a planner emitted a schedule
//                        the simulator rejects)
#ifndef TBP_CORE_SCHEDULE_PLANNER_H_
#define TBP_CORE_SCHEDULE_PLANNER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "proto/planner.pb.h"

namespace tbp {

// A schedule with the simulator's verdict on it.
struct JudgedSchedule {
  Schedule schedule;               // Resolved options, order, instructions,
                                   // and what an exact planner proved.
  SimResult sim;                   // The simulator's peak and costs.
  int64_t lower_bound_bytes = 0;   // The graph's best true lower bound.
  // Wall-clock seconds of planning and of judging (for runtime
  // experiments; never part of a byte-stable result).
  double plan_seconds = 0;
  double judge_seconds = 0;
};

// Plans `options` on the context's order and judges the schedule. Errors:
// see the status codes above. Deterministic (but for the *_seconds).
absl::StatusOr<JudgedSchedule> PlanAndJudge(PlanContext& context,
                                            const proto::PlannerOptions& options);

// On `order` (kInvalidArgument unless it is a topological permutation of
// the COMPUTE nodes), for callers that plan once on an order.
absl::StatusOr<JudgedSchedule> PlanAndJudge(const Graph& graph, absl::Span<const NodeId> order,
                                            const proto::PlannerOptions& options);

// Chooses the order named by options.order (ChooseOrder), then as above.
// ORDER_BEST_OF_ALL plans on every distinct heuristic order
// (AllHeuristicOrders) and keeps the schedule with the least simulated
// recompute_cost that fits the budget (ties: the lower peak, then the
// earlier order); when none does, the first order's error.
absl::StatusOr<JudgedSchedule> PlanAndJudge(const Graph& graph,
                                            const proto::PlannerOptions& options);

// The order a planner works on: ORDER_BEST (and UNSPECIFIED) = the best of
// the heuristics of core/analysis/order.h by peak frontier; ORDER_KAHN,
// _DFS, _GREEDY, _LOCAL_SEARCH = that heuristic; ORDER_AS_GIVEN = the COMPUTE
// nodes in file order (kInvalidArgument if that is not topological);
// ORDER_BEST_OF_ALL names several orders and is kInvalidArgument here.
absl::StatusOr<std::vector<NodeId>> ChooseOrder(const Graph& graph,
                                                proto::OrderHeuristic heuristic);

// The distinct orders of ORDER_BEST_OF_ALL: Kahn, DFS, greedy, local search.
std::vector<std::vector<NodeId>> AllHeuristicOrders(const Graph& graph);

// The judged store-all schedule on the context's order (on `order`): the
// memory a plain autodiff pass needs, an upper bound on the optimum.
absl::StatusOr<SimResult> SimulateStoreAll(PlanContext& context);
absl::StatusOr<SimResult> SimulateStoreAll(const Graph& graph, absl::Span<const NodeId> order);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNER_H_

// The planner interface: graph + order + options -> schedule. Planners are
// registered by name; options live in proto::PlannerOptions (documented
// field by field in proto/planner.proto). A planner returns instructions
// only: whoever reports on a schedule runs it through the simulator
// (core/sim), the single judge of validity, peak memory and cost.
#ifndef TBP_CORE_SCHEDULE_PLANNER_H_
#define TBP_CORE_SCHEDULE_PLANNER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "proto/planner.pb.h"

namespace tbp {

// Names of the registered planners, in a stable order.
const std::vector<std::string>& PlannerNames();

// Checks every field against its documented range (independent of any
// graph). kInvalidArgument naming the field and value: unknown planner,
// negative budget/slots/segment_length/block_size/max_blocks/memory_levels,
// arity 1, negative or non-finite time limit, negative max_forwards, a
// missing budget for budget, exact and exhaustive, neither slots nor budget
// for revolve.
absl::Status ValidatePlannerOptions(const proto::PlannerOptions& options);

// Plans on `order` (validated: a topological permutation of the COMPUTE
// nodes). The returned schedule records the options (with defaults filled
// in) and the order. Errors: invalid options
// or order (kInvalidArgument), a budget no schedule of the planner's space
// meets (kInvalidArgument stating the smallest feasible budget), a plan too
// large to emit (kResourceExhausted).
absl::StatusOr<Schedule> PlanOnOrder(const Graph& graph, absl::Span<const NodeId> order,
                                     const proto::PlannerOptions& options);

// The order a planner works on: ORDER_BEST (and UNSPECIFIED) = the best of
// the heuristics of core/analysis/order.h by peak frontier; ORDER_KAHN,
// _DFS, _GREEDY, _LOCAL_SEARCH = that heuristic; ORDER_AS_GIVEN = the COMPUTE
// nodes in file order (kInvalidArgument if that is not topological).
absl::StatusOr<std::vector<NodeId>> ChooseOrder(const Graph& graph,
                                                proto::OrderHeuristic heuristic);

// The simulated store-all schedule on `order`: the memory a plain autodiff
// pass needs (an upper bound on the optimum), judged by the simulator.
absl::StatusOr<SimResult> SimulateStoreAll(const Graph& graph, absl::Span<const NodeId> order);

// PlanOnOrder on each order; every schedule is simulated, and the one with
// the least recompute_cost whose peak fits options.budget_bytes (if given)
// wins; ties: lower peak, then the earlier order. Errors: the first order's
// error when no order gives a fitting schedule.
absl::StatusOr<Schedule> PlanBestOfOrders(const Graph& graph,
                                          const std::vector<std::vector<NodeId>>& orders,
                                          const proto::PlannerOptions& options);

// The distinct orders of ORDER_BEST_OF_ALL: Kahn, DFS, greedy, local search.
std::vector<std::vector<NodeId>> AllHeuristicOrders(const Graph& graph);

// ChooseOrder(options.order) then PlanOnOrder; ORDER_BEST_OF_ALL:
// PlanBestOfOrders over AllHeuristicOrders.
absl::StatusOr<Schedule> Plan(const Graph& graph, const proto::PlannerOptions& options);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNER_H_

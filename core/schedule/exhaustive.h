// Exhaustive search for the optimal schedule of a tiny graph: Dijkstra over
// the states of DESIGN.md section 3, for graphs of at most
// kExhaustiveMaxNodes COMPUTE nodes. It is the ground truth that the other
// planners (and the Revolve correspondence) are checked against.
//
// A state is (resident set, backwarded set); live gradients are a function
// of it (the nodes not backwarded with a backwarded consumer), so the state
// determines memory. Moves: FORWARD v (cost forward_cost(v)), FREE v
// (cost 0), and BACKWARD v immediately followed by FREE v (v is dead after
// its BACKWARD: all its consumers are done, so freeing it then never hurts).
// Every move whose memory sample exceeds the budget is pruned. The least
// total forward cost minus the sum of forward costs is the least
// recompute_cost of any valid schedule within the budget, over ALL
// schedules of the model (no fixed order, no checkpoint structure).
#ifndef TBP_CORE_SCHEDULE_EXHAUSTIVE_H_
#define TBP_CORE_SCHEDULE_EXHAUSTIVE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"

namespace tbp {

inline constexpr int kExhaustiveMaxNodes = 64;
// Reached states kept at most (the search's memory, ~100 bytes each).
inline constexpr int64_t kExhaustiveMaxStates = 40'000'000;

struct ExhaustiveResult {
  // The least recompute_cost within the budget, and a schedule attaining it.
  int64_t recompute_cost = 0;
  std::vector<Instruction> instructions;
  int64_t states_explored = 0;
};

// kInvalidArgument if the graph has more than kExhaustiveMaxNodes COMPUTE
// nodes, or if no valid schedule fits in budget_bytes (the message says so);
// kResourceExhausted past kExhaustiveMaxStates reached states. Time and
// memory O(3^n * n * degree) in the worst case, but the reachable states,
// not n, decide: narrow graphs stay small far beyond 20 nodes, wide ones
// explode. time_limit_s > 0:
// kDeadlineExceeded once that much wall-clock time has passed (0 = none).
absl::StatusOr<ExhaustiveResult> ExhaustiveSearch(const Graph& graph, int64_t budget_bytes,
                                                  double time_limit_s = 0);

// The least budget for which any valid schedule exists (the true minimum
// memory), by bisection over ExhaustiveSearch feasibility.
absl::StatusOr<int64_t> ExhaustiveMinimumMemory(const Graph& graph);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_EXHAUSTIVE_H_

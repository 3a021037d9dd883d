// Exhaustive search for the optimal schedule of a tiny graph: A* (Dijkstra
// with an admissible, consistent heuristic; see exhaustive.cc) over the
// states of docs/design.md section 3, for graphs of at most
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
// The default of ExhaustiveOptions::max_state_bytes: 4 GiB, a sixth of the
// 24 GiB machine the project is built on.
inline constexpr int64_t kExhaustiveDefaultStateBytes = int64_t{4} << 30;

struct ExhaustiveOptions {
  // > 0: kDeadlineExceeded once that much wall-clock time has passed.
  double time_limit_s = 0;
  // >= 0: a recompute_cost that some schedule within the budget is known to
  // attain (e.g. a planner's). States that cannot lead to a schedule at most
  // this costly are never queued; the search then fails if the bound was
  // wrong, and the message says so.
  int64_t recompute_upper_bound = -1;
  // true: plain Dijkstra, without the A* heuristic of exhaustive.cc; the
  // simplest form of the search, which tests compare the fast one against.
  bool reference = false;
  // Most bytes the search's reached states and queue may take (estimated
  // per entry); past it, kResourceExhausted naming the limit. <= 0: the
  // default, kExhaustiveDefaultStateBytes. An allocation failure below the
  // limit is kResourceExhausted too, never an abort.
  int64_t max_state_bytes = 0;
};

struct ExhaustiveResult {
  // The least recompute_cost within the budget, and a schedule attaining it.
  int64_t recompute_cost = 0;
  std::vector<Instruction> instructions;
  int64_t states_explored = 0;
};

// kFailedPrecondition if the graph has more than kExhaustiveMaxNodes
// COMPUTE nodes; kOutOfRange if no valid schedule fits in budget_bytes (the
// message says so); kResourceExhausted past options.max_state_bytes of
// states (or when memory runs out); kDeadlineExceeded past the time limit.
// Schedules whose total forward cost would overflow int64 are not explored
// (nothing could report them). Time and
// memory O(3^n * n * degree) in the worst case, but the states whose cost so
// far plus the heuristic stays within the optimum, not n, decide: they stay
// few while the optimum recomputes little and on narrow graphs (unet and
// wide graphs of 30+ nodes in seconds), and explode at tight budgets of
// wide ones (experiments/results/exact_scaling.csv).
absl::StatusOr<ExhaustiveResult> ExhaustiveSearch(const Graph& graph, int64_t budget_bytes,
                                                  const ExhaustiveOptions& options = {});

// The least budget for which any valid schedule exists (the true minimum
// memory), by bisection over a depth-first search for any valid schedule
// over the same states (feasibility is monotone in the budget).
absl::StatusOr<int64_t> ExhaustiveMinimumMemory(const Graph& graph,
                                                int64_t max_state_bytes = 0);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_EXHAUSTIVE_H_

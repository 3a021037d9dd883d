// The exact planner: the least-recomputation schedule of docs/design.md section 3
// under a byte budget, as a mixed-integer program solved by COIN-OR CBC.
//
// Formulation (time-indexed; Checkmate's stages, Jain et al. MLSys 2020,
// refined to one instruction per step so that no order is fixed). Steps
// t = 1..T over the n COMPUTE nodes v (INPUT nodes are always resident and
// not counted). Binary variables
//   f[t][v]  step t is FORWARD v,
//   b[t][v]  step t is BACKWARD v,
//   r[t][v]  v is resident during step t (FREEs happen between steps),
// and continuous d[t][v] = b[1][v] + ... + b[t][v] (v backwarded by the end
// of step t) and G[t][v] in [0, 1] (v's gradient buffer is live in step t).
//   (1) at most one instruction per step; used steps come first;
//   (2) every v is backwarded exactly once;
//   (3) r[t][v] <= r[t-1][v] + f[t][v]          (only FORWARD makes resident)
//   (4) f[t][v] <= r[t][v], f[t][v] + r[t-1][v] <= 1   (v not resident before)
//   (5) f[t][v], b[t][v] <= r[t][u] for every COMPUTE input u; b <= r[t][v]
//   (6) b[t][v] <= d[t-1][w] for every COMPUTE consumer w  (gradient complete)
//   (7) r[t][v] + d[t-1][v] <= 1        (no FORWARD or residency after BACKWARD)
//   (8) G[t][u] >= d[t][w] - d[t-1][u] for every consumer w, G[t][u] >= b[t][u]
//   (9) sum_v output_bytes(v) * (r[t][v] + G[t][v]) <= budget for every t.
// Objective: minimise sum forward_cost(v) * f[t][v]. The memory sample of
// step t in (9) is exactly the simulator's: the resident set of the step (v
// and its inputs included) plus every gradient buffer that exists then (8):
// a node not backwarded before t with a consumer backwarded by the end of
// t (the BACKWARD of step t allocates its inputs' gradients before the
// sample) or the node being backwarded itself (its own, possibly seeded,
// gradient). G only appears with a positive coefficient in (9), so lower
// bounds on it suffice. A solution is turned into instructions (FREE the
// nodes that stop being resident before each step, FREE everything at the
// end) and, like every plan, judged by the simulator.
//
// What restricts the schedule space: only the number of FORWARD
// instructions F (the horizon T = F + n), and that restriction is lifted by
// a certificate: every schedule with F FORWARDs has recompute_cost >=
// (F - n) * c_min (c_min = the least forward_cost). MilpSolve climbs a
// ladder of programs over F: each covers as many new counts as all before
// it (F = n; n + 1; n + 2..n + 3; n + 4..n + 7; ...), small ones first
// because they solve fast. Once a schedule with recompute R is known (from
// `incumbent` or the ladder itself), every program carries the cut "forward
// cost <= base + R - 1", so it either finds a strictly cheaper schedule (the
// least in its range) or proves there is none, and no program goes past the
// counts the certificate allows. The ladder stops at the first F with (F -
// n) * c_min >= R: no schedule with F or more FORWARDs can beat R, so R is the optimum
// over ALL schedules of section 3 (horizon_certified). Small counts are
// settled first, so a poor incumbent does not force one large program over
// every count up to its certificate. With c_min = 0 (and R > 0), or when the certificate needs
// more than max_forwards FORWARDs, the result is the optimum over schedules
// with at most max_forwards FORWARDs and says so (horizon_certified =
// false). The minimum-memory program has no such certificate (fewer bytes
// may always need more steps); its horizon is reported with the result.
#ifndef TBP_CORE_SCHEDULE_MILP_H_
#define TBP_CORE_SCHEDULE_MILP_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"

namespace tbp {

// The MILP grows as n^3 (steps x nodes); beyond this many COMPUTE nodes it
// is refused rather than built.
inline constexpr int kMilpMaxNodes = 64;

struct MilpResult;

struct MilpOptions {
  int64_t budget_bytes = 0;
  // Wall-clock limit of the whole solve (every program of the ladder),
  // seconds; 0 = none.
  double time_limit_s = 60;
  // Cap on the horizon (FORWARD instructions). 0 = n + n (n + 1) / 2, the
  // forwards of the least-memory schedule of a chain of n nodes.
  int64_t max_forwards = 0;
  // A valid schedule within the budget, if the caller has one (e.g. the
  // budget planner's): its recompute caps every program of the ladder and
  // starts the certificate. (MilpMinimumMemory: the MIP start.)
  const std::vector<Instruction>* incumbent = nullptr;
  // A proven lower bound on the least recompute_cost within the budget, if
  // the caller has one (e.g. the proven optimum at a larger budget: the
  // optimum never increases with the budget). Every program of the ladder
  // carries the cut "recompute >= known_lower_bound", and the ladder stops
  // as soon as its best schedule reaches it. 0 = none.
  int64_t known_lower_bound = 0;
  // Called with the best schedule so far each time the ladder finds a
  // better one, its recompute_lower_bound valid at that moment (the counts
  // settled so far) and proven_optimal = false; lets a caller that runs the
  // solve in a child process (core/util/contained.h) report it if the
  // solve is stopped. May be empty.
  std::function<void(const MilpResult&)> on_incumbent;
};

struct MilpResult {
  std::vector<Instruction> instructions;  // Best schedule found.
  // Objective of the MILP for that schedule (recompute_cost as the MILP
  // counts it; the simulator's figure is the one to report).
  int64_t recompute_cost = 0;
  // Proven lower bound on the recompute_cost of every schedule within the
  // budget and the horizon (== recompute_cost when proven_optimal). On a
  // time limit: the least of the interrupted program's bound and
  // (F - n) * c_min for the counts F it did not reach, and never below
  // options.known_lower_bound (capped at recompute_cost).
  int64_t recompute_lower_bound = 0;
  bool proven_optimal = false;     // Every program finished within the limit.
  bool horizon_certified = false;  // The horizon provably loses nothing.
  int64_t max_forwards = 0;        // Largest FORWARD count programmed.
  int32_t solves = 0;              // CBC runs (programs of the ladder).
  bool time_limit_hit = false;
};

// kFailedPrecondition if the graph has more than kMilpMaxNodes COMPUTE
// nodes; kInvalidArgument if budget_bytes <= 0; kOutOfRange if no schedule
// within the horizon fits the budget (the message says which horizon);
// kDeadlineExceeded if the time limit passed before any schedule was found.
absl::StatusOr<MilpResult> MilpSolve(const Graph& graph, const MilpOptions& options);

struct MilpMemoryResult {
  int64_t min_memory_bytes = 0;    // Best (least) peak found.
  int64_t memory_lower_bound = 0;  // Proven bound within the horizon.
  bool proven_optimal = false;
  int64_t max_forwards = 0;
  std::vector<Instruction> instructions;
};

// The least budget for which a schedule with at most
// options.max_forwards FORWARDs exists (budget_bytes is ignored; the
// objective is the peak). Errors as MilpSolve.
absl::StatusOr<MilpMemoryResult> MilpMinimumMemory(const Graph& graph,
                                                   const MilpOptions& options);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_MILP_H_

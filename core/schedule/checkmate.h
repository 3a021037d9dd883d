// Checkmate's stage formulation (Jain et al., "Checkmate: Breaking the
// Memory Wall with Optimal Tensor Rematerialization", MLSys 2020), adapted
// to this project's model (docs/model.md, "Memory and cost"), on one fixed
// topological order of the COMPUTE nodes. The planners checkmate_milp and
// checkmate_lp (core/schedule/planners/) solve it.
//
// Stages. With positions 0..n-1 along the order, there are 2n stages:
// forward stage k (k = 0..n-1) ends with the FORWARD of position k, and
// backward stage j (j = n-1..0, in that order) ends with the BACKWARD of
// position j. Within a stage, FORWARDs run in position order, and only
// positions < L_t may appear in stage t (L = k + 1 for forward stage k, j + 1
// for backward stage j: nothing is computed ahead of the frontier nor after
// its BACKWARD). Binaries per stage t and position p:
//   R[t][p]  stage t runs FORWARD p,
//   S[t][p]  p is resident when stage t starts (checkpointed from t - 1),
// and continuous FREE[t][i][p] in [0, 1] (i is freed right after the
// FORWARD of p in stage t, for i = p or i an input of p) and U[t][q] (bytes
// resident after positions < q of stage t are processed). Constraints:
//   (1) R[t][p] <= R[t][u] + S[t][u] for each COMPUTE input u of p;
//   (2) S[t+1][p] <= R[t][p] + S[t][p];   R[t][p] + S[t][p] <= 1;
//   (3) R[k][k] = 1 in forward stage k; in backward stage j, j and its
//       COMPUTE inputs are resident: R + S >= 1 for each;
//   (4) FREE[t][i][p] <= R[t][p], <= 1 - S[t+1][i], <= 1 - R[t][c] for each
//       consumer c of i with p < c < L_t; never for what the stage's
//       BACKWARD reads (Checkmate's FREE with its hazards, linearised from
//       above: FREE only lowers U, so upper bounds are what bind);
//   (5) U[t][0] = sum_i b_i S[t][i];
//       U[t][p+1] = U[t][p] + b_p R[t][p] - sum_i b_i FREE[t][i][p];
//   (6) U[t][p] + b_p R[t][p] + Gpre_t <= budget (the FORWARD's sample), and
//       in backward stage j, U[t][j+1] + Gbwd_j <= budget (the BACKWARD's).
// Objective: minimise sum forward_cost(p) R[t][p]. The adaptation: the
// backward pass runs in the reverse of the order, one BACKWARD per stage, as
// in Checkmate's graphs where gradient nodes follow the forward nodes; this
// project's BACKWARD is not a node of its own, so its gradient buffers are
// constants of the stage: before BACKWARD j, Gpre = the gradients of the
// positions <= j with a consumer after j; during it, Gbwd = those of the
// positions < j with a consumer at or after j, plus j's own (docs/model.md).
// Memory is counted in units of the gcd of the sizes; where they are still
// above 10^7 units, sizes are rounded up and the budget down (never
// optimistic). A solution is emitted as instructions (each stage's FORWARDs
// in position order, a FREE right after a tensor's last use in the stage
// unless the next stage keeps it) and, like every plan, judged by the
// simulator; the emitted schedule's peak is at most the program's.
//
// On one order this space contains every schedule that computes the
// order's nodes first in order and backwards in its reverse, with any
// recomputation between: the frontier-cut plans of `budget`, `rotor`,
// `chen_greedy`, `periodic`, `revolve` and `interval_tree` among them.
#ifndef TBP_CORE_SCHEDULE_CHECKMATE_H_
#define TBP_CORE_SCHEDULE_CHECKMATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"

namespace tbp {

// Programs with more columns than this are refused (kResourceExhausted)
// rather than built: CBC would not finish, and the matrix alone takes GBs.
inline constexpr int64_t kCheckmateMaxColumns = 4'000'000;

// The size of the stage program of `order` (COMPUTE nodes, topological).
struct CheckmateSize {
  int64_t columns = 0;  // R, S, FREE and U.
  int64_t binaries = 0;  // R and S.
  int64_t rows = 0;
};
CheckmateSize CheckmateProgramSize(const Graph& graph, const std::vector<NodeId>& order);

// A stage plan: keep[t][p] = S[t][p] and compute[t][p] = R[t][p], each
// stage t's vector of length L_t (stage t < n is forward stage t, stage
// n + i is backward stage n - 1 - i).
struct StagePlan {
  std::vector<std::vector<char>> keep, compute;
};

// The instructions of `plan` (valid: (1)-(3) hold), FREEs as early as the
// plan allows.
std::vector<Instruction> EmitStagePlan(const Graph& graph, const std::vector<NodeId>& order,
                                       const StagePlan& plan);

// For a keep matrix (rounded S), the least recomputation that realises it:
// each stage computes, in position order, what its last instruction and the
// next stage's checkpoints need and are not held, and their missing inputs
// (Checkmate's second phase). `keep` has the shape of StagePlan::keep;
// entries that do not exist in the formulation (a forward stage's own
// position) are ignored.
StagePlan ComputeForKeep(const Graph& graph, const std::vector<NodeId>& order,
                         std::vector<std::vector<char>> keep);

// The stage plan that `instructions` follow on `order`, if they have the
// stage structure (first FORWARDs in order, BACKWARDs in reverse, each
// stage's recomputations in position order, once each); else nullopt.
std::optional<StagePlan> StagePlanOf(const Graph& graph, const std::vector<NodeId>& order,
                                     const std::vector<Instruction>& instructions);

struct CheckmateMilpOptions {
  int64_t budget_bytes = 0;
  double time_limit_s = 60;  // CBC's limit, seconds (> 0).
  // A stage plan within the budget to start from (CBC's MIP start), or null.
  const StagePlan* start = nullptr;
};

struct CheckmateMilpResult {
  StagePlan plan;
  int64_t recompute_cost = 0;         // The program's objective less one pass.
  int64_t recompute_lower_bound = 0;  // CBC's bound, over this order's stage space.
  bool proven_optimal = false;
};

// Solves the MILP with CBC. kOutOfRange if CBC proves no stage plan fits
// (or the gradients alone exceed the budget); kDeadlineExceeded if the time
// limit passed with no plan; kResourceExhausted past kCheckmateMaxColumns.
// CBC may abort the process on some programs: run it contained
// (core/util/contained.h).
absl::StatusOr<CheckmateMilpResult> SolveCheckmateMilp(const Graph& graph,
                                                       const std::vector<NodeId>& order,
                                                       const CheckmateMilpOptions& options);

// The LP relaxation solved by CLP: S's fractional values in the shape of
// StagePlan::keep (as doubles), and the LP's objective less one pass (a
// lower bound on the MILP's). kOutOfRange if the LP is infeasible at
// `budget_bytes`. Run it contained, like the MILP.
struct CheckmateRelaxation {
  std::vector<std::vector<double>> keep;
  double recompute_lower_bound = 0;
};
absl::StatusOr<CheckmateRelaxation> SolveCheckmateLp(const Graph& graph,
                                                     const std::vector<NodeId>& order,
                                                     int64_t budget_bytes, double time_limit_s);

// The results as bytes, for the pipe of core/util/contained.h. Decoding
// needs the order's length n; nullopt if the bytes do not have the shape.
std::string EncodeCheckmateMilpResult(const CheckmateMilpResult& result);
std::optional<CheckmateMilpResult> DecodeCheckmateMilpResult(const std::string& bytes, int n);
// S in whole percent (floor(100 x), so x >= k / 100 iff percent >= k).
std::string EncodeCheckmateRelaxation(const CheckmateRelaxation& relaxation);
std::optional<CheckmateRelaxation> DecodeCheckmateRelaxation(const std::string& bytes, int n);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_CHECKMATE_H_

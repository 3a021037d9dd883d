// mincut: the policy of PyTorch's min-cut rematerialization partitioner
// with an activation memory budget, in this model. One level of
// recomputation, no nesting.
//
// Source (no paper): H. He, "Min-cut optimal(*) recomputation (i.e.
// activation checkpointing) with AOTAutograd", PyTorch dev-discuss, 2022;
// the code is torch/_functorch/partitioners.py
// (min_cut_rematerialization_partition, choose_saved_values_set with
// config.activation_memory_budget) and the knapsack solvers of
// torch/_functorch/_activation_checkpointing/knapsack.py.
//
// What it does. PyTorch decides which forward values to save for the
// backward pass; every other value the backward needs is recomputed inside
// the backward graph from saved values, once (recomputation never nests).
// Under a memory budget it solves a 0-1 knapsack: keep saved the values
// whose recomputation would cost most, within a cap on saved bytes.
//
// Adaptation to this model (docs/design.md section 3). Every COMPUTE node
// is read by its own BACKWARD, so every node is needed by the backward
// pass: in PyTorch's flow network every node is tied to the sink, and with
// INPUT nodes free and nothing banned the minimum cut is "save nothing".
// What is left is the knapsack (the graph structure of the cut drops out):
//   - choose the saved set S by a 0-1 knapsack: item = a COMPUTE node,
//     value = forward_cost (the recomputation avoided), weight =
//     output_bytes, capacity W (a cap on saved bytes); zero-byte nodes are
//     always saved. Solver: the exact dynamic program over bytes / gcd when
//     items x (capacity + 1) <= 2^24 cells (PyTorch's default solver is a
//     DP too, on quantised sizes), otherwise PyTorch's greedy by
//     forward_cost / output_bytes (taking every item that still fits);
//   - the schedule: FORWARD every node in the context's order, freeing a
//     node not in S right after its last forward reader (a node without
//     consumers right away); in the backward pass (reverse order), before
//     BACKWARD v, FORWARD (in order) v and its COMPUTE inputs that are not
//     resident, with their missing ancestors; recomputed tensors stay until
//     their own BACKWARD (the last instruction that reads them: every node
//     is read by its BACKWARD, so that is when they die), then FREE. Each
//     node outside S is recomputed exactly once: recompute_cost = sum of
//     forward_cost over the nodes outside S;
//   - the cap W is searched by simulation (PyTorch expresses the budget as
//     a fraction of the saved bytes; here budget_bytes bounds the simulated
//     peak, which also holds the recomputed working set and the gradients,
//     and is not monotone in W): the knapsack is solved at every W = i x
//     gcd (i = 0 .. total / gcd) when there are at most 512 such caps,
//     otherwise at 513 evenly spaced caps from 0 to the total bytes; each
//     distinct saved set is emitted and simulated, and the least recompute
//     whose simulated peak fits budget_bytes wins (ties: lower peak, then
//     smaller cap). W = total saves everything: store-all.
//
// What it cannot express: nested recomputation (a recomputed tensor freed
// and recomputed again, or a checkpoint inside the backward pass), freeing
// a saved tensor before its BACKWARD, PyTorch's operator bans (random or
// compute-intensive ops that are never recomputed) and fusion-aware
// weights, which this model has no notion of. A budget below the least
// simulated peak of its candidate saved sets is refused (kOutOfRange,
// naming that peak).
#ifndef TBP_CORE_SCHEDULE_PLANNERS_MINCUT_H_
#define TBP_CORE_SCHEDULE_PLANNERS_MINCUT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/planners/candidates.h"

namespace tbp {

const PlannerDef& MinCutPlanner();

// The one-level schedule that keeps `saved[p]` (per position of the order)
// from the forward pass and recomputes every other node once, before the
// first BACKWARD that reads it (see above).
std::vector<Instruction> EmitSavedSetSchedule(const OrderContext& context,
                                              const std::vector<uint8_t>& saved);

// Every distinct saved set of the knapsack's caps (the planner's candidates,
// which do not depend on the budget), simulated, in the order tried;
// *exact_knapsack (if given) says whether the knapsack was the exact DP.
absl::StatusOr<std::vector<JudgedCandidate>> MinCutCandidates(const OrderContext& context,
                                                              bool* exact_knapsack = nullptr);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_MINCUT_H_

// chen_greedy: the memory-threshold greedy segmentation of Chen et al.,
// with their threshold search.
//
// Paper: T. Chen, B. Xu, C. Zhang, C. Guestrin, "Training Deep Nets with
// Sublinear Memory Cost", arXiv:1604.06174, 2016 (the budgeted planning
// algorithm for general graphs, "memory planning with budget", and the grid
// search over its threshold). `periodic` is the same paper's sqrt(n)
// strategy; this is the greedy one.
//
// What it does. Walk the positions of the context's topological order,
// adding each activation's bytes to a running total; when the total exceeds
// a threshold b, checkpoint the frontier cut right after that position
// (C(p + 1), plan_tree.h) and reset the total. The cuts are the splits of a
// flat plan tree (one forward pass keeping every checkpoint, then each
// segment recomputed once, last segment first: the PeriodicPlan shape), so
// the one emitter gives a valid schedule. The threshold is searched as the
// paper describes, by a grid search around its estimate: one run at b = 0
// gives x (bytes of all checkpoints) and y (largest segment), then 7
// thresholds evenly spaced over [B0 / sqrt(2), sqrt(2) B0] around B0 =
// floor(sqrt(x y)) (the grid of ColossalAI's implementation). Every candidate
// is judged by the simulator, not by the paper's estimate x + y (which
// ignores gradients and working sets): the planner keeps the least-recompute
// candidate whose simulated peak fits budget_bytes (ties: the lower peak,
// then the earlier candidate).
//
// Adaptation to this model (docs/design.md section 3).
//   - Chen's candidate stage-splitting points are the user-marked nodes of
//     the graph (articulation points in later re-implementations); here
//     every position is a candidate and the checkpoint is the frontier cut
//     of the order, which on a DAG may hold several tensors (the
//     no-articulation-point variant). The plan is "for this order".
//   - The activation running total counts output_bytes only; gradients are
//     left to the simulator, as said above.
//   - Beyond the paper's grid the search also tries a geometric ladder of
//     thresholds (ratio 2^(1/4)) from the smallest activation up to the sum
//     of all activations (the last one never splits: store-all), so that
//     every budget between the least and store-all's peak has candidates;
//     the paper's own grid is always among the candidates, so the search
//     never does worse than it.
//
// What it cannot express: nested checkpoints (one level of segments only),
// a segment that keeps part of itself across its recomputation, or
// freeing a checkpoint early; a budget below the least simulated peak of
// its candidates is refused (kOutOfRange, naming that peak).
#ifndef TBP_CORE_SCHEDULE_PLANNERS_CHEN_GREEDY_H_
#define TBP_CORE_SCHEDULE_PLANNERS_CHEN_GREEDY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/planners/candidates.h"

namespace tbp {

const PlannerDef& ChenGreedyPlanner();

// The greedy segmentation at threshold `threshold_bytes`: the split
// positions m (cut C(m) checkpointed), increasing, and Chen's estimate
// terms x (bytes of the checkpoints) and y (largest segment's bytes).
struct ChenSegmentation {
  std::vector<int32_t> splits;
  int64_t checkpoint_bytes = 0;  // x
  int64_t largest_segment_bytes = 0;  // y
};
ChenSegmentation ChenGreedySegments(const OrderContext& context, int64_t threshold_bytes);

// The thresholds the planner tries on `context`, in the order it tries them
// (distinct, non-negative): 0, the paper's grid, then the ladder.
std::vector<int64_t> ChenGreedyThresholds(const OrderContext& context);

// The distinct segmentations of those thresholds (the planner's candidates,
// which do not depend on the budget), simulated, in the order tried.
absl::StatusOr<std::vector<JudgedCandidate>> ChenGreedyCandidates(const OrderContext& context);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_CHEN_GREEDY_H_

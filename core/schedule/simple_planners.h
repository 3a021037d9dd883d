// Plan trees of the fixed-shape planners (docs/design.md section 5): store_all,
// periodic (Chen et al. 2016) and tiny-backprop's interval tree. Each runs
// in O(n) and is emitted by EmitPlan (plan_tree.h).
#ifndef TBP_CORE_SCHEDULE_SIMPLE_PLANNERS_H_
#define TBP_CORE_SCHEDULE_SIMPLE_PLANNERS_H_

#include <cstdint>

#include "core/schedule/plan_tree.h"

namespace tbp {

// One leaf over [0, n): forward in order, then backward in reverse, freeing
// each node right after its BACKWARD (its last use).
PlanTree StoreAllPlan(int32_t n);

// Checkpoints the frontier C(k), C(2k), ... in one forward pass, then
// reverses the segments from the last, recomputing each once.
// Requires n >= 1, segment_length >= 1.
PlanTree PeriodicPlan(int32_t n, int64_t segment_length);

// Blocks of block_size positions; a balanced tree of arity children over the
// blocks (child sizes differ by at most one block); frontier checkpoints at
// every interval boundary; replay of an interval = sweep its children's
// boundaries, reverse the right-most child first, then the others right to
// left, each recursively. Memory ~ height * checkpoint + block, recompute ~
// height * forward. Requires n >= 1, block_size >= 1, arity >= 2.
PlanTree IntervalTreePlan(int32_t n, int64_t block_size, int64_t arity);

// ceil(sqrt(n)), the default segment length and block size. n >= 1.
int64_t CeilSqrt(int64_t n);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_SIMPLE_PLANNERS_H_

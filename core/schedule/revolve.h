// Binomial checkpointing (Griewank & Walther, ACM TOMS 26(1), 2000) over the
// cuts of an order.
//
// Correspondence with this project's model (docs/design.md section 3), derived in
// the paper and checked by exhaustive search in tests/revolve_oracle_test.cc:
// on a chain of l unit nodes (output_bytes = forward_cost = backward_cost =
// 1), reversing positions [a, b) while the node at b-1 is resident and the
// checkpoint at a is held costs exactly the l = b - a forward steps that
// Griewank-Walther's reversal of l steps from a stored state costs, because
// BACKWARD v reads both v and its input, so the "taping" forward of their
// model is the FORWARD that made v resident. The top-level segment has no
// resident top, which adds the one FORWARD of the output. Memory: the leaf
// (a, b) needs (b - a) + 2 bytes beyond the held checkpoints (activations of
// the segment plus two gradient buffers), so s slots correspond to a budget
// of s + 3 bytes. Hence, for l >= 2:
//   minimal recompute_cost(chain of l, budget_bytes = s + 3) = t(l, s) - (l - 1).
#ifndef TBP_CORE_SCHEDULE_REVOLVE_H_
#define TBP_CORE_SCHEDULE_REVOLVE_H_

#include <cstdint>

#include "core/schedule/plan_tree.h"

namespace tbp {

// Saturation value of RevolveSteps (no schedule exists).
inline constexpr int64_t kRevolveInfeasible = int64_t{1} << 62;

// t(l, s): the least number of forward steps that reverses l >= 1 steps with
// s >= 0 checkpoints (one of them holding the start state): r = least integer
// with C(s + r, s) >= l, t = r * l - C(s + r, s + 1). t(1, s) = 0; t(l, 0) is
// kRevolveInfeasible for l >= 2. Saturates at kRevolveInfeasible. O(r).
int64_t RevolveSteps(int64_t l, int64_t s);

// The split j in [1, l-1] minimising j + t(l - j, s - 1) + t(j, s), for
// l >= 2 and s >= 1 (the first checkpoint after the start). O(log l * r).
int64_t RevolveSplit(int64_t l, int64_t s);

// The binomial plan over [0, n) with s >= 1 slots. O(n log n) time.
PlanTree RevolvePlan(int32_t n, int64_t slots);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_REVOLVE_H_

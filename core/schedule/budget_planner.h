// The `budget` planner: the least-recomputation plan tree (plan_tree.h)
// under a memory budget, among the frontier-cut plans of a fixed order
// whose segment ends lie on block boundaries. Dynamic programming over cut
// intervals in the spirit of Rotor (Beaumont et al. 2019) and Kusumoto et
// al. (2019), in this project's model (DESIGN.md section 3).
//
// Memory accounting of the DP, relative to the checkpoints held by the
// enclosing segments (S): for a segment [a, b),
//   leaf need   = max( W[a,b) + |C(b)|,  max_p W[a,p] + |C(p)| + w_p )
//                 (all activations of the segment + the gradients crossing
//                 b; or, at BACKWARD p, activations a..p + gradients of
//                 C(p) and of p itself)
//   sweep need  = |Top(a,b)| + |C(b)| + max_p ( |C(p) ∩ [a,p)| + w_p )
//   checkpoint  = |C(m) ∩ [a,m)|, charged to the right part (m, b).
// Checkpoints of a DAG overlap (a tensor can cross several cuts): the DP
// charges each tensor once, to the innermost checkpoint that first holds
// it (C(m) ∩ [a, m)), which is exactly what the emitter keeps resident, so
// the pieces are disjoint and add up. Two places are upper bounds rather
// than exact: a sweep's Top nodes are counted separately from the sweep's
// live set even if the sweep is still using them, and inside a block of
// more than one position the sweep term uses the block's end. Both are
// exact on chains, so on a chain of unit nodes the planner attains
// Griewank-Walther's optimum (revolve.h). The model is never below the
// simulator's peak, so the simulated peak never exceeds the budget.
// Memory is discretised into units of q = ceil(store-all need /
// memory_levels) bytes, rounding needs up and the budget down (q = 1 when
// the store-all need is at most memory_levels: exact).
#ifndef TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_
#define TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/schedule/plan_tree.h"

namespace tbp {

struct BudgetPlannerOptions {
  int64_t budget_bytes = 0;     // > 0.
  int64_t max_blocks = 128;     // Coarsen the order to at most this many blocks.
  int64_t memory_levels = 256;  // Memory resolution of the DP.
};

// The optimal plan tree. Errors: kInvalidArgument when no plan of this space
// fits the budget, stating the smallest budget that does; kResourceExhausted
// if (blocks + 1)^2 * (memory_levels + 1) exceeds 2^25 DP states.
// Time O(L^3 * K) worst case for L blocks and K levels (much less in
// practice: leaves that fit end the recursion), memory O(L^2 * K).
absl::StatusOr<PlanTree> BudgetPlan(const OrderContext& context,
                                    const BudgetPlannerOptions& options);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_

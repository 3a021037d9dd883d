// The `budget` planner: the least-recomputation plan tree (plan_tree.h)
// under a memory budget, among the frontier-cut plans of a fixed order
// whose segment ends lie on block boundaries. Dynamic programming over cut
// intervals in the spirit of Rotor (Beaumont et al. 2019) and Kusumoto et
// al. (2019), in this project's model (docs/design.md section 3).
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
// The DP keeps, for every block interval, the Pareto frontier of (need in
// bytes, forward cost) over its plans, so needs are exact (no memory
// discretisation) and one run answers every budget; a frontier longer than
// memory_levels points is thinned evenly, always keeping its least-need and
// least-cost ends (so the least feasible budget stays exact). The DP is the
// optimum of its plan space whenever no frontier is thinned; a thinned run
// (large graphs) is an approximation.
//
// Plan space and speed. Up to SplitGrid::full_blocks blocks (128, the
// default max_blocks) every block boundary is a split point: L^3 / 6
// (interval, split) pairs, each an O(K) walk over two frontiers of K points.
// That is 1.7 * 10^8 walks at 1,000 blocks, too many for any per-pair work;
// no monotonicity of the best split is proven for this model, and
// admissible (least need, least cost) bounds on a split pruned under 0.1% of
// the pairs when measured. So beyond full_blocks the plan space is
// deliberately smaller (SplitGrid): a long interval splits on a power-of-two
// grid of block boundaries with at least min_candidates choices, never
// coarser than about top_blocks blocks over the whole order. Short
// intervals keep every split, and with cap | L the space contains every plan
// of the L / cap-block coarsening, so 1,000 blocks plan no worse than 125 in
// the exact regime, and with fine leaves (effect measured in docs/model.md).
// The split walk itself is pruned without changing any result (the comment
// on FrontierDp in the .cc gives the argument); tests/budget_dp_reference_test
// checks both against the plain recurrence (budget_reference.h).
#ifndef TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_
#define TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/plan_tree.h"

namespace tbp {

struct BudgetPlannerOptions {
  int64_t budget_bytes = 0;     // > 0.
  int64_t max_blocks = 128;     // Coarsen the order to at most this many blocks.
  int64_t memory_levels = 64;   // Most Pareto points kept per interval (>= 2).
};

// Which split points an interval of blocks may use, for a coarsening of L
// blocks. L <= full_blocks: every block boundary (the full plan space).
// Beyond, an interval of len blocks splits only at the multiples of its
// grid g(len): the largest power of two g <= cap with len >= g *
// min_candidates, where cap is the largest power of two <= ceil(L /
// top_blocks). So an interval of fewer than 2 * min_candidates blocks keeps
// every split, a longer one at least min_candidates, the whole order is
// never split coarser than about top_blocks blocks (with cap | L the space
// contains every plan of the L / cap-block coarsening), and the number of
// (interval, split) pairs drops from L^3 / 6 to O(L * min_candidates^2 +
// (L / cap)^3). At 1,000 blocks: cap = 8, 22,615 intervals and 411,935
// pairs instead of 500,500 and 1.7 * 10^8 (the full 128-block DP has
// 349,504).
struct SplitGrid {
  int64_t full_blocks = 128;   // >= 1.
  int64_t min_candidates = 6;  // >= 1.
  int64_t top_blocks = 128;    // >= 1.
};

// One point of a Pareto frontier of the DP: its modelled need (an upper
// bound on the simulated peak of the plan, see above) and total forward
// cost. For tests and sweeps; the simulator judges real peaks.
struct ModelledPoint {
  int64_t need_bytes = 0;
  int64_t forward_cost = 0;
};

class FrontierDp;
class BudgetDp;

// The DP over one order, built once and queried for any number of budgets.
class BudgetPlanner {
 public:
  // Builds the Pareto frontiers. Errors: kInvalidArgument for max_blocks < 1,
  // memory_levels < 2 or a SplitGrid field < 1; kResourceExhausted if
  // (blocks + 1)^2 * memory_levels exceeds 2^26 points. Time O(L^3 * K) for
  // L <= grid.full_blocks blocks and K points per frontier, else
  // O((L * c^2 + (L / cap)^3) * K) with c = grid.min_candidates and cap the
  // grid's coarsest step; memory O(L^2 + (reachable intervals) * K).
  // `context` must outlive this.
  // Only budgets up to max_budget_bytes can be planned for (smaller caps
  // prune more: O(L^3 * K) shrinks to the points that fit).
  static absl::StatusOr<BudgetPlanner> Create(
      const OrderContext& context, int64_t max_blocks, int64_t memory_levels,
      int64_t max_budget_bytes = std::numeric_limits<int64_t>::max() / 4,
      const SplitGrid& grid = SplitGrid());
  BudgetPlanner(BudgetPlanner&&);
  BudgetPlanner& operator=(BudgetPlanner&&);
  ~BudgetPlanner();

  // The least-cost plan whose modelled need fits budget_bytes (which must be
  // <= max_budget_bytes).
  // kOutOfRange stating the smallest feasible budget otherwise.
  absl::StatusOr<PlanTree> PlanFor(int64_t budget_bytes) const;

  // The smallest budget any plan of this space fits (exact at this block
  // granularity).
  int64_t MinFeasibleBytes() const;

  // The modelled needs of the root's Pareto points up to the cap, increasing:
  // the budgets
  // at which the DP's choice changes. For choosing budgets to sweep only;
  // what a plan really needs is for the simulator to say.
  std::vector<int64_t> BreakpointBudgets() const;

  // The root's Pareto frontier (need increasing, cost decreasing), as the DP
  // models it.
  std::vector<ModelledPoint> RootFrontier() const;

 private:
  BudgetPlanner(const OrderContext& context, const SplitGrid& grid,
                std::unique_ptr<BudgetDp> dp, std::unique_ptr<FrontierDp> frontiers);
  const OrderContext* context_;
  SplitGrid grid_;
  std::unique_ptr<BudgetDp> dp_;
  std::unique_ptr<FrontierDp> frontiers_;
};

// The default memory_levels for L blocks: 2^20 / L^2 clamped to [64, 2^16],
// so the DP's O(L^3 * K) work stays near 2^20 * L while small graphs (L <= 128
// gets >= 64, L <= 25 more than 1,600 points) are rarely thinned at all.
int64_t DefaultMemoryLevels(int64_t blocks);

// BudgetPlanner::Create(...) then PlanFor(options.budget_bytes).
absl::StatusOr<PlanTree> BudgetPlan(const OrderContext& context,
                                    const BudgetPlannerOptions& options);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_BUDGET_PLANNER_H_

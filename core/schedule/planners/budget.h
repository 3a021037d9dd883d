// budget: tiny-backprop's budgeted planner. The least-recomputation plan
// tree under a memory budget among the frontier-cut plans of one order (a
// dynamic program over cut intervals, core/schedule/budget_planner.h, in
// the spirit of Rotor, Beaumont et al. 2019, and Kusumoto et al. 2019),
// with block coarsening for large graphs; optionally refined by the
// keep_recomputed passes (core/schedule/refine.h). By default a portfolio
// around the DP (docs/model.md, "The budget planner's portfolio"): the
// exhaustive optimum on small graphs, else the least recompute of the DP,
// revolve, fixed shapes, a descent below the DP's reach, chen_greedy's and
// mincut's candidates, DTR at a ladder of budgets of the graph and Rotor's
// DP at a few fixed scales.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_BUDGET_H_
#define TBP_CORE_SCHEDULE_PLANNERS_BUDGET_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& BudgetPlannerDef();

// The budget DP of the context's order at max_blocks blocks (0 = the
// planner's default) and its default memory_levels, without a budget cap,
// built once per context and kept in it. For sweeps over the DP's own
// frontier (its breakpoints, its least feasible budget); a plan for one
// budget is PlanAndJudge's business.
absl::StatusOr<const BudgetPlanner*> SharedBudgetDp(PlanContext& context, int64_t max_blocks);

// The DP's schedule for `budget_bytes` on the context's order with the
// default max_blocks and memory_levels (no keep_recomputed), as the exact
// planner's starting incumbent uses it. Errors as BudgetPlan.
absl::StatusOr<std::vector<Instruction>> DefaultBudgetSchedule(PlanContext& context,
                                                               int64_t budget_bytes);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_BUDGET_H_

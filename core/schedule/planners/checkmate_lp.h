// checkmate_lp: Checkmate's two-phase LP rounding (Jain et al., MLSys 2020,
// section 5): solve the LP relaxation of the stage program
// (core/schedule/checkmate.h) with CLP, round S deterministically at the
// thresholds 0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, and give each
// rounded S the least recomputation that realises it (ComputeForKeep, the
// paper's second phase). A rounded plan can exceed the budget; as the paper
// does, the relaxation is re-solved at smaller budgets (90%, 80%, ... 50% of
// budget_bytes) until some rounding fits. Every candidate is simulated; the
// least recompute within the budget wins. The LP runs in a contained child
// process, all LPs together within time_limit_s. The schedule carries the
// first LP's bound (over this order's stage plans), never proven optimal.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_LP_H_
#define TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_LP_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& CheckmateLpPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_LP_H_

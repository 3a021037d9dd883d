// checkmate_milp: Checkmate's MILP (Jain et al., "Checkmate: Breaking the
// Memory Wall with Optimal Tensor Rematerialization", MLSys 2020) on the
// context's order: stages along the order, binaries R (compute) and S
// (keep) per stage and position, frees derived, least recomputation within
// the budget; the formulation and its adaptation to this model are in
// core/schedule/checkmate.h. Solved by COIN-OR CBC in a contained child
// process (core/util/contained.h) within time_limit_s; a solve stopped at
// the limit reports its best plan with CBC's bound, not proven optimal.
// "Optimal" and the bound hold over the stage plans of this order (which
// contain the frontier-cut plans of budget and rotor), not over all
// schedules: that is exact's question. With warm_start, CBC starts from
// budget's schedule on the same order (not part of the published method).
#ifndef TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_MILP_H_
#define TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_MILP_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& CheckmateMilpPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_CHECKMATE_MILP_H_

// exact: the least-recomputation schedule over ALL schedules of the model
// within a budget (no fixed order, no checkpoint structure), as a
// time-indexed MILP solved by COIN-OR CBC (core/schedule/milp.h), started
// from the budget planner's schedule; reports whether it proved the
// optimum and its lower bound. For graphs of at most 64 COMPUTE nodes.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_
#define TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& ExactPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_

// periodic: Chen et al., "Training Deep Nets with Sublinear Memory Cost"
// (arXiv:1604.06174, 2016), the sqrt(n) strategy: checkpoint the frontier
// every k positions of the order in one forward pass, then reverse the
// segments from the last, recomputing each once.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_PERIODIC_H_
#define TBP_CORE_SCHEDULE_PLANNERS_PERIODIC_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& PeriodicPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_PERIODIC_H_

// exhaustive: the same optimum as `exact` by A* search over (resident,
// backwarded) states (core/schedule/exhaustive.h): its independent check,
// and the faster of the two on small graphs. At most 64 COMPUTE nodes and a
// cap on reached states.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_EXHAUSTIVE_H_
#define TBP_CORE_SCHEDULE_PLANNERS_EXHAUSTIVE_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& ExhaustivePlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_EXHAUSTIVE_H_

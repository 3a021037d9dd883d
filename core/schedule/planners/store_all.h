// store_all: what a plain autodiff pass does. Forward in order, backward in
// reverse, each activation freed right after its last use. The memory
// every other planner is measured against; recomputes nothing.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_STORE_ALL_H_
#define TBP_CORE_SCHEDULE_PLANNERS_STORE_ALL_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& StoreAllPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_STORE_ALL_H_

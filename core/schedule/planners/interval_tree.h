// interval_tree: tiny-backprop's height-compressed schedule (the seed's):
// blocks of the order, a balanced tree of intervals over the blocks,
// frontier checkpoints at interval boundaries, recursive replay (the right
// part first). Block size and arity trade memory against recomputation.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_INTERVAL_TREE_H_
#define TBP_CORE_SCHEDULE_PLANNERS_INTERVAL_TREE_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& IntervalTreePlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_INTERVAL_TREE_H_

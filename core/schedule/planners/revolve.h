// revolve: binomial checkpointing (Griewank & Walther, "Algorithm 799:
// Revolve", ACM TOMS 26(1), 2000) over the cuts of an order, with s slots;
// on a chain of unit nodes it attains the optimal t(l, s)
// (core/schedule/revolve.h gives the correspondence with this model).
#ifndef TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_
#define TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& RevolvePlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_

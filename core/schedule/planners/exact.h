// exact: the least-recomputation schedule over ALL schedules of the model
// within a budget (no fixed order, no checkpoint structure), with one
// proven/unproven answer from a portfolio of two exact methods:
//   1. the exhaustive A* search (core/schedule/exhaustive.h), up to
//      max_state_bytes of states and half the time limit: on small graphs
//      it answers in milliseconds at every budget;
//   2. where the search runs out of states or time, the time-indexed MILP
//      (core/schedule/milp.h, in the spirit of Checkmate, Jain et al.,
//      MLSys 2020) solved by COIN-OR CBC, started from the budget planner's
//      schedule, for the rest of the time limit.
// The MILP runs in a child process (core/util/contained.h): a CBC/CLP
// internal assertion that aborts becomes a named error (kAborted), and the
// time limit holds for the whole call even where CLP's initial solve does
// not look at it; a solve stopped at the limit reports the best schedule it
// had streamed, with its lower bound, not proven optimal. For graphs of at
// most 64 COMPUTE nodes.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_
#define TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_

#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& ExactPlanner();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_EXACT_H_

// revolve: binomial checkpointing (Griewank & Walther, "Algorithm 799:
// Revolve", ACM TOMS 26(1), 2000) over the cuts of an order, with s slots;
// on a chain of unit nodes it attains the optimal t(l, s)
// (core/schedule/revolve.h gives the correspondence with this model).
#ifndef TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_
#define TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& RevolvePlanner();

// The revolve schedule with the most slots whose simulated peak fits
// budget_bytes on the context's order (the peak grows with the slots; the
// search gallops from an estimate of the slot count, then bisects, and
// treats a slot count whose schedule is too long to emit as needing more
// slots). Sets *slots to the count chosen. Errors: kOutOfRange if even one
// slot peaks above the budget (the message gives that peak);
// kResourceExhausted if every slot count that fits needs more than the
// emission limit of forward steps.
absl::StatusOr<std::vector<Instruction>> RevolveForBudget(PlanContext& context,
                                                          int64_t budget_bytes,
                                                          int64_t* slots);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_REVOLVE_H_

#include "core/schedule/planners/periodic.h"

#include "core/schedule/plan_tree.h"
#include "core/schedule/simple_planners.h"

namespace tbp {

const PlannerDef& PeriodicPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "periodic";
    d->summary = "checkpoint the frontier every k positions, recompute each segment once";
    d->citation = "Chen et al. 2016, sqrt(n) checkpointing";
    d->knobs = {{"segment_length", KnobType::kInt, 1, kNoMax, "ceil(sqrt(n))",
                 "segment_lengths", "positions per segment (k)"}};
    d->resolve_defaults = [](PlanContext& c, proto::PlannerOptions* o) {
      if (o->segment_length() == 0) o->set_segment_length(CeilSqrt(c.n()));
    };
    d->plan = [](PlanContext& c, const proto::PlannerOptions& o) -> absl::StatusOr<Schedule> {
      return c.MakeSchedule(o, EmitPlan(c.positions(), PeriodicPlan(c.n(), o.segment_length())));
    };
    return d;
  }();
  return *def;
}

}  // namespace tbp

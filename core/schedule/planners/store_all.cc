#include "core/schedule/planners/store_all.h"

#include "core/schedule/plan_tree.h"
#include "core/schedule/simple_planners.h"

namespace tbp {

const PlannerDef& StoreAllPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "store_all";
    d->summary = "keep every activation: forward in order, backward in reverse (no recomputation)";
    d->plan = [](PlanContext& c, const proto::PlannerOptions& o) -> absl::StatusOr<Schedule> {
      return c.MakeSchedule(o, EmitPlan(c.positions(), StoreAllPlan(c.n())));
    };
    return d;
  }();
  return *def;
}

}  // namespace tbp

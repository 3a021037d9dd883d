#include "core/schedule/planners/interval_tree.h"

#include "core/schedule/plan_tree.h"
#include "core/schedule/simple_planners.h"

namespace tbp {

const PlannerDef& IntervalTreePlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "interval_tree";
    d->summary = "height-compressed interval tree over blocks of the order (the seed's schedule)";
    d->knobs = {{"block_size", KnobType::kInt, 1, kNoMax, "ceil(sqrt(n))", "block_sizes",
                 "positions per leaf block"},
                {"arity", KnobType::kInt, 2, kNoMax, "2", "arities",
                 "children per interval"}};
    d->resolve_defaults = [](PlanContext& c, proto::PlannerOptions* o) {
      if (o->block_size() == 0) o->set_block_size(CeilSqrt(c.n()));
      if (o->arity() == 0) o->set_arity(2);
    };
    d->plan = [](PlanContext& c, const proto::PlannerOptions& o) -> absl::StatusOr<Schedule> {
      return c.MakeSchedule(
          o, EmitPlan(c.positions(), IntervalTreePlan(c.n(), o.block_size(), o.arity())));
    };
    return d;
  }();
  return *def;
}

}  // namespace tbp

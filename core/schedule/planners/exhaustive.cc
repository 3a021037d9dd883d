#include "core/schedule/planners/exhaustive.h"

#include <utility>

#include "core/schedule/exhaustive.h"

namespace tbp {
namespace {

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  ExhaustiveOptions e;
  e.time_limit_s = o.time_limit_s();
  e.max_state_bytes = o.max_state_bytes();
  absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(c.graph(), o.budget_bytes(), e);
  if (!r.ok()) return r.status();
  Schedule s = c.MakeSchedule(o, std::move(r->instructions));
  s.optimality = Optimality{r->recompute_cost, true, true};
  return s;
}

}  // namespace

const PlannerDef& ExhaustivePlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "exhaustive";
    d->summary = "the optimum over all schedules by A* search (the independent check of exact)";
    d->budget = BudgetUse::kRequired;
    d->max_compute_nodes = kExhaustiveMaxNodes;
    d->order_free = true;
    d->knobs = {{"time_limit_s", KnobType::kDouble, 0, kNoMax, "none", "",
                 "wall-clock limit of the search, seconds"},
                {"max_state_bytes", KnobType::kInt, 1, kNoMax, "4 GiB", "",
                 "most bytes the search's states may take (kResourceExhausted beyond)"}};
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

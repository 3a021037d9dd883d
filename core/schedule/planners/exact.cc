#include "core/schedule/planners/exact.h"

#include <utility>

#include "core/schedule/milp.h"
#include "core/schedule/planners/budget.h"

namespace tbp {
namespace {

constexpr double kDefaultTimeLimitS = 60;

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  // The budget planner's schedule on the order, when one fits, caps the
  // search and starts the certificate.
  const absl::StatusOr<std::vector<Instruction>> start =
      DefaultBudgetSchedule(c, o.budget_bytes());
  MilpOptions m;
  m.budget_bytes = o.budget_bytes();
  m.time_limit_s = o.time_limit_s();
  m.max_forwards = o.max_forwards();
  if (start.ok()) m.incumbent = &*start;
  absl::StatusOr<MilpResult> r = MilpSolve(c.graph(), m);
  if (!r.ok()) return r.status();
  Schedule s = c.MakeSchedule(o, std::move(r->instructions));
  s.optimality = Optimality{r->recompute_lower_bound, r->proven_optimal, r->horizon_certified};
  return s;
}

}  // namespace

const PlannerDef& ExactPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "exact";
    d->summary = "the optimum over all schedules: a time-indexed MILP solved by CBC";
    d->citation = "time-indexed MILP in the spirit of Checkmate, Jain et al. 2020";
    d->budget = BudgetUse::kRequired;
    d->max_compute_nodes = kMilpMaxNodes;
    d->order_free = true;
    d->knobs = {
        {"time_limit_s", KnobType::kDouble, 0, kNoMax, "60", "",
         "time limit of the whole solve, seconds; when hit, the best schedule is reported "
         "with its bound, not proven optimal"},
        {"max_forwards", KnobType::kInt, 1, kNoMax,
         "n + n(n+1)/2; the solve stops earlier where its certificate allows", "",
         "most FORWARD instructions the MILP considers (its horizon)"},
    };
    d->resolve_defaults = [](PlanContext&, proto::PlannerOptions* o) {
      if (o->time_limit_s() == 0) o->set_time_limit_s(kDefaultTimeLimitS);
    };
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

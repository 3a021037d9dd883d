#include "core/schedule/planners/checkmate_milp.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/schedule/checkmate.h"
#include "core/schedule/planners/budget.h"
#include "core/util/contained.h"

namespace tbp {
namespace {

constexpr double kDefaultTimeLimitS = 60;
// CBC gets this share of the time limit; the rest covers building the
// program and returning the plan before the child is killed.
constexpr double kSolverShare = 0.9;

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const CheckmateSize size = CheckmateProgramSize(c.graph(), c.order());
  if (size.columns > kCheckmateMaxColumns) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "planner 'checkmate_milp': the stage program of this order has %d columns (%d "
        "binaries); at most %d are built",
        size.columns, size.binaries, kCheckmateMaxColumns));
  }
  std::optional<StagePlan> start;
  if (o.warm_start()) {
    absl::StatusOr<std::vector<Instruction>> budget = DefaultBudgetSchedule(c, o.budget_bytes());
    if (budget.ok()) start = StagePlanOf(c.graph(), c.order(), *budget);
  }
  const Graph& graph = c.graph();
  const std::vector<NodeId>& order = c.order();
  ContainedOutcome out = RunContained(
      [&](const EmitFn& emit) -> absl::Status {
        CheckmateMilpOptions m;
        m.budget_bytes = o.budget_bytes();
        m.time_limit_s = o.time_limit_s() * kSolverShare;
        if (start.has_value()) {
          m.start = &*start;
          CheckmateMilpResult first;  // Streamed first: a kill still reports it.
          first.plan = *start;
          emit(EncodeCheckmateMilpResult(first));
        }
        absl::StatusOr<CheckmateMilpResult> r = SolveCheckmateMilp(graph, order, m);
        if (!r.ok()) return r.status();
        emit(EncodeCheckmateMilpResult(*r));
        return absl::OkStatus();
      },
      o.time_limit_s(), "planner 'checkmate_milp' (CBC)");
  std::optional<CheckmateMilpResult> last;
  if (out.last_message.has_value()) last = DecodeCheckmateMilpResult(*out.last_message, c.n());
  if (out.status.ok()) {
    if (!last.has_value()) {
      return absl::InternalError("planner 'checkmate_milp': CBC's plan did not arrive intact");
    }
  } else if ((absl::IsDeadlineExceeded(out.status) || absl::IsAborted(out.status)) &&
             last.has_value()) {
    last->proven_optimal = false;  // Stopped: the best streamed so far.
  } else {
    return out.status;
  }
  Schedule s = c.MakeSchedule(o, EmitStagePlan(graph, order, last->plan));
  s.optimality = Optimality{last->recompute_lower_bound, last->proven_optimal,
                            /*horizon_certified=*/false};
  return s;
}

}  // namespace

const PlannerDef& CheckmateMilpPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "checkmate_milp";
    d->summary = "Checkmate's MILP on the order (stages, R and S binaries, derived frees), "
                 "solved by CBC in a contained process; optimal over this order's stage plans "
                 "when proven";
    d->citation = "Jain et al. 2020, Checkmate (MLSys)";
    d->budget = BudgetUse::kRequired;
    d->knobs = {
        {"time_limit_s", KnobType::kDouble, 0, kNoMax, "60", "",
         "time limit of the solve, seconds; when hit, the best plan is reported with CBC's "
         "bound, not proven optimal"},
        {"warm_start", KnobType::kBool, 0, 1, "false", "",
         "start CBC from budget's schedule on the same order (not the published method)"},
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

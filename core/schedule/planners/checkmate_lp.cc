#include "core/schedule/planners/checkmate_lp.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/checkmate.h"
#include "core/sim/simulator.h"
#include "core/util/contained.h"

namespace tbp {
namespace {

constexpr double kDefaultTimeLimitS = 60;
// Rounding thresholds for S, in percent, in the order they are tried.
constexpr int kThresholds[] = {50, 40, 60, 30, 70, 20, 80, 10, 90};
// Budgets the relaxation is solved at, in percent of budget_bytes.
constexpr int kBudgetPercents[] = {100, 90, 80, 70, 60, 50};

using Clock = std::chrono::steady_clock;

absl::StatusOr<CheckmateRelaxation> Relax(PlanContext& c, int64_t budget, double seconds) {
  const Graph& graph = c.graph();
  const std::vector<NodeId>& order = c.order();
  ContainedOutcome out = RunContained(
      [&](const EmitFn& emit) -> absl::Status {
        absl::StatusOr<CheckmateRelaxation> r = SolveCheckmateLp(graph, order, budget, seconds);
        if (!r.ok()) return r.status();
        emit(EncodeCheckmateRelaxation(*r));
        return absl::OkStatus();
      },
      seconds, "planner 'checkmate_lp' (CLP)");
  if (!out.status.ok()) return out.status;
  std::optional<CheckmateRelaxation> r;
  if (out.last_message.has_value()) r = DecodeCheckmateRelaxation(*out.last_message, c.n());
  if (!r.has_value()) {
    return absl::InternalError("planner 'checkmate_lp': the relaxation did not arrive intact");
  }
  return *std::move(r);
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const CheckmateSize size = CheckmateProgramSize(c.graph(), c.order());
  if (size.columns > kCheckmateMaxColumns) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "planner 'checkmate_lp': the stage program of this order has %d columns; at most %d "
        "are built",
        size.columns, kCheckmateMaxColumns));
  }
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(o.time_limit_s()));
  const int64_t budget = o.budget_bytes();
  struct Best {
    std::vector<Instruction> instructions;
    int64_t recompute = 0, peak = 0;
  };
  std::optional<Best> best;
  std::optional<double> bound;  // The relaxation's at budget_bytes.
  int64_t least_peak = -1;
  std::set<std::vector<std::vector<char>>> seen;
  for (int percent : kBudgetPercents) {
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) break;
    const int64_t lp_budget = budget / 100 * percent + budget % 100 * percent / 100;
    absl::StatusOr<CheckmateRelaxation> relaxed = Relax(c, lp_budget, left);
    if (!relaxed.ok()) {
      if (percent == 100 || !absl::IsOutOfRange(relaxed.status())) {
        if (best.has_value() && absl::IsDeadlineExceeded(relaxed.status())) break;
        return relaxed.status();
      }
      break;  // Infeasible at a smaller budget: so are the smaller ones.
    }
    if (percent == 100) bound = relaxed->recompute_lower_bound;
    for (int threshold : kThresholds) {
      std::vector<std::vector<char>> keep;
      for (const std::vector<double>& stage : relaxed->keep) {
        keep.emplace_back(stage.size(), 0);
        for (size_t p = 0; p < stage.size(); ++p) {
          keep.back()[p] = stage[p] * 100 >= threshold - 1e-6;
        }
      }
      if (!seen.insert(keep).second) continue;
      std::vector<Instruction> instructions =
          EmitStagePlan(c.graph(), c.order(), ComputeForKeep(c.graph(), c.order(), keep));
      absl::StatusOr<SimResult> sim = Simulate(c.graph(), instructions);
      if (!sim.ok()) {
        return absl::InternalError(absl::StrCat(
            "checkmate_lp emitted an invalid schedule: ", sim.status().message()));
      }
      if (least_peak < 0 || sim->peak_bytes < least_peak) least_peak = sim->peak_bytes;
      if (sim->peak_bytes > budget) continue;
      if (!best || sim->recompute_cost < best->recompute ||
          (sim->recompute_cost == best->recompute && sim->peak_bytes < best->peak)) {
        best = Best{std::move(instructions), sim->recompute_cost, sim->peak_bytes};
      }
    }
    if (best.has_value()) break;
  }
  if (!best.has_value()) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: no rounding of checkmate's LP relaxation fits (LPs "
        "at 100%% down to 50%% of the budget, or until time_limit_s = %g; the least simulated "
        "peak of the roundings is %d bytes)",
        budget, o.time_limit_s(), least_peak));
  }
  Schedule s = c.MakeSchedule(o, std::move(best->instructions));
  if (bound.has_value()) {
    const int64_t lower = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(*bound - 1e-6)));
    s.optimality = Optimality{std::min(lower, best->recompute), /*proven_optimal=*/false,
                              /*horizon_certified=*/false};
  }
  return s;
}

}  // namespace

const PlannerDef& CheckmateLpPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "checkmate_lp";
    d->summary = "Checkmate's two-phase LP rounding on the order: CLP relaxation, S rounded at "
                 "deterministic thresholds, least recomputation for each S, budget sweep";
    d->citation = "Jain et al. 2020, Checkmate (MLSys), two-phase rounding";
    d->budget = BudgetUse::kRequired;
    d->knobs = {
        {"time_limit_s", KnobType::kDouble, 0, kNoMax, "60", "",
         "time limit of all the LP solves together, seconds"},
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

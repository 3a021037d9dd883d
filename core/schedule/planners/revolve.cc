#include "core/schedule/planners/revolve.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_format.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/revolve.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

// A revolve plan whose forward count exceeds this is refused rather than
// emitted (slots too few for the length of the order).
constexpr int64_t kMaxRevolveForwards = 200'000'000;

absl::StatusOr<Schedule> PlanWithSlots(PlanContext& c, proto::PlannerOptions o, int64_t slots) {
  const int64_t steps = RevolveSteps(c.n(), slots);
  if (steps > kMaxRevolveForwards) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "revolve with slots = %d over %d positions needs %d forward steps (more than %d); "
        "give more slots or a larger budget_bytes",
        slots, c.n(), steps, kMaxRevolveForwards));
  }
  o.set_slots(slots);
  return c.MakeSchedule(o, EmitPlan(c.positions(), RevolvePlan(c.n(), slots)));
}

absl::StatusOr<int64_t> PeakOf(const PlanContext& c, const Schedule& s) {
  absl::StatusOr<SimResult> sim = Simulate(c.graph(), s.instructions);
  if (!sim.ok()) return sim.status();
  return sim->peak_bytes;
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& options) {
  if (options.slots() > 0) return PlanWithSlots(c, options, options.slots());
  // Derive the slots from the budget: the most slots whose simulated peak
  // fits (the peak grows with the slots; checked by simulation, not
  // assumed, at the end).
  const int64_t budget = options.budget_bytes();
  int64_t lo = 1, hi = std::max<int64_t>(1, c.n());
  absl::StatusOr<Schedule> one = PlanWithSlots(c, options, 1);
  if (!one.ok()) return one.status();
  absl::StatusOr<int64_t> peak_one = PeakOf(c, *one);
  if (!peak_one.ok()) return peak_one.status();
  if (*peak_one > budget) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below the peak of revolve with 1 slot on this "
        "order, %d bytes: no revolve schedule fits",
        budget, *peak_one));
  }
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    absl::StatusOr<Schedule> s = PlanWithSlots(c, options, mid);
    if (!s.ok()) {  // Too long to emit: more slots help.
      lo = mid;
      continue;
    }
    absl::StatusOr<int64_t> peak = PeakOf(c, *s);
    if (!peak.ok()) return peak.status();
    if (*peak <= budget) lo = mid; else hi = mid - 1;
  }
  return PlanWithSlots(c, options, lo);
}

}  // namespace

const PlannerDef& RevolvePlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "revolve";
    d->summary = "binomial checkpointing with s slots over the cuts of the order";
    d->citation = "Griewank & Walther 2000, Revolve";
    d->budget = BudgetUse::kDerives;
    d->knobs = {{"slots", KnobType::kInt, 1, kNoMax,
                 "the most slots whose simulated peak fits budget_bytes", "slots",
                 "checkpoint slots (Griewank-Walther s, counting the start state)"}};
    d->validate = [](const proto::PlannerOptions& o) {
      if (o.slots() == 0 && o.budget_bytes() == 0) {
        return absl::InvalidArgumentError(
            "PlannerOptions.slots and budget_bytes are both missing: revolve needs one of them");
      }
      return absl::OkStatus();
    };
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

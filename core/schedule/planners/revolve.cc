#include "core/schedule/planners/revolve.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/revolve.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

// A revolve plan whose forward count exceeds this is refused rather than
// emitted (slots too few for the length of the order).
constexpr int64_t kMaxRevolveForwards = 200'000'000;

// The revolve schedule with `slots`; kResourceExhausted if too long.
absl::StatusOr<std::vector<Instruction>> WithSlots(const PlanContext& c, int64_t slots) {
  const int64_t steps = RevolveSteps(c.n(), slots);
  if (steps > kMaxRevolveForwards) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "revolve with slots = %d over %d positions needs %d forward steps (more than %d); "
        "give more slots or a larger budget_bytes",
        slots, c.n(), steps, kMaxRevolveForwards));
  }
  return EmitPlan(c.positions(), RevolvePlan(c.n(), slots));
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& options) {
  proto::PlannerOptions o = options;
  int64_t slots = o.slots();
  absl::StatusOr<std::vector<Instruction>> instructions =
      slots > 0 ? WithSlots(c, slots) : RevolveForBudget(c, o.budget_bytes(), &slots);
  if (!instructions.ok()) return instructions.status();
  o.set_slots(slots);
  return c.MakeSchedule(o, *std::move(instructions));
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

absl::StatusOr<std::vector<Instruction>> RevolveForBudget(PlanContext& c, int64_t budget,
                                                          int64_t* slots) {
  // Probes by slot count: the simulated peak, or -1 when too long to emit
  // (which more slots cure: such counts count as fitting). The schedule of
  // the most slots seen to fit is kept (the answer, unless a later probe
  // fits with more).
  std::map<int64_t, int64_t> peak_at;
  int64_t kept_slots = 0;
  std::vector<Instruction> kept;
  auto fits = [&](int64_t s) -> absl::StatusOr<bool> {
    auto it = peak_at.find(s);
    if (it == peak_at.end()) {
      absl::StatusOr<std::vector<Instruction>> ins = WithSlots(c, s);
      int64_t peak = -1;
      if (ins.ok()) {
        absl::StatusOr<SimResult> sim = Simulate(c.graph(), *ins);
        if (!sim.ok()) return sim.status();
        peak = sim->peak_bytes;
        if (peak <= budget && s > kept_slots) {
          kept_slots = s;
          kept = *std::move(ins);
        }
      } else if (!absl::IsResourceExhausted(ins.status())) {
        return ins.status();
      }
      it = peak_at.emplace(s, peak).first;
    }
    return it->second <= budget;
  };
  // The estimate: slots of the mean cut's bytes (exact up to a constant on
  // a unit chain, where s slots peak at s + 3 bytes).
  const OrderContext& p = c.positions();
  const int64_t n = std::max<int32_t>(1, c.n());
  __int128 cut_total = 0;
  for (int32_t b = 1; b < c.n(); ++b) cut_total += p.cut_bytes[b];
  const int64_t mean_cut =
      std::max<int64_t>(1, static_cast<int64_t>(cut_total / std::max<int64_t>(1, n - 1)));
  int64_t guess = std::clamp<int64_t>(budget / mean_cut, 1, n);
  // Gallop to a bracket lo (fits) < hi (does not), then bisect.
  int64_t lo = 0, hi = n + 1;
  absl::StatusOr<bool> f = fits(guess);
  if (!f.ok()) return f.status();
  if (*f) {
    lo = guess;
    for (int64_t step = 1; lo < n;) {
      const int64_t next = std::min(n, lo + step);
      absl::StatusOr<bool> g = fits(next);
      if (!g.ok()) return g.status();
      if (!*g) {
        hi = next;
        break;
      }
      lo = next;
      step *= 2;
    }
  } else {
    hi = guess;
    for (int64_t step = 1; hi > 1;) {
      const int64_t next = std::max<int64_t>(1, hi - step);
      absl::StatusOr<bool> g = fits(next);
      if (!g.ok()) return g.status();
      if (*g) {
        lo = next;
        break;
      }
      hi = next;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    absl::StatusOr<bool> g = fits(mid);
    if (!g.ok()) return g.status();
    (*g ? lo : hi) = mid;
  }
  if (lo == 0) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below the peak of revolve with 1 slot on this "
        "order, %d bytes: no revolve schedule fits",
        budget, peak_at.at(1)));
  }
  if (peak_at.at(lo) < 0) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "revolve within budget_bytes = %d needs at most %d slots over %d positions, and "
        "%d forward steps or more (more than %d): the schedule is too long to emit",
        budget, lo, c.n(), RevolveSteps(c.n(), lo), kMaxRevolveForwards));
  }
  *slots = lo;
  if (kept_slots == lo) return kept;
  return WithSlots(c, lo);
}

}  // namespace tbp

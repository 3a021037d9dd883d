#include "core/schedule/planners/budget.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planners/candidates.h"
#include "core/schedule/planners/chen_greedy.h"
#include "core/schedule/planners/dtr.h"
#include "core/schedule/planners/mincut.h"
#include "core/schedule/planners/revolve.h"
#include "core/schedule/planners/rotor.h"
#include "core/schedule/refine.h"
#include "core/schedule/simple_planners.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

constexpr int64_t kDefaultMaxBlocks = 128;
// Graphs of at most this many COMPUTE nodes get the exhaustive search's
// optimum (3^12 states at most: well under a second and 64 MiB).
constexpr int64_t kDefaultSearchNodes = 12;
constexpr int64_t kSearchStateBytes = int64_t{256} << 20;
// The fixed-shape ladder (ShapeSizes) up to this many positions.
constexpr int32_t kFixedShapesMaxNodes = 20000;
// The descent of step 5 up to this many positions.
constexpr int32_t kDescentMaxNodes = 500;
// The peers' schedules (step 6), on orders of at most kPeerMaxNodes
// positions: chen_greedy's and mincut's candidates (which do not depend on
// the budget) and DTR at up to 1 + clamp(kDtrLadderWork / n, 32, 256)
// budgets of a ladder that depends on the graph only, from the top down to
// the first budget where DTR fails (a failing DTR run can emit a million
// instructions before it finds nothing left to evict, and DTR that fails at
// one budget nearly always fails at the smaller ones); Rotor's DP, solved once for
// every budget up to kRotorScales scales between the best lower bound and
// store-all's peak, on orders of at most kRotorMaxNodes positions.
constexpr int32_t kPeerMaxNodes = 1000;
constexpr int64_t kDtrLadderWork = int64_t{1} << 17;
constexpr int32_t kRotorMaxNodes = 400;
constexpr int kRotorScales = 3;
// Memory units per scale past kRotorFineNodes positions, at most
// (DefaultRotorSlots(n) is smaller past 127 positions): the DP's cost is
// linear in them. Up to kRotorFineNodes, DefaultRotorSlots(n) (thousands).
constexpr int64_t kRotorMaxSlots = 256;
constexpr int32_t kRotorFineNodes = 32;

void ResolveDefaults(PlanContext& c, proto::PlannerOptions* o) {
  if (o->max_blocks() == 0) o->set_max_blocks(kDefaultMaxBlocks);
  if (o->memory_levels() == 0) {
    o->set_memory_levels(DefaultMemoryLevels(std::min<int64_t>(c.n(), o->max_blocks())));
  }
}

absl::StatusOr<std::vector<Instruction>> DpSchedule(PlanContext& c,
                                                    const proto::PlannerOptions& o,
                                                    int64_t budget_bytes) {
  BudgetPlannerOptions b;
  b.budget_bytes = budget_bytes;
  b.max_blocks = o.max_blocks();
  b.memory_levels = o.memory_levels();
  absl::StatusOr<PlanTree> tree = BudgetPlan(c.positions(), b);
  if (!tree.ok()) return tree.status();
  return EmitPlan(c.positions(), *tree);
}

// One schedule the portfolio considers, judged by the simulator.
struct Candidate {
  std::string source;  // for messages: "frontier-cut DP", "revolve", ...
  std::vector<Instruction> instructions;
  int64_t peak_bytes = 0;
  int64_t recompute_cost = 0;
};

class Portfolio {
 public:
  Portfolio(const Graph& graph, int64_t budget) : graph_(graph), budget_(budget) {}

  // Simulates `instructions` and keeps them if they fit and recompute less
  // than the best so far (ties: the lower peak, then the earlier). An
  // invalid schedule is a broken invariant of its source.
  absl::Status Offer(const std::string& source, std::vector<Instruction> instructions) {
    absl::StatusOr<SimResult> sim = Simulate(graph_, instructions);
    if (!sim.ok()) {
      return absl::InternalError(absl::StrCat("budget planner: the ", source,
                                              " candidate is invalid: ", sim.status().message()));
    }
    least_peak_ = std::min(least_peak_, sim->peak_bytes);
    if (sim->peak_bytes > budget_) {
      absl::StrAppendFormat(&misses_, "; %s peaks at %d bytes", source, sim->peak_bytes);
      return absl::OkStatus();
    }
    if (!best_.has_value() || sim->recompute_cost < best_->recompute_cost ||
        (sim->recompute_cost == best_->recompute_cost && sim->peak_bytes < best_->peak_bytes)) {
      best_ = Candidate{source, std::move(instructions), sim->peak_bytes, sim->recompute_cost};
    }
    return absl::OkStatus();
  }
  // Records why a source has no candidate (kOutOfRange: nothing of it
  // fits; kResourceExhausted: what fits is too large to emit).
  void Miss(const std::string& source, const absl::Status& why) {
    absl::StrAppend(&misses_, "; ", source, ": ", why.message());
    too_large_ |= absl::IsResourceExhausted(why);
  }
  // Whether some source had a fitting plan too large to emit.
  bool too_large() const { return too_large_; }
  std::optional<Candidate>& best() { return best_; }
  const std::string& misses() const { return misses_; }

 private:
  const Graph& graph_;
  const int64_t budget_;
  std::optional<Candidate> best_;
  int64_t least_peak_ = std::numeric_limits<int64_t>::max();
  std::string misses_;
  bool too_large_ = false;
};

// The segment lengths and block sizes of the fixed-shape candidates:
// sqrt(n) and a ladder of small ones (what experiments sweep), fewer on
// large graphs.
std::vector<int64_t> ShapeSizes(int32_t n) {
  std::vector<int64_t> sizes = {CeilSqrt(n)};
  if (n <= kFixedShapesMaxNodes) {
    for (int64_t k : {2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64}) {
      if (k < n && k != sizes[0]) sizes.push_back(k);
    }
  }
  return sizes;
}

// The budget of rung k of K: LB + (SA - LB) (k / K)^2 (LB the best lower
// bound, SA store-all's simulated peak; denser near LB, where single-tensor
// evictions and Rotor's dropped checkpoints matter most).
int64_t Rung(int64_t lower, int64_t top, int k, int steps) {
  const double f = static_cast<double>(k) / steps;
  return std::max<int64_t>(1, lower + static_cast<int64_t>(static_cast<double>(top - lower) * f * f));
}

// Step 6's candidates but Rotor's, judged and kept on their Pareto front
// (peak, recompute), built once per order (the context's cache).
// Infeasible rungs and refusals are left out.
absl::StatusOr<const std::vector<JudgedCandidate>*> SharedPeerCandidates(PlanContext& c) {
  const std::string key = "budget/peer_candidates";
  if (const auto* found = c.Find<std::vector<JudgedCandidate>>(key)) return found;
  auto front = std::make_unique<std::vector<JudgedCandidate>>();
  auto take = [&](absl::StatusOr<std::vector<JudgedCandidate>> list) -> absl::Status {
    if (!list.ok()) return absl::IsOutOfRange(list.status()) ? absl::OkStatus() : list.status();
    for (JudgedCandidate& j : *list) front->push_back(std::move(j));
    return absl::OkStatus();
  };
  if (absl::Status s = take(ChenGreedyCandidates(c.positions())); !s.ok()) return s;
  if (absl::Status s = take(MinCutCandidates(c.positions())); !s.ok()) return s;
  auto add = [&](const std::string& source,
                 absl::StatusOr<std::vector<Instruction>> s) -> absl::Status {
    if (!s.ok()) {
      if (absl::IsOutOfRange(s.status()) || absl::IsResourceExhausted(s.status())) {
        return absl::OkStatus();
      }
      return s.status();
    }
    absl::StatusOr<JudgedCandidate> j = JudgeCandidate(c.graph(), source, *std::move(s));
    if (!j.ok()) return absl::IsOutOfRange(j.status()) ? absl::OkStatus() : j.status();
    front->push_back(*std::move(j));
    return absl::OkStatus();
  };
  // Store-all: the plan tree of one leaf.
  absl::StatusOr<SimResult> all = Simulate(c.graph(), EmitPlan(c.positions(), PlanTree(c.n())));
  if (!all.ok()) return all.status();
  const int64_t lower = c.best_lower_bound(), top = all->peak_bytes;
  const int dtr_steps = static_cast<int>(
      std::clamp<int64_t>(kDtrLadderWork / std::max<int32_t>(1, c.n()), 32, 256));
  int64_t previous = -1;
  for (int k = dtr_steps; k >= 0; --k) {
    const int64_t rung = Rung(lower, top, k, dtr_steps);
    if (rung == previous) continue;
    previous = rung;
    absl::StatusOr<std::vector<Instruction>> dtr = DtrSchedule(c.positions(), rung);
    if (!dtr.ok() && (absl::IsOutOfRange(dtr.status()) ||
                      absl::IsResourceExhausted(dtr.status()))) {
      break;  // The first failing rung ends the descent.
    }
    if (absl::Status s = add("dtr", std::move(dtr)); !s.ok()) return s;
  }
  KeepParetoFront(front.get());
  return c.Put(key, std::move(front));
}

// Rotor's DP for every budget up to X on this order, at the scales X = LB +
// (SA - LB) / 8^j, j = 0..kRotorScales - 1 (each in slots units of X /
// slots, so tight budgets get fine units too); built once per
// order (the context's cache). Scales past the DP's limits are left out.
// Each scale's answer is monotone in M (at M > X it is X's plan), and so is
// their minimum.
using RotorScales = std::vector<std::unique_ptr<RotorAllBudgets>>;

absl::StatusOr<const RotorScales*> SharedRotor(PlanContext& c) {
  const std::string key = "budget/rotor_scales";
  if (const auto* found = c.Find<RotorScales>(key)) return found;
  absl::StatusOr<SimResult> all = Simulate(c.graph(), EmitPlan(c.positions(), PlanTree(c.n())));
  if (!all.ok()) return all.status();
  const int64_t lower = c.best_lower_bound(), top = all->peak_bytes;
  auto scales = std::make_unique<RotorScales>();
  int64_t previous = -1;
  for (int j = 0; j < kRotorScales; ++j) {
    const int64_t x = lower + std::max<int64_t>(0, top - lower) / (int64_t{1} << (3 * j));
    if (x == previous) continue;
    previous = x;
    absl::StatusOr<std::unique_ptr<RotorAllBudgets>> r = RotorAllBudgets::Solve(
        c.positions(), x,
        c.n() <= kRotorFineNodes ? DefaultRotorSlots(c.n())
                                 : std::min<int64_t>(kRotorMaxSlots, DefaultRotorSlots(c.n())),
        /*allow_drop=*/true);
    if (r.ok()) {
      scales->push_back(*std::move(r));
    } else if (!absl::IsResourceExhausted(r.status())) {
      return r.status();
    }
  }
  return c.Put(key, std::move(scales));
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const Graph& graph = c.graph();
  const int64_t budget = o.budget_bytes();
  const int64_t n_compute = static_cast<int64_t>(graph.compute_nodes().size());
  // 1. Small graphs: the exhaustive search's optimum (nothing beats it).
  const int64_t search_nodes = o.search_nodes() == 0 ? kDefaultSearchNodes : o.search_nodes();
  if (!o.dp_only() && n_compute <= search_nodes) {
    ExhaustiveOptions e;
    e.max_state_bytes = kSearchStateBytes;
    absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(graph, budget, e);
    if (r.ok()) return c.MakeSchedule(o, std::move(r->instructions));
    if (absl::IsOutOfRange(r.status())) {
      absl::StatusOr<int64_t> least = ExhaustiveMinimumMemory(graph, kSearchStateBytes);
      if (least.ok() && *least > budget) {
        return absl::OutOfRangeError(absl::StrFormat(
            "PlannerOptions.budget_bytes = %d is below the least memory of any valid "
            "schedule of this graph, %d bytes (proven by exhaustive search)",
            budget, *least));
      }
      return r.status();
    }
    // Out of states or time: the heuristics below.
  }
  Portfolio portfolio(graph, budget);
  // 2. The frontier-cut DP (and, when asked, its keep_recomputed passes).
  absl::StatusOr<std::vector<Instruction>> at_budget = DpSchedule(c, o, budget);
  const bool dp_fits = at_budget.ok();
  if (at_budget.ok()) {
    std::vector<Instruction> dp = *std::move(at_budget);
    if (o.keep_recomputed()) {
      absl::StatusOr<std::vector<Instruction>> kept = KeepRecomputedSearch(
          graph, budget, dp, [&](int64_t b) { return DpSchedule(c, o, b); });
      if (!kept.ok()) return kept.status();
      dp = *std::move(kept);
    }
    if (absl::Status s = portfolio.Offer("frontier-cut DP", std::move(dp)); !s.ok()) return s;
  } else if (absl::IsOutOfRange(at_budget.status())) {
    portfolio.Miss("frontier-cut DP", at_budget.status());
  } else {
    return at_budget.status();
  }
  if (o.dp_only()) {
    if (!portfolio.best().has_value()) return at_budget.status();
    return c.MakeSchedule(o, std::move(portfolio.best()->instructions));
  }
  // 3. Nested recomputation over single positions: Revolve with the most
  // slots that fit (optimal on chains of unit nodes, where the DP's blocks
  // of several positions are too coarse).
  int64_t slots = 0;
  absl::StatusOr<std::vector<Instruction>> revolve = RevolveForBudget(c, budget, &slots);
  if (revolve.ok()) {
    if (absl::Status s = portfolio.Offer("revolve", *std::move(revolve)); !s.ok()) return s;
  } else if (absl::IsOutOfRange(revolve.status()) ||
             absl::IsResourceExhausted(revolve.status())) {
    portfolio.Miss("revolve", revolve.status());
  } else {
    return revolve.status();
  }
  // 4. The fixed shapes (periodic, interval tree): schedules that do not
  // depend on the budget, so offering them keeps the result monotone.
  for (int64_t k : ShapeSizes(c.n())) {
    if (absl::Status s = portfolio.Offer(
            "periodic", EmitPlan(c.positions(), PeriodicPlan(c.n(), k)));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = portfolio.Offer(
            "interval tree", EmitPlan(c.positions(), IntervalTreePlan(c.n(), k, 2)));
        !s.ok()) {
      return s;
    }
  }
  // 5. Below the DP's reach: single tensors dropped across the peaks of the
  // DP's least-memory plan and recomputed after them (RecomputeToFit, a
  // step of 1/16 of the budget at a time), on graphs small enough for that
  // pass. Offered at every budget below the DP's reach, not only where
  // nothing else fits, so that the result does not jump up where the DP
  // starts.
  if (!dp_fits && c.n() <= kDescentMaxNodes) {
    absl::StatusOr<const BudgetPlanner*> dp = SharedBudgetDp(c, o.max_blocks());
    if (!dp.ok()) return dp.status();
    const int64_t least = (*dp)->MinFeasibleBytes();
    absl::StatusOr<std::vector<Instruction>> start = DpSchedule(c, o, least);
    if (start.ok()) {
      std::vector<Instruction> ins = *std::move(start);
      bool fitted = true;
      for (int64_t step = least; fitted && step > budget;) {
        step = std::max(budget, step - std::max<int64_t>(1, budget / 16));
        absl::StatusOr<KeptSchedule> fit = RecomputeToFit(graph, std::move(ins), step);
        if (!fit.ok()) {
          if (!absl::IsNotFound(fit.status())) return fit.status();
          fitted = false;
          break;
        }
        ins = std::move(fit->instructions);
      }
      if (fitted) {
        if (absl::Status s = portfolio.Offer("descent from the DP", std::move(ins)); !s.ok()) {
          return s;
        }
      }
    }
  }
  // 6. The peers' schedules: every candidate of chen_greedy (Chen et al.
  // 2016) and mincut (PyTorch's min-cut partitioner policy), which do not
  // depend on the budget; DTR (Kirisame et al. 2021, run offline: single
  // tensors evicted and rematerialised on demand, which no plan tree
  // expresses) at the rungs of a ladder of budgets that depends on the
  // graph only, never at M itself (DTR is not monotone in M), so the
  // candidates fitting M only grow with M.
  if (c.n() <= kPeerMaxNodes) {
    absl::StatusOr<const std::vector<JudgedCandidate>*> peers = SharedPeerCandidates(c);
    if (!peers.ok()) return peers.status();
    if (const JudgedCandidate* best = BestWithin(**peers, budget)) {
      if (absl::Status s = portfolio.Offer(best->source, best->instructions); !s.ok()) return s;
    }
  }
  // 7. Rotor (Beaumont et al. 2019, whose held checkpoints may be dropped)
  // from DPs in fixed units for every budget at a few scales, monotone in M.
  if (c.n() <= kRotorMaxNodes) {
    absl::StatusOr<const RotorScales*> rotor = SharedRotor(c);
    if (!rotor.ok()) return rotor.status();
    for (const std::unique_ptr<RotorAllBudgets>& scale : **rotor) {
      absl::StatusOr<std::vector<Instruction>> r = scale->Schedule(budget);
      if (r.ok()) {
        if (absl::Status s = portfolio.Offer("rotor", *std::move(r)); !s.ok()) return s;
      } else if (!absl::IsOutOfRange(r.status())) {
        return r.status();
      }
    }
  }
  if (!portfolio.best().has_value()) {
    const std::string message = absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: no schedule of the budget planner's portfolio "
        "fits it (the best lower bound is %d bytes)%s",
        budget, c.best_lower_bound(), portfolio.misses());
    // A schedule exists but is too long to emit: say so, not "infeasible".
    if (portfolio.too_large()) return absl::ResourceExhaustedError(message);
    return absl::OutOfRangeError(message);
  }
  return c.MakeSchedule(o, std::move(portfolio.best()->instructions));
}

}  // namespace

const PlannerDef& BudgetPlannerDef() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "budget";
    d->summary = "least recomputation within budget_bytes: exhaustive search on small graphs, "
                 "else the best of a frontier-cut DP, revolve, fixed shapes, a descent below "
                 "the DP's reach and the peers' schedules (chen_greedy, mincut, dtr, rotor)";
    d->budget = BudgetUse::kRequired;
    d->knobs = {
        {"max_blocks", KnobType::kInt, 1, kNoMax, "128", "",
         "most blocks of the coarsened order the DP works on (beyond 128, long intervals "
         "split on a grid)"},
        {"memory_levels", KnobType::kInt, 2, kNoMax,
         "2^20 / blocks^2 clamped to [64, 65536]", "",
         "most Pareto points (need, cost) the DP keeps per interval"},
        {"search_nodes", KnobType::kInt, -1, 64, "12", "",
         "graphs of at most this many COMPUTE nodes get the exhaustive search's optimum "
         "(-1: never)"},
        {"dp_only", KnobType::kBool, 0, 1, "false", "",
         "only the frontier-cut DP (and keep_recomputed), no search and no other candidate: "
         "the DP's plan space alone"},
        {"keep_recomputed", KnobType::kBool, 0, 1, "false", "",
         "refine: keep recomputed tensors resident where the budget allows, bring the DP's "
         "plans for larger budgets under it, trade recomputations (not monotone in the "
         "budget)"},
    };
    d->resolve_defaults = ResolveDefaults;
    d->plan = Plan;
    return d;
  }();
  return *def;
}

absl::StatusOr<const BudgetPlanner*> SharedBudgetDp(PlanContext& c, int64_t max_blocks) {
  if (max_blocks == 0) max_blocks = kDefaultMaxBlocks;
  const std::string key = absl::StrCat("budget_dp/", max_blocks);
  if (const BudgetPlanner* dp = c.Find<BudgetPlanner>(key)) return dp;
  absl::StatusOr<BudgetPlanner> dp = BudgetPlanner::Create(
      c.positions(), max_blocks, DefaultMemoryLevels(std::min<int64_t>(c.n(), max_blocks)));
  if (!dp.ok()) return dp.status();
  return c.Put(key, std::make_unique<BudgetPlanner>(*std::move(dp)));
}

absl::StatusOr<std::vector<Instruction>> DefaultBudgetSchedule(PlanContext& c,
                                                               int64_t budget_bytes) {
  proto::PlannerOptions o;
  ResolveDefaults(c, &o);
  return DpSchedule(c, o, budget_bytes);
}

}  // namespace tbp

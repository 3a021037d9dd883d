#include "core/schedule/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/milp.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/refine.h"
#include "core/schedule/revolve.h"
#include "core/schedule/simple_planners.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

// A revolve plan whose forward count exceeds this is refused rather than
// emitted (slots too few for the length of the order).
constexpr int64_t kMaxRevolveForwards = 200'000'000;

absl::StatusOr<Schedule> Emit(const OrderContext& context, const PlanTree& tree,
                              const proto::PlannerOptions& options) {
  Schedule s;
  s.options = options;
  s.order = context.node_at;
  s.instructions = EmitPlan(context, tree);
  return s;
}

absl::StatusOr<int64_t> PeakOf(const Graph& graph, const Schedule& s) {
  absl::StatusOr<SimResult> sim = Simulate(graph, s.instructions);
  if (!sim.ok()) return sim.status();
  return sim->peak_bytes;
}

absl::StatusOr<Schedule> PlanRevolve(const OrderContext& c, proto::PlannerOptions options) {
  auto plan_with = [&](int64_t slots) -> absl::StatusOr<Schedule> {
    const int64_t steps = RevolveSteps(c.n, slots);
    if (steps > kMaxRevolveForwards) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "revolve with slots = %d over %d positions needs %d forward steps (more than %d); "
          "give more slots or a larger budget_bytes",
          slots, c.n, steps, kMaxRevolveForwards));
    }
    proto::PlannerOptions o = options;
    o.set_slots(slots);
    return Emit(c, RevolvePlan(c.n, slots), o);
  };
  if (options.slots() > 0) return plan_with(options.slots());
  // Derive the slots from the budget: the most slots whose simulated peak
  // fits (the peak grows with the slots; checked by simulation, not
  // assumed, at the end).
  const int64_t budget = options.budget_bytes();
  int64_t lo = 1, hi = std::max<int64_t>(1, c.n);
  absl::StatusOr<Schedule> one = plan_with(1);
  if (!one.ok()) return one.status();
  absl::StatusOr<int64_t> peak_one = PeakOf(c.graph, *one);
  if (!peak_one.ok()) return peak_one.status();
  if (*peak_one > budget) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below the peak of revolve with 1 slot on this "
        "order, %d bytes: no revolve schedule fits",
        budget, *peak_one));
  }
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    absl::StatusOr<Schedule> s = plan_with(mid);
    if (!s.ok()) { lo = mid; continue; }  // Too long to emit: more slots help.
    absl::StatusOr<int64_t> peak = PeakOf(c.graph, *s);
    if (!peak.ok()) return peak.status();
    if (*peak <= budget) lo = mid; else hi = mid - 1;
  }
  return plan_with(lo);
}

// A schedule of the DP for the budget B (1 + k / 16), brought under B by
// RecomputeToFit: in one step (k = 1), or through B (1 + m / 16) for m =
// k - 1 down to 0 with TradeRecomputations at each intermediate budget, so
// that each step drops little and the trades can undo a poor drop before
// the next. kNotFound where some step finds no drop.
absl::StatusOr<std::vector<Instruction>> DescendToBudget(const Graph& graph,
                                                         std::vector<Instruction> instructions,
                                                         int64_t budget, int k) {
  for (int m = k - 1; m >= 0; --m) {
    const int64_t step =
        static_cast<int64_t>(budget + static_cast<__int128>(budget) * m / 16);
    absl::StatusOr<KeptSchedule> fit = RecomputeToFit(graph, std::move(instructions), step);
    if (!fit.ok()) return fit.status();
    instructions = std::move(fit->instructions);
    if (m > 0) {
      absl::StatusOr<KeptSchedule> traded = TradeRecomputations(graph, instructions, step);
      if (!traded.ok()) return traded.status();
      instructions = std::move(traded->instructions);
    }
  }
  return instructions;
}

}  // namespace

const std::vector<std::string>& PlannerNames() {
  static const auto* names = new std::vector<std::string>{
      "store_all", "periodic", "revolve", "interval_tree", "budget", "exact", "exhaustive"};
  return *names;
}

absl::Status ValidatePlannerOptions(const proto::PlannerOptions& o) {
  bool known = false;
  for (const std::string& name : PlannerNames()) known |= name == o.planner();
  if (!known) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.planner = '%s' is not a planner; choose one of: %s", o.planner(),
        absl::StrJoin(PlannerNames(), ", ")));
  }
  struct Field { const char* name; int64_t value; } fields[] = {
      {"budget_bytes", o.budget_bytes()}, {"slots", o.slots()},
      {"segment_length", o.segment_length()}, {"block_size", o.block_size()},
      {"arity", o.arity()}, {"max_blocks", o.max_blocks()},
      {"memory_levels", o.memory_levels()}};
  for (const Field& f : fields) {
    if (f.value < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PlannerOptions.%s = %d: must be >= 0 (0 = default)", f.name, f.value));
    }
  }
  if (o.arity() == 1) {
    return absl::InvalidArgumentError("PlannerOptions.arity = 1: must be 0 (default 2) or >= 2");
  }
  if (!std::isfinite(o.time_limit_s()) || o.time_limit_s() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.time_limit_s = %g: must be finite and >= 0", o.time_limit_s()));
  }
  if (o.max_forwards() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.max_forwards = %d: must be >= 0 (0 = default)", o.max_forwards()));
  }
  if ((o.planner() == "budget" || o.planner() == "exact" || o.planner() == "exhaustive") &&
      o.budget_bytes() == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes is missing: planner '%s' needs a budget > 0", o.planner()));
  }
  if (o.planner() == "revolve" && o.slots() == 0 && o.budget_bytes() == 0) {
    return absl::InvalidArgumentError(
        "PlannerOptions.slots and budget_bytes are both missing: revolve needs one of them");
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> PlanOnOrder(const Graph& graph, absl::Span<const NodeId> order,
                                     const proto::PlannerOptions& options) {
  if (absl::Status s = ValidatePlannerOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateOrder(graph, order); !s.ok()) return s;
  if (options.budget_bytes() > 0) {
    // DESIGN.md section 8: a budget below a true lower bound is an error
    // that says the bound.
    for (const LowerBound& b : AllLowerBounds(graph)) {
      if (options.budget_bytes() < b.bytes) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "PlannerOptions.budget_bytes = %d is below the lower bound %s = %d bytes that every "
            "valid schedule needs (%s)",
            options.budget_bytes(), b.name, b.bytes, b.argument));
      }
    }
  }
  const OrderContext context(graph, order);
  const int32_t n = context.n;
  proto::PlannerOptions o = options;
  absl::StatusOr<Schedule> schedule;
  if (o.planner() == "store_all") {
    schedule = Emit(context, StoreAllPlan(n), o);
  } else if (o.planner() == "periodic") {
    if (o.segment_length() == 0) o.set_segment_length(CeilSqrt(n));
    schedule = Emit(context, PeriodicPlan(n, o.segment_length()), o);
  } else if (o.planner() == "revolve") {
    schedule = PlanRevolve(context, o);
  } else if (o.planner() == "interval_tree") {
    if (o.block_size() == 0) o.set_block_size(CeilSqrt(n));
    if (o.arity() == 0) o.set_arity(2);
    schedule = Emit(context, IntervalTreePlan(n, o.block_size(), o.arity()), o);
  } else if (o.planner() == "budget") {
    if (o.max_blocks() == 0) o.set_max_blocks(128);
    if (o.memory_levels() == 0) {
      o.set_memory_levels(DefaultMemoryLevels(std::min<int64_t>(n, o.max_blocks())));
    }
    BudgetPlannerOptions b;
    b.budget_bytes = o.budget_bytes();
    b.max_blocks = o.max_blocks();
    b.memory_levels = o.memory_levels();
    absl::StatusOr<PlanTree> tree = BudgetPlan(context, b);
    if (!tree.ok()) return tree.status();
    schedule = Emit(context, *tree, o);
    if (schedule.ok() && o.keep_recomputed()) {
      // The DP's schedules at budgets below B are also within B, and one
      // that recomputes more can leave more room for the keep pass; those
      // at budgets above B recompute less, and RecomputeToFit may bring
      // them under B by dropping tensors across their peaks and
      // recomputing them (DescendToBudget: in one step, and for k >= 2
      // also in steps of B / 16). Try B, then B (1 - k / 16), then
      // B (1 + k / 16) for k = 1..kKeepTries-1, and keep the least
      // recompute after the keep pass and the trades of
      // TradeRecomputations (the first on ties).
      constexpr int kKeepTries = 8;
      absl::StatusOr<KeptSchedule> best =
          TradeRecomputations(graph, schedule->instructions, o.budget_bytes());
      if (!best.ok()) return best.status();
      for (int sign : {-1, 1}) {
        for (int k = 1; k < kKeepTries && best->recompute_cost > 0; ++k) {
          const __int128 dp_budget =
              o.budget_bytes() + sign * (static_cast<__int128>(o.budget_bytes()) * k / 16);
          if (dp_budget > std::numeric_limits<int64_t>::max()) break;
          b.budget_bytes = static_cast<int64_t>(dp_budget);
          absl::StatusOr<PlanTree> t = BudgetPlan(context, b);
          if (!t.ok()) {
            if (sign < 0) break;  // Below the DP's least feasible budget.
            return t.status();
          }
          absl::StatusOr<Schedule> s = Emit(context, *t, o);
          if (!s.ok()) return s.status();
          // Below B: the schedule as it is. Above B: brought under B in
          // one step, and (k >= 2) in steps of B / 16 with the trades at
          // each (a descent that can keep what one step drops).
          std::vector<std::vector<Instruction>> candidates;
          if (sign < 0) {
            candidates.push_back(std::move(s->instructions));
          } else {
            std::vector<int> descents = {1};
            if (k >= 2) descents.push_back(k);
            for (int steps : descents) {
              absl::StatusOr<std::vector<Instruction>> fit =
                  DescendToBudget(graph, s->instructions, o.budget_bytes(), steps);
              if (absl::IsNotFound(fit.status())) continue;
              if (!fit.ok()) return fit.status();
              candidates.push_back(*std::move(fit));
            }
          }
          for (const std::vector<Instruction>& within : candidates) {
            absl::StatusOr<KeptSchedule> kept =
                TradeRecomputations(graph, within, o.budget_bytes());
            if (!kept.ok()) return kept.status();
            if (kept->recompute_cost < best->recompute_cost) best = std::move(kept);
          }
        }
      }
      schedule->instructions = std::move(best->instructions);
    }
  } else if (o.planner() == "exact") {
    // The optimum over all schedules (core/schedule/milp.h); the order is
    // recorded but does not constrain it. The budget planner's schedule on
    // that order, when it fits, caps the search and starts the certificate.
    if (o.time_limit_s() == 0) o.set_time_limit_s(60);
    proto::PlannerOptions b = o;
    b.set_planner("budget");
    b.set_max_blocks(0);
    b.set_memory_levels(0);
    const absl::StatusOr<Schedule> start = PlanOnOrder(graph, order, b);
    MilpOptions m;
    m.budget_bytes = o.budget_bytes();
    m.time_limit_s = o.time_limit_s();
    m.max_forwards = o.max_forwards();
    if (start.ok()) m.incumbent = &start->instructions;
    absl::StatusOr<MilpResult> r = MilpSolve(graph, m);
    if (!r.ok()) return r.status();
    Schedule s;
    s.options = o;
    s.order = context.node_at;
    s.instructions = std::move(r->instructions);
    s.optimality = Optimality{r->recompute_lower_bound, r->proven_optimal, r->horizon_certified};
    schedule = std::move(s);
  } else if (o.planner() == "exhaustive") {
    // The optimum over all schedules by exhaustive search (at most
    // kExhaustiveMaxNodes COMPUTE nodes): the independent check of exact.
    absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(graph, o.budget_bytes());
    if (!r.ok()) return r.status();
    Schedule s;
    s.options = o;
    s.order = context.node_at;
    s.instructions = std::move(r->instructions);
    s.optimality = Optimality{r->recompute_cost, true, true};
    schedule = std::move(s);
  }
  return schedule;
}

absl::StatusOr<std::vector<NodeId>> ChooseOrder(const Graph& graph,
                                                proto::OrderHeuristic heuristic) {
  switch (heuristic) {
    case proto::ORDER_UNSPECIFIED:
    case proto::ORDER_BEST:
      return BestOrder(graph).order;
    case proto::ORDER_KAHN:
      return ComputeOrder(graph, OrderHeuristic::kKahn);
    case proto::ORDER_DFS:
      return ComputeOrder(graph, OrderHeuristic::kDfs);
    case proto::ORDER_GREEDY:
      return ComputeOrder(graph, OrderHeuristic::kGreedy);
    case proto::ORDER_LOCAL_SEARCH:
      return ComputeOrder(graph, OrderHeuristic::kLocalSearch);
    case proto::ORDER_BEST_OF_ALL:
      return absl::InvalidArgumentError(
          "PlannerOptions.order = ORDER_BEST_OF_ALL names several orders, not one (use Plan)");
    case proto::ORDER_AS_GIVEN: {
      std::vector<NodeId> order = graph.compute_nodes();
      if (absl::Status s = ValidateOrder(graph, order); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "PlannerOptions.order = ORDER_AS_GIVEN, but the file order is not topological: ",
            s.message()));
      }
      return order;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "PlannerOptions.order = %d is not an order heuristic", static_cast<int>(heuristic)));
}

absl::StatusOr<SimResult> SimulateStoreAll(const Graph& graph, absl::Span<const NodeId> order) {
  proto::PlannerOptions o;
  o.set_planner("store_all");
  absl::StatusOr<Schedule> s = PlanOnOrder(graph, order, o);
  if (!s.ok()) return s.status();
  return Simulate(graph, s->instructions);
}

std::vector<std::vector<NodeId>> AllHeuristicOrders(const Graph& graph) {
  std::vector<std::vector<NodeId>> orders;
  for (OrderHeuristic h : {OrderHeuristic::kKahn, OrderHeuristic::kDfs, OrderHeuristic::kGreedy,
                           OrderHeuristic::kLocalSearch}) {
    std::vector<NodeId> o = ComputeOrder(graph, h);
    if (std::find(orders.begin(), orders.end(), o) == orders.end()) orders.push_back(std::move(o));
  }
  return orders;
}

absl::StatusOr<Schedule> PlanBestOfOrders(const Graph& graph,
                                          const std::vector<std::vector<NodeId>>& orders,
                                          const proto::PlannerOptions& options) {
  absl::Status first_error = absl::InvalidArgumentError("PlanBestOfOrders: no orders");
  std::optional<Schedule> best;
  int64_t best_recompute = 0, best_peak = 0;
  for (size_t i = 0; i < orders.size(); ++i) {
    absl::StatusOr<Schedule> s = PlanOnOrder(graph, orders[i], options);
    absl::StatusOr<SimResult> sim =
        s.ok() ? Simulate(graph, s->instructions) : absl::StatusOr<SimResult>(s.status());
    if (sim.ok() && options.budget_bytes() > 0 && sim->peak_bytes > options.budget_bytes()) {
      sim = absl::InternalError("over budget");
    }
    if (!sim.ok()) {
      if (i == 0) first_error = sim.status();
      continue;
    }
    if (!best || sim->recompute_cost < best_recompute ||
        (sim->recompute_cost == best_recompute && sim->peak_bytes < best_peak)) {
      best = *std::move(s);
      best_recompute = sim->recompute_cost;
      best_peak = sim->peak_bytes;
    }
  }
  if (!best) return first_error;
  return *std::move(best);
}

absl::StatusOr<Schedule> Plan(const Graph& graph, const proto::PlannerOptions& options) {
  if (absl::Status s = ValidatePlannerOptions(options); !s.ok()) return s;
  if (options.order() == proto::ORDER_BEST_OF_ALL) {
    return PlanBestOfOrders(graph, AllHeuristicOrders(graph), options);
  }
  absl::StatusOr<std::vector<NodeId>> order = ChooseOrder(graph, options.order());
  if (!order.ok()) return order.status();
  return PlanOnOrder(graph, *order, options);
}

}  // namespace tbp

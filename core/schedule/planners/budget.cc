#include "core/schedule/planners/budget.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/refine.h"

namespace tbp {
namespace {

constexpr int64_t kDefaultMaxBlocks = 128;

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

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  absl::StatusOr<std::vector<Instruction>> at_budget = DpSchedule(c, o, o.budget_bytes());
  if (!at_budget.ok()) return at_budget.status();
  if (!o.keep_recomputed()) return c.MakeSchedule(o, *std::move(at_budget));
  absl::StatusOr<std::vector<Instruction>> kept = KeepRecomputedSearch(
      c.graph(), o.budget_bytes(), *at_budget,
      [&](int64_t budget) { return DpSchedule(c, o, budget); });
  if (!kept.ok()) return kept.status();
  return c.MakeSchedule(o, *std::move(kept));
}

}  // namespace

const PlannerDef& BudgetPlannerDef() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "budget";
    d->summary = "least recomputation within budget_bytes among frontier-cut plans of the order "
                 "(dynamic programming)";
    d->budget = BudgetUse::kRequired;
    d->knobs = {
        {"max_blocks", KnobType::kInt, 1, kNoMax, "128", "",
         "most blocks of the coarsened order the DP works on (beyond 128, long intervals "
         "split on a grid)"},
        {"memory_levels", KnobType::kInt, 2, kNoMax,
         "2^20 / blocks^2 clamped to [64, 65536]", "",
         "most Pareto points (need, cost) the DP keeps per interval"},
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

#include "experiments/exact_scaling.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/planner.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/registry.h"
#include "experiments/csv.h"
#include "experiments/runner.h"

namespace tbp::experiments {
namespace {

struct Outcome {
  std::string status;  // optimal, time_limit, state_limit, too_large, error
  double seconds = 0;
  int64_t recompute = -1;
};

Outcome Solve(PlanContext& context, const std::string& planner, int64_t budget, double limit,
              std::FILE* progress) {
  proto::PlannerOptions p;
  p.set_planner(planner);
  p.set_budget_bytes(budget);
  p.set_time_limit_s(limit);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<JudgedSchedule> j = PlanAndJudge(context, p);
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!j.ok()) {
    switch (j.status().code()) {
      case absl::StatusCode::kDeadlineExceeded: o.status = "time_limit"; break;
      case absl::StatusCode::kResourceExhausted: o.status = "state_limit"; break;
      case absl::StatusCode::kFailedPrecondition: o.status = "too_large"; break;
      default: o.status = "error"; break;
    }
    if (o.status == "error" && progress != nullptr) {
      std::fprintf(progress, "  %s: %s\n", planner.c_str(),
                   std::string(j.status().message()).c_str());
    }
    return o;
  }
  const bool proven = j->schedule.optimality.has_value() &&
                      j->schedule.optimality->proven_optimal &&
                      j->schedule.optimality->horizon_certified;
  o.recompute = j->sim.recompute_cost;
  o.status = proven && o.seconds <= limit ? "optimal" : "time_limit";
  return o;
}

absl::Status Validate(const proto::ExperimentSpec& spec, double time_limit_s) {
  if (absl::Status s = ValidateExperimentSpec(spec, ExperimentKind::kLowerBoundGap); !s.ok()) {
    return s;
  }
  if (!(time_limit_s > 0) || !std::isfinite(time_limit_s)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--time_limit_s = %g: must be > 0 and finite", time_limit_s));
  }
  for (int i = 0; i < spec.planners_size(); ++i) {
    const PlannerDef* p = FindPlanner(spec.planners(i).options().planner());
    if (p == nullptr || !p->order_free || FindKnob(*p, "time_limit_s") == nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ExperimentSpec.planners[%d].options.planner = '%s': exact_scaling takes exact "
          "planners (order-free, with a time limit)",
          i, spec.planners(i).options().planner()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RunExactScaling(const proto::ExperimentSpec& spec,
                                            double time_limit_s, std::FILE* progress) {
  if (absl::Status s = Validate(spec, time_limit_s); !s.ok()) return s;
  std::string csv =
      "# exact_scaling: wall-clock seconds of one exact solve per graph and method (NOT "
      "reproducible)\n"
      "# status: optimal (proven within the limit), time_limit, state_limit (the search reached "
      "its cap on states), too_large (over the method's node limit), skipped (a smaller graph "
      "of the family already failed)\n";
  csv += CsvLine({"family", "label", "size", "compute_nodes", "method", "budget_bytes",
                  "time_limit_s", "status", "seconds", "recompute_cost"});
  std::map<std::pair<std::string, std::string>, bool> stopped;  // (label, method)
  const std::vector<RunConfig> runs = ExpandRuns(spec);
  for (const GraphInstance& inst : ExpandInstances(spec)) {
    absl::StatusOr<proto::Graph> proto = Generate(inst.generator);
    if (!proto.ok()) return proto.status();
    absl::StatusOr<Graph> g = Graph::FromProto(*proto);
    if (!g.ok()) return g.status();
    absl::StatusOr<std::vector<NodeId>> order = ChooseOrder(*g, proto::ORDER_BEST);
    if (!order.ok()) return order.status();
    absl::StatusOr<std::unique_ptr<PlanContext>> context =
        PlanContext::Create(*g, *std::move(order));
    if (!context.ok()) return context.status();
    absl::StatusOr<SimResult> store_all = SimulateStoreAll(**context);
    if (!store_all.ok()) return store_all.status();
    const int64_t lb = (*context)->best_lower_bound();
    std::map<std::string, Outcome> proven;  // method -> outcome, when optimal
    for (const RunConfig& run : runs) {
      const std::string& planner = run.options.planner();
      const int64_t budget = BudgetFromFraction(lb, store_all->peak_bytes, run.knob_value);
      Outcome o;
      if (stopped[{inst.label, planner}]) {
        o.status = "skipped";
      } else {
        if (progress != nullptr) {
          std::fprintf(progress, "%s size %d (%zu nodes) %s ...\n", inst.label.c_str(),
                       static_cast<int>(inst.size), g->compute_nodes().size(), planner.c_str());
        }
        o = Solve(**context, planner, budget, time_limit_s, progress);
        if (o.status != "optimal") stopped[{inst.label, planner}] = true;
        if (progress != nullptr) {
          std::fprintf(progress, "  %s in %.2f s\n", o.status.c_str(), o.seconds);
        }
      }
      if (o.status == "optimal") {
        for (const auto& [other, x] : proven) {
          if (x.recompute != o.recompute) {
            return absl::InternalError(absl::StrFormat(
                "%s size %d: %s optimum %d != %s optimum %d", inst.label, inst.size, other,
                x.recompute, planner, o.recompute));
          }
        }
        proven[planner] = o;
      }
      csv += CsvLine({inst.family, inst.label, absl::StrCat(inst.size),
                      absl::StrCat(g->compute_nodes().size()), planner, absl::StrCat(budget),
                      absl::StrFormat("%g", time_limit_s), o.status,
                      o.status == "skipped" ? "" : absl::StrFormat("%.3f", o.seconds),
                      o.recompute >= 0 ? absl::StrCat(o.recompute) : ""});
    }
  }
  return csv;
}

}  // namespace tbp::experiments

#include "experiments/replay_fidelity.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/planner.h"
#include "experiments/csv.h"
#include "experiments/runner.h"
#include "proto/graph.pb.h"
#include "replay/bench.h"
#include "replay/replay_command.h"

namespace tbp::experiments {
namespace {

const std::vector<std::string>& Header() {
  static const auto* h = new std::vector<std::string>{
      "graph_label",      "family",           "seed",          "compute_nodes",
      "planner_label",    "planner",          "knob_value",    "budget_bytes",
      "simulated_peak_bytes", "measured_peak_bytes", "peaks_equal", "gradients_match",
      "compute_overhead", "status"};
  return *h;
}

absl::Status Validate(const proto::ExperimentSpec& spec, const ReplayFidelityOptions& options) {
  if (absl::Status s = ValidateExperimentSpec(spec, ExperimentKind::kCompareCheckpointing);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < spec.planners_size(); ++i) {
    if (spec.planners(i).min_feasible_budget()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ExperimentSpec.planners[%d].min_feasible_budget: not supported by replay_fidelity",
          i));
    }
  }
  for (int i = 0; i < spec.graphs_size(); ++i) {
    if (!spec.graphs(i).graph_file().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ExperimentSpec.graphs[%d].graph_file: replay_fidelity takes generators only", i));
    }
  }
  if (options.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--batch = %d: must be >= 1", options.batch));
  }
  if (options.repeats < 1 || options.repeats > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--repeats = %d: must be in [1, 2^30]", options.repeats));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ReplayFidelityOutput> RunReplayFidelity(const proto::ExperimentSpec& spec,
                                                       const ReplayFidelityOptions& options,
                                                       std::FILE* progress) {
  if (absl::Status s = Validate(spec, options); !s.ok()) return s;
  replay::ReplayCommandOptions replay;
  replay.backend = "cpu";
  replay.batch = options.batch;
  replay.seed = options.seed;
  replay.repeats = static_cast<int>(options.repeats);

  const std::vector<RunConfig> runs = ExpandRuns(spec);
  ReplayFidelityOutput out;
  out.csv = CsvLine(Header());
  std::vector<std::string> timing_header = Header();
  for (const char* c : {"store_all_seconds", "schedule_seconds", "time_overhead"}) {
    timing_header.push_back(c);
  }
  out.timing_csv = CsvLine(timing_header);
  for (const GraphInstance& inst : ExpandInstances(spec)) {
    absl::StatusOr<proto::Graph> gp = Generate(inst.generator);
    if (!gp.ok()) {
      return absl::Status(gp.status().code(), absl::StrCat("graph ", inst.label, ": ",
                                                           gp.status().message()));
    }
    replay::SetReplayCosts(&*gp, replay.batch);
    absl::StatusOr<Graph> g = Graph::FromProto(*gp);
    if (!g.ok()) return g.status();
    const Graph& graph = *g;
    absl::StatusOr<std::unique_ptr<PlanContext>> context =
        PlanContext::Create(graph, BestOrder(graph).order);
    if (!context.ok()) return context.status();
    absl::StatusOr<SimResult> sa_sim = SimulateStoreAll(**context);
    if (!sa_sim.ok()) return sa_sim.status();
    for (const RunConfig& run : runs) {
      proto::PlannerOptions options = run.options;
      if (run.budget_from_fraction) {
        options.set_budget_bytes(BudgetFromFraction((*context)->best_lower_bound(),
                                                    sa_sim->peak_bytes, run.knob_value));
      }
      std::string status = "ok";
      int64_t simulated = 0, measured = 0;
      bool peaks_equal = false, gradients_match = false;
      double compute_overhead = 0, store_all_seconds = 0, schedule_seconds = 0,
             time_overhead = 0;
      absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(**context, options);
      if (!judged.ok()) {
        status = std::string(judged.status().message());
      } else {
        absl::StatusOr<replay::ReplayComparison> c =
            replay::CompareWithStoreAll(graph, judged->schedule, replay);
        if (!c.ok()) {
          // Bad widths or options stop the experiment: a spec error.
          return absl::Status(c.status().code(),
                              absl::StrCat("graph ", inst.label, ", planner ", run.label, ": ",
                                           c.status().message()));
        }
        simulated = judged->sim.peak_bytes;
        measured = c->schedule.measured_peak_bytes;
        peaks_equal = measured == simulated && c->peaks_match_simulator;
        gradients_match = c->gradients_match;
        compute_overhead = judged->sim.compute_overhead;
        store_all_seconds = c->store_all.seconds;
        schedule_seconds = c->schedule.seconds;
        time_overhead = c->time_overhead;
      }
      std::vector<std::string> row = {
          inst.label,
          inst.family,
          absl::StrCat(inst.seed),
          absl::StrCat(graph.compute_nodes().size()),
          run.label,
          options.planner(),
          absl::StrFormat("%.6g", run.knob.empty() ? 0.0 : run.knob_value),
          absl::StrCat(options.budget_bytes()),
          absl::StrCat(simulated),
          absl::StrCat(measured),
          peaks_equal ? "1" : "0",
          gradients_match ? "1" : "0",
          absl::StrFormat("%.6f", compute_overhead),
          status};
      out.csv += CsvLine(row);
      row.push_back(absl::StrFormat("%.6g", store_all_seconds));
      row.push_back(absl::StrFormat("%.6g", schedule_seconds));
      row.push_back(absl::StrFormat("%.6f", time_overhead));
      out.timing_csv += CsvLine(row);
      if (progress != nullptr) {
        std::fprintf(progress, "replay_fidelity: %s %s: %s\n", inst.label.c_str(),
                     run.label.c_str(), status.c_str());
      }
    }
  }
  return out;
}

}  // namespace tbp::experiments

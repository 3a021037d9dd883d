// replay_fidelity: does the replay engine (replay/) behave as the simulator
// predicts? For every graph instance x planner run of an ExperimentSpec
// (experiments/specs/replay_fidelity.textproto, validated and expanded as a
// compare_checkpointing spec by experiments/runner.h), plans on the graph's
// best order, replays the schedule and its store-all reference on the CPU
// backend (replay::CompareWithStoreAll) and writes one CSV row: simulated
// vs measured peak, whether the gradients match bit for bit, and the
// simulator's compute overhead.
//
// Costs. Before planning, every COMPUTE node's costs are replaced by the
// replay's own FLOPs (forward: 2 * batch * sum over inputs of width_u *
// width_v; backward: dW for every input plus dx for COMPUTE inputs), as in
// replay/bench.h, so the simulator's compute_overhead predicts the replay's
// time overhead. Widths derive from output_bytes / (4 * batch): base_bytes
// must be divisible by 4 * batch (the transformer's scalar loss needs
// batch 1).
//
// Budgets. budget_fractions mean what they mean in every spec: budget_bytes
// = LB + floor(f * (store_all - LB)), LB the best true lower bound.
//
// Outputs. --csv: the byte-stable columns (no wall clock), a hermetic Bazel
// result (//experiments:replay_fidelity_results). --timing_csv: the same rows
// plus store-all and schedule seconds and the time overhead: WALL-CLOCK, NOT
// reproducible; `bazel run //experiments:update_replay_fidelity_timing`
// rewrites the committed experiments/results/replay_fidelity_timing.csv.
// A planner error (an infeasible budget) is a row with status != "ok".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"
#include "experiments/runner.h"
#include "proto/experiment.pb.h"
#include "proto/graph.pb.h"
#include "replay/bench.h"
#include "replay/replay_command.h"

ABSL_FLAG(std::string, spec, "", "ExperimentSpec file (.textproto/.json/.pb).");
ABSL_FLAG(std::string, csv, "", "Byte-stable CSV output (peaks, match flags, compute overhead).");
ABSL_FLAG(std::string, timing_csv, "",
          "CSV output with wall-clock columns as well (NOT reproducible).");
ABSL_FLAG(int64_t, batch, 1, "Rows of every tensor (widths = output_bytes / (4 * batch)).");
ABSL_FLAG(int32_t, repeats, 3, "Measured runs of each schedule; the fastest is reported.");
ABSL_FLAG(uint64_t, seed, 1, "Replay inputs and parameters.");

namespace tbp::experiments {
namespace {


// CSV-safe: no commas, quotes or newlines.
std::string Field(std::string s) {
  for (char& c : s) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') c = ';';
  }
  return s;
}

constexpr char kHeader[] =
    "graph_label,family,seed,compute_nodes,planner_label,planner,knob_value,budget_bytes,"
    "simulated_peak_bytes,measured_peak_bytes,peaks_equal,gradients_match,compute_overhead,"
    "status";
constexpr char kTimingHeader[] = ",store_all_seconds,schedule_seconds,time_overhead";

absl::Status Run() {
  const std::string spec_path = absl::GetFlag(FLAGS_spec);
  const std::string csv_path = absl::GetFlag(FLAGS_csv);
  const std::string timing_path = absl::GetFlag(FLAGS_timing_csv);
  if (spec_path.empty()) return absl::InvalidArgumentError("--spec is missing");
  if (csv_path.empty() && timing_path.empty()) {
    return absl::InvalidArgumentError("give --csv and/or --timing_csv");
  }
  proto::ExperimentSpec spec;
  if (absl::Status s = ReadProtoFile(spec_path, &spec); !s.ok()) return s;
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
  replay::ReplayCommandOptions replay;
  replay.backend = "cpu";
  replay.batch = absl::GetFlag(FLAGS_batch);
  replay.seed = absl::GetFlag(FLAGS_seed);
  replay.repeats = absl::GetFlag(FLAGS_repeats);

  const std::vector<RunConfig> runs = ExpandRuns(spec);
  std::string csv = absl::StrCat(kHeader, "\n");
  std::string timing = absl::StrCat(kHeader, kTimingHeader, "\n");
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
    const BestOrderResult best = BestOrder(graph);
    const int64_t lower_bound = BestLowerBound(graph);
    absl::StatusOr<SimResult> sa_sim = SimulateStoreAll(graph, best.order);
    if (!sa_sim.ok()) return sa_sim.status();
    const int64_t store_all_peak = sa_sim->peak_bytes;
    for (const RunConfig& run : runs) {
      proto::PlannerOptions options = run.options;
      if (run.budget_from_fraction) {
        const int64_t span = std::max<int64_t>(0, store_all_peak - lower_bound);
        options.set_budget_bytes(lower_bound +
                                 static_cast<int64_t>(run.knob_value * static_cast<double>(span)));
      }
      std::string status = "ok";
      int64_t simulated = 0, measured = 0;
      bool peaks_equal = false, gradients_match = false;
      double compute_overhead = 0, store_all_seconds = 0, schedule_seconds = 0,
             time_overhead = 0;
      absl::StatusOr<Schedule> s = PlanOnOrder(graph, best.order, options);
      absl::StatusOr<SimResult> sim =
          s.ok() ? Simulate(graph, s->instructions) : absl::StatusOr<SimResult>(s.status());
      if (sim.ok() && options.budget_bytes() > 0 && sim->peak_bytes > options.budget_bytes()) {
        sim = absl::InvalidArgumentError("simulated peak above the budget");
      }
      if (!sim.ok()) {
        status = std::string(sim.status().message());
      } else {
        absl::StatusOr<replay::ReplayComparison> c =
            replay::CompareWithStoreAll(graph, *s, replay);
        if (!c.ok()) {
          // Bad widths or options stop the experiment: a spec error.
          return absl::Status(c.status().code(),
                              absl::StrCat("graph ", inst.label, ", planner ", run.label, ": ",
                                           c.status().message()));
        }
        simulated = sim->peak_bytes;
        measured = c->schedule.measured_peak_bytes;
        peaks_equal = measured == simulated && c->peaks_match_simulator;
        gradients_match = c->gradients_match;
        compute_overhead = sim->compute_overhead;
        store_all_seconds = c->store_all.seconds;
        schedule_seconds = c->schedule.seconds;
        time_overhead = c->time_overhead;
      }
      const std::string row = absl::StrFormat(
          "%s,%s,%d,%d,%s,%s,%.6g,%d,%d,%d,%d,%d,%.6f,%s", inst.label, inst.family, inst.seed,
          static_cast<int64_t>(graph.compute_nodes().size()), run.label,
          options.planner(), run.knob.empty() ? 0.0 : run.knob_value, options.budget_bytes(),
          simulated, measured, peaks_equal ? 1 : 0, gradients_match ? 1 : 0, compute_overhead,
          Field(status));
      absl::StrAppend(&csv, row, "\n");
      absl::StrAppend(&timing, row,
                      absl::StrFormat(",%.6g,%.6g,%.6f\n", store_all_seconds, schedule_seconds,
                                      time_overhead));
      std::fprintf(stderr, "replay_fidelity: %s %s: %s\n", inst.label.c_str(),
                   run.label.c_str(), status.c_str());
    }
  }
  if (!csv_path.empty()) {
    if (absl::Status s = WriteFileAtomically(csv_path, csv); !s.ok()) return s;
  }
  if (!timing_path.empty()) {
    if (absl::Status s = WriteFileAtomically(timing_path, timing); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace tbp::experiments

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "replay_fidelity: replays every planner's schedule on the CPU backend and\n"
      "compares measured with simulated peak memory and time.\n\n"
      "usage: replay_fidelity --spec=SPEC.textproto [--csv=OUT.csv] [--timing_csv=T.csv]\n"
      "       [--batch=1] [--repeats=3] [--seed=1]");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = tbp::experiments::Run(); !s.ok()) {
    std::fprintf(stderr, "replay_fidelity: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

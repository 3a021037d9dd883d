#include "replay/replay_command.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"
#include "core/util/json.h"
#include "replay/backends.h"

namespace tbp {
namespace replay {
namespace {

std::vector<NodeId> BackwardSequence(absl::Span<const Instruction> instructions) {
  std::vector<NodeId> seq;
  for (const Instruction& in : instructions) {
    if (in.op == Op::kBackward) seq.push_back(in.node);
  }
  return seq;
}

// Runs `instructions` repeats times; returns the fastest run, and whether
// every run gave `*fingerprint` (set by the first run when 0).
absl::StatusOr<ReplayResult> RunRepeated(ReplaySession& session,
                                         absl::Span<const Instruction> instructions, int repeats,
                                         uint64_t* fingerprint, bool* consistent) {
  absl::StatusOr<ReplayResult> best;
  for (int r = 0; r < repeats; ++r) {
    absl::StatusOr<ReplayResult> run = session.Run(instructions);
    if (!run.ok()) return run.status();
    if (*fingerprint == 0) *fingerprint = run->gradient_fingerprint;
    if (run->gradient_fingerprint != *fingerprint) *consistent = false;
    if (!best.ok() || run->seconds < best->seconds) best = *std::move(run);
  }
  return best;
}

JsonObject ProfileJson(const OpProfile& p) {
  JsonObject o;
  o.Add("count", p.count).Add("seconds", p.seconds);
  return o;
}

JsonObject RunJson(const ReplayResult& r) {
  JsonObject o;
  o.Add("measured_peak_bytes", r.measured_peak_bytes)
      .Add("peak_activation_bytes", r.peak_activation_bytes)
      .Add("peak_gradient_bytes", r.peak_gradient_bytes)
      .Add("sampled_peak_bytes", r.sampled_peak_bytes)
      .Add("tensor_simulated_peak_bytes", r.simulation.peak_bytes)
      .Add("device_peak_bytes", r.device_peak_bytes)
      .Add("seconds", r.seconds)
      .Add("host_seconds", r.host_seconds)
      .Add("compute_overhead", r.simulation.compute_overhead)
      .Add("forward_executions", r.simulation.num_forwards)
      .Add("recomputations", r.simulation.num_recomputes)
      .Add("gemm_calls", r.counters.gemm_calls)
      .Add("gradient_fingerprint", absl::StrFormat("%016x", r.gradient_fingerprint));
  JsonObject profile;
  profile.Add("forward", ProfileJson(r.forward))
      .Add("recompute", ProfileJson(r.recompute))
      .Add("free", ProfileJson(r.free))
      .Add("backward", ProfileJson(r.backward));
  o.Add("profile", profile);
  return o;
}

std::string ProfileText(const char* label, const ReplayResult& r) {
  return absl::StrFormat(
      "  %-10s FORWARD %d (%.6f s)  recompute %d (%.6f s)  FREE %d (%.6f s)  "
      "BACKWARD %d (%.6f s)\n",
      label, r.forward.count, r.forward.seconds, r.recompute.count, r.recompute.seconds,
      r.free.count, r.free.seconds, r.backward.count, r.backward.seconds);
}

}  // namespace

absl::StatusOr<Schedule> StoreAllForBackwardOrder(const Graph& graph,
                                                  absl::Span<const Instruction> instructions) {
  std::vector<NodeId> order = BackwardSequence(instructions);
  std::reverse(order.begin(), order.end());
  proto::PlannerOptions o;
  o.set_planner("store_all");
  absl::StatusOr<std::unique_ptr<PlanContext>> context = PlanContext::Create(graph, order);
  if (!context.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the schedule's BACKWARD sequence, reversed, is not a topological order of the COMPUTE "
        "nodes: ",
        context.status().message()));
  }
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(**context, o);
  if (!judged.ok()) return judged.status();
  const Schedule* s = &judged->schedule;
  std::vector<NodeId> expected = order;
  std::reverse(expected.begin(), expected.end());
  if (BackwardSequence(s->instructions) != expected) {
    return absl::InternalError("store_all did not backward in reverse order of its order");
  }
  return std::move(judged->schedule);
}

absl::StatusOr<ReplayComparison> CompareWithStoreAll(const Graph& graph,
                                                     const Schedule& schedule,
                                                     const ReplayCommandOptions& options) {
  if (options.repeats < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("replay repeats = %d: must be >= 1", options.repeats));
  }
  if (options.warmup_runs < -1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "replay warmup_runs = %d: must be >= 0 (or -1 for the backend's default)",
        options.warmup_runs));
  }
  absl::StatusOr<SimResult> sim = Simulate(graph, schedule.instructions);
  if (!sim.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid schedule: ", sim.status().message()));
  }
  absl::StatusOr<Schedule> reference = StoreAllForBackwardOrder(graph, schedule.instructions);
  if (!reference.ok()) return reference.status();
  absl::StatusOr<SimResult> reference_sim = Simulate(graph, reference->instructions);
  if (!reference_sim.ok()) return reference_sim.status();

  // Widths before the backend: a bad batch is reported without touching a
  // device.
  ModelOptions model_options;
  model_options.batch = options.batch;
  model_options.seed = options.seed;
  model_options.max_parameter_bytes = options.max_parameter_bytes;
  if (absl::StatusOr<ReplayModel> m = ReplayModel::Build(graph, model_options); !m.ok()) {
    return m.status();
  }
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(options.backend);
  if (!backend.ok()) return backend.status();
  absl::StatusOr<std::unique_ptr<ReplaySession>> session =
      ReplaySession::Create(graph, backend->get(), model_options);
  if (!session.ok()) return session.status();

  ReplayComparison c;
  c.backend = (*backend)->name();
  c.device = (*backend)->device_description();
  c.simulated_peak_bytes = sim->peak_bytes;
  c.store_all_simulated_peak_bytes = reference_sim->peak_bytes;
  c.tensors_match_graph = (*session)->model().tensors_match_graph();
  const int warmup_runs =
      options.warmup_runs >= 0 ? options.warmup_runs : (c.backend == "cuda" ? 1 : 0);
  for (int w = 0; w < warmup_runs; ++w) {
    absl::StatusOr<ReplayResult> run = (*session)->Run(reference->instructions);
    if (!run.ok()) return run.status();
  }
  uint64_t fingerprint = 0;
  bool consistent = true;
  absl::StatusOr<ReplayResult> store_all = RunRepeated(
      **session, reference->instructions, options.repeats, &fingerprint, &consistent);
  if (!store_all.ok()) return store_all.status();
  absl::StatusOr<ReplayResult> run = RunRepeated(**session, schedule.instructions,
                                                 options.repeats, &fingerprint, &consistent);
  if (!run.ok()) return run.status();
  c.store_all = *std::move(store_all);
  c.schedule = *std::move(run);
  c.gradients_match = consistent;
  c.peaks_match_simulator =
      c.store_all.measured_peak_bytes == c.store_all.simulation.peak_bytes &&
      c.schedule.measured_peak_bytes == c.schedule.simulation.peak_bytes;
  c.time_overhead =
      c.store_all.seconds > 0 ? c.schedule.seconds / c.store_all.seconds - 1.0 : 0.0;
  return c;
}

std::string FormatComparison(const ReplayComparison& c, const Schedule& schedule,
                             ReplayFormat format) {
  const ReplayResult& s = c.schedule;
  const ReplayResult& a = c.store_all;
  const std::string planner =
      schedule.options.planner().empty() ? "(given schedule)" : schedule.options.planner();
  if (format == ReplayFormat::kJson) {
    JsonObject o;
    o.Add("backend", c.backend)
        .Add("device", c.device)
        .Add("planner", planner)
        .Add("instructions", static_cast<int64_t>(schedule.instructions.size()))
        .Add("measured_peak_bytes", s.measured_peak_bytes)
        .Add("simulated_peak_bytes", c.simulated_peak_bytes)
        .Add("store_all_measured_peak_bytes", a.measured_peak_bytes)
        .Add("store_all_simulated_peak_bytes", c.store_all_simulated_peak_bytes)
        .Add("tensors_match_graph", c.tensors_match_graph)
        .Add("peaks_match_simulator", c.peaks_match_simulator)
        .Add("store_all_seconds", a.seconds)
        .Add("schedule_seconds", s.seconds)
        .Add("time_overhead", c.time_overhead)
        .Add("compute_overhead", s.simulation.compute_overhead)
        .Add("gradients_match", c.gradients_match)
        .Add("parameter_bytes", s.parameter_bytes)
        .Add("parameter_gradient_bytes", s.parameter_gradient_bytes)
        .Add("input_bytes", s.input_bytes)
        .Add("workspace_bytes", s.workspace_bytes)
        .Add("store_all", RunJson(a))
        .Add("schedule", RunJson(s));
    return o.ToString() + "\n";
  }
  std::string out = absl::StrFormat("replay on %s: %s\n", c.backend, c.device);
  absl::StrAppendFormat(&out, "schedule: %s, %d instructions; reference: store-all on the same "
                              "backward order\n",
                        planner, schedule.instructions.size());
  absl::StrAppendFormat(&out, "                          %16s %16s\n", "store-all", "schedule");
  absl::StrAppendFormat(&out, "  measured_peak_bytes     %16d %16d\n", a.measured_peak_bytes,
                        s.measured_peak_bytes);
  absl::StrAppendFormat(&out, "  simulated_peak_bytes    %16d %16d\n",
                        c.store_all_simulated_peak_bytes, c.simulated_peak_bytes);
  if (!c.tensors_match_graph) {
    absl::StrAppendFormat(&out, "  tensor-size simulation  %16d %16d  (replay_width overrides)\n",
                          a.simulation.peak_bytes, s.simulation.peak_bytes);
  }
  if (s.device_peak_bytes >= 0) {
    absl::StrAppendFormat(&out, "  device_peak_bytes       %16d %16d  (cudaMemGetInfo)\n",
                          a.device_peak_bytes, s.device_peak_bytes);
  }
  absl::StrAppendFormat(&out, "  seconds                 %16.6f %16.6f\n", a.seconds, s.seconds);
  absl::StrAppendFormat(&out, "  forward executions      %16d %16d\n", a.simulation.num_forwards,
                        s.simulation.num_forwards);
  absl::StrAppendFormat(&out, "time overhead %.4f vs compute overhead %.4f (simulator)\n",
                        c.time_overhead, s.simulation.compute_overhead);
  absl::StrAppendFormat(&out, "measured peak equals the simulator's: %s\n",
                        c.peaks_match_simulator ? "yes" : "NO");
  absl::StrAppendFormat(&out, "gradients match store-all bitwise: %s (fingerprint %016x)\n",
                        c.gradients_match ? "yes" : "NO", s.gradient_fingerprint);
  absl::StrAppendFormat(&out,
                        "outside the peak: parameters %d, parameter gradients %d, inputs %d, "
                        "workspace %d bytes\n",
                        s.parameter_bytes, s.parameter_gradient_bytes, s.input_bytes,
                        s.workspace_bytes);
  out += "time profile by instruction kind:\n";
  out += ProfileText("store-all", a);
  out += ProfileText("schedule", s);
  return out;
}

absl::StatusOr<std::string> RunReplay(const Graph& graph, const Schedule& schedule,
                                      const ReplayCommandOptions& options) {
  absl::StatusOr<ReplayComparison> c = CompareWithStoreAll(graph, schedule, options);
  if (!c.ok()) return c.status();
  return FormatComparison(*c, schedule, options.format);
}

absl::StatusOr<std::string> RunReplayWithPlanner(const Graph& graph,
                                                 const proto::PlannerOptions& planner,
                                                 const ReplayCommandOptions& options) {
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(graph, planner);
  if (!judged.ok()) return judged.status();
  return RunReplay(graph, judged->schedule, options);
}

absl::StatusOr<std::string> RunReplayWithScheduleProto(const Graph& graph,
                                                       const proto::Schedule& proto,
                                                       const ReplayCommandOptions& options) {
  absl::StatusOr<Schedule> schedule = ScheduleFromProto(graph, proto);
  if (!schedule.ok()) return schedule.status();
  return RunReplay(graph, *schedule, options);
}

}  // namespace replay
}  // namespace tbp

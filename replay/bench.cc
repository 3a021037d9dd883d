#include "replay/bench.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/graph/generators.h"
#include "core/schedule/planner.h"
#include "core/schedule/registry.h"
#include "core/sim/simulator.h"
#include "core/util/json.h"
#include "proto/generator.pb.h"
#include "replay/backends.h"
#include "replay/engine.h"
#include "replay/reference.h"
#include "replay/replay_command.h"

namespace tbp {
namespace replay {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;
// Device memory left free besides parameters and their gradients (driver,
// cuBLAS, fragmentation).
constexpr int64_t kMarginBytes = 2 * kGiB;

struct FamilyPreset {
  proto::GeneratorSpec spec;  // base_bytes per row (4 * width); for
                              // TRANSFORMER batch = 1 (one sequence).
  int64_t width = 0;
};

absl::StatusOr<FamilyPreset> Preset(const std::string& family, const std::string& preset) {
  const bool full = preset == "full";
  if (!full && preset != "small") {
    return absl::InvalidArgumentError(
        absl::StrFormat("bench preset = '%s': choose full or small", preset));
  }
  FamilyPreset p;
  proto::GeneratorSpec& s = p.spec;
  if (family == "transformer") {
    s.set_family(proto::TRANSFORMER);
    s.set_layers(full ? 12 : 2);
    s.set_seq_len(full ? 256 : 4);
    s.set_hidden(full ? 1024 : 8);
    s.set_heads(full ? 16 : 2);
    s.set_batch(1);
    return p;
  }
  if (family == "residual") {
    s.set_family(proto::RESIDUAL);
    s.set_blocks(full ? 16 : 3);
    s.set_block_depth(full ? 4 : 2);
    p.width = full ? 2048 : 8;
  } else if (family == "random_dag") {
    s.set_family(proto::RANDOM_DAG);
    s.set_nodes(full ? 160 : 24);
    s.set_fan_in(2);
    s.set_window(full ? 8 : 4);
    s.set_long_range_prob(0.05);
    p.width = full ? 1536 : 8;
  } else if (family == "layered") {
    s.set_family(proto::LAYERED);
    s.set_layers(full ? 12 : 4);
    s.set_width(full ? 4 : 3);
    s.set_edge_prob(0.5);
    s.set_skip_prob(0.2);
    p.width = full ? 1024 : 8;
  } else if (family == "unet") {
    s.set_family(proto::UNET);
    s.set_depth(3);
    p.width = full ? 256 : 2;
  } else if (family == "chain") {
    s.set_family(proto::CHAIN);
    s.set_nodes(full ? 64 : 20);
    p.width = full ? 2048 : 8;
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "bench family = '%s': choose transformer, residual, random_dag, layered, unet or chain",
        family));
  }
  s.set_base_bytes(4 * p.width);
  return p;
}


struct PlannerSpec {
  std::string label;
  proto::PlannerOptions options;
  // > 0: budget_bytes = store_all_fraction * store-all's simulated peak.
  double store_all_fraction = 0;
};

// NAME[:ARG]...: each ARG is a budget as a fraction of store-all's peak in
// (0, 1] (for a planner that uses budget_bytes), or KNOB=VALUE for one of
// the planner's knobs (registry.h), e.g. revolve:slots=2, budget:0.5.
absl::StatusOr<PlannerSpec> ParsePlanner(const std::string& text) {
  PlannerSpec p;
  p.label = text;
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  p.options.set_planner(parts[0]);
  const PlannerDef* def = FindPlanner(parts[0]);
  for (size_t i = 1; def != nullptr && i < parts.size(); ++i) {
    const std::string& arg = parts[i];
    const size_t eq = arg.find('=');
    double value = 0;
    if (eq == std::string::npos) {
      if (def->budget == BudgetUse::kChecked || !absl::SimpleAtod(arg, &value) ||
          !(value > 0 && value <= 1) || p.store_all_fraction > 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "bench planner = '%s': '%s' must be KNOB=VALUE or one budget as a fraction of "
            "store-all's peak in (0, 1] (for a planner that uses budget_bytes)",
            text, arg));
      }
      p.store_all_fraction = value;
      continue;
    }
    const std::string knob = arg.substr(0, eq);
    if (FindKnob(*def, knob) == nullptr || !absl::SimpleAtod(arg.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "bench planner = '%s': '%s' is not KNOB=VALUE for a knob of planner '%s'", text, arg,
          def->name));
    }
    if (absl::Status s = SetKnobValue(knob, value, &p.options); !s.ok()) return s;
  }
  if (absl::Status s = ValidatePlannerOptions([&] {
        proto::PlannerOptions o = p.options;
        if (p.store_all_fraction > 0) o.set_budget_bytes(1);
        return o;
      }());
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("bench planner '", text, "': ", s.message()));
  }
  return p;
}

std::vector<NodeId> BackwardSequence(const std::vector<Instruction>& instructions) {
  std::vector<NodeId> seq;
  for (const Instruction& in : instructions) {
    if (in.op == Op::kBackward) seq.push_back(in.node);
  }
  return seq;
}

struct Timed {
  double seconds = 0;
  uint64_t fingerprint = 0;
  bool consistent = true;
  ReplayResult fastest;
};

absl::StatusOr<Timed> RunTimed(ReplaySession& session, const std::vector<Instruction>& ins,
                               int repeats) {
  Timed t;
  for (int r = 0; r < repeats; ++r) {
    absl::StatusOr<ReplayResult> run = session.Run(ins);
    if (!run.ok()) return run.status();
    if (r == 0) {
      t.fingerprint = run->gradient_fingerprint;
      t.fastest = *run;
    } else if (run->gradient_fingerprint != t.fingerprint) {
      t.consistent = false;
    }
    if (run->seconds < t.fastest.seconds) t.fastest = *run;
  }
  t.seconds = t.fastest.seconds;
  return t;
}

void Log(const std::string& line) { std::fprintf(stderr, "[bench] %s\n", line.c_str()); }

double GiB(int64_t bytes) { return static_cast<double>(bytes) / kGiB; }

}  // namespace

absl::StatusOr<proto::Graph> BenchGraph(const std::string& family, const std::string& preset,
                                        int64_t units, uint64_t seed, int64_t* rows) {
  absl::StatusOr<FamilyPreset> p = Preset(family, preset);
  if (!p.ok()) return p.status();
  if (units < 1) {
    return absl::InvalidArgumentError(absl::StrFormat("bench units = %d: must be >= 1", units));
  }
  proto::GeneratorSpec spec = p->spec;
  spec.set_seed(seed);
  if (spec.family() == proto::TRANSFORMER) {
    spec.set_batch(units);
    *rows = units * spec.seq_len();
  } else {
    spec.set_base_bytes(spec.base_bytes() * units);
    *rows = units;
  }
  absl::StatusOr<proto::Graph> g = Generate(spec);
  if (!g.ok()) return g.status();
  if (spec.family() == proto::TRANSFORMER) {
    // The scalar loss becomes one value per row: every tensor is [rows, w].
    for (proto::Node& n : *g->mutable_nodes()) {
      if (n.name() == "loss") n.set_output_bytes(4 * *rows);
    }
  }
  SetReplayCosts(&*g, *rows);
  return g;
}

std::string ExportGraphJson(const Graph& graph, int64_t rows, uint64_t seed,
                            const std::vector<NodeId>& order, double reference_loss) {
  std::string out = absl::StrFormat("{\n  \"label\": %s,\n  \"rows\": %d,\n  \"seed\": %d,\n",
                                    JsonString(graph.graph_name()), rows, seed);
  if (std::isfinite(reference_loss)) {
    absl::StrAppendFormat(&out, "  \"reference_loss\": %.17g,\n", reference_loss);
  }
  out += "  \"nodes\": [\n";
  for (NodeId v = 0; v < graph.num_nodes(); ++v) {
    std::vector<std::string> terms;
    const auto inputs = graph.inputs(v);
    const auto mult = graph.input_multiplicity(v);
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (int32_t r = 0; r < mult[i]; ++r) terms.push_back(absl::StrCat(inputs[i]));
    }
    absl::StrAppendFormat(
        &out,
        "    {\"name\": %s, \"kind\": \"%s\", \"width\": %d, \"terms\": [%s], "
        "\"output\": %s}%s\n",
        JsonString(graph.name(v)), graph.is_compute(v) ? "COMPUTE" : "INPUT",
        graph.output_bytes(v) / (4 * rows), absl::StrJoin(terms, ", "),
        graph.is_output(v) ? "true" : "false", v + 1 < graph.num_nodes() ? "," : "");
  }
  out += "  ],\n";
  absl::StrAppendFormat(&out, "  \"order\": [%s]\n}\n", absl::StrJoin(order, ", "));
  return out;
}

namespace {

// A family's graph sized to the target: the unit graph's store-all peak
// and parameters give the number of units that fill the target.
struct SizedFamily {
  std::unique_ptr<Graph> graph;
  int64_t units = 0;
  int64_t rows = 0;
  int64_t parameter_bytes = 0;
  int64_t unit_peak_bytes = 0;
};

absl::StatusOr<SizedFamily> SizeFamily(const std::string& family, const BenchOptions& options,
                                       Backend& b) {
  int64_t unit_rows = 0;
  absl::StatusOr<proto::Graph> unit =
      BenchGraph(family, options.preset, 1, options.seed, &unit_rows);
  if (!unit.ok()) return unit.status();
  absl::StatusOr<Graph> unit_graph = Graph::FromProto(*unit);
  if (!unit_graph.ok()) return unit_graph.status();
  ModelOptions mo;
  mo.batch = unit_rows;
  mo.seed = options.seed;
  mo.max_parameter_bytes = 0;
  absl::StatusOr<ReplayModel> unit_model = ReplayModel::Build(*unit_graph, mo);
  if (!unit_model.ok()) return unit_model.status();
  absl::StatusOr<std::vector<NodeId>> unit_order = ChooseOrder(*unit_graph, proto::ORDER_BEST);
  if (!unit_order.ok()) return unit_order.status();
  absl::StatusOr<SimResult> unit_sa = SimulateStoreAll(*unit_graph, *unit_order);
  if (!unit_sa.ok()) return unit_sa.status();
  SizedFamily f;
  f.unit_peak_bytes = unit_sa->peak_bytes;
  f.parameter_bytes = unit_model->parameter_bytes();
  int64_t target = options.target_store_all_bytes;
  if (target <= 0) {
    const int64_t free_bytes = b.DeviceFreeBytes();
    if (free_bytes < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "backend %s reports no device memory: give target_store_all_bytes", b.name()));
    }
    target = static_cast<int64_t>(
        options.target_fraction *
        static_cast<double>(free_bytes - 2 * f.parameter_bytes - kMarginBytes));
  }
  f.units = std::clamp<int64_t>(
      f.unit_peak_bytes > 0 ? target / f.unit_peak_bytes : 1, 1, options.max_units);
  absl::StatusOr<proto::Graph> proto_graph =
      BenchGraph(family, options.preset, f.units, options.seed, &f.rows);
  if (!proto_graph.ok()) return proto_graph.status();
  absl::StatusOr<Graph> graph = Graph::FromProto(*proto_graph);
  if (!graph.ok()) return graph.status();
  f.graph = std::make_unique<Graph>(*std::move(graph));
  return f;
}

// <dir>/<family>.graph.json for tools/gpu/torch_replay.py, with the
// float64 reference loss when cheap enough (it runs forward and backward
// in double on the CPU).
absl::Status ExportForTorch(const std::string& family, const SizedFamily& f,
                            const std::vector<NodeId>& order, const BenchOptions& options) {
  const std::string path = absl::StrCat(options.export_dir, "/", family, ".graph.json");
  double reference_loss = std::nan("");
  ModelOptions ro;
  ro.batch = f.rows;
  ro.seed = options.seed;
  ro.max_parameter_bytes = 0;
  if (absl::StatusOr<ReplayModel> m = ReplayModel::Build(*f.graph, ro);
      m.ok() && 3.0 * static_cast<double>(f.rows) *
                        static_cast<double>(m->parameter_bytes() / 4) <= 3e9) {
    reference_loss = ComputeReferenceGradients(*m).loss;
  }
  std::ofstream out(path);
  out << ExportGraphJson(*f.graph, f.rows, options.seed, order, reference_loss);
  if (!out.good()) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// Plans `spec` on the family's order and judges it.
absl::StatusOr<JudgedSchedule> PlanSpec(PlanContext& context, const PlannerSpec& spec,
                                        int64_t store_all_peak_bytes) {
  proto::PlannerOptions o = spec.options;
  if (spec.store_all_fraction > 0) {
    o.set_budget_bytes(static_cast<int64_t>(spec.store_all_fraction *
                                            static_cast<double>(store_all_peak_bytes)));
  }
  return PlanAndJudge(context, o);
}

// Replays every planner's schedule beside store-all on the same backward
// order (plan-tree planners on one order share one reference run).
void ReplayRows(const std::string& family, const std::vector<PlannerSpec>& planners,
                PlanContext& context, int64_t store_all_peak_bytes, const BenchRow& base,
                const BenchOptions& options, ReplaySession& session, BenchReport* report) {
  std::map<std::vector<NodeId>, Timed> references;
  bool warmed_up = false;
  for (const PlannerSpec& spec : planners) {
    BenchRow row = base;
    row.planner = spec.label;
    absl::StatusOr<JudgedSchedule> schedule = PlanSpec(context, spec, store_all_peak_bytes);
    absl::Status failed = schedule.status();
    auto it = references.end();
    if (failed.ok()) {
      const std::vector<NodeId> key = BackwardSequence(schedule->schedule.instructions);
      it = references.find(key);
      if (it == references.end()) {
        absl::StatusOr<Schedule> ref =
            StoreAllForBackwardOrder(context.graph(), schedule->schedule.instructions);
        failed = ref.status();
        for (int w = 0; failed.ok() && !warmed_up && w < options.warmup_runs; ++w) {
          failed = session.Run(ref->instructions).status();
        }
        warmed_up = true;
        if (failed.ok()) {
          absl::StatusOr<Timed> t = RunTimed(session, ref->instructions, options.repeats);
          if (t.ok()) {
            it = references.emplace(key, *std::move(t)).first;
          } else {
            failed = t.status();
          }
        }
      }
    }
    absl::StatusOr<Timed> run;
    if (failed.ok()) {
      run = RunTimed(session, schedule->schedule.instructions, options.repeats);
      failed = run.status();
    }
    if (!failed.ok()) {
      row.status = std::string(failed.message());
      report->rows.push_back(row);
      Log(absl::StrCat(family, " ", spec.label, ": ", row.status));
      continue;
    }
    const ReplayResult& r = run->fastest;
    row.instructions = static_cast<int64_t>(schedule->schedule.instructions.size());
    row.simulated_peak_bytes = r.simulation.peak_bytes;
    row.measured_peak_bytes = r.measured_peak_bytes;
    row.device_peak_bytes = r.device_peak_bytes;
    row.store_all_measured_peak_bytes = it->second.fastest.measured_peak_bytes;
    row.seconds = run->seconds;
    row.store_all_seconds = it->second.seconds;
    row.time_overhead =
        row.store_all_seconds > 0 ? row.seconds / row.store_all_seconds - 1.0 : 0.0;
    row.compute_overhead = r.simulation.compute_overhead;
    row.peak_matches_simulator = r.measured_peak_bytes == r.simulation.peak_bytes;
    row.gradients_match = run->consistent && it->second.consistent &&
                          run->fingerprint == it->second.fingerprint;
    report->rows.push_back(row);
    Log(absl::StrFormat("%s %s: peak %.3f GiB (simulated %.3f), %.3f s (store-all %.3f s), "
                        "gradients %s",
                        family, spec.label, GiB(row.measured_peak_bytes),
                        GiB(row.simulated_peak_bytes), row.seconds, row.store_all_seconds,
                        row.gradients_match ? "bitwise equal" : "DIFFER"));
  }
}

}  // namespace

absl::StatusOr<BenchReport> RunBench(const BenchOptions& options) {
  if (options.repeats < 1 || options.warmup_runs < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "bench repeats = %d, warmup_runs = %d: need repeats >= 1, warmup_runs >= 0",
        options.repeats, options.warmup_runs));
  }
  if (!(options.target_fraction > 0 && options.target_fraction <= 1)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "bench target_fraction = %g: must be in (0, 1]", options.target_fraction));
  }
  std::vector<PlannerSpec> planners;
  for (const std::string& text : options.planners) {
    absl::StatusOr<PlannerSpec> p = ParsePlanner(text);
    if (!p.ok()) return p.status();
    planners.push_back(*std::move(p));
  }
  for (const std::string& family : options.families) {
    if (absl::StatusOr<FamilyPreset> p = Preset(family, options.preset); !p.ok()) {
      return p.status();
    }
  }
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(options.backend);
  if (!backend.ok()) return backend.status();
  Backend& b = **backend;
  BenchReport report;
  report.backend = b.name();
  report.device = b.device_description();
  Log(absl::StrCat("device: ", report.device));

  for (const std::string& family : options.families) {
    absl::StatusOr<SizedFamily> f = SizeFamily(family, options, b);
    if (!f.ok()) return f.status();
    const Graph& graph = *f->graph;
    Log(absl::StrFormat("%s: %s, %d COMPUTE nodes, rows %d, parameters %.2f GiB, store-all "
                        "peak %.2f GiB, %.3g FLOP per store-all step",
                        family, graph.graph_name(), graph.compute_nodes().size(), f->rows,
                        GiB(f->parameter_bytes), GiB(f->unit_peak_bytes * f->units),
                        static_cast<double>(graph.base_cost())));
    absl::StatusOr<std::vector<NodeId>> order = ChooseOrder(graph, proto::ORDER_BEST);
    if (!order.ok()) return order.status();
    if (!options.export_dir.empty()) {
      if (absl::Status s = ExportForTorch(family, *f, *order, options); !s.ok()) return s;
    }
    absl::StatusOr<std::unique_ptr<PlanContext>> context = PlanContext::Create(graph, *order);
    if (!context.ok()) return context.status();
    absl::StatusOr<SimResult> store_all = SimulateStoreAll(**context);
    if (!store_all.ok()) return store_all.status();

    BenchRow base;
    base.family = family;
    base.graph_label = graph.graph_name();
    base.compute_nodes = static_cast<int64_t>(graph.compute_nodes().size());
    base.rows = f->rows;
    base.parameter_bytes = f->parameter_bytes;
    base.base_cost = graph.base_cost();
    if (options.dry_run) {
      for (const PlannerSpec& spec : planners) {
        BenchRow row = base;
        row.planner = spec.label;
        row.status = "dry run";
        absl::StatusOr<JudgedSchedule> j = PlanSpec(**context, spec, store_all->peak_bytes);
        if (!j.ok()) {
          row.status = std::string(j.status().message());
        } else {
          row.instructions = static_cast<int64_t>(j->schedule.instructions.size());
          row.simulated_peak_bytes = j->sim.peak_bytes;
          row.compute_overhead = j->sim.compute_overhead;
        }
        Log(absl::StrFormat("%s %s: %s, simulated peak %.3f GiB, compute overhead %.3f",
                            family, spec.label, row.status, GiB(row.simulated_peak_bytes),
                            row.compute_overhead));
        report.rows.push_back(row);
      }
      continue;
    }
    ModelOptions mo;
    mo.batch = f->rows;
    mo.seed = options.seed;
    mo.max_parameter_bytes = 0;
    absl::StatusOr<std::unique_ptr<ReplaySession>> session =
        ReplaySession::Create(graph, &b, mo);
    if (!session.ok()) {
      BenchRow row = base;
      row.planner = "(setup)";
      row.status = std::string(session.status().message());
      report.rows.push_back(row);
      Log(absl::StrCat(family, ": ", row.status));
      continue;
    }
    base.workspace_bytes = b.workspace_bytes();
    ReplayRows(family, planners, **context, store_all->peak_bytes, base, options, **session,
               &report);
  }
  return report;
}

std::string BenchCsv(const BenchReport& report) {
  std::string out =
      "backend,device,family,graph,compute_nodes,rows,planner,status,instructions,"
      "simulated_peak_bytes,measured_peak_bytes,device_peak_bytes,"
      "store_all_measured_peak_bytes,seconds,store_all_seconds,time_overhead,"
      "compute_overhead,base_cost,peak_matches_simulator,gradients_match,parameter_bytes,"
      "workspace_bytes\n";
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for (const BenchRow& r : report.rows) {
    absl::StrAppendFormat(&out,
                          "%s,%s,%s,%s,%d,%d,%s,%s,%d,%d,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%d,%d,%d,"
                          "%d,%d\n",
                          report.backend, quote(report.device), r.family, quote(r.graph_label),
                          r.compute_nodes, r.rows, quote(r.planner), quote(r.status),
                          r.instructions, r.simulated_peak_bytes, r.measured_peak_bytes,
                          r.device_peak_bytes, r.store_all_measured_peak_bytes, r.seconds,
                          r.store_all_seconds, r.time_overhead, r.compute_overhead,
                          r.base_cost, r.peak_matches_simulator ? 1 : 0, r.gradients_match ? 1 : 0,
                          r.parameter_bytes, r.workspace_bytes);
  }
  return out;
}

std::string BenchMarkdown(const BenchReport& report) {
  std::string out = absl::StrFormat("Replay on %s (%s backend)\n\n", report.device, report.backend);
  out +=
      "| family | rows | planner | simulated peak GiB | measured peak GiB | device peak GiB | "
      "memory vs store-all | seconds | time overhead | compute overhead | gradients bitwise "
      "| status |\n"
      "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
  for (const BenchRow& r : report.rows) {
    if (r.status != "ok") {
      absl::StrAppendFormat(&out, "| %s | %d | %s | | | | | | | | | %s |\n", r.family, r.rows,
                            r.planner, r.status);
      continue;
    }
    absl::StrAppendFormat(
        &out, "| %s | %d | %s | %.3f | %.3f | %s | %.3f | %.3f | %+.3f | %.3f | %s | ok |\n",
        r.family, r.rows, r.planner, GiB(r.simulated_peak_bytes), GiB(r.measured_peak_bytes),
        r.device_peak_bytes >= 0 ? absl::StrFormat("%.3f", GiB(r.device_peak_bytes)) : "-",
        r.store_all_measured_peak_bytes > 0
            ? static_cast<double>(r.measured_peak_bytes) / r.store_all_measured_peak_bytes
            : 0.0,
        r.seconds, r.time_overhead, r.compute_overhead, r.gradients_match ? "yes" : "NO");
  }
  return out;
}

void SetReplayCosts(proto::Graph* g, int64_t rows) {
  std::map<std::string, int64_t> width;
  std::map<std::string, bool> compute;
  for (const proto::Node& n : g->nodes()) {
    width[n.name()] = n.output_bytes() / (4 * rows);
    compute[n.name()] = n.kind() == proto::Node::COMPUTE;
  }
  for (proto::Node& n : *g->mutable_nodes()) {
    if (n.kind() != proto::Node::COMPUTE) continue;
    int64_t forward = 0, backward = 0;
    for (const std::string& in : n.inputs()) {
      const int64_t gemm = 2 * rows * width[in] * width[n.name()];
      forward += gemm;
      backward += compute[in] ? 2 * gemm : gemm;
    }
    n.set_forward_cost(std::max<int64_t>(forward, 1));
    n.set_backward_cost(std::max<int64_t>(backward, 1));
  }
}

}  // namespace replay

}  // namespace tbp

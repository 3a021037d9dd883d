#include "cli/commands.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "absl/strings/str_format.h"
#include "core/analysis/frontier.h"
#include "core/analysis/hcp.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/io/proto_io.h"
#include "core/onnx/onnx_import.h"
#include "core/schedule/planner.h"
#include "core/schedule/registry.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "core/util/json.h"

namespace tbp {
namespace {

std::string OrderName(proto::OrderHeuristic h) {
  return proto::OrderHeuristic_Name(h == proto::ORDER_UNSPECIFIED ? proto::ORDER_BEST : h);
}

JsonObject LowerBoundsJson(const std::vector<LowerBound>& bounds, std::vector<JsonObject>* list) {
  JsonObject best;
  int64_t top = 0;
  std::string top_name;
  for (const LowerBound& b : bounds) {
    JsonObject o;
    o.Add("name", b.name).Add("bytes", b.bytes).Add("argument", b.argument);
    list->push_back(o);
    if (b.bytes >= top) { top = b.bytes; top_name = b.name; }
  }
  best.Add("name", top_name).Add("bytes", top);
  return best;
}

std::string BoundsText(const std::vector<LowerBound>& bounds) {
  std::string out;
  for (const LowerBound& b : bounds) {
    absl::StrAppendFormat(&out, "  %-26s %14d bytes  (%s)\n", b.name, b.bytes, b.argument);
  }
  return out;
}

std::string SimText(const SimResult& r) {
  return absl::StrFormat(
      "  peak_bytes               %d  (activations %d + gradients %d, at instruction %d)\n"
      "  base_cost                %d\n"
      "  recompute_cost           %d\n"
      "  compute_overhead         %.4f\n"
      "  forwards                 %d  (%d recomputations)\n",
      r.peak_bytes, r.peak_activation_bytes, r.peak_gradient_bytes, r.peak_instruction,
      r.base_cost, r.recompute_cost, r.compute_overhead, r.num_forwards, r.num_recomputes);
}

JsonObject HcpJson(const HcpReport& hcp) {
  const HcpStats& st = hcp.stats;
  JsonObject stats;
  stats.Add("peak_frontier_fraction", st.peak_frontier_fraction)
      .Add("max_skip", int64_t{st.max_skip})
      .Add("mean_skip", st.mean_skip)
      .Add("p95_skip", int64_t{st.p95_skip})
      .Add("long_skip_threshold", int64_t{st.long_skip_threshold})
      .Add("long_skip_edges", st.long_skip_edges)
      .Add("long_skip_fraction", st.long_skip_fraction)
      .Add("max_fan_out", int64_t{st.max_fan_out})
      .Add("depth", int64_t{st.depth})
      .Add("mean_level_width", st.mean_level_width)
      .Add("max_activation_bytes", st.max_activation_bytes)
      .Add("max_activation_fraction", st.max_activation_fraction);
  std::vector<JsonObject> criteria;
  for (const HcpCriterion& c : hcp.criteria) {
    JsonObject j;
    j.Add("name", c.name).Add("key", c.key).Add("pass", c.pass).Add("value", c.value)
        .Add("threshold", c.threshold).Add("explanation", c.explanation);
    criteria.push_back(j);
  }
  JsonObject o;
  o.Add("compressible", hcp.compressible).Add("verdict", hcp.verdict).Add("stats", stats)
      .Add("criteria", criteria);
  return o;
}

void AddSim(const SimResult& r, JsonObject* o) {
  o->Add("peak_bytes", r.peak_bytes)
      .Add("peak_activation_bytes", r.peak_activation_bytes)
      .Add("peak_gradient_bytes", r.peak_gradient_bytes)
      .Add("peak_instruction", r.peak_instruction)
      .Add("base_cost", r.base_cost)
      .Add("recompute_cost", r.recompute_cost)
      .Add("compute_overhead", r.compute_overhead)
      .Add("num_forwards", r.num_forwards)
      .Add("num_recomputes", r.num_recomputes);
}

}  // namespace

absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--format = '", name, "': must be 'text' or 'json'"));
}

absl::StatusOr<Graph> LoadGraph(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("--graph is missing: give a graph file");
  // On an arena: millions of small strings are allocated in blocks and
  // freed at once (loading a 5,000,000-node graph spent a fifth of its time
  // in malloc).
  google::protobuf::Arena arena;
  proto::Graph& p = *google::protobuf::Arena::CreateMessage<proto::Graph>(&arena);
  if (absl::Status s = ReadProtoFile(path, &p); !s.ok()) return s;
  absl::StatusOr<Graph> g = Graph::FromProto(p);
  if (!g.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("graph file '", path, "': ", g.status().message()));
  }
  return g;
}

absl::StatusOr<std::string> RunGenerate(const proto::GeneratorSpec& spec,
                                        const std::string& out_path) {
  if (out_path.empty()) return absl::InvalidArgumentError("--out is missing: give an output graph file");
  if (absl::StatusOr<FileFormat> f = FormatForPath(out_path); !f.ok()) return f.status();
  absl::StatusOr<proto::Graph> p = Generate(spec);
  if (!p.ok()) return p.status();
  absl::StatusOr<Graph> g = Graph::FromProto(*p);
  if (!g.ok()) {
    return absl::InternalError(absl::StrCat("generator produced an invalid graph: ", g.status().message()));
  }
  if (absl::Status s = WriteProtoFile(out_path, *p); !s.ok()) return s;
  return absl::StrFormat("wrote %s: %s, %d nodes (%d COMPUTE), %d edges, %d activation bytes\n",
                         out_path, p->name(), g->num_nodes(), g->compute_nodes().size(),
                         g->num_edges(), g->total_compute_bytes());
}

absl::StatusOr<std::string> RunImport(const std::string& onnx_path, bool batch_given,
                                      int64_t batch, const std::string& out_path) {
  if (onnx_path.empty()) return absl::InvalidArgumentError("--onnx is missing: give a model file");
  if (out_path.empty()) return absl::InvalidArgumentError("--out is missing: give an output graph file");
  if (absl::StatusOr<FileFormat> f = FormatForPath(out_path); !f.ok()) return f.status();
  if (batch_given && batch <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("--batch = ", batch, ": must be >= 1"));
  }
  OnnxImportOptions options;
  options.batch = batch_given ? batch : 0;
  const size_t slash = onnx_path.find_last_of('/');
  options.graph_name = absl::StrCat(
      "onnx:", slash == std::string::npos ? onnx_path : onnx_path.substr(slash + 1),
      batch_given ? absl::StrCat(" batch ", batch) : "");
  OnnxImportStats stats;
  absl::StatusOr<proto::Graph> p = ImportOnnxFile(onnx_path, options, &stats);
  if (!p.ok()) return p.status();
  absl::StatusOr<Graph> g = Graph::FromProto(*p);
  if (!g.ok()) return g.status();
  if (absl::Status s = WriteProtoFile(out_path, *p); !s.ok()) return s;
  std::string out = absl::StrFormat(
      "wrote %s: %s\n  %d ONNX nodes -> %d COMPUTE + %d INPUT nodes (%d folded into INPUT, "
      "%d dead nodes pruned, %d unused inputs dropped)\n",
      out_path, p->name(), stats.onnx_nodes, stats.compute_nodes, stats.input_nodes,
      stats.folded_nodes, stats.pruned_nodes, stats.unused_inputs);
  if (!stats.batch_symbol.empty()) {
    absl::StrAppendFormat(&out, "  symbolic dimension '%s' bound to %d\n", stats.batch_symbol,
                          batch);
  }
  if (stats.fixed_batch > 0) {
    absl::StrAppendFormat(&out, "  fixed batch %d of the inputs' leading dimension set to %d\n",
                          stats.fixed_batch, batch);
  }
  absl::StrAppendFormat(&out, "  store-all activation bytes %d, forward FLOPs %d, base cost %d\n",
                        g->total_compute_bytes(), g->total_forward_cost(), g->base_cost());
  absl::StrAppend(&out, "  operator                nodes  forward FLOPs  share\n");
  for (const auto& [op, count_flops] : stats.ops) {
    const double share = g->total_forward_cost() == 0
                             ? 0.0
                             : static_cast<double>(count_flops.second) /
                                   static_cast<double>(g->total_forward_cost());
    absl::StrAppendFormat(&out, "  %-22s %5d  %13d  %5.1f%%\n", op, count_flops.first,
                          count_flops.second, 100.0 * share);
  }
  return out;
}

absl::StatusOr<std::string> RunAnalyze(const Graph& graph, ReportFormat format) {
  const BestOrderResult best = BestOrder(graph);
  const FrontierProfile frontier = ComputeFrontier(graph, best.order);
  const HcpReport hcp =
      DiagnoseHcpForOrder(graph, best.order, OrderHeuristicName(best.heuristic));
  const std::vector<LowerBound> bounds = AllLowerBounds(graph);
  absl::StatusOr<SimResult> store_all = SimulateStoreAll(graph, best.order);
  if (!store_all.ok()) return store_all.status();
  const std::string argmax_node =
      best.order.empty() ? "" : graph.name(best.order[frontier.argmax]);

  if (format == ReportFormat::kJson) {
    JsonObject o;
    JsonObject g;
    g.Add("name", graph.graph_name())
        .Add("nodes", int64_t{graph.num_nodes()})
        .Add("compute_nodes", static_cast<int64_t>(graph.compute_nodes().size()))
        .Add("edges", graph.num_edges())
        .Add("outputs", static_cast<int64_t>(graph.outputs().size()))
        .Add("total_activation_bytes", graph.total_compute_bytes())
        .Add("base_cost", graph.base_cost());
    o.Add("graph", g);
    std::vector<JsonObject> orders;
    for (const OrderScore& s : best.scores) {
      JsonObject j;
      j.Add("heuristic", OrderHeuristicName(s.heuristic)).Add("peak_frontier_bytes", s.peak_frontier_bytes);
      orders.push_back(j);
    }
    o.Add("orders", orders);
    JsonObject f;
    f.Add("order", OrderHeuristicName(best.heuristic))
        .Add("peak_bytes", frontier.peak_bytes)
        .Add("mean_bytes", frontier.mean_bytes)
        .Add("p95_bytes", frontier.p95_bytes)
        .Add("argmax", int64_t{frontier.argmax})
        .Add("argmax_node", argmax_node)
        .Add("peak_nodes", int64_t{frontier.peak_nodes});
    o.Add("frontier", f);
    o.Add("hcp", HcpJson(hcp));
    std::vector<JsonObject> lbs;
    JsonObject best_lb = LowerBoundsJson(bounds, &lbs);
    o.Add("lower_bounds", lbs);
    o.Add("best_lower_bound", best_lb);
    JsonObject ub;
    ub.Add("store_all_peak_bytes", store_all->peak_bytes)
        .Add("best_order_peak_frontier_bytes", frontier.peak_bytes);
    o.Add("upper_bounds", ub);
    return o.ToString() + "\n";
  }

  std::string out = absl::StrFormat(
      "graph %s\n  nodes %d (%d COMPUTE), edges %d, outputs %d\n"
      "  activation bytes (store-all, without gradients) %d, base cost %d\n\n",
      graph.graph_name().empty() ? "(unnamed)" : graph.graph_name(), graph.num_nodes(),
      graph.compute_nodes().size(), graph.num_edges(), graph.outputs().size(),
      graph.total_compute_bytes(), graph.base_cost());
  absl::StrAppend(&out, "orders (peak frontier width, bytes; smaller is better)\n");
  for (const OrderScore& s : best.scores) {
    absl::StrAppendFormat(&out, "  %-14s %14d%s\n", OrderHeuristicName(s.heuristic),
                          s.peak_frontier_bytes, s.heuristic == best.heuristic ? "  <- best" : "");
  }
  absl::StrAppendFormat(&out,
                        "\nfrontier profile of the %s order\n"
                        "  peak %d bytes (%d nodes) at cut %d (after '%s')\n"
                        "  mean %.1f bytes, p95 %d bytes\n\n",
                        OrderHeuristicName(best.heuristic), frontier.peak_bytes,
                        frontier.peak_nodes, frontier.argmax, argmax_node, frontier.mean_bytes,
                        frontier.p95_bytes);
  absl::StrAppend(&out, FormatHcpReport(hcp), "\n");
  absl::StrAppend(&out, "lower bounds (true for every valid schedule)\n", BoundsText(bounds));
  absl::StrAppendFormat(&out,
                        "\nupper bounds (what some schedule achieves; not lower bounds)\n"
                        "  store_all peak (simulated)  %14d bytes\n"
                        "  best order peak frontier    %14d bytes\n",
                        store_all->peak_bytes, frontier.peak_bytes);
  return out;
}

absl::StatusOr<std::string> RunPlan(const Graph& graph, const proto::PlannerOptions& options,
                                    const std::string& out_path, ReportFormat format) {
  if (!out_path.empty()) {
    if (absl::StatusOr<FileFormat> f = FormatForPath(out_path); !f.ok()) return f.status();
  }
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(graph, options);
  if (!judged.ok()) return judged.status();
  const Schedule* schedule = &judged->schedule;
  const SimResult* sim = &judged->sim;
  absl::StatusOr<SimResult> store_all = SimulateStoreAll(graph, schedule->order);
  if (!store_all.ok()) return store_all.status();
  const int64_t lower = judged->lower_bound_bytes;
  if (!out_path.empty()) {
    if (absl::Status s = WriteProtoFile(out_path, ScheduleToProto(graph, *schedule)); !s.ok()) {
      return s;
    }
  }
  const proto::PlannerOptions& used = schedule->options;
  if (format == ReportFormat::kJson) {
    JsonObject o;
    o.Add("planner", used.planner()).Add("order", OrderName(used.order())).Add("valid", true);
    AddSim(*sim, &o);
    o.Add("lower_bound_bytes", lower)
        .Add("store_all_peak_bytes", store_all->peak_bytes)
        .Add("instructions", static_cast<int64_t>(schedule->instructions.size()));
    if (used.budget_bytes() > 0) o.Add("budget_bytes", used.budget_bytes());
    // The planner's knobs as planned (defaults resolved), by field name.
    for (const PlannerKnob& k : FindPlanner(used.planner())->knobs) {
      const double v = KnobValue(used, k.field);
      if (v == 0) continue;
      if (k.type == KnobType::kInt) o.Add(k.field, IntKnobValue(used, k.field));
      if (k.type == KnobType::kDouble) o.Add(k.field, v);
      if (k.type == KnobType::kBool) o.Add(k.field, true);
    }
    if (schedule->optimality.has_value()) {
      const Optimality& opt = *schedule->optimality;
      o.Add("proven_optimal", opt.proven_optimal)
          .Add("horizon_certified", opt.horizon_certified)
          .Add("recompute_lower_bound", opt.recompute_lower_bound);
    }
    if (!out_path.empty()) o.Add("schedule_file", out_path);
    return o.ToString() + "\n";
  }
  std::string out = absl::StrFormat("planner %s on the %s order: valid schedule, %d instructions\n",
                                    used.planner(), OrderName(used.order()),
                                    schedule->instructions.size());
  absl::StrAppend(&out, SimText(*sim));
  absl::StrAppendFormat(&out,
                        "  lower_bound_bytes        %d  (peak / lower bound = %.3f)\n"
                        "  store_all_peak_bytes     %d  (peak / store-all = %.3f)\n",
                        lower, lower > 0 ? static_cast<double>(sim->peak_bytes) / lower : 0.0,
                        store_all->peak_bytes,
                        store_all->peak_bytes > 0
                            ? static_cast<double>(sim->peak_bytes) / store_all->peak_bytes
                            : 0.0);
  if (schedule->optimality.has_value()) {
    const Optimality& opt = *schedule->optimality;
    absl::StrAppendFormat(
        &out, "  optimality               %s; no schedule within the budget recomputes less than %d%s\n",
        opt.proven_optimal ? "proven optimal" : "NOT proven optimal (time limit)",
        opt.recompute_lower_bound,
        opt.horizon_certified ? "" : " (within the MILP horizon only)");
  }
  absl::StrAppendFormat(&out, "  options                  %s\n", used.ShortDebugString());
  if (!out_path.empty()) absl::StrAppendFormat(&out, "wrote %s\n", out_path);
  return out;
}

absl::StatusOr<std::string> RunSimulate(const Graph& graph, const proto::Schedule& proto,
                                        ReportFormat format, const std::string& what) {
  absl::StatusOr<Schedule> schedule = ScheduleFromProto(graph, proto);
  if (!schedule.ok()) {
    return absl::Status(schedule.status().code(),
                        absl::StrCat(what, ": ", schedule.status().message()));
  }
  absl::StatusOr<SimResult> sim = Simulate(graph, schedule->instructions);
  if (!sim.ok()) {
    return absl::Status(sim.status().code(), absl::StrCat(what, ": invalid schedule: ",
                                                          sim.status().message()));
  }
  const int64_t lower = BestLowerBound(graph);
  if (format == ReportFormat::kJson) {
    JsonObject o;
    o.Add("planner", schedule->options.planner()).Add("valid", true);
    AddSim(*sim, &o);
    o.Add("lower_bound_bytes", lower)
        .Add("instructions", static_cast<int64_t>(schedule->instructions.size()));
    return o.ToString() + "\n";
  }
  return absl::StrCat(absl::StrFormat("valid schedule, %d instructions\n",
                                      schedule->instructions.size()),
                      SimText(*sim), absl::StrFormat("  lower_bound_bytes        %d\n", lower));
}

absl::StatusOr<std::string> RunBounds(const Graph& graph, ReportFormat format) {
  const std::vector<LowerBound> bounds = AllLowerBounds(graph);
  if (format == ReportFormat::kJson) {
    std::vector<JsonObject> lbs;
    JsonObject best = LowerBoundsJson(bounds, &lbs);
    JsonObject o;
    o.Add("lower_bounds", lbs).Add("best_lower_bound", best);
    return o.ToString() + "\n";
  }
  return absl::StrCat("lower bounds on the peak memory of every valid schedule\n",
                      BoundsText(bounds));
}

}  // namespace tbp

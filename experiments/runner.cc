#include "experiments/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/analysis/frontier.h"
#include "core/analysis/hcp.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/onnx/onnx_import.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/registry.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "core/util/check.h"
#include "google/protobuf/descriptor.h"
#include "experiments/results_csv.h"

namespace tbp::experiments {
namespace {

struct KindName {
  ExperimentKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {ExperimentKind::kRandomDags, "random_dags"},
    {ExperimentKind::kCompareCheckpointing, "compare_checkpointing"},
    {ExperimentKind::kLowerBoundGap, "lower_bound_gap"},
    {ExperimentKind::kRuntimeScaling, "planner_runtime_scaling"},
    {ExperimentKind::kFrontierProfiles, "frontier_profiles"},
};

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

absl::Status Invalid(const std::string& path, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("ExperimentSpec.", path, what));
}

// The generator field that `sizes` replaces, by family.
const char* SizeFieldName(proto::Family family) {
  switch (family) {
    case proto::CHAIN:
    case proto::RANDOM_DAG:
    case proto::WIDE:
      return "nodes";
    case proto::LAYERED:
    case proto::TRANSFORMER:
      return "layers";
    case proto::UNET:
      return "depth";
    case proto::RESIDUAL:
      return "blocks";
    default:
      return nullptr;
  }
}

int64_t SizeOf(const proto::GeneratorSpec& g) {
  switch (g.family()) {
    case proto::CHAIN:
    case proto::RANDOM_DAG:
    case proto::WIDE:
      return g.nodes();
    case proto::LAYERED:
    case proto::TRANSFORMER:
      return g.layers();
    case proto::UNET:
      return g.depth();
    case proto::RESIDUAL:
      return g.blocks();
    default:
      return 0;
  }
}

void ApplySize(int64_t size, proto::GeneratorSpec* g) {
  switch (g->family()) {
    case proto::CHAIN:
    case proto::RANDOM_DAG:
    case proto::WIDE:
      g->set_nodes(size);
      break;
    case proto::LAYERED:
    case proto::TRANSFORMER:
      g->set_layers(size);
      break;
    case proto::UNET:
      g->set_depth(size);
      break;
    case proto::RESIDUAL:
      g->set_blocks(size);
      break;
    default:
      break;
  }
}

std::vector<uint64_t> SeedsOf(const proto::GraphSource& src) {
  std::vector<uint64_t> seeds(src.seeds().begin(), src.seeds().end());
  if (src.num_seeds() > 0) {
    for (int64_t i = 0; i < src.num_seeds(); ++i) seeds.push_back(src.first_seed() + i);
  }
  if (seeds.empty()) seeds.push_back(src.generator().seed());
  return seeds;
}

std::vector<int64_t> SizesOf(const proto::GraphSource& src) {
  if (src.sizes().empty()) return {SizeOf(src.generator())};
  return {src.sizes().begin(), src.sizes().end()};
}

// The knob lists of a sweep: (name, planners it belongs to, values).
struct KnobList {
  std::string name;   // the RunConfig::knob value: a PlannerOptions field,
                      // or "budget_fraction"
  std::string field;  // the PlannerSweep field
  std::vector<std::string> planners;
  std::vector<double> values;
  double min_value = 0, max_value = 1;  // each value's range
};

constexpr char kBudgetFraction[] = "budget_fraction";

// Derived from the registry: each knob that names a sweep field (in
// registration order), then budget_fractions for every planner that reads
// budget_bytes (BudgetUse other than kChecked).
std::vector<KnobList> KnobListsOf(const proto::PlannerSweep& s) {
  using google::protobuf::FieldDescriptor;
  std::vector<KnobList> lists;
  for (const PlannerDef* p : Planners()) {
    for (const PlannerKnob& k : p->knobs) {
      if (k.sweep_field.empty()) continue;
      auto it = std::find_if(lists.begin(), lists.end(),
                             [&](const KnobList& l) { return l.field == k.sweep_field; });
      if (it != lists.end()) {
        it->planners.push_back(p->name);
        continue;
      }
      KnobList l{k.field, k.sweep_field, {p->name}, {}, k.min_value, k.max_value};
      const FieldDescriptor* f = s.GetDescriptor()->FindFieldByName(k.sweep_field);
      TBP_CHECK(f != nullptr && f->is_repeated());
      const auto* r = s.GetReflection();
      for (int i = 0; i < r->FieldSize(s, f); ++i) {
        l.values.push_back(f->cpp_type() == FieldDescriptor::CPPTYPE_INT64
                               ? static_cast<double>(r->GetRepeatedInt64(s, f, i))
                               : r->GetRepeatedDouble(s, f, i));
      }
      lists.push_back(std::move(l));
    }
  }
  KnobList fractions{kBudgetFraction, "budget_fractions", {}, {}, 0, 1};
  for (const PlannerDef* p : Planners()) {
    if (p->budget != BudgetUse::kChecked) fractions.planners.push_back(p->name);
  }
  fractions.values.assign(s.budget_fractions().begin(), s.budget_fractions().end());
  lists.push_back(std::move(fractions));
  return lists;
}

void ApplyKnob(const std::string& knob, double value, proto::PlannerOptions* o) {
  // budget_fraction: budget_bytes is set per graph instance.
  if (knob == kBudgetFraction) return;
  TBP_CHECK(SetKnobValue(knob, value, o).ok());
}

std::string SweepLabel(const proto::PlannerSweep& s) {
  return s.label().empty() ? s.options().planner() : s.label();
}

// A graph_file ending in .onnx is an ONNX model (GraphSource.onnx_batch).
bool IsOnnxModelPath(absl::string_view path) { return absl::EndsWith(path, ".onnx"); }

absl::Status ValidateGraphSource(const proto::GraphSource& src, int index) {
  const std::string path = absl::StrCat("graphs[", index, "]");
  if (!IsIdentifier(src.label())) {
    return Invalid(path, absl::StrFormat(".label = '%s': must be non-empty and use only "
                                         "letters, digits and '_'",
                                         src.label()));
  }
  const bool has_generator = src.has_generator();
  const bool has_file = !src.graph_file().empty();
  if (has_generator == has_file) {
    return Invalid(path, absl::StrFormat(" ('%s'): give exactly one of generator and "
                                         "graph_file",
                                         src.label()));
  }
  if (src.num_seeds() < 0) {
    return Invalid(path, absl::StrFormat(".num_seeds = %d: must be >= 0", src.num_seeds()));
  }
  if (src.num_seeds() > kMaxExpandedInstances) {
    return Invalid(path, absl::StrFormat(".num_seeds = %d: must be at most %d", src.num_seeds(),
                                         kMaxExpandedInstances));
  }
  if (src.num_seeds() > 0 && !src.seeds().empty()) {
    return Invalid(path, absl::StrFormat(".num_seeds = %d and seeds (%d values) are both "
                                         "given: use one form",
                                         src.num_seeds(), src.seeds_size()));
  }
  for (int i = 0; i < src.sizes_size(); ++i) {
    if (src.sizes(i) < 1) {
      return Invalid(path, absl::StrFormat(".sizes[%d] = %d: must be >= 1", i, src.sizes(i)));
    }
  }
  if (!src.sweep().empty() && !IsIdentifier(src.sweep())) {
    return Invalid(path, absl::StrFormat(".sweep = '%s': must use only letters, digits and '_'",
                                         src.sweep()));
  }
  if (!std::isfinite(src.sweep_value()) || (src.sweep().empty() && src.sweep_value() != 0)) {
    return Invalid(path, absl::StrFormat(".sweep_value = %g: must be finite, and only with "
                                         ".sweep",
                                         src.sweep_value()));
  }
  const bool onnx = has_file && IsOnnxModelPath(src.graph_file());
  if (src.onnx_batch() < 0 || (src.onnx_batch() != 0 && !onnx)) {
    return Invalid(path, absl::StrFormat(".onnx_batch = %d: must be >= 0, and only with a "
                                         ".onnx graph_file",
                                         src.onnx_batch()));
  }
  if (has_file) {
    if (!src.seeds().empty() || src.num_seeds() != 0 || !src.sizes().empty()) {
      return Invalid(path, absl::StrFormat(".graph_file = '%s': seeds, num_seeds and sizes "
                                           "apply to generators only",
                                           src.graph_file()));
    }
    if (onnx) return absl::OkStatus();
    if (absl::StatusOr<FileFormat> f = FormatForPath(src.graph_file()); !f.ok()) {
      return Invalid(path, absl::StrCat(".graph_file: ", f.status().message(),
                                        " (or .onnx, an ONNX model)"));
    }
    return absl::OkStatus();
  }
  if (!src.sizes().empty() && SizeFieldName(src.generator().family()) == nullptr) {
    return Invalid(path, absl::StrFormat(".sizes: generator.family = %s has no size field",
                                         FamilyName(src.generator().family())));
  }
  for (int64_t size : SizesOf(src)) {
    proto::GeneratorSpec g = src.generator();
    ApplySize(size, &g);
    if (absl::Status s = ValidateGeneratorSpec(g); !s.ok()) {
      const std::string where =
          src.sizes().empty()
              ? std::string(".generator: ")
              : absl::StrFormat(".generator (with %s = %d from sizes): ",
                                SizeFieldName(g.family()), size);
      return Invalid(path, absl::StrCat(where, s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePlannerSweep(const proto::PlannerSweep& s, int index) {
  const std::string path = absl::StrCat("planners[", index, "]");
  const std::string& planner = s.options().planner();
  if (!s.label().empty() && !IsIdentifier(s.label())) {
    return Invalid(path, absl::StrFormat(".label = '%s': use only letters, digits and '_'",
                                         s.label()));
  }
  const KnobList* knob = nullptr;
  std::vector<KnobList> lists = KnobListsOf(s);
  for (const KnobList& k : lists) {
    if (k.values.empty()) continue;
    if (knob != nullptr) {
      return Invalid(path, absl::StrFormat(": both %s and %s are given; sweep one knob per "
                                           "entry (add another PlannerSweep)",
                                           knob->field, k.field));
    }
    knob = &k;
    if (std::find(k.planners.begin(), k.planners.end(), planner) == k.planners.end()) {
      return Invalid(path, absl::StrFormat(".%s is a knob of %s, but options.planner = '%s'",
                                           k.field, absl::StrJoin(k.planners, "/"), planner));
    }
    for (size_t i = 0; i < k.values.size(); ++i) {
      const double v = k.values[i];
      const std::string at = absl::StrFormat(".%s[%d] = %g", k.field, i, v);
      if (!std::isfinite(v) || v < k.min_value || v > k.max_value) {
        return Invalid(path, absl::StrCat(at, k.max_value == kNoMax
                                                  ? absl::StrFormat(": must be >= %g", k.min_value)
                                                  : absl::StrFormat(": must be in [%g, %g]",
                                                                    k.min_value, k.max_value)));
      }
    }
  }
  const bool fractions = knob != nullptr && knob->name == kBudgetFraction;
  if (s.min_feasible_budget()) {
    if (planner != "budget") {
      return Invalid(path, absl::StrFormat(".min_feasible_budget is a budget option, but "
                                           "options.planner = '%s'",
                                           planner));
    }
    if (knob != nullptr) {
      return Invalid(path, absl::StrFormat(".min_feasible_budget and %s are both given: "
                                           "use one per entry",
                                           knob->field));
    }
  }
  proto::PlannerOptions probe = s.options();
  if (knob != nullptr) ApplyKnob(knob->name, knob->values[0], &probe);
  // Budgets from fractions or the planner's minimum are set per graph.
  if ((fractions || s.min_feasible_budget()) && probe.budget_bytes() == 0) {
    probe.set_budget_bytes(1);
  }
  if (absl::Status st = ValidatePlannerOptions(probe); !st.ok()) {
    return Invalid(path, absl::StrCat(".options: ", st.message()));
  }
  return absl::OkStatus();
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Everything computed once per graph instance.
struct InstanceAnalysis {
  std::unique_ptr<Graph> graph;  // stable address: the contexts refer to it
  BestOrderResult best;
  int64_t lower_bound_bytes = 0;
  int64_t store_all_peak_bytes = 0;
  HcpReport hcp;
  double order_seconds = 0;
  double lower_bound_seconds = 0;
  bool has_exact = false;
  int64_t exact_min_memory_bytes = 0;
  std::map<int64_t, int64_t> exact_recompute_at;  // budget -> least recompute
  std::map<int64_t, int64_t> exact_memory_at;     // recompute -> least peak
  std::vector<LowerBound> lower_bounds;
  // Planning contexts by order heuristic (enum value); ORDER_BEST's first.
  std::map<int, std::unique_ptr<PlanContext>> contexts;
};

absl::StatusOr<proto::Graph> LoadInstanceGraph(const GraphInstance& inst) {
  if (IsOnnxModelPath(inst.graph_file)) {
    OnnxImportOptions options;
    options.batch = inst.onnx_batch;
    absl::StatusOr<proto::Graph> g = ImportOnnxFile(inst.graph_file, options);
    if (!g.ok()) {
      return absl::Status(g.status().code(),
                          absl::StrFormat("ExperimentSpec.graphs[%d].graph_file '%s': %s",
                                          inst.source_index, inst.graph_file,
                                          g.status().message()));
    }
    return g;
  }
  if (!inst.graph_file.empty()) {
    proto::Graph g;
    if (absl::Status s = ReadProtoFile(inst.graph_file, &g); !s.ok()) {
      return absl::Status(s.code(), absl::StrFormat("ExperimentSpec.graphs[%d].graph_file: %s",
                                                    inst.source_index, s.message()));
    }
    return g;
  }
  absl::StatusOr<proto::Graph> g = Generate(inst.generator);
  if (!g.ok()) {
    return absl::Status(g.status().code(),
                        absl::StrFormat("ExperimentSpec.graphs[%d].generator (seed %d, size %d): %s",
                                        inst.source_index, inst.seed, inst.size,
                                        g.status().message()));
  }
  return g;
}

template <typename F>
double MinSeconds(int64_t repetitions, F&& f) {
  double best = 0;
  for (int64_t i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const double s = Seconds(start);
    if (i == 0 || s < best) best = s;
  }
  return best;
}

absl::StatusOr<InstanceAnalysis> Analyze(const GraphInstance& inst,
                                         const proto::ExperimentSpec& spec,
                                         int64_t repetitions) {
  InstanceAnalysis a;
  absl::StatusOr<proto::Graph> gp = LoadInstanceGraph(inst);
  if (!gp.ok()) return gp.status();
  absl::StatusOr<Graph> g = Graph::FromProto(*gp);
  if (!g.ok()) {
    return absl::Status(g.status().code(),
                        absl::StrFormat("graph of instance %d ('%s'): %s", inst.instance_index,
                                        inst.label, g.status().message()));
  }
  a.graph = std::make_unique<Graph>(*std::move(g));
  const Graph& graph = *a.graph;
  a.order_seconds = MinSeconds(repetitions, [&] { a.best = BestOrder(graph); });
  a.lower_bound_seconds =
      MinSeconds(repetitions, [&] { a.lower_bound_bytes = BestLowerBound(graph); });
  a.lower_bounds = AllLowerBounds(graph);
  absl::StatusOr<std::unique_ptr<PlanContext>> best = PlanContext::Create(graph, a.best.order);
  if (!best.ok()) return best.status();
  PlanContext& best_context =
      *a.contexts.emplace(static_cast<int>(proto::ORDER_BEST), *std::move(best)).first->second;
  absl::StatusOr<SimResult> sim = SimulateStoreAll(best_context);
  if (!sim.ok()) {
    return absl::InternalError(absl::StrCat("store_all failed: ", sim.status().message()));
  }
  a.store_all_peak_bytes = sim->peak_bytes;
  a.hcp = DiagnoseHcpForOrder(graph, a.best.order, OrderHeuristicName(a.best.heuristic));
  const int64_t n = static_cast<int64_t>(graph.compute_nodes().size());
  if (spec.exact_max_nodes() > 0 && n <= spec.exact_max_nodes()) {
    absl::StatusOr<int64_t> m = ExhaustiveMinimumMemory(graph);
    if (!m.ok()) return absl::InternalError(absl::StrCat("exhaustive: ", m.status().message()));
    a.has_exact = true;
    a.exact_min_memory_bytes = *m;
    if (a.lower_bound_bytes > *m) {
      return absl::InternalError(absl::StrFormat(
          "instance %d ('%s'): lower bound %d bytes exceeds the exact minimum memory %d bytes",
          inst.instance_index, inst.label, a.lower_bound_bytes, *m));
    }
  }
  return a;
}

// The planning context of the order a sweep plans on.
absl::StatusOr<PlanContext*> ContextFor(proto::OrderHeuristic h, InstanceAnalysis* a) {
  // ORDER_BEST_OF_ALL plans on several orders (Execute); the best order
  // stands for it where one order is needed (min_feasible_budget).
  if (h == proto::ORDER_UNSPECIFIED || h == proto::ORDER_BEST_OF_ALL) h = proto::ORDER_BEST;
  auto it = a->contexts.find(static_cast<int>(h));
  if (it == a->contexts.end()) {
    absl::StatusOr<std::vector<NodeId>> o = ChooseOrder(*a->graph, h);
    if (!o.ok()) return o.status();
    absl::StatusOr<std::unique_ptr<PlanContext>> c =
        PlanContext::Create(*a->graph, *std::move(o));
    if (!c.ok()) return c.status();
    it = a->contexts.emplace(static_cast<int>(h), *std::move(c)).first;
  }
  return it->second.get();
}

struct Executed {
  absl::Status status;  // planning / simulation outcome (the row's error)
  proto::PlannerOptions options;  // what the row reports (resolved if planned)
  JudgedSchedule judged;
};

// The smallest budget any plan of the budget planner's space fits, at the
// options' resolution (planner.proto's defaults for zeros).
absl::StatusOr<int64_t> MinFeasibleBudget(PlanContext& context,
                                          const proto::PlannerOptions& options) {
  const proto::PlannerOptions o = ResolvePlannerOptions(context, options);
  absl::StatusOr<BudgetPlanner> planner =
      BudgetPlanner::Create(context.positions(), o.max_blocks(), o.memory_levels());
  if (!planner.ok()) return planner.status();
  return planner->MinFeasibleBytes();
}

Executed Execute(proto::PlannerOptions options, bool min_feasible_budget, InstanceAnalysis* a,
                 int64_t repetitions) {
  Executed e;
  e.options = options;  // what failed rows report
  absl::StatusOr<PlanContext*> context = ContextFor(options.order(), a);
  if (!context.ok()) {
    e.status = context.status();
    return e;
  }
  if (min_feasible_budget) {
    absl::StatusOr<int64_t> budget = MinFeasibleBudget(**context, options);
    if (!budget.ok()) {
      e.status = budget.status();
      return e;
    }
    options.set_budget_bytes(*budget);
    e.options = options;
  }
  // Repetitions (runtime scaling): the least plan and judge times.
  for (int64_t i = 0; i < repetitions; ++i) {
    absl::StatusOr<JudgedSchedule> j = options.order() == proto::ORDER_BEST_OF_ALL
                                           ? PlanAndJudge(*a->graph, options)
                                           : PlanAndJudge(**context, options);
    if (!j.ok()) {
      e.status = j.status();
      return e;
    }
    if (i > 0) {
      j->plan_seconds = std::min(j->plan_seconds, e.judged.plan_seconds);
      j->judge_seconds = std::min(j->judge_seconds, e.judged.judge_seconds);
    }
    e.judged = *std::move(j);
  }
  e.options = e.judged.schedule.options;
  return e;
}

// Fills the graph-level fields of a record.
proto::RunRecord BaseRecord(const proto::ExperimentSpec& spec, const GraphInstance& inst,
                            const InstanceAnalysis& a) {
  const Graph& graph = *a.graph;
  proto::RunRecord r;
  r.set_instance_index(inst.instance_index);
  r.set_experiment(spec.name());
  r.set_graph_label(inst.label);
  r.set_family(inst.family);
  r.set_seed(inst.seed);
  r.set_size(inst.size);
  r.set_compute_nodes(static_cast<int64_t>(graph.compute_nodes().size()));
  r.set_edges(graph.num_edges());
  r.set_total_activation_bytes(graph.total_compute_bytes());
  r.set_store_all_peak_bytes(a.store_all_peak_bytes);
  r.set_base_cost(graph.base_cost());
  r.set_lower_bound_bytes(a.lower_bound_bytes);
  r.set_best_frontier_bytes(a.best.peak_frontier_bytes);
  r.set_compressible(a.hcp.compressible);
  r.set_sweep(inst.sweep);
  r.set_sweep_value(inst.sweep_value);
  r.set_depth(a.hcp.stats.depth);
  r.set_long_skip_fraction(a.hcp.stats.long_skip_fraction);
  r.set_max_activation_fraction(a.hcp.stats.max_activation_fraction);
  r.set_has_exact(a.has_exact);
  r.set_exact_min_memory_bytes(a.exact_min_memory_bytes);
  if (a.has_exact) {
    for (const LowerBound& b : a.lower_bounds) {
      proto::NamedBound* nb = r.add_lower_bounds();
      nb->set_name(b.name);
      nb->set_bytes(b.bytes);
    }
  }
  return r;
}

absl::Status RunInstance(const proto::ExperimentSpec& spec, ExperimentKind kind,
                         const GraphInstance& inst, const std::vector<RunConfig>& runs,
                         proto::RunResults* results) {
  const int64_t repetitions =
      kind == ExperimentKind::kRuntimeScaling ? std::max<int64_t>(1, spec.timing_repetitions())
                                              : 1;
  absl::StatusOr<InstanceAnalysis> analyzed = Analyze(inst, spec, repetitions);
  if (!analyzed.ok()) return analyzed.status();
  InstanceAnalysis& a = *analyzed;
  const Graph& graph = *a.graph;

  if (kind == ExperimentKind::kFrontierProfiles) {
    const FrontierProfile profile = ComputeFrontier(graph, a.best.order);
    proto::FrontierProfile* p = results->add_profiles();
    p->set_instance_index(inst.instance_index);
    p->set_experiment(spec.name());
    p->set_graph_label(inst.label);
    p->set_family(inst.family);
    p->set_seed(inst.seed);
    p->set_size(inst.size);
    p->set_compute_nodes(static_cast<int64_t>(graph.compute_nodes().size()));
    p->set_total_activation_bytes(graph.total_compute_bytes());
    p->set_order(std::string(OrderHeuristicName(a.best.heuristic)));
    for (int64_t w : profile.width_bytes) p->add_width_bytes(w);
    for (int32_t w : profile.width_nodes) p->add_width_nodes(w);
    p->set_peak_frontier_bytes(profile.peak_bytes);
    p->set_lower_bound_bytes(a.lower_bound_bytes);
    p->set_compressible(a.hcp.compressible);
    p->set_verdict(a.hcp.verdict);
    return absl::OkStatus();
  }

  const int64_t runs_per_instance = static_cast<int64_t>(runs.size());
  const bool timed = kind == ExperimentKind::kRuntimeScaling;
  for (int64_t k = 0; k < runs_per_instance; ++k) {
    const RunConfig& run = runs[k];
    proto::RunRecord r = BaseRecord(spec, inst, a);
    r.set_run_index(inst.instance_index * runs_per_instance + k);
    r.set_planner_label(run.label);
    r.set_knob(run.knob);
    r.set_knob_value(run.knob_value);
    proto::PlannerOptions options = run.options;
    if (run.budget_from_fraction) {
      options.set_budget_bytes(
          BudgetFromFraction(a.lower_bound_bytes, a.store_all_peak_bytes, run.knob_value));
    }
    const Executed e = Execute(options, run.min_feasible_budget, &a, repetitions);
    if (timed) {  // Wall clock: only where asked for (not reproducible).
      r.set_order_seconds(a.order_seconds);
      r.set_lower_bound_seconds(a.lower_bound_seconds);
      r.set_plan_seconds(e.judged.plan_seconds);
      r.set_simulate_seconds(e.judged.judge_seconds);
    }
    if (!e.status.ok()) {
      *r.mutable_options() = e.options;
      r.set_valid(false);
      r.set_error(std::string(e.status.message()));
      results->add_records()->Swap(&r);
      continue;
    }
    // The options the planner ran with (defaults and derived slots filled in).
    *r.mutable_options() = e.options;
    const SimResult& sim = e.judged.sim;
    r.set_valid(true);
    r.set_peak_bytes(sim.peak_bytes);
    r.set_peak_activation_bytes(sim.peak_activation_bytes);
    r.set_peak_gradient_bytes(sim.peak_gradient_bytes);
    r.set_base_cost(sim.base_cost);
    r.set_recompute_cost(sim.recompute_cost);
    r.set_compute_overhead(sim.compute_overhead);
    if (e.judged.schedule.optimality.has_value()) {
      r.set_optimality(e.judged.schedule.optimality->proven_optimal ? "proven" : "unproven");
    }
    if (sim.peak_bytes < a.lower_bound_bytes) {
      return absl::InternalError(absl::StrFormat(
          "run %d: simulated peak %d bytes is below the lower bound %d bytes", r.run_index(),
          sim.peak_bytes, a.lower_bound_bytes));
    }
    if (a.has_exact) {
      // The planned schedule fits sim.peak_bytes with its recompute, an
      // upper bound that prunes both searches below (and one that finds
      // nothing within it at the planned peak is the inconsistency reported
      // below).
      ExhaustiveOptions bounded;
      bounded.recompute_upper_bound = sim.recompute_cost;
      auto it = a.exact_recompute_at.find(sim.peak_bytes);
      if (it == a.exact_recompute_at.end()) {
        absl::StatusOr<ExhaustiveResult> x = ExhaustiveSearch(graph, sim.peak_bytes, bounded);
        if (!x.ok()) {
          return absl::InternalError(absl::StrFormat(
              "run %d: exhaustive search found no schedule within %d bytes, but the planner "
              "did: %s",
              r.run_index(), sim.peak_bytes, x.status().message()));
        }
        it = a.exact_recompute_at.emplace(sim.peak_bytes, x->recompute_cost).first;
      }
      if (it->second > sim.recompute_cost || sim.peak_bytes < a.exact_min_memory_bytes) {
        return absl::InternalError(absl::StrFormat(
            "run %d: exhaustive optimum (recompute %d, min memory %d) is worse than the planned "
            "schedule (recompute %d, peak %d)",
            r.run_index(), it->second, a.exact_min_memory_bytes, sim.recompute_cost,
            sim.peak_bytes));
      }
      r.set_exact_recompute_cost(it->second);
      // Memory at matched recomputation: the least budget whose optimum
      // recomputes at most as much (the optimum is non-increasing in the
      // budget; the run's own peak qualifies).
      auto mt = a.exact_memory_at.find(sim.recompute_cost);
      if (mt == a.exact_memory_at.end()) {
        int64_t lo = a.exact_min_memory_bytes, hi = sim.peak_bytes;
        while (lo < hi) {
          const int64_t mid = lo + (hi - lo) / 2;
          absl::StatusOr<ExhaustiveResult> x = ExhaustiveSearch(graph, mid, bounded);
          if (!x.ok() && !absl::IsOutOfRange(x.status())) {
            return absl::InternalError(
                absl::StrFormat("run %d: exhaustive search at %d bytes: %s", r.run_index(), mid,
                                x.status().message()));
          }
          if (x.ok()) hi = mid; else lo = mid + 1;
        }
        mt = a.exact_memory_at.emplace(sim.recompute_cost, lo).first;
      }
      r.set_exact_memory_at_recompute(mt->second);
    }
    results->add_records()->Swap(&r);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Serialized(const google::protobuf::Message& m) {
  return SerializeProto(m, FileFormat::kBinary);
}

}  // namespace

int64_t BudgetFromFraction(int64_t lower_bound_bytes, int64_t store_all_peak_bytes,
                           double fraction) {
  const int64_t span = std::max<int64_t>(0, store_all_peak_bytes - lower_bound_bytes);
  return lower_bound_bytes +
         static_cast<int64_t>(std::floor(fraction * static_cast<double>(span)));
}

absl::string_view ExperimentKindName(ExperimentKind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

absl::StatusOr<ExperimentKind> ParseExperimentKind(absl::string_view name) {
  std::vector<std::string> names;
  for (const KindName& k : kKindNames) {
    if (name == k.name) return k.kind;
    names.push_back(k.name);
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "experiment binary '%s' is unknown; expected one of: %s", name, absl::StrJoin(names, ", ")));
}

CsvLayout LayoutFor(ExperimentKind kind) {
  switch (kind) {
    case ExperimentKind::kRuntimeScaling:
      return CsvLayout::kRuntime;
    case ExperimentKind::kFrontierProfiles:
      return CsvLayout::kFrontier;
    default:
      return CsvLayout::kRuns;
  }
}

absl::Status ValidateExperimentSpec(const proto::ExperimentSpec& spec, ExperimentKind kind) {
  if (!IsIdentifier(spec.name())) {
    return Invalid("name", absl::StrFormat(" = '%s': must be non-empty and use only letters, "
                                           "digits and '_'",
                                           spec.name()));
  }
  if (spec.graphs().empty()) return Invalid("graphs", ": at least one graph source is needed");
  if (spec.exact_max_nodes() < 0 || spec.exact_max_nodes() > kExhaustiveMaxNodes) {
    return Invalid("exact_max_nodes",
                   absl::StrFormat(" = %d: must be in [0, %d] (exhaustive search is "
                                   "exponential)",
                                   spec.exact_max_nodes(), kExhaustiveMaxNodes));
  }
  if (spec.timing_repetitions() < 0) {
    return Invalid("timing_repetitions",
                   absl::StrFormat(" = %d: must be >= 0", spec.timing_repetitions()));
  }
  std::set<std::string> labels;
  for (int i = 0; i < spec.graphs_size(); ++i) {
    if (absl::Status s = ValidateGraphSource(spec.graphs(i), i); !s.ok()) return s;
    if (!labels.insert(spec.graphs(i).label()).second) {
      return Invalid(absl::StrCat("graphs[", i, "].label"),
                     absl::StrFormat(" = '%s' repeats an earlier label", spec.graphs(i).label()));
    }
  }
  // sizes x seeds per source, each factor at most kMaxExpandedInstances
  // (num_seeds checked above; the lists are bounded by the file), so the
  // products cannot overflow before the sum is compared.
  int64_t instances = 0;
  for (const proto::GraphSource& src : spec.graphs()) {
    if (!src.graph_file().empty()) {
      ++instances;
      continue;
    }
    const int64_t seeds = src.num_seeds() > 0 ? src.num_seeds()
                          : src.seeds().empty() ? 1
                                                : src.seeds_size();
    instances += std::max<int64_t>(src.sizes_size(), 1) * seeds;
    if (instances > kMaxExpandedInstances) {
      return Invalid("graphs", absl::StrFormat(": the spec expands to more than %d graph "
                                               "instances (sizes x seeds, summed over graphs); "
                                               "split it into several specs",
                                               kMaxExpandedInstances));
    }
  }
  const std::string kind_name(ExperimentKindName(kind));
  if (kind == ExperimentKind::kFrontierProfiles) {
    if (!spec.planners().empty()) {
      return Invalid("planners", absl::StrFormat(": %d given, but %s takes none",
                                                 spec.planners_size(), kind_name));
    }
    return absl::OkStatus();
  }
  if (spec.planners().empty()) {
    return Invalid("planners", absl::StrFormat(": %s needs at least one planner", kind_name));
  }
  if (kind == ExperimentKind::kRuntimeScaling && spec.exact_max_nodes() != 0) {
    return Invalid("exact_max_nodes",
                   absl::StrFormat(" = %d: planner_runtime_scaling computes no exact "
                                   "references (set 0)",
                                   spec.exact_max_nodes()));
  }
  std::set<std::string> planner_labels;
  for (int i = 0; i < spec.planners_size(); ++i) {
    if (absl::Status s = ValidatePlannerSweep(spec.planners(i), i); !s.ok()) return s;
    const std::string label = SweepLabel(spec.planners(i));
    if (!planner_labels.insert(label).second) {
      return Invalid(absl::StrCat("planners[", i, "]"),
                     absl::StrFormat(": label '%s' repeats an earlier sweep; set "
                                     "PlannerSweep.label",
                                     label));
    }
  }
  return absl::OkStatus();
}

std::vector<GraphInstance> ExpandInstances(const proto::ExperimentSpec& spec) {
  std::vector<GraphInstance> out;
  for (int i = 0; i < spec.graphs_size(); ++i) {
    const proto::GraphSource& src = spec.graphs(i);
    if (!src.graph_file().empty()) {
      GraphInstance inst;
      inst.instance_index = static_cast<int64_t>(out.size());
      inst.source_index = i;
      inst.label = src.label();
      inst.family = "file";
      inst.graph_file = src.graph_file();
      inst.onnx_batch = src.onnx_batch();
      inst.sweep = src.sweep();
      inst.sweep_value = src.sweep_value();
      out.push_back(std::move(inst));
      continue;
    }
    for (int64_t size : SizesOf(src)) {
      for (uint64_t seed : SeedsOf(src)) {
        GraphInstance inst;
        inst.instance_index = static_cast<int64_t>(out.size());
        inst.source_index = i;
        inst.label = src.label();
        inst.family = FamilyName(src.generator().family());
        inst.seed = seed;
        inst.size = size;
        inst.generator = src.generator();
        inst.generator.set_seed(seed);
        ApplySize(size, &inst.generator);
        inst.sweep = src.sweep();
        inst.sweep_value = src.sweep_value();
        out.push_back(std::move(inst));
      }
    }
  }
  return out;
}

std::vector<RunConfig> ExpandRuns(const proto::ExperimentSpec& spec) {
  std::vector<RunConfig> out;
  for (int i = 0; i < spec.planners_size(); ++i) {
    const proto::PlannerSweep& s = spec.planners(i);
    RunConfig base;
    base.sweep_index = i;
    base.label = SweepLabel(s);
    base.options = s.options();
    base.min_feasible_budget = s.min_feasible_budget();
    bool any = false;
    for (const KnobList& k : KnobListsOf(s)) {
      for (double v : k.values) {
        RunConfig r = base;
        r.knob = k.name;
        r.knob_value = v;
        r.budget_from_fraction = r.knob == "budget_fraction";
        ApplyKnob(r.knob, v, &r.options);
        out.push_back(std::move(r));
        any = true;
      }
    }
    if (!any) out.push_back(base);
  }
  return out;
}

absl::Status ValidateShardOptions(const ShardOptions& shard) {
  if (shard.num_shards < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--num_shards = %d: must be >= 1", shard.num_shards));
  }
  if (shard.shard_index < 0 || shard.shard_index >= shard.num_shards) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--shard_index = %d: must be in [0, %d) (--num_shards = %d)", shard.shard_index,
        shard.num_shards, shard.num_shards));
  }
  return absl::OkStatus();
}

absl::StatusOr<proto::RunResults> RunExperiment(const proto::ExperimentSpec& spec,
                                                ExperimentKind kind,
                                                const ShardOptions& shard,
                                                std::FILE* progress) {
  if (absl::Status s = ValidateExperimentSpec(spec, kind); !s.ok()) return s;
  if (absl::Status s = ValidateShardOptions(shard); !s.ok()) return s;
  proto::RunResults results;
  *results.mutable_spec() = spec;
  results.set_binary(std::string(ExperimentKindName(kind)));
  const std::vector<GraphInstance> instances = ExpandInstances(spec);
  const std::vector<RunConfig> runs = ExpandRuns(spec);
  int64_t mine = 0;
  for (const GraphInstance& inst : instances) {
    if (inst.instance_index % shard.num_shards == shard.shard_index) ++mine;
  }
  int64_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const GraphInstance& inst : instances) {
    if (inst.instance_index % shard.num_shards != shard.shard_index) continue;
    const auto t0 = std::chrono::steady_clock::now();
    if (absl::Status s = RunInstance(spec, kind, inst, runs, &results); !s.ok()) return s;
    ++done;
    if (progress != nullptr) {
      const std::string what = kind == ExperimentKind::kFrontierProfiles
                                   ? std::string("frontier profile")
                                   : absl::StrCat(runs.size(), " runs");
      std::fprintf(progress,
                   "[%s '%s' shard %lld/%lld] graph %lld/%lld: %s seed=%llu size=%lld (%s) "
                   "%.2f s, total %.1f s\n",
                   std::string(ExperimentKindName(kind)).c_str(), spec.name().c_str(),
                   static_cast<long long>(shard.shard_index + 1),
                   static_cast<long long>(shard.num_shards), static_cast<long long>(done),
                   static_cast<long long>(mine), inst.label.c_str(),
                   static_cast<unsigned long long>(inst.seed), static_cast<long long>(inst.size),
                   what.c_str(), Seconds(t0), Seconds(start));
      std::fflush(progress);
    }
  }
  return results;
}

absl::StatusOr<proto::RunResults> MergeResults(const std::vector<proto::RunResults>& shards) {
  if (shards.empty()) return absl::InvalidArgumentError("merge: no shard results given");
  const proto::RunResults& first = shards.front();
  absl::StatusOr<std::string> spec_bytes = Serialized(first.spec());
  if (!spec_bytes.ok()) return spec_bytes.status();
  absl::StatusOr<ExperimentKind> kind = ParseExperimentKind(first.binary());
  if (!kind.ok()) return kind.status();
  if (absl::Status s = ValidateExperimentSpec(first.spec(), *kind); !s.ok()) return s;
  proto::RunResults merged;
  *merged.mutable_spec() = first.spec();
  merged.set_binary(first.binary());
  for (size_t i = 0; i < shards.size(); ++i) {
    absl::StatusOr<std::string> other = Serialized(shards[i].spec());
    if (!other.ok()) return other.status();
    if (*other != *spec_bytes || shards[i].binary() != first.binary()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "merge: shard %d comes from another spec or binary than shard 0 ('%s', %s)", i,
          first.spec().name(), first.binary()));
    }
    for (const proto::RunRecord& r : shards[i].records()) *merged.add_records() = r;
    for (const proto::FrontierProfile& p : shards[i].profiles()) *merged.add_profiles() = p;
  }
  auto* records = merged.mutable_records();
  std::sort(records->begin(), records->end(),
            [](const proto::RunRecord& a, const proto::RunRecord& b) {
              return a.run_index() < b.run_index();
            });
  auto* profiles = merged.mutable_profiles();
  std::sort(profiles->begin(), profiles->end(),
            [](const proto::FrontierProfile& a, const proto::FrontierProfile& b) {
              return a.instance_index() < b.instance_index();
            });
  const int64_t instances = static_cast<int64_t>(ExpandInstances(first.spec()).size());
  const bool profile_layout = LayoutFor(*kind) == CsvLayout::kFrontier;
  const int64_t expected =
      profile_layout ? instances
                     : instances * static_cast<int64_t>(ExpandRuns(first.spec()).size());
  const int64_t got = profile_layout ? merged.profiles_size() : merged.records_size();
  for (int64_t i = 0; i < got; ++i) {
    const int64_t index = profile_layout ? merged.profiles(i).instance_index()
                                         : merged.records(i).run_index();
    if (index != i) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "merge: %s %d is %s (expected %d entries for spec '%s')",
          profile_layout ? "instance" : "run", std::min(index, i),
          index > i ? "missing: give every shard" : "present twice", expected,
          first.spec().name()));
    }
  }
  if (got != expected) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "merge: %d of %d %s present for spec '%s': give every shard", got, expected,
        profile_layout ? "instances" : "runs", first.spec().name()));
  }
  return merged;
}

absl::Status ValidateOutputPaths(const OutputPaths& out) {
  if (out.results.empty() && out.csv.empty()) {
    return absl::InvalidArgumentError("--out and --csv are both empty: give at least one");
  }
  if (!out.results.empty()) {
    if (absl::StatusOr<FileFormat> f = FormatForPath(out.results); !f.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--out: ", f.status().message()));
    }
  }
  if (!out.csv.empty() && !absl::EndsWith(out.csv, ".csv")) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--csv = '%s': must end in .csv", out.csv));
  }
  return absl::OkStatus();
}

absl::Status WriteResults(const proto::RunResults& results, const OutputPaths& out) {
  if (absl::Status s = ValidateOutputPaths(out); !s.ok()) return s;
  absl::StatusOr<ExperimentKind> kind = ParseExperimentKind(results.binary());
  if (!kind.ok()) return kind.status();
  // Serialise everything first, so a failure leaves no output at all.
  std::string proto_bytes;
  if (!out.results.empty()) {
    absl::StatusOr<FileFormat> f = FormatForPath(out.results);
    if (!f.ok()) return f.status();
    absl::StatusOr<std::string> b = SerializeProto(results, *f);
    if (!b.ok()) return b.status();
    proto_bytes = *std::move(b);
  }
  const std::string csv = out.csv.empty() ? "" : ResultsCsv(results, LayoutFor(*kind));
  if (!out.results.empty()) {
    if (absl::Status s = WriteFileAtomically(out.results, proto_bytes); !s.ok()) return s;
  }
  if (!out.csv.empty()) {
    if (absl::Status s = WriteFileAtomically(out.csv, csv); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status RunExperimentFiles(const std::string& spec_path, ExperimentKind kind,
                                const ShardOptions& shard, const OutputPaths& out) {
  if (spec_path.empty()) return absl::InvalidArgumentError("--spec is missing");
  if (absl::Status s = ValidateOutputPaths(out); !s.ok()) return s;
  proto::ExperimentSpec spec;
  if (absl::Status s = ReadProtoFile(spec_path, &spec); !s.ok()) return s;
  absl::StatusOr<proto::RunResults> results = RunExperiment(spec, kind, shard, stderr);
  if (!results.ok()) {
    return absl::Status(results.status().code(),
                        absl::StrCat(spec_path, ": ", results.status().message()));
  }
  return WriteResults(*results, out);
}

absl::Status MergeResultFiles(const std::vector<std::string>& shard_paths,
                              const OutputPaths& out) {
  if (absl::Status s = ValidateOutputPaths(out); !s.ok()) return s;
  std::vector<proto::RunResults> shards(shard_paths.size());
  for (size_t i = 0; i < shard_paths.size(); ++i) {
    if (absl::Status s = ReadProtoFile(shard_paths[i], &shards[i]); !s.ok()) return s;
  }
  absl::StatusOr<proto::RunResults> merged = MergeResults(shards);
  if (!merged.ok()) return merged.status();
  return WriteResults(*merged, out);
}

}  // namespace tbp::experiments

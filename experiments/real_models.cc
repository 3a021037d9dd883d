#include "experiments/real_models.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/graph.h"
#include "core/onnx/onnx_import.h"
#include "core/schedule/budget_planner.h"
#include "core/schedule/planner.h"
#include "core/schedule/planner_def.h"
#include "core/schedule/planners/budget.h"
#include "core/schedule/registry.h"
#include "core/sim/simulator.h"
#include "experiments/csv.h"
#include "experiments/runner.h"
#include "proto/experiment.pb.h"

namespace tbp::experiments {
namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

absl::Status Invalid(const std::string& field, const std::string& rest) {
  return absl::InvalidArgumentError(absl::StrCat("RealModelsSpec.", field, rest));
}

// Planners limited to small graphs (the exact ones) are not for real
// models. `at` is the field path of the options' owner.
absl::Status RefuseSmallGraphPlanner(const proto::PlannerOptions& options,
                                     const std::string& at) {
  const PlannerDef* p = FindPlanner(options.planner());
  if (p != nullptr && p->max_compute_nodes > 0) {
    return Invalid(at + ".options.planner",
                   absl::StrFormat(" = '%s': planner '%s' is for graphs of at most %d COMPUTE "
                                   "nodes, not real models",
                                   p->name, p->name, p->max_compute_nodes));
  }
  return absl::OkStatus();
}

// The spec's planner sweeps as an ExperimentSpec, so that runner.h
// validates and expands them exactly as for every other experiment. Its
// graph sources are placeholders (never read: the models are ONNX files,
// imported here).
proto::ExperimentSpec AsExperimentSpec(const proto::RealModelsSpec& spec) {
  proto::ExperimentSpec e;
  e.set_name(spec.name());
  for (const proto::RealModel& m : spec.models()) {
    proto::GraphSource* g = e.add_graphs();
    g->set_label(m.label());
    g->set_graph_file(absl::StrCat(m.label(), ".pb"));
  }
  *e.mutable_planners() = spec.planners();
  return e;
}

// A model imported at one batch, with the planning context of its best
// order (which keeps the budget DP of the dense curve).
struct ModelAtBatch {
  std::unique_ptr<Graph> graph;
  std::unique_ptr<PlanContext> context;
};

absl::StatusOr<std::unique_ptr<ModelAtBatch>> LoadModel(const proto::RealModel& model,
                                                       int64_t batch,
                                                       OnnxImportStats* stats = nullptr) {
  OnnxImportOptions options;
  options.batch = batch;
  options.graph_name = absl::StrCat(model.label(), " batch ", batch);
  absl::StatusOr<proto::Graph> p = ImportOnnxFile(model.onnx_file(), options, stats);
  if (!p.ok()) return p.status();
  absl::StatusOr<Graph> g = Graph::FromProto(*p);
  if (!g.ok()) return g.status();
  auto m = std::make_unique<ModelAtBatch>();
  m->graph = std::make_unique<Graph>(std::move(*g));
  absl::StatusOr<std::unique_ptr<PlanContext>> c =
      PlanContext::Create(*m->graph, BestOrder(*m->graph).order);
  if (!c.ok()) return c.status();
  m->context = *std::move(c);
  return m;
}

struct Point {
  std::string label;
  std::string planner;
  std::string knob;
  double knob_value = 0;
  int64_t budget_bytes = 0;
  bool ok = false;
  int64_t peak_bytes = 0;
  double overhead = 0;
  std::string status = "ok";
};

bool IsCandidate(const proto::RealModelsSpec& spec, const Point& p) {
  for (const std::string& c : spec.candidate_planners()) {
    if (p.planner == c) return true;
  }
  return false;
}

// Largest b in [1, cap] with fits(b), searching from `estimate` (see the
// header). Returns {batch (0 if none fits), capped}.
template <typename Fits>
absl::StatusOr<std::pair<int64_t, bool>> LargestFittingBatch(int64_t estimate, int64_t cap,
                                                             Fits fits) {
  int64_t lo = 0, hi = cap + 1;  // fits(lo) (or lo = 0), !fits(hi) (or hi = cap + 1)
  const int64_t start = std::clamp<int64_t>(estimate, 1, cap);
  absl::StatusOr<bool> f = fits(start);
  if (!f.ok()) return f.status();
  if (*f) {
    lo = start;
    for (int64_t step = 1; lo < cap;) {
      const int64_t next = std::min(cap, lo + step);
      absl::StatusOr<bool> g = fits(next);
      if (!g.ok()) return g.status();
      if (!*g) {
        hi = next;
        break;
      }
      lo = next;
      step *= 2;
    }
  } else {
    hi = start;
    for (int64_t step = 1; hi > 1;) {
      const int64_t next = std::max<int64_t>(1, hi - step);
      absl::StatusOr<bool> g = fits(next);
      if (!g.ok()) return g.status();
      if (*g) {
        lo = next;
        break;
      }
      hi = next;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    absl::StatusOr<bool> g = fits(mid);
    if (!g.ok()) return g.status();
    (*g ? lo : hi) = mid;
  }
  return std::make_pair(lo, lo == cap && hi == cap + 1);
}

constexpr char kPointsHeader[] =
    "model,batch,planner_label,planner,knob,knob_value,budget_bytes,status,peak_bytes,"
    "peak_over_store_all,compute_overhead\n";
constexpr char kSummaryHeader[] =
    "model,batch,anchor,onnx_nodes,compute_nodes,input_nodes,forward_flops,"
    "store_all_peak_bytes,lower_bound_bytes,lower_bound_over_store_all,best_label,best_peak_bytes,best_overhead,"
    "best_over_store_all,reference_peak_bytes,reference_overhead,candidate_label,"
    "candidate_peak_bytes,candidate_overhead,reference_over_candidate,memory_goal,"
    "reference_goal,goal,memory_goal_infeasible,max_compute_overhead\n";
constexpr char kMaxBatchHeader[] =
    "model,anchor_batch,planner_label,memory_limit_bytes,max_batch,capped,peak_bytes,"
    "compute_overhead,batches_tried,parameter_bytes\n";

// The imports of one model, by batch (the anchor kept throughout).
class ModelRuns {
 public:
  explicit ModelRuns(const proto::RealModel& model) : model_(model) {}

  absl::StatusOr<ModelAtBatch*> At(int64_t batch) {
    auto it = at_batch_.find(batch);
    if (it != at_batch_.end()) return it->second.get();
    absl::StatusOr<std::unique_ptr<ModelAtBatch>> m =
        LoadModel(model_, batch, at_batch_.empty() ? &stats_ : nullptr);
    if (!m.ok()) {
      return absl::Status(m.status().code(), absl::StrCat("model ", model_.label(), " batch ",
                                                          batch, ": ", m.status().message()));
    }
    ModelAtBatch* raw = m->get();
    at_batch_[batch] = std::move(*m);
    return raw;
  }
  const proto::RealModel& model() const { return model_; }
  // Of the anchor batch, the first one loaded.
  const OnnxImportStats& stats() const { return stats_; }
  void DropAllButAnchor() {
    for (auto it = at_batch_.begin(); it != at_batch_.end();) {
      it = it->first == model_.batch() ? std::next(it) : at_batch_.erase(it);
    }
  }

 private:
  const proto::RealModel& model_;
  std::map<int64_t, std::unique_ptr<ModelAtBatch>> at_batch_;
  OnnxImportStats stats_;
};

Point Judge(Point p, PlanContext& context, const proto::PlannerOptions& options) {
  absl::StatusOr<JudgedSchedule> j = PlanAndJudge(context, options);
  if (j.ok()) {
    p.ok = true;
    p.peak_bytes = j->sim.peak_bytes;
    p.overhead = j->sim.compute_overhead;
  } else {
    p.status = CsvField(j.status().message());
  }
  return p;
}

// Every run of the spec's sweeps at the anchor batch, then the budget DP's
// dense curve (every breakpoint budget up to store-all's peak).
absl::StatusOr<std::vector<Point>> AnchorPoints(const proto::RealModelsSpec& spec,
                                                PlanContext& context, int64_t store_all) {
  std::vector<Point> points;
  for (const RunConfig& run : ExpandRuns(AsExperimentSpec(spec))) {
    proto::PlannerOptions options = run.options;
    if (run.budget_from_fraction) {
      options.set_budget_bytes(
          BudgetFromFraction(context.best_lower_bound(), store_all, run.knob_value));
    }
    if (run.min_feasible_budget) {
      absl::StatusOr<const BudgetPlanner*> dp = SharedBudgetDp(context, options.max_blocks());
      if (!dp.ok()) return dp.status();
      options.set_budget_bytes((*dp)->MinFeasibleBytes());
    }
    points.push_back(Judge(Point{run.label, options.planner(), run.knob,
                                 run.knob.empty() ? 0.0 : run.knob_value, options.budget_bytes()},
                           context, options));
  }
  absl::StatusOr<const BudgetPlanner*> dp = SharedBudgetDp(context, spec.curve_max_blocks());
  if (!dp.ok()) return dp.status();
  for (int64_t budget : (*dp)->BreakpointBudgets()) {
    if (budget > store_all) break;
    proto::PlannerOptions options;
    options.set_planner("budget");
    options.set_budget_bytes(budget);
    options.set_max_blocks(spec.curve_max_blocks());
    points.push_back(Judge(Point{"budget_curve", "budget", "budget_bytes",
                                 static_cast<double>(budget), budget},
                           context, options));
  }
  return points;
}

// The goal of one model (the header's definition), as a summary row.
void AppendGoal(const proto::RealModelsSpec& spec, const proto::RealModel& model,
                const OnnxImportStats& stats, const Graph& graph, int64_t store_all,
                int64_t lower_bound, const std::vector<Point>& points, std::FILE* progress,
                std::string* summary_csv) {
  const double cap = spec.max_compute_overhead();
  // The goal. Ties: the first row in output order wins.
  const Point* best = nullptr;
  const Point* reference = nullptr;
  for (const Point& p : points) {
    if (!p.ok) continue;
    if (p.overhead <= cap && (best == nullptr || p.peak_bytes < best->peak_bytes)) best = &p;
    if (p.label == spec.reference_label() && reference == nullptr) reference = &p;
  }
  const Point* candidate = nullptr;
  if (reference != nullptr) {
    for (const Point& p : points) {
      if (p.ok && IsCandidate(spec, p) && p.overhead <= reference->overhead &&
          (candidate == nullptr || p.peak_bytes < candidate->peak_bytes)) {
        candidate = &p;
      }
    }
  }
  const double best_fraction =
      best == nullptr ? NAN : static_cast<double>(best->peak_bytes) / store_all;
  const double ref_ratio = (reference == nullptr || candidate == nullptr)
                               ? NAN
                               : static_cast<double>(reference->peak_bytes) /
                                     static_cast<double>(candidate->peak_bytes);
  const bool memory_goal = best != nullptr && best_fraction <= spec.goal_memory_fraction();
  const bool reference_goal = candidate != nullptr && ref_ratio >= spec.goal_reference_ratio();
  // No valid schedule meets the memory goal: the true lower bound exceeds it.
  const bool memory_infeasible = static_cast<double>(lower_bound) >
                                 spec.goal_memory_fraction() * static_cast<double>(store_all);
  absl::StrAppendFormat(
      summary_csv, "%s,%d,%s,%d,%d,%d,%d,%d,%d,%.6f,%s,%d,%.6f,%.6f,%d,%.6f,%s,%d,%.6f,%.6f,%d,%d,%d,%d,%.6g\n",
      model.label(), model.batch(), CsvField(model.anchor()), stats.onnx_nodes,
      stats.compute_nodes, stats.input_nodes, graph.total_forward_cost(), store_all,
      lower_bound, static_cast<double>(lower_bound) / static_cast<double>(store_all), best ? best->label : "", best ? best->peak_bytes : 0,
      best ? best->overhead : 0.0, best_fraction, reference ? reference->peak_bytes : 0,
      reference ? reference->overhead : 0.0, candidate ? candidate->label : "",
      candidate ? candidate->peak_bytes : 0, candidate ? candidate->overhead : 0.0, ref_ratio,
      memory_goal ? 1 : 0, reference_goal ? 1 : 0, memory_goal && reference_goal ? 1 : 0,
      memory_infeasible ? 1 : 0, cap);
  if (progress) {
    std::fprintf(progress,
                 "real_models: %s batch %lld: %d COMPUTE nodes, store-all %lld bytes, best "
                 "within the cap %.3f of it (%s), reference/candidate %.2f\n",
                 model.label().c_str(), static_cast<long long>(model.batch()),
                 static_cast<int>(graph.compute_nodes().size()),
                 static_cast<long long>(store_all), best_fraction,
                 best ? best->label.c_str() : "-", ref_ratio);
  }
}

// The largest batch per memory limit for one MaxBatchPlanner (the
// header's search), as rows of the max-batch CSV.
absl::Status AppendMaxBatch(const proto::RealModelsSpec& spec, const proto::MaxBatchPlanner& mbp,
                            const std::vector<Point>& points, int64_t store_all,
                            std::FILE* progress, ModelRuns* m, std::string* max_batch_csv) {
  const proto::RealModel& model = m->model();
  const double cap = spec.max_compute_overhead();
  // The linear estimate: the least anchor peak of this planner (within the
  // cap if asked), scaled.
  int64_t anchor_peak = store_all;
  for (const Point& p : points) {
    if (p.ok && p.planner == mbp.options().planner() &&
        (!mbp.within_compute_cap() || p.overhead <= cap)) {
      anchor_peak = std::min(anchor_peak, p.peak_bytes);
    }
  }
  // Resident beside every schedule (batch-independent; at most 16 copies
  // of a model's parameters, which fit int64).
  const int64_t parameter_bytes = spec.parameter_copies() * m->stats().parameter_bytes;
  for (int64_t limit : spec.memory_limits_bytes()) {
    int64_t tried = 0;
    std::map<int64_t, std::pair<int64_t, double>> fitted;  // batch -> peak, overhead
    auto fits = [&](int64_t batch) -> absl::StatusOr<bool> {
      ++tried;
      absl::StatusOr<ModelAtBatch*> at = m->At(batch);
      if (!at.ok()) return at.status();  // an import error is never "does not fit"
      proto::PlannerOptions o = mbp.options();
      // Planned within what the parameters leave, or judged against it.
      o.set_budget_bytes(limit - parameter_bytes);
      absl::StatusOr<JudgedSchedule> j = PlanAndJudge(*(*at)->context, o);
      if (!j.ok()) return false;
      if (mbp.within_compute_cap() && j->sim.compute_overhead > cap) return false;
      fitted[batch] = {j->sim.peak_bytes, j->sim.compute_overhead};
      return true;
    };
    const double scaled = static_cast<double>(limit) * static_cast<double>(model.batch()) /
                          static_cast<double>(std::max<int64_t>(1, anchor_peak));
    const int64_t estimate =
        static_cast<int64_t>(std::min<double>(scaled, static_cast<double>(spec.max_batch())));
    std::pair<int64_t, bool> found_batch = {0, false};
    if (limit > parameter_bytes) {
      absl::StatusOr<std::pair<int64_t, bool>> found =
          LargestFittingBatch(estimate, spec.max_batch(), fits);
      if (!found.ok()) return found.status();
      found_batch = *found;
    }
    const auto [batch, capped] = found_batch;
    const auto f = fitted.find(batch);
    absl::StrAppendFormat(max_batch_csv, "%s,%d,%s,%d,%d,%d,%d,%.6f,%d,%d\n", model.label(),
                          model.batch(), mbp.label(), limit, batch, capped ? 1 : 0,
                          f == fitted.end() ? 0 : f->second.first,
                          f == fitted.end() ? 0.0 : f->second.second, tried, parameter_bytes);
    if (progress) {
      std::fprintf(progress, "real_models: %s %s within %lld bytes: batch %lld%s (%lld tried)\n",
                   model.label().c_str(), mbp.label().c_str(), static_cast<long long>(limit),
                   static_cast<long long>(batch), capped ? " (capped)" : "",
                   static_cast<long long>(tried));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRealModelsSpec(const proto::RealModelsSpec& spec) {
  if (!IsIdentifier(spec.name())) {
    return Invalid("name", absl::StrFormat(" = '%s': must be non-empty, letters, digits, '_'",
                                           spec.name()));
  }
  if (spec.models().empty()) return Invalid("models", ": at least one model is needed");
  std::set<std::string> labels;
  for (int i = 0; i < spec.models_size(); ++i) {
    const proto::RealModel& m = spec.models(i);
    const std::string at = absl::StrCat("models[", i, "]");
    if (!IsIdentifier(m.label())) {
      return Invalid(at + ".label", absl::StrFormat(" = '%s': must be non-empty, letters, "
                                                    "digits, '_'", m.label()));
    }
    if (!labels.insert(m.label()).second) {
      return Invalid(at + ".label", absl::StrFormat(" = '%s' repeats a label", m.label()));
    }
    if (m.onnx_file().empty()) return Invalid(at + ".onnx_file", " is missing");
    if (m.batch() < 1) return Invalid(at + ".batch", absl::StrFormat(" = %d: must be >= 1",
                                                                     m.batch()));
  }
  if (spec.planners().empty()) return Invalid("planners", ": at least one planner is needed");
  for (int i = 0; i < spec.planners_size(); ++i) {
    if (absl::Status s = RefuseSmallGraphPlanner(spec.planners(i).options(),
                                                 absl::StrCat("planners[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = ValidateExperimentSpec(AsExperimentSpec(spec),
                                              ExperimentKind::kCompareCheckpointing);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrReplaceAll(s.message(), {{"ExperimentSpec.", "RealModelsSpec."}}));
  }
  if (spec.curve_max_blocks() < 0) {
    return Invalid("curve_max_blocks", absl::StrFormat(" = %d: must be >= 0 (0 = 128)",
                                                       spec.curve_max_blocks()));
  }
  if (!(spec.max_compute_overhead() > 0 && spec.max_compute_overhead() <= 10)) {
    return Invalid("max_compute_overhead",
                   absl::StrFormat(" = %g: must be in (0, 10]", spec.max_compute_overhead()));
  }
  if (!(spec.goal_memory_fraction() > 0 && spec.goal_memory_fraction() <= 1)) {
    return Invalid("goal_memory_fraction",
                   absl::StrFormat(" = %g: must be in (0, 1]", spec.goal_memory_fraction()));
  }
  if (!(spec.goal_reference_ratio() >= 1 && std::isfinite(spec.goal_reference_ratio()))) {
    return Invalid("goal_reference_ratio",
                   absl::StrFormat(" = %g: must be >= 1", spec.goal_reference_ratio()));
  }
  bool reference_found = false;
  for (const proto::PlannerSweep& s : spec.planners()) {
    const std::string label = s.label().empty() ? s.options().planner() : s.label();
    const bool has_knob = s.segment_lengths_size() + s.slots_size() + s.block_sizes_size() +
                              s.arities_size() + s.budget_fractions_size() >
                          0;
    if (label == spec.reference_label() && !has_knob) reference_found = true;
  }
  if (!reference_found) {
    return Invalid("reference_label",
                   absl::StrFormat(" = '%s': must be the label of a planner sweep without "
                                   "knob values", spec.reference_label()));
  }
  if (spec.candidate_planners().empty()) {
    return Invalid("candidate_planners", ": at least one planner name is needed");
  }
  for (int i = 0; i < spec.memory_limits_bytes_size(); ++i) {
    if (spec.memory_limits_bytes(i) < 1) {
      return Invalid(absl::StrCat("memory_limits_bytes[", i, "]"),
                     absl::StrFormat(" = %d: must be >= 1", spec.memory_limits_bytes(i)));
    }
  }
  std::set<std::string> mb_labels;
  for (int i = 0; i < spec.max_batch_planners_size(); ++i) {
    const proto::MaxBatchPlanner& p = spec.max_batch_planners(i);
    const std::string at = absl::StrCat("max_batch_planners[", i, "]");
    if (!IsIdentifier(p.label()) || !mb_labels.insert(p.label()).second) {
      return Invalid(at + ".label", absl::StrFormat(" = '%s': must be a unique identifier",
                                                    p.label()));
    }
    if (absl::Status s = RefuseSmallGraphPlanner(p.options(), at); !s.ok()) return s;
    proto::PlannerOptions probe = p.options();
    probe.set_budget_bytes(1);  // Each plans within the memory limit.
    if (absl::Status s = ValidatePlannerOptions(probe); !s.ok()) {
      return Invalid(at + ".options", absl::StrCat(": ", s.message()));
    }
  }
  if (spec.max_batch() < 1) {
    return Invalid("max_batch", absl::StrFormat(" = %d: must be >= 1", spec.max_batch()));
  }
  if (spec.parameter_copies() < 0 || spec.parameter_copies() > 16) {
    return Invalid("parameter_copies",
                   absl::StrFormat(" = %d: must be in [0, 16]", spec.parameter_copies()));
  }
  return absl::OkStatus();
}

absl::StatusOr<RealModelsOutput> RunRealModels(const proto::RealModelsSpec& spec,
                                               std::FILE* progress) {
  if (absl::Status s = ValidateRealModelsSpec(spec); !s.ok()) return s;
  RealModelsOutput out;
  out.points_csv = kPointsHeader;
  out.summary_csv = kSummaryHeader;
  out.max_batch_csv = kMaxBatchHeader;
  for (const proto::RealModel& model : spec.models()) {
    ModelRuns m(model);
    absl::StatusOr<ModelAtBatch*> anchor = m.At(model.batch());
    if (!anchor.ok()) return anchor.status();
    PlanContext& context = *(*anchor)->context;
    absl::StatusOr<SimResult> sa = SimulateStoreAll(context);
    if (!sa.ok()) return sa.status();
    const int64_t store_all = sa->peak_bytes;
    const int64_t lower_bound = context.best_lower_bound();
    absl::StatusOr<std::vector<Point>> points = AnchorPoints(spec, context, store_all);
    if (!points.ok()) return points.status();
    for (const Point& p : *points) {
      absl::StrAppendFormat(&out.points_csv, "%s,%d,%s,%s,%s,%.6g,%d,%s,%d,%.6f,%.6f\n",
                            model.label(), model.batch(), p.label, p.planner, p.knob,
                            p.knob_value, p.budget_bytes, p.status, p.peak_bytes,
                            static_cast<double>(p.peak_bytes) / static_cast<double>(store_all),
                            p.overhead);
    }
    AppendGoal(spec, model, m.stats(), context.graph(), store_all, lower_bound, *points,
               progress, &out.summary_csv);
    for (const proto::MaxBatchPlanner& mbp : spec.max_batch_planners()) {
      if (absl::Status s = AppendMaxBatch(spec, mbp, *points, store_all, progress, &m,
                                          &out.max_batch_csv);
          !s.ok()) {
        return s;
      }
      m.DropAllButAnchor();  // Keep memory bounded between planners.
    }
  }
  return out;
}

}  // namespace tbp::experiments

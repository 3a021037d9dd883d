#include "experiments/failure_modes.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/csv.h"
#include "experiments/results_csv.h"
#include "experiments/summary.h"

namespace tbp::experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One planner's verdict on one instance.
struct InstancePlanner {
  bool any_valid = false;
  double least_memory = 0.0, overhead_at_least = 0.0;
  double memory_at_1_5x = 1.0;  // store-all when no run fits the compute
  double lower_bound = kNaN;
};

double MemoryRatio(const proto::RunRecord& r) {
  return Ratio(r.peak_bytes(), r.store_all_peak_bytes());
}

bool WithinOneAndAHalf(const proto::RunRecord& r) { return r.compute_overhead() <= 0.5; }

// The predictor's outcome: budget reaches half the store-all peak within
// 1.5x compute.
bool Compresses(const proto::RunRecord& r) {
  return r.valid() && MemoryRatio(r) <= 0.5 && WithinOneAndAHalf(r);
}

}  // namespace

std::vector<FailureModeRow> FailureModeRows(const proto::RunResults& results) {
  // Point order: the sweeps in order of first appearance in the spec, each
  // sweep's points in spec order.
  std::vector<std::string> sweeps;
  std::map<std::string, int64_t> sweep_index;
  std::vector<std::vector<double>> point_values;  // sweep index -> point -> value
  std::map<std::string, std::pair<int64_t, int64_t>> point_of_label;  // -> (sweep, point)
  for (const proto::GraphSource& g : results.spec().graphs()) {
    if (g.sweep().empty()) continue;
    auto [it, inserted] = sweep_index.emplace(g.sweep(), static_cast<int64_t>(sweeps.size()));
    if (inserted) {
      sweeps.push_back(g.sweep());
      point_values.emplace_back();
    }
    std::vector<double>& values = point_values[it->second];
    point_of_label[g.label()] = {it->second, static_cast<int64_t>(values.size())};
    values.push_back(g.sweep_value());
  }
  const std::vector<std::string> planners = PlannerLabels(results);
  std::map<std::string, int64_t> planner_index;
  for (const std::string& label : planners) {
    planner_index.emplace(label, static_cast<int64_t>(planner_index.size()));
  }

  // (sweep, point, nodes, planner) -> instance -> verdict.
  using Key = std::tuple<int64_t, int64_t, int64_t, int64_t>;
  std::map<Key, std::map<int64_t, InstancePlanner>> cells;
  for (const proto::RunRecord& r : results.records()) {
    auto point = point_of_label.find(r.graph_label());
    auto p = planner_index.find(r.planner_label());
    if (r.sweep().empty() || point == point_of_label.end() || p == planner_index.end()) continue;
    const Key key{point->second.first, point->second.second, r.compute_nodes(), p->second};
    InstancePlanner& c = cells[key][r.instance_index()];
    c.lower_bound = Ratio(r.lower_bound_bytes(), r.store_all_peak_bytes());
    if (!r.valid()) continue;
    const double m = MemoryRatio(r), o = r.compute_overhead();
    if (!c.any_valid || m < c.least_memory || (m == c.least_memory && o < c.overhead_at_least)) {
      c.least_memory = m;
      c.overhead_at_least = o;
    }
    c.any_valid = true;
    if (WithinOneAndAHalf(r)) c.memory_at_1_5x = std::min(c.memory_at_1_5x, m);
  }
  std::map<int64_t, int64_t> largest;  // sweep index -> its largest size
  for (const auto& [key, instances] : cells) {
    int64_t& l = largest[std::get<0>(key)];
    l = std::max(l, std::get<2>(key));
  }
  std::vector<FailureModeRow> rows;
  for (const auto& [key, instances] : cells) {
    const auto [sweep, point, nodes, planner] = key;
    FailureModeRow row;
    row.sweep = sweeps[sweep];
    row.point_index = point;
    row.sweep_value = point_values[sweep][point];
    row.compute_nodes = nodes;
    row.largest = nodes == largest[sweep];
    row.planner_index = planner;
    row.planner = planners[planner];
    std::vector<double> least, overhead, at_1_5x, bound;
    for (const auto& [instance, c] : instances) {
      ++row.instances;
      if (std::isfinite(c.lower_bound)) bound.push_back(c.lower_bound);
      at_1_5x.push_back(c.memory_at_1_5x);
      if (!c.any_valid) {
        ++row.infeasible;
        continue;
      }
      least.push_back(c.least_memory);
      overhead.push_back(c.overhead_at_least);
    }
    row.least_memory = ComputeStats(least);
    row.overhead_at_least = ComputeStats(overhead);
    row.memory_at_1_5x = ComputeStats(at_1_5x);
    row.lower_bound = ComputeStats(bound);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string FailureModesCsv(const std::vector<FailureModeRow>& rows) {
  std::string out =
      "# Failure-mode sweeps (experiments/failure_modes.h, FailureModeRows): per sweep\n"
      "# point, graph size and planner, over the seeds: mean and 95% CI half-width of\n"
      "# the least memory kept (peak / store-all) at any compute, the compute overhead\n"
      "# there, the least memory kept within 1.5x compute (1 = store-all when none),\n"
      "# and the best lower bound / store-all.\n"
      "# Columns: sweep, point_index, sweep_value, compute_nodes, largest (1: the\n"
      "#   sweep's largest size), planner_index, planner,\n"
      "#   instances, infeasible (instances without a valid run), then mean,ci pairs:\n"
      "#   least_memory, overhead_at_least, memory_at_1_5x, lower_bound.\n"
      "sweep,point_index,sweep_value,compute_nodes,largest,planner_index,planner,instances,infeasible,"
      "least_memory,least_memory_ci,overhead_at_least,overhead_at_least_ci,memory_at_1_5x,"
      "memory_at_1_5x_ci,lower_bound,lower_bound_ci\n";
  for (const FailureModeRow& r : rows) {
    std::vector<std::string> fields = {
        CsvField(r.sweep), absl::StrCat(r.point_index), CsvDouble(r.sweep_value),
        absl::StrCat(r.compute_nodes), r.largest ? "1" : "0", absl::StrCat(r.planner_index), CsvField(r.planner),
        absl::StrCat(r.instances), absl::StrCat(r.infeasible)};
    for (const Stats* m : {&r.least_memory, &r.overhead_at_least, &r.memory_at_1_5x,
                            &r.lower_bound}) {
      fields.push_back(CsvDouble(m->mean));
      fields.push_back(CsvDouble(m->half_width));
    }
    absl::StrAppend(&out, CsvLine(fields));
  }
  return out;
}

double Confusion::accuracy() const {
  return Ratio(true_positive + true_negative, total());
}
double Confusion::precision() const {
  return Ratio(true_positive, true_positive + false_positive);
}
double Confusion::recall() const {
  return Ratio(true_positive, true_positive + false_negative);
}

namespace {

struct Example {
  bool train = false;
  bool outcome = false;
  bool hcp = false;
  std::vector<double> features;
};

struct Feature {
  const char* name;
  std::function<double(const proto::RunRecord&)> value;
};

// The features, in Example::features order (the two-feature rule names
// its two by these indices).
enum FeatureIndex { kFrontierFraction = 0, kDepthOverN, kLongSkipFraction, kMaxActivation };

const std::vector<Feature>& Features() {
  static const auto* features = new std::vector<Feature>{
      {"frontier_fraction",
       [](const proto::RunRecord& r) {
         return Ratio(r.best_frontier_bytes(), r.total_activation_bytes());
       }},
      {"depth_over_n",
       [](const proto::RunRecord& r) { return Ratio(r.depth(), r.compute_nodes()); }},
      {"long_skip_fraction", [](const proto::RunRecord& r) { return r.long_skip_fraction(); }},
      {"max_activation_fraction",
       [](const proto::RunRecord& r) { return r.max_activation_fraction(); }},
  };
  return *features;
}

using Rule = std::function<bool(const Example&)>;

// Training instances `rule` gets right.
int64_t CorrectOnTraining(const std::map<int64_t, Example>& examples, const Rule& rule) {
  int64_t correct = 0;
  for (const auto& [index, e] : examples) {
    if (e.train && rule(e) == e.outcome) ++correct;
  }
  return correct;
}

// `rule` scored on both splits (a null rule predicts "no" everywhere).
PredictorRow Scored(const std::map<int64_t, Example>& examples, std::string name,
                    std::string text, const Rule& rule) {
  PredictorRow row;
  row.name = std::move(name);
  row.rule = std::move(text);
  for (const auto& [index, e] : examples) {
    const bool predicted = rule != nullptr && rule(e);
    Confusion* c = e.train ? &row.train : &row.test;
    if (predicted && e.outcome) ++c->true_positive;
    if (predicted && !e.outcome) ++c->false_positive;
    if (!predicted && e.outcome) ++c->false_negative;
    if (!predicted && !e.outcome) ++c->true_negative;
  }
  return row;
}

// The finite training values of feature f: the candidate thresholds (a
// rule `<= v` or `>= v` splits exactly there), ascending.
std::set<double> TrainingValues(const std::map<int64_t, Example>& examples, size_t f) {
  std::set<double> values;
  for (const auto& [index, e] : examples) {
    if (e.train && std::isfinite(e.features[f])) values.insert(e.features[f]);
  }
  return values;
}

}  // namespace

PredictorEvaluation EvaluateHcpPredictor(const proto::RunResults& results) {
  // instance -> example (budget's runs decide the outcome).
  std::map<int64_t, Example> examples;
  for (const proto::RunRecord& r : results.records()) {
    if (r.sweep().empty() || r.options().planner() != "budget") continue;
    auto [it, inserted] = examples.try_emplace(r.instance_index());
    Example& e = it->second;
    if (inserted) {
      e.train = r.seed() % 2 == 1;
      e.hcp = r.compressible();
      for (const Feature& f : Features()) e.features.push_back(f.value(r));
    }
    if (Compresses(r)) e.outcome = true;
  }
  PredictorEvaluation eval;
  for (const auto& [index, e] : examples) {
    (e.train ? eval.train_instances : eval.test_instances) += 1;
    if (e.outcome) (e.train ? eval.train_positive : eval.test_positive) += 1;
  }
  eval.rows.push_back(
      Scored(examples, "hcp", "compressible", [](const Example& e) { return e.hcp; }));
  // Single features: the best training accuracy wins, ties to `<=`, then
  // the smaller threshold.
  for (size_t f = 0; f < Features().size(); ++f) {
    Rule best;
    std::string text = "none";
    int64_t best_correct = -1;
    for (bool below : {true, false}) {
      for (double t : TrainingValues(examples, f)) {
        Rule rule = [f, t, below](const Example& e) {
          return below ? e.features[f] <= t : e.features[f] >= t;
        };
        const int64_t correct = CorrectOnTraining(examples, rule);
        if (correct > best_correct) {
          best_correct = correct;
          best = rule;
          text = absl::StrFormat("%s %.4g", below ? "<=" : ">=", t);
        }
      }
    }
    eval.rows.push_back(Scored(examples, Features()[f].name, text, best));
  }
  // The diagnosis improved: HCP's own quantity (the frontier fraction)
  // and the long-skip fraction together, `frontier <= a and skip <= b`,
  // both thresholds fitted on the training instances (best accuracy; ties
  // to the smaller a, then the smaller b).
  Rule best;
  std::string text = "none";
  int64_t best_correct = -1;
  const std::set<double> bs = TrainingValues(examples, kLongSkipFraction);
  for (double a : TrainingValues(examples, kFrontierFraction)) {
    for (double b : bs) {
      Rule rule = [a, b](const Example& e) {
        return e.features[kFrontierFraction] <= a && e.features[kLongSkipFraction] <= b;
      };
      const int64_t correct = CorrectOnTraining(examples, rule);
      if (correct > best_correct) {
        best_correct = correct;
        best = rule;
        text = absl::StrFormat("<= %.4g and <= %.4g", a, b);
      }
    }
  }
  eval.rows.push_back(Scored(examples, "frontier_and_skip", text, best));
  return eval;
}

}  // namespace tbp::experiments

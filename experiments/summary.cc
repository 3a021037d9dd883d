#include "experiments/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "experiments/results_csv.h"

namespace tbp::experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string SweepLabel(const proto::PlannerSweep& s) {
  return s.label().empty() ? s.options().planner() : s.label();
}

// Records grouped by instance, in order.
std::map<int64_t, std::vector<const proto::RunRecord*>> ByInstance(
    const proto::RunResults& results) {
  std::map<int64_t, std::vector<const proto::RunRecord*>> out;
  for (const proto::RunRecord& r : results.records()) out[r.instance_index()].push_back(&r);
  return out;
}

}  // namespace

Stats ComputeStats(const std::vector<double>& values) {
  Stats s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) {
    s.mean = s.min = s.max = s.half_width = kNaN;
    return s;
  }
  double sum = 0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / static_cast<double>(values.size());
  if (s.count < 2) {
    s.half_width = kNaN;
    return s;
  }
  double squares = 0.0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  const double sd = std::sqrt(squares / static_cast<double>(s.count - 1));
  s.half_width = StudentT95(s.count - 1) * sd / std::sqrt(static_cast<double>(s.count));
  return s;
}

double StudentT95(int64_t dof) {
  // Two-sided 95% (upper 0.975) quantiles of Student's t, dof 1..30.
  static constexpr double kTable[30] = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof < 1) return kNaN;
  if (dof <= 30) return kTable[dof - 1];
  if (dof < 120) return 2.000;  // dof 60; conservative up to 120 (1.980)
  return dof < 1000 ? 1.980 : 1.960;
}

std::vector<std::string> Regimes(const proto::RunResults& results) {
  std::vector<std::string> out;
  for (const proto::GraphSource& g : results.spec().graphs()) out.push_back(g.label());
  return out;
}

std::vector<std::string> PlannerLabels(const proto::RunResults& results) {
  std::vector<std::string> out;
  for (const proto::PlannerSweep& s : results.spec().planners()) out.push_back(SweepLabel(s));
  return out;
}

std::vector<GapRow> GapByRegime(const proto::RunResults& results) {
  // (regime, planner) -> instance -> its best (gap, overhead), and its
  // best gaps within 1.5x and 2x compute.
  struct Best {
    double gap = 0, overhead = 0;
    double gap_1_5x = kNaN, gap_2x = kNaN;
  };
  std::map<std::pair<std::string, std::string>, std::map<int64_t, Best>> best;
  std::map<std::string, std::map<int64_t, bool>> instances;
  for (const proto::RunRecord& r : results.records()) {
    instances[r.graph_label()][r.instance_index()] = true;
    if (!r.valid() || r.lower_bound_bytes() <= 0) continue;
    const double gap = Ratio(r.peak_bytes(), r.lower_bound_bytes());
    const double o = r.compute_overhead();
    auto& m = best[{r.graph_label(), r.planner_label()}];
    auto it = m.find(r.instance_index());
    if (it == m.end()) {
      it = m.emplace(r.instance_index(), Best{gap, o}).first;
    } else if (gap < it->second.gap || (gap == it->second.gap && o < it->second.overhead)) {
      it->second.gap = gap;
      it->second.overhead = o;
    }
    auto lower = [](double* slot, double v) {
      if (std::isnan(*slot) || v < *slot) *slot = v;
    };
    if (o <= 0.5) lower(&it->second.gap_1_5x, gap);
    if (o <= 1.0) lower(&it->second.gap_2x, gap);
  }
  std::vector<GapRow> rows;
  for (const std::string& regime : Regimes(results)) {
    for (const std::string& planner : PlannerLabels(results)) {
      GapRow row;
      row.regime = regime;
      row.planner = planner;
      row.instances = static_cast<int64_t>(instances[regime].size());
      std::vector<double> gaps, overheads, at_1_5x, at_2x;
      for (const auto& [index, b] : best[{regime, planner}]) {
        gaps.push_back(b.gap);
        overheads.push_back(b.overhead);
        if (!std::isnan(b.gap_1_5x)) at_1_5x.push_back(b.gap_1_5x);
        if (!std::isnan(b.gap_2x)) at_2x.push_back(b.gap_2x);
      }
      row.gap = ComputeStats(gaps);
      row.overhead_at_least = ComputeStats(overheads);
      row.gap_1_5x = ComputeStats(at_1_5x);
      row.gap_2x = ComputeStats(at_2x);
      rows.push_back(row);
    }
  }
  return rows;
}

std::string GapCsv(const std::vector<GapRow>& rows) {
  std::string out =
      "# Gap by regime (experiments/summary.h, GapByRegime): per graph and planner the\n"
      "# smallest valid simulated peak / best true lower bound; statistics over graphs.\n"
      "# Columns: regime_index, regime, planner_index, planner, instances (graphs),\n"
      "#   valid (graphs with a valid run), mean_gap, min_gap, max_gap.\n"
      "regime_index,regime,planner_index,planner,instances,valid,mean_gap,min_gap,max_gap\n";
  std::map<std::string, int> regime_index, planner_index;
  for (const GapRow& r : rows) {
    regime_index.emplace(r.regime, static_cast<int>(regime_index.size()));
    planner_index.emplace(r.planner, static_cast<int>(planner_index.size()));
    absl::StrAppend(&out, regime_index[r.regime], ",", r.regime, ",", planner_index[r.planner],
                    ",", r.planner, ",", r.instances, ",", r.gap.count, ",",
                    CsvDouble(r.gap.mean), ",", CsvDouble(r.gap.min), ",", CsvDouble(r.gap.max),
                    "\n");
  }
  return out;
}

std::vector<ExactRow> ExactByPlanner(const proto::RunResults& results) {
  std::vector<ExactRow> rows;
  for (const std::string& planner : PlannerLabels(results)) {
    ExactRow row;
    row.planner = planner;
    std::vector<double> cost, peak;
    for (const proto::RunRecord& r : results.records()) {
      if (r.planner_label() != planner || !r.valid() || !r.has_exact()) continue;
      ++row.runs;
      if (r.recompute_cost() == r.exact_recompute_cost()) ++row.optimal_runs;
      cost.push_back(Ratio(r.base_cost() + r.recompute_cost(),
                           r.base_cost() + r.exact_recompute_cost()));
      peak.push_back(Ratio(r.peak_bytes(), r.exact_min_memory_bytes()));
    }
    row.total_cost_ratio = ComputeStats(cost);
    row.peak_over_exact_min = ComputeStats(peak);
    rows.push_back(row);
  }
  return rows;
}

std::vector<TightnessRow> BoundTightnessByRegime(const proto::RunResults& results) {
  const auto by_instance = ByInstance(results);
  std::vector<TightnessRow> rows;
  for (const std::string& regime : Regimes(results)) {
    TightnessRow row;
    row.regime = regime;
    std::vector<double> ratios;
    for (const auto& [index, records] : by_instance) {
      const proto::RunRecord& r = *records.front();
      if (r.graph_label() != regime || !r.has_exact()) continue;
      ++row.instances;
      if (r.lower_bound_bytes() == r.exact_min_memory_bytes()) ++row.tight;
      ratios.push_back(Ratio(r.lower_bound_bytes(), r.exact_min_memory_bytes()));
    }
    row.ratio = ComputeStats(ratios);
    // Per bound (the names of the first record with exact references).
    for (const auto& [index, records] : by_instance) {
      const proto::RunRecord& r = *records.front();
      if (r.graph_label() != regime || !r.has_exact()) continue;
      if (row.bounds.empty()) {
        for (const proto::NamedBound& b : r.lower_bounds()) row.bounds.push_back({b.name(), 0, {}});
      }
    }
    for (size_t i = 0; i < row.bounds.size(); ++i) {
      std::vector<double> per;
      for (const auto& [index, records] : by_instance) {
        const proto::RunRecord& r = *records.front();
        if (r.graph_label() != regime || !r.has_exact() ||
            r.lower_bounds_size() <= static_cast<int>(i)) {
          continue;
        }
        const int64_t b = r.lower_bounds(static_cast<int>(i)).bytes();
        if (b == r.exact_min_memory_bytes()) ++row.bounds[i].tight;
        per.push_back(Ratio(b, r.exact_min_memory_bytes()));
      }
      row.bounds[i].ratio = ComputeStats(per);
    }
    rows.push_back(row);
  }
  return rows;
}

bool WithinTwoPercentOfExact(const proto::RunRecord& r) {
  // Integers: r <= 1.02 e  <=>  50 r <= 51 e.
  return 50 * r.recompute_cost() <= 51 * r.exact_recompute_cost();
}

std::vector<VersusExactRow> VersusExactByRegime(const proto::RunResults& results,
                                                const std::string& planner_label) {
  std::vector<VersusExactRow> rows;
  for (const std::string& regime : Regimes(results)) {
    VersusExactRow row;
    row.regime = regime;
    std::vector<double> recompute, memory;
    for (const proto::RunRecord& r : results.records()) {
      if (r.graph_label() != regime || r.planner_label() != planner_label || !r.has_exact()) {
        continue;
      }
      if (!r.valid()) {
        if (r.options().budget_bytes() >= r.exact_min_memory_bytes()) ++row.infeasible;
        continue;
      }
      ++row.runs;
      if (WithinTwoPercentOfExact(r)) ++row.within_2pct;
      // (A positive recompute where the optimum has none has no finite
      // ratio: counted as outside 2%, left out of the ratio statistics.)
      if (r.exact_recompute_cost() > 0 || r.recompute_cost() == 0) {
        recompute.push_back(r.recompute_cost() == 0 ? 1.0
                                                    : Ratio(r.recompute_cost(),
                                                            r.exact_recompute_cost()));
      }
      memory.push_back(Ratio(r.peak_bytes(), r.exact_memory_at_recompute()));
    }
    row.recompute_ratio = ComputeStats(recompute);
    row.memory_ratio = ComputeStats(memory);
    if (row.runs > 0 || row.infeasible > 0) rows.push_back(row);
  }
  return rows;
}

std::vector<RegimeRow> RegimeSummary(const proto::RunResults& results) {
  const auto by_instance = ByInstance(results);
  std::vector<RegimeRow> rows;
  for (const std::string& regime : Regimes(results)) {
    RegimeRow row;
    row.regime = regime;
    std::vector<double> frontier, memory, overhead;
    for (const auto& [index, records] : by_instance) {
      const proto::RunRecord& first = *records.front();
      if (first.graph_label() != regime) continue;
      if (row.instances == 0 || first.compute_nodes() < row.min_nodes) {
        row.min_nodes = first.compute_nodes();
      }
      row.max_nodes = std::max(row.max_nodes, first.compute_nodes());
      ++row.instances;
      if (first.compressible()) ++row.compressible;
      frontier.push_back(Ratio(first.best_frontier_bytes(), first.total_activation_bytes()));
      for (const proto::RunRecord* r : records) {
        if (!r->valid()) continue;
        memory.push_back(Ratio(r->peak_bytes(), r->store_all_peak_bytes()));
        overhead.push_back(r->compute_overhead());
      }
    }
    row.frontier_fraction = ComputeStats(frontier);
    row.memory_ratio = ComputeStats(memory);
    row.overhead = ComputeStats(overhead);
    rows.push_back(row);
  }
  return rows;
}

VerdictSplit SplitByVerdict(const proto::RunResults& results) {
  std::vector<double> yes, no, yes_overhead, no_overhead;
  for (const proto::RunRecord& r : results.records()) {
    if (!r.valid()) continue;
    (r.compressible() ? yes : no).push_back(Ratio(r.peak_bytes(), r.store_all_peak_bytes()));
    (r.compressible() ? yes_overhead : no_overhead).push_back(r.compute_overhead());
  }
  return {ComputeStats(yes), ComputeStats(no), ComputeStats(yes_overhead),
          ComputeStats(no_overhead)};
}

std::vector<TradeoffRow> TradeoffSummary(const proto::RunResults& results) {
  std::vector<TradeoffRow> rows;
  const std::map<int64_t, std::vector<const proto::RunRecord*>> by_instance = ByInstance(results);
  for (const std::string& regime : Regimes(results)) {
    // The regime's instances, in order of first appearance.
    std::vector<int64_t> instances;
    for (const proto::RunRecord& r : results.records()) {
      if (r.graph_label() == regime &&
          std::find(instances.begin(), instances.end(), r.instance_index()) == instances.end()) {
        instances.push_back(r.instance_index());
      }
    }
    for (const std::string& planner : PlannerLabels(results)) {
      TradeoffRow row;
      row.regime = regime;
      row.planner = planner;
      row.instances = static_cast<int64_t>(instances.size());
      std::vector<double> least, at_half, at_quarter;
      for (int64_t instance : instances) {
        double m_min = kNaN, o_half = kNaN, o_quarter = kNaN;
        for (const proto::RunRecord* r : by_instance.at(instance)) {
          if (r->planner_label() != planner || !r->valid()) continue;
          ++row.valid_runs;
          const double m = Ratio(r->peak_bytes(), r->store_all_peak_bytes());
          const double o = r->compute_overhead();
          if (std::isnan(m_min) || m < m_min) m_min = m;
          if (m <= 0.5 && (std::isnan(o_half) || o < o_half)) o_half = o;
          if (m <= 0.25 && (std::isnan(o_quarter) || o < o_quarter)) o_quarter = o;
        }
        if (!std::isnan(m_min)) least.push_back(m_min);
        if (!std::isnan(o_half)) at_half.push_back(o_half);
        if (!std::isnan(o_quarter)) at_quarter.push_back(o_quarter);
      }
      row.min_memory_ratio = ComputeStats(least);
      row.overhead_at_half = ComputeStats(at_half);
      row.overhead_at_quarter = ComputeStats(at_quarter);
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<RuntimeRow> RuntimeSummary(const proto::RunResults& results, int64_t min_nodes) {
  std::vector<RuntimeRow> rows;
  for (const std::string& regime : Regimes(results)) {
    for (const std::string& planner : PlannerLabels(results)) {
      RuntimeRow row;
      row.regime = regime;
      row.planner = planner;
      row.slope = kNaN;
      std::vector<std::pair<double, double>> points;
      for (const proto::RunRecord& r : results.records()) {
        if (r.graph_label() != regime || r.planner_label() != planner || !r.valid()) continue;
        if (r.compute_nodes() >= row.max_nodes) {
          row.max_nodes = r.compute_nodes();
          row.plan_seconds_at_max = r.plan_seconds();
          row.simulate_seconds_at_max = r.simulate_seconds();
          row.order_seconds_at_max = r.order_seconds();
        }
        if (r.compute_nodes() >= min_nodes && r.plan_seconds() > 0) {
          points.emplace_back(std::log(static_cast<double>(r.compute_nodes())),
                              std::log(r.plan_seconds()));
        }
      }
      if (points.size() >= 2) {
        double mx = 0, my = 0;
        for (const auto& [x, y] : points) {
          mx += x;
          my += y;
        }
        mx /= static_cast<double>(points.size());
        my /= static_cast<double>(points.size());
        double sxy = 0, sxx = 0;
        for (const auto& [x, y] : points) {
          sxy += (x - mx) * (y - my);
          sxx += (x - mx) * (x - mx);
        }
        if (sxx > 0) row.slope = sxy / sxx;
      }
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace tbp::experiments

// Aggregates of experiment results (proto/result.proto) for figures and
// the paper: the numbers the paper quotes are computed here, once, from the
// result files, never typed by hand.
//
// Conventions. A "regime" is a GraphSource.label, a "planner" a planner
// label (PlannerSweep.label or the planner name). Rows come in the order
// the spec lists regimes and planners. Only valid runs (simulator-judged)
// enter any statistic; `instances` counts graph instances, `valid`
// how many of them had at least one valid run. Means are arithmetic; a
// statistic over nothing is NaN (rendered as a missing value). Every
// function is O(records) up to sorting, and deterministic.
#ifndef TBP_EXPERIMENTS_SUMMARY_H_
#define TBP_EXPERIMENTS_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "proto/result.pb.h"

namespace tbp::experiments {

// Mean, min, max of a sample and the 95% confidence half-width of its mean
// (Student's t; NaN below two values); count = its size (NaN statistics if
// empty).
struct Stats {
  int64_t count = 0;
  double mean = 0.0;
  double min = 0.0;
  double max = 0.0;
  double half_width = 0.0;
};
Stats ComputeStats(const std::vector<double>& values);

// The two-sided 95% quantile of Student's t with `dof` >= 1 degrees of
// freedom (tabulated to 30, then 120, then the normal 1.96).
double StudentT95(int64_t dof);

// The regimes and planner labels of `results`, in spec order.
std::vector<std::string> Regimes(const proto::RunResults& results);
std::vector<std::string> PlannerLabels(const proto::RunResults& results);

// lower_bound_gap: per (regime, planner), over instances, the gap of the
// planner's most memory-frugal valid run: min peak_bytes / lower_bound_bytes
// (>= 1; 1 = provably memory-optimal), the compute that run paid, and the
// gap at bounded compute: the least peak among valid runs with
// compute_overhead <= 0.5 (1.5x store-all's compute) or <= 1 (2x), over
// the bound (instances without such a run are left out: see the counts).
struct GapRow {
  std::string regime;
  std::string planner;
  int64_t instances = 0;
  Stats gap;                // count = instances with a valid run
  Stats overhead_at_least;  // compute_overhead of that run (least among ties)
  Stats gap_1_5x;           // count = instances with a run within 1.5x compute
  Stats gap_2x;             // count = instances with a run within 2x compute
};
std::vector<GapRow> GapByRegime(const proto::RunResults& results);

// The CSV figures/gap.gp reads: regime_index, regime, planner_index,
// planner, instances, valid, mean_gap, min_gap, max_gap (header comments
// first, as results_csv.h).
std::string GapCsv(const std::vector<GapRow>& rows);

// lower_bound_gap_exact: per planner, over valid runs with exact references:
// how often it is optimal at its own peak (recompute_cost ==
// exact_recompute_cost) and the total-cost ratio
// (base + recompute) / (base + exact recompute) >= 1.
struct ExactRow {
  std::string planner;
  int64_t runs = 0;          // valid runs with exact references
  int64_t optimal_runs = 0;  // recompute_cost == exact_recompute_cost
  Stats total_cost_ratio;
  Stats peak_over_exact_min;  // peak_bytes / exact_min_memory_bytes
};
std::vector<ExactRow> ExactByPlanner(const proto::RunResults& results);

// lower_bound_gap_exact: per regime, how tight the best lower bound is:
// lower_bound_bytes / exact_min_memory_bytes (<= 1), over instances.
struct TightnessRow {
  std::string regime;
  int64_t instances = 0;
  int64_t tight = 0;  // lower bound == exact minimum memory
  Stats ratio;
  // Per bound of RunRecord.lower_bounds, in their order: name, instances
  // where it equals the exact minimum memory, bound / exact minimum.
  struct PerBound {
    std::string name;
    int64_t tight = 0;
    Stats ratio;
  };
  std::vector<PerBound> bounds;
};
std::vector<TightnessRow> BoundTightnessByRegime(const proto::RunResults& results);

// Whether a run with exact references recomputes at most 2% more than the
// optimum at its peak (the goal of the ground-truth issue), in integers.
bool WithinTwoPercentOfExact(const proto::RunRecord& r);

// lower_bound_gap_exact: per regime, one planner's valid runs against the
// exact optimum: at matched budget (its peak) how much more it recomputes,
// and at matched recomputation how much more memory it needs.
struct VersusExactRow {
  std::string regime;
  int64_t runs = 0;
  int64_t within_2pct = 0;  // recompute_cost <= 1.02 * exact_recompute_cost
  // Runs with no valid schedule at a budget at or above the exact least
  // memory (a schedule exists there): not in `runs` nor in any ratio.
  int64_t infeasible = 0;
  Stats recompute_ratio;    // recompute / exact recompute (1 if both 0;
                            // runs with exact 0 < recompute left out)
  Stats memory_ratio;       // peak_bytes / exact_memory_at_recompute
};
std::vector<VersusExactRow> VersusExactByRegime(const proto::RunResults& results,
                                                const std::string& planner_label);

// random_dags: per regime, over instances (one run each: tiny-backprop's
// schedule): HCP verdicts, frontier fraction (best frontier / total
// activation bytes), memory ratio (peak / store-all) and overhead.
struct RegimeRow {
  std::string regime;
  int64_t instances = 0;
  int64_t compressible = 0;
  int64_t min_nodes = 0, max_nodes = 0;
  Stats frontier_fraction;
  Stats memory_ratio;
  Stats overhead;
};
std::vector<RegimeRow> RegimeSummary(const proto::RunResults& results);

// random_dags: how well the HCP verdict predicts savings: among
// compressible / non-compressible instances, the mean memory ratio.
struct VerdictSplit {
  Stats compressible_memory_ratio;
  Stats incompressible_memory_ratio;
  // The compute that bought that memory: compute_overhead of the same runs.
  Stats compressible_overhead;
  Stats incompressible_overhead;
};
VerdictSplit SplitByVerdict(const proto::RunResults& results);

// compare_checkpointing: per (regime, planner), over the regime's graph
// instances (its seeds): of each instance, the smallest memory ratio
// reached (peak / store-all), and the least compute overhead among runs
// within half and within a quarter of the store-all peak; each a mean with
// its 95% CI over the instances that have such a run (their count is the
// Stats'; mean NaN if none).
struct TradeoffRow {
  std::string regime;
  std::string planner;
  int64_t instances = 0;  // instances of the regime
  int64_t valid_runs = 0;
  Stats min_memory_ratio;
  Stats overhead_at_half;
  Stats overhead_at_quarter;
};
std::vector<TradeoffRow> TradeoffSummary(const proto::RunResults& results);

// planner_runtime_scaling: per (regime, planner): seconds at the largest
// instance and the least-squares slope of log(plan_seconds) against
// log(compute_nodes) over instances with at least min_nodes nodes (1 =
// linear). Valid runs only.
struct RuntimeRow {
  std::string regime;
  std::string planner;
  int64_t max_nodes = 0;
  double plan_seconds_at_max = 0.0;
  double simulate_seconds_at_max = 0.0;
  double order_seconds_at_max = 0.0;
  double slope = 0.0;
};
std::vector<RuntimeRow> RuntimeSummary(const proto::RunResults& results, int64_t min_nodes);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_SUMMARY_H_

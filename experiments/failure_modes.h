// failure_modes: the reductions of the failure-mode sweeps
// (experiments/specs/failure_modes.textproto) for the figure and the
// paper, and the HCP diagnosis evaluated as a predictor.
//
// A sweep point is (GraphSource.sweep, sweep_value, compute_nodes); its
// instances are the seeds. Per instance and planner:
//   least memory      min memory_ratio (peak / store-all) over the
//                     planner's valid runs, at whatever compute;
//   overhead there    compute_overhead of that run (the least among ties);
//   memory at 1.5x    min memory_ratio over valid runs with
//                     compute_overhead <= 0.5 (at most 1.5x store-all's
//                     compute); 1 when there is none (the user keeps
//                     store-all, which every instance has);
//   lower bound       lower_bound_bytes / store-all peak (no schedule of
//                     the graph goes below it).
// An instance where the planner has no valid run is counted `infeasible`
// and left out of the first two means (not of the third: 1, store-all).
// Means carry two-sided 95% Student-t confidence intervals over the
// instances (half-widths; NaN below two instances).
//
// The predictor: the outcome of an instance is whether the `budget`
// planner reaches memory_ratio <= 0.5 with compute_overhead <= 0.5 (an
// outcome that does not use the diagnosis). The HCP verdict (the
// record's `compressible`, a fixed rule) and single-feature threshold
// rules (frontier fraction, depth / n, long-skip fraction, largest
// activation fraction), whose threshold and direction are fitted on the
// training instances (odd seeds) by accuracy, are scored on the held-out
// instances (even seeds); so is the diagnosis improved, frontier fraction
// <= a and long-skip fraction <= b with both thresholds fitted.
#ifndef TBP_EXPERIMENTS_FAILURE_MODES_H_
#define TBP_EXPERIMENTS_FAILURE_MODES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/summary.h"
#include "proto/result.pb.h"

namespace tbp::experiments {

struct FailureModeRow {
  std::string sweep;
  int64_t point_index = 0;  // position of the point in its sweep (spec order)
  double sweep_value = 0.0;
  int64_t compute_nodes = 0;
  bool largest = false;  // compute_nodes is the largest size of the sweep
  std::string planner;
  int64_t planner_index = 0;  // position of the planner in the spec
  int64_t instances = 0;
  int64_t infeasible = 0;
  Stats least_memory;
  Stats overhead_at_least;
  Stats memory_at_1_5x;
  Stats lower_bound;
};

// Rows in the order sweep (first appearance), point, compute_nodes,
// planner (spec order). Records without a sweep are ignored.
std::vector<FailureModeRow> FailureModeRows(const proto::RunResults& results);

// The CSV figures/failure_modes.gp reads (header comments first).
std::string FailureModesCsv(const std::vector<FailureModeRow>& rows);

// A binary confusion matrix (positive = "compresses").
struct Confusion {
  int64_t true_positive = 0, false_positive = 0, true_negative = 0, false_negative = 0;
  int64_t total() const { return true_positive + false_positive + true_negative + false_negative; }
  double accuracy() const;
  double precision() const;  // NaN without a positive prediction
  double recall() const;     // NaN without a positive instance
};

struct PredictorRow {
  std::string name;       // "hcp", "frontier_fraction", ...
  std::string rule;       // "compressible", "<= 0.0625", ">= 0.41"
  Confusion train, test;
};

struct PredictorEvaluation {
  int64_t train_instances = 0, test_instances = 0;
  int64_t train_positive = 0, test_positive = 0;
  // hcp first, then the single features, then "frontier_and_skip".
  std::vector<PredictorRow> rows;
};

// Instances with a `budget` run and a sweep; seeds split odd / even.
PredictorEvaluation EvaluateHcpPredictor(const proto::RunResults& results);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_FAILURE_MODES_H_

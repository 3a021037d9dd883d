// The real_models experiment (docs/design.md section 7; issue "Real model
// graphs"): every planner on every model of the ONNX zoo at its anchor
// batch, the goal checked per model, and the largest batch that fits each
// memory limit per planner. Driven by a RealModelsSpec
// (proto/real_models.proto); experiments/real_models_main.cc only parses
// flags and writes the three CSVs.
//
// Per model, at its anchor batch: import (core/onnx), best order
// (BestOrder), best true lower bound (BestLowerBound), simulated store-all
// peak; then every run of the spec's planner sweeps (experiments/runner.h's
// expansion) and every breakpoint of the budget DP, each planned on the best
// order and judged by the simulator (the only source of peaks and costs).
// A planner error (an infeasible budget) is a row with status != "ok".
//
// The goal, per model: best = the least simulated peak among the rows with
// compute_overhead <= max_compute_overhead; memory goal: best <=
// goal_memory_fraction x store-all. Reference goal: the reference row
// (periodic sqrt(n)) has peak P and overhead o; candidate = the least peak
// among rows of candidate_planners with overhead <= o; goal: P / candidate
// >= goal_reference_ratio. memory_goal_infeasible: the best true lower
// bound exceeds goal_memory_fraction x store-all, so no valid schedule
// meets the memory goal.
//
// Largest batch per memory limit M and MaxBatchPlanner: the model is
// re-imported at each batch tried, re-ordered, re-planned ("budget" and
// budget-less "revolve" with budget_bytes = M) and simulated; a batch fits
// if the plan exists, its simulated peak is <= M and (within_compute_cap)
// its overhead <= the cap. The search starts at the batch a linear scaling
// of the anchor predicts (activations grow linearly with the batch), then
// steps up or down by doubling and bisects between a fitting and a failing
// batch, so every reported batch was itself simulated and fits, and the
// next batch was simulated and does not (or the cap max_batch was hit).
// It assumes fitting is monotone in the batch (true when every activation
// is linear in the batch, as in every zoo model).
//
// Determinism: integer arithmetic and fixed formats; same spec and model
// files, same bytes.
#ifndef TBP_EXPERIMENTS_REAL_MODELS_H_
#define TBP_EXPERIMENTS_REAL_MODELS_H_

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/real_models.pb.h"

namespace tbp::experiments {

// Every field against its documented range; kInvalidArgument naming the
// field path ("RealModelsSpec.models[1].batch = 0: must be >= 1").
absl::Status ValidateRealModelsSpec(const proto::RealModelsSpec& spec);

struct RealModelsOutput {
  std::string points_csv;     // one row per (model, planner run)
  std::string summary_csv;    // one row per model: sizes, goal
  std::string max_batch_csv;  // one row per (model, planner, memory limit)
};

// Validates and runs. Progress lines to `progress` (nullptr = silent).
// Errors: an invalid spec; a model that does not import at a batch the run
// needs (the import error, prefixed by the model label and batch).
absl::StatusOr<RealModelsOutput> RunRealModels(const proto::RealModelsSpec& spec,
                                               std::FILE* progress);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_REAL_MODELS_H_

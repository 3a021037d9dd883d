// replay_fidelity: does the replay engine (replay/) behave as the simulator
// predicts? For every graph instance x planner run of an ExperimentSpec
// (experiments/specs/replay_fidelity.textproto, validated and expanded as a
// compare_checkpointing spec by experiments/runner.h), plans on the graph's
// best order, replays the schedule and its store-all reference on the CPU
// backend (replay::CompareWithStoreAll) and writes one CSV row: simulated
// vs measured peak, whether the gradients match bit for bit, and the
// simulator's compute overhead.
//
// Costs. Before planning, every COMPUTE node's costs are replaced by the
// replay's own FLOPs (forward: 2 * batch * sum over inputs of width_u *
// width_v; backward: dW for every input plus dx for COMPUTE inputs), as in
// replay/bench.h, so the simulator's compute_overhead predicts the replay's
// time overhead. Widths derive from output_bytes / (4 * batch): base_bytes
// must be divisible by 4 * batch (the transformer's scalar loss needs
// batch 1).
//
// Budgets. budget_fractions mean what they mean in every spec: budget_bytes
// = LB + floor(f * (store_all - LB)), LB the best true lower bound.
//
// Outputs. --csv: the byte-stable columns (no wall clock), a hermetic Bazel
// result (//experiments:replay_fidelity_results). --timing_csv: the same rows
// plus store-all and schedule seconds and the time overhead: WALL-CLOCK, NOT
// reproducible; `bazel run //experiments:update_replay_fidelity_timing`
// rewrites the committed experiments/results/replay_fidelity_timing.csv.
// A planner error (an infeasible budget) is a row with status != "ok".
#ifndef TBP_EXPERIMENTS_REPLAY_FIDELITY_H_
#define TBP_EXPERIMENTS_REPLAY_FIDELITY_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "proto/experiment.pb.h"

namespace tbp::experiments {

struct ReplayFidelityOptions {
  int64_t batch = 1;    // Rows of every tensor (widths = output_bytes / (4 batch)).
  int64_t repeats = 3;  // Measured runs of each schedule; the fastest counts.
  uint64_t seed = 1;    // Replay inputs and parameters.
};

struct ReplayFidelityOutput {
  std::string csv;         // Byte-stable columns.
  std::string timing_csv;  // The same rows plus wall-clock columns.
};

// Validates (the spec as a compare_checkpointing spec, no
// min_feasible_budget; batch, repeats >= 1) and runs. Errors: an invalid
// spec or option (kInvalidArgument naming it); a graph whose widths the
// batch does not divide, or a backend failure (the replay's error, with
// the graph and planner). Progress lines to `progress` (nullptr = silent).
absl::StatusOr<ReplayFidelityOutput> RunReplayFidelity(const proto::ExperimentSpec& spec,
                                                       const ReplayFidelityOptions& options,
                                                       std::FILE* progress);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_REPLAY_FIDELITY_H_

// `tbp replay` as a library function: runs a schedule and its store-all
// reference on real tensors and reports measured vs simulated memory, time
// and whether the parameter gradients match bit for bit.
//
// The reference is store-all on the schedule's own BACKWARD order (see
// engine.h, "Gradient determinism"): for every plan-tree planner that is
// exactly the store_all planner on the order the schedule was planned on.
#ifndef TBP_REPLAY_REPLAY_COMMAND_H_
#define TBP_REPLAY_REPLAY_COMMAND_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"
#include "proto/planner.pb.h"
#include "replay/engine.h"

namespace tbp {
namespace replay {

enum class ReplayFormat { kText, kJson };

struct ReplayCommandOptions {
  std::string backend = "cpu";  // "cpu" | "cuda" (backends.h).
  int64_t batch = 1;            // Rows of every tensor (model.h: widths).
  uint64_t seed = 1;            // Inputs and parameters (init.h).
  ReplayFormat format = ReplayFormat::kText;
  // Measured runs of each schedule; the fastest is reported (all must give
  // the same gradients). >= 1.
  int repeats = 1;
  // Unmeasured store-all runs first (cuBLAS and driver warm-up). -1 = the
  // backend's default: 0 on cpu, 1 on cuda.
  int warmup_runs = -1;
  // See ModelOptions::max_parameter_bytes.
  int64_t max_parameter_bytes = int64_t{8} << 30;
};

struct ReplayComparison {
  std::string backend;
  std::string device;
  ReplayResult store_all;  // The reference run.
  ReplayResult schedule;
  // The simulator on the graph as given (tensor sizes may differ only when
  // a Node.replay_width overrides the derived width; tensors_match_graph).
  int64_t simulated_peak_bytes = 0;
  int64_t store_all_simulated_peak_bytes = 0;
  bool tensors_match_graph = true;
  // measured_peak_bytes == the simulator's peak on the tensor sizes, for
  // both runs.
  bool peaks_match_simulator = false;
  // Every repeat of both runs gave one and the same gradient fingerprint.
  bool gradients_match = false;
  double time_overhead = 0;  // schedule.seconds / store_all.seconds - 1.
};

// The store-all schedule with the same BACKWARD sequence as `instructions`
// (which must be a valid schedule of `graph`): the store_all planner on the
// reverse of that sequence, a topological order. kInvalidArgument if the
// BACKWARDs do not cover each COMPUTE node once in a valid order.
absl::StatusOr<Schedule> StoreAllForBackwardOrder(const Graph& graph,
                                                  absl::Span<const Instruction> instructions);

// Runs the reference and `schedule` on options.backend. Errors: bad options
// (kInvalidArgument naming the field), an invalid schedule (kInvalidArgument
// with the simulator's message), widths (model.h), backend selection
// (backends.h), out of device memory (kResourceExhausted).
absl::StatusOr<ReplayComparison> CompareWithStoreAll(const Graph& graph,
                                                     const Schedule& schedule,
                                                     const ReplayCommandOptions& options);

// CompareWithStoreAll, formatted. Text: a table; JSON: one object with at
// least backend, measured_peak_bytes, simulated_peak_bytes,
// store_all_seconds, schedule_seconds, gradients_match (all snake_case).
absl::StatusOr<std::string> RunReplay(const Graph& graph, const Schedule& schedule,
                                      const ReplayCommandOptions& options);

// Convenience for the CLI: plans with `planner` (core/schedule/planner.h)
// or resolves a schedule proto (ScheduleFromProto), then RunReplay.
absl::StatusOr<std::string> RunReplayWithPlanner(const Graph& graph,
                                                 const proto::PlannerOptions& planner,
                                                 const ReplayCommandOptions& options);
absl::StatusOr<std::string> RunReplayWithScheduleProto(const Graph& graph,
                                                       const proto::Schedule& schedule,
                                                       const ReplayCommandOptions& options);

std::string FormatComparison(const ReplayComparison& c, const Schedule& schedule,
                             ReplayFormat format);

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_REPLAY_COMMAND_H_

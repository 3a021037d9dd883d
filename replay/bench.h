// The GPU replay benchmark (tools/gpu/): generated graphs sized to fill a
// device, every planner replayed against store-all, one row per planner.
//
// Graphs. Each family has a "unit" graph whose activations are one unit of
// batch: for transformer one sequence (rows = seq_len per unit; the
// generator's scalar loss becomes one value per row so every tensor is
// [rows, width]), for the others one row (base_bytes = 4 * width). The
// graph replayed has every output_bytes times `units`, so widths (and the
// parameters) do not depend on the size and memory grows linearly with it.
// Costs are replaced by the replay's own FLOPs (forward: 2 * rows * sum
// over terms of width_u * width_v; backward: dW for every term plus dx for
// COMPUTE inputs), so the simulator's compute_overhead predicts the replay's
// time overhead.
//
// Sizing. units = floor(target / store-all peak of one unit), where target
// is target_store_all_bytes when given, else target_fraction of the
// device's free memory after parameters, parameter gradients and a margin.
#ifndef TBP_REPLAY_BENCH_H_
#define TBP_REPLAY_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace replay {

struct BenchOptions {
  std::string backend = "cuda";
  // transformer, residual, random_dag, layered, unet, chain.
  std::vector<std::string> families = {"transformer", "residual", "random_dag"};
  // NAME[:ARG]...: a registered planner; each ARG a budget as a fraction
  // of store-all's simulated peak (revolve:0.5, budget:0.3) or one of the
  // planner's knobs as KNOB=VALUE (revolve:slots=2).
  std::vector<std::string> planners = {"store_all",  "periodic",   "interval_tree",
                                       "revolve:0.5", "budget:0.5", "budget:0.3"};
  // "full": widths for an 80 GB GPU; "small": tiny graphs (tests, CPU).
  std::string preset = "full";
  double target_fraction = 0.6;
  int64_t target_store_all_bytes = 0;  // > 0 overrides target_fraction.
  int64_t max_units = 1 << 20;
  int repeats = 2;
  int warmup_runs = 1;
  uint64_t seed = 1;
  // When non-empty: <family>.graph.json for tools/gpu/torch_replay.py.
  std::string export_dir;
  // Size, plan and simulate only (status "dry run"): no session, no runs.
  bool dry_run = false;
};

struct BenchRow {
  std::string family;
  std::string graph_label;
  int64_t compute_nodes = 0;
  int64_t rows = 0;  // The replay batch.
  std::string planner;
  std::string status = "ok";  // "ok" or the error (e.g. out of memory).
  int64_t instructions = 0;
  int64_t simulated_peak_bytes = 0;
  int64_t measured_peak_bytes = 0;
  int64_t device_peak_bytes = -1;
  int64_t store_all_measured_peak_bytes = 0;
  double seconds = 0;
  double store_all_seconds = 0;  // Store-all on the same backward order.
  double time_overhead = 0;
  double compute_overhead = 0;
  int64_t base_cost = 0;  // FLOPs of one store-all forward + backward.
  bool peak_matches_simulator = false;
  bool gradients_match = false;
  int64_t parameter_bytes = 0;
  int64_t workspace_bytes = 0;
};

struct BenchReport {
  std::string backend;
  std::string device;
  std::vector<BenchRow> rows;
};

// The replayable graph of `family` at `units` (see the file comment).
// kInvalidArgument for an unknown family or preset.
absl::StatusOr<proto::Graph> BenchGraph(const std::string& family, const std::string& preset,
                                        int64_t units, uint64_t seed, int64_t* rows);

// Runs every family x planner. Per-planner failures (infeasible budget, out
// of memory) become rows with a status; errors that stop everything (bad
// options, no backend) are returned.
// Sets every COMPUTE node's costs to the replay's FLOPs on `rows` rows
// (one GEMM per listed input; backward twice a GEMM for a COMPUTE input,
// once for an INPUT), so the simulator's compute overhead is comparable
// with measured time. Widths are output_bytes / (4 * rows).
void SetReplayCosts(proto::Graph* g, int64_t rows);

absl::StatusOr<BenchReport> RunBench(const BenchOptions& options);

std::string BenchCsv(const BenchReport& report);
std::string BenchMarkdown(const BenchReport& report);

// The network of `graph` for tools/gpu/torch_replay.py: nodes with kind,
// width and the input of each term, outputs, the planners' order, rows, the
// seed, and (when finite) the float64 reference loss of reference.h, which
// torch_replay.py checks when it uses the replay's exact values.
std::string ExportGraphJson(const Graph& graph, int64_t rows, uint64_t seed,
                            const std::vector<NodeId>& order, double reference_loss);

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_BENCH_H_

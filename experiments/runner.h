// The experiment runner (docs/design.md section 7): validates an ExperimentSpec
// (proto/experiment.proto), expands it into runs, executes them and writes
// the results (proto/result.proto) and a CSV for gnuplot (results_csv.h).
//
// Expansion. A spec expands into graph instances, in the order graph source
// x size x seed (a graph file is one instance), and each instance into the
// same list of runs, in the order planner sweep x knob value. Indices:
//   instance_index  position of the instance in that order;
//   run_index       instance_index * RunsPerInstance(spec) + position of the
//                   (sweep, knob value) in the run list.
// Both are independent of sharding: shard k of K executes the instances
// with instance_index % K == k, so MergeResults of all K shards gives the
// message that one unsharded run gives, byte for byte.
//
// One run = graph -> order -> Plan -> Simulate. Per instance, once: the
// graph (Generate or a file, then Graph::FromProto), its best order
// (BestOrder), the best true lower bound (BestLowerBound), the simulated
// store-all peak on the best order, and the HCP verdict on that order. A
// sweep with options.order = ORDER_BEST (or unspecified) plans on that
// order; any other order heuristic is computed with ChooseOrder. A budget
// fraction f becomes budget_bytes = LB + floor(f * (store_all - LB));
// min_feasible_budget asks the budget planner for the least budget its
// plan space admits on that order (BudgetPlanner::MinFeasibleBytes). The
// simulator is the only source of peak and cost numbers. A planner or
// simulator error (an infeasible budget, a too-long revolve) is recorded as
// an invalid row (valid = false, error = the message), never a failure of
// the experiment; bad specs and unreadable graph files are failures.
//
// Determinism: results depend only on the spec (and graph files): no
// wall-clock, hashing order or thread timing reaches them, except the
// *_seconds fields of ExperimentKind::kRuntimeScaling, which are wall-clock
// measurements and NOT reproducible.
#ifndef TBP_EXPERIMENTS_RUNNER_H_
#define TBP_EXPERIMENTS_RUNNER_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "experiments/results_csv.h"
#include "proto/experiment.pb.h"
#include "proto/generator.pb.h"
#include "proto/result.pb.h"

namespace tbp::experiments {

// ---------------------------------------------------------------------------
// Experiments

// One per experiment binary. All five share one runner; they differ in their
// specs and in the CSV layout each writes (LayoutFor).
enum class ExperimentKind {
  kRandomDags,            // random_dags: every regime, tiny-backprop's plans
  kCompareCheckpointing,  // compare_checkpointing: planners x knobs
  kLowerBoundGap,         // lower_bound_gap: peaks vs bounds and exact optima
  kRuntimeScaling,        // planner_runtime_scaling: wall-clock seconds
  kFrontierProfiles,      // frontier_profiles: per-cut widths, no planners
};

// The binary name ("random_dags", ..., "frontier_profiles"), stored in
// RunResults.binary so that merges and CSV writers know the layout.
absl::string_view ExperimentKindName(ExperimentKind kind);

// The inverse of ExperimentKindName; kInvalidArgument listing the names.
absl::StatusOr<ExperimentKind> ParseExperimentKind(absl::string_view name);

// Which layout of results_csv.h a kind writes.
CsvLayout LayoutFor(ExperimentKind kind);

// The budget of a budget fraction f (PlannerSweep.budget_fractions): the
// way from the best lower bound (f = 0) to the simulated store-all peak
// (f = 1), LB + floor(f * max(0, store_all - LB)).
int64_t BudgetFromFraction(int64_t lower_bound_bytes, int64_t store_all_peak_bytes,
                           double fraction);

// ---------------------------------------------------------------------------
// Validation and expansion

// Checks every field of `spec` for `kind`, in O(size of the spec). Errors
// are kInvalidArgument naming the field path and value, e.g.
//   "ExperimentSpec.graphs[2].num_seeds = -1: must be >= 0".
// Checks: name and labels non-empty, made of [A-Za-z0-9_], labels unique;
// at least one graph; per graph exactly one of generator / graph_file,
// seeds and num_seeds not both, num_seeds <= kMaxExpandedInstances, sizes >= 1,
// at most kMaxExpandedInstances instances in all, every instantiated generator
// spec valid (ValidateGeneratorSpec, its message prefixed by the path);
// per planner sweep: options valid (ValidatePlannerOptions, with the swept
// knob applied), at most one knob list, the knob belongs to the planner,
// knob values in range (budget fractions finite, in [0, 1]);
// min_feasible_budget only for "budget" and without a knob list;
// exact_max_nodes in [0, 64]; timing_repetitions >= 0. Per kind: sweeps
// and runtime need at least one planner; frontier_profiles takes none;
// runtime takes no exact references.
absl::Status ValidateExperimentSpec(const proto::ExperimentSpec& spec, ExperimentKind kind);

// The most graph instances a spec may expand to (over all graph sources:
// sizes x seeds each). A larger num_seeds or product is kInvalidArgument
// naming the field, not a run that exhausts memory expanding it.
inline constexpr int64_t kMaxExpandedInstances = 1'000'000;

// One graph instance of the expansion.
struct GraphInstance {
  int64_t instance_index = 0;
  int32_t source_index = 0;       // index into spec.graphs
  std::string label;              // GraphSource.label
  std::string family;             // FamilyName, or "file"
  uint64_t seed = 0;
  int64_t size = 0;               // the swept size value (0 for files)
  proto::GeneratorSpec generator;  // with seed and size applied
  std::string graph_file;          // non-empty for file sources
  int64_t onnx_batch = 0;          // GraphSource.onnx_batch (.onnx files)
  std::string sweep;               // GraphSource.sweep ("" = none)
  double sweep_value = 0.0;        // GraphSource.sweep_value
};

// One (sweep, knob value) of the per-instance run list.
struct RunConfig {
  int32_t sweep_index = 0;           // index into spec.planners
  std::string label;                 // legend label
  std::string knob;                  // "" if the sweep has no knob values
  double knob_value = 0.0;
  bool budget_from_fraction = false;  // knob == "budget_fraction"
  bool min_feasible_budget = false;   // PlannerSweep.min_feasible_budget
  proto::PlannerOptions options;     // knob applied (budget_bytes later)
};

// The instances of a valid spec, in expansion order. O(number of
// instances). Precondition: ValidateExperimentSpec(spec, kind).ok().
std::vector<GraphInstance> ExpandInstances(const proto::ExperimentSpec& spec);

// The runs of every instance, in order. Precondition: a valid spec.
std::vector<RunConfig> ExpandRuns(const proto::ExperimentSpec& spec);

// ---------------------------------------------------------------------------
// Execution

struct ShardOptions {
  int64_t shard_index = 0;  // in [0, num_shards)
  int64_t num_shards = 1;   // >= 1
};

// kInvalidArgument naming --shard_index / --num_shards and the value.
absl::Status ValidateShardOptions(const ShardOptions& shard);

// Validates `spec` and the shard, then executes the shard's instances.
// Progress lines go to `progress` (nullptr = silent). Records are sorted by
// run_index, profiles by instance_index; results.binary() names `kind`.
// Errors: invalid spec or shard; a graph file that cannot be read or does
// not validate; kInternal if a cross-check fails (an exhaustive optimum
// above a planned schedule's cost at the same budget).
absl::StatusOr<proto::RunResults> RunExperiment(const proto::ExperimentSpec& spec,
                                                ExperimentKind kind,
                                                const ShardOptions& shard,
                                                std::FILE* progress);

// Merges the results of the shards of one experiment into the unsharded
// result. Errors (kInvalidArgument): no shards; shards of different specs
// or binaries; a run or instance present twice; a missing run (the union
// must cover the whole expansion of the spec).
absl::StatusOr<proto::RunResults> MergeResults(const std::vector<proto::RunResults>& shards);

// ---------------------------------------------------------------------------
// Files (what the mains call)

struct OutputPaths {
  std::string results;  // RunResults, format by extension (.pb/.json/...)
  std::string csv;      // the CSV of results_csv.h
};

// kInvalidArgument unless at least one path is given and `results` (if
// given) has a proto extension and `csv` (if given) ends in ".csv".
absl::Status ValidateOutputPaths(const OutputPaths& out);

// Reads the spec at `spec_path` (format by extension), runs the shard and
// writes the outputs atomically, only after everything succeeded.
absl::Status RunExperimentFiles(const std::string& spec_path, ExperimentKind kind,
                                const ShardOptions& shard, const OutputPaths& out);

// Reads shard results (format by extension), merges them, writes outputs.
absl::Status MergeResultFiles(const std::vector<std::string>& shard_paths,
                              const OutputPaths& out);

// Writes the results and their CSV (layout from results.binary()).
absl::Status WriteResults(const proto::RunResults& results, const OutputPaths& out);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_RUNNER_H_

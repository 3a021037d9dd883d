// The subcommands of the `tbp` CLI as library functions: each takes protos
// and paths (never flags), returns the report to print, and writes output
// files only on success (atomically). tbp_main.cc only parses flags.
#ifndef TBP_CLI_COMMANDS_H_
#define TBP_CLI_COMMANDS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "proto/generator.pb.h"
#include "proto/planner.pb.h"
#include "proto/schedule.pb.h"

namespace tbp {

enum class ReportFormat { kText, kJson };

// "text" or "json"; kInvalidArgument naming --format otherwise.
absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& name);

// Loads and validates a graph file (.textproto/.pbtxt/.json/.pb/.binpb).
absl::StatusOr<Graph> LoadGraph(const std::string& path);

// `tbp generate`: validates the spec, generates, writes the graph to
// out_path (format by extension) and returns a one-line summary.
absl::StatusOr<std::string> RunGenerate(const proto::GeneratorSpec& spec,
                                        const std::string& out_path);

// `tbp import`: imports an ONNX model (core/onnx/onnx_import.h), binding
// its symbolic batch dimension to `batch` when batch_given (batch <= 0 is
// then an error naming --batch), writes the graph to out_path (required;
// format by extension) atomically, and returns a summary: node counts, the
// bound symbol, store-all activation bytes, FLOPs per operator type. No
// file is written on any error.
absl::StatusOr<std::string> RunImport(const std::string& onnx_path, bool batch_given,
                                      int64_t batch, const std::string& out_path);

// `tbp analyze`: orders compared, frontier profile of the best order,
// height-compressibility diagnosis, lower bounds and upper bounds.
absl::StatusOr<std::string> RunAnalyze(const Graph& graph, ReportFormat format);

// `tbp plan`: plans, judges the schedule with the simulator, writes it to
// out_path if non-empty, and reports. JSON keys include planner, valid,
// peak_bytes, base_cost, recompute_cost, compute_overhead,
// lower_bound_bytes.
absl::StatusOr<std::string> RunPlan(const Graph& graph, const proto::PlannerOptions& options,
                                    const std::string& out_path, ReportFormat format);

// `tbp simulate`: judges any schedule file against the graph. An invalid
// schedule is an error (non-zero exit) naming `what` (the schedule file)
// and the instruction: kInvalidArgument, or kOutOfRange for a recompute
// cost past int64.
absl::StatusOr<std::string> RunSimulate(const Graph& graph, const proto::Schedule& schedule,
                                        ReportFormat format, const std::string& what);

// `tbp bounds`: every lower bound by name.
absl::StatusOr<std::string> RunBounds(const Graph& graph, ReportFormat format);

}  // namespace tbp

#endif  // TBP_CLI_COMMANDS_H_

#include "experiments/results_csv.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "experiments/csv.h"
#include "proto/planner.pb.h"

namespace tbp::experiments {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string OrderName(proto::OrderHeuristic h) {
  return proto::OrderHeuristic_Name(h == proto::ORDER_UNSPECIFIED ? proto::ORDER_BEST : h);
}

const Columns& RunsColumns() {
  static const auto* columns = new Columns{
      {"run_index", "position in the spec's expansion (graph source x size x seed x planner x knob)"},
      {"instance_index", "position of the graph instance (graph source x size x seed)"},
      {"experiment", "ExperimentSpec.name"},
      {"graph_label", "GraphSource.label (the regime)"},
      {"family", "generator family, or 'file'"},
      {"seed", "generator seed"},
      {"size", "the swept size parameter (nodes, layers, depth or blocks)"},
      {"compute_nodes", "number of COMPUTE nodes"},
      {"edges", "listed inputs, INPUT nodes included"},
      {"total_activation_bytes", "sum of output_bytes over COMPUTE nodes, bytes"},
      {"planner", "planner name ('exact': the optimum by MILP; 'exhaustive': by exhaustive search)"},
      {"planner_label", "legend label of the planner sweep"},
      {"order", "order heuristic the planner ran on"},
      {"knob", "swept knob, or empty"},
      {"knob_value", "value of the swept knob"},
      {"budget_bytes", "memory budget given to the planner, bytes (0 = none)"},
      {"segment_length", "periodic segment length used (0 = n/a)"},
      {"slots", "revolve slots used (0 = n/a)"},
      {"block_size", "interval_tree block size used (0 = n/a)"},
      {"arity", "interval_tree arity used (0 = n/a)"},
      {"valid", "1 if the planner produced a schedule the simulator accepted"},
      {"peak_bytes", "simulated peak memory (activations + gradients), bytes"},
      {"peak_activation_bytes", "activation part of the peak sample, bytes"},
      {"peak_gradient_bytes", "gradient part of the peak sample, bytes"},
      {"store_all_peak_bytes", "simulated peak of store_all on the best order, bytes"},
      {"memory_ratio", "peak_bytes / store_all_peak_bytes"},
      {"lower_bound_bytes", "best true lower bound on any schedule's peak, bytes"},
      {"gap", "peak_bytes / lower_bound_bytes (>= 1)"},
      {"best_frontier_bytes", "peak frontier width of the best order, bytes (an upper bound)"},
      {"frontier_fraction", "best_frontier_bytes / total_activation_bytes"},
      {"compressible", "1 if the HCP diagnosis says the graph compresses"},
      {"sweep", "GraphSource.sweep: the failure-mode knob this graph is a point of, or empty"},
      {"sweep_value", "GraphSource.sweep_value: that knob's value (empty without a sweep)"},
      {"depth", "COMPUTE nodes on a longest path"},
      {"long_skip_fraction", "fraction of COMPUTE edges spanning more than sqrt(n) positions of the best order"},
      {"max_activation_fraction", "largest output_bytes / total_activation_bytes"},
      {"base_cost", "sum of forward + backward costs (what store_all pays)"},
      {"recompute_cost", "forward cost of every repeated FORWARD"},
      {"compute_overhead", "recompute_cost / base_cost"},
      {"exact_min_memory_bytes", "least peak of any valid schedule (exhaustive search), bytes"},
      {"lb_over_exact_min", "lower_bound_bytes / exact_min_memory_bytes (<= 1)"},
      {"exact_recompute_cost", "least recompute_cost of any schedule within peak_bytes"},
      {"recompute_vs_exact", "recompute_cost / exact_recompute_cost (1 if both are 0)"},
      {"total_cost_vs_exact",
       "(base_cost + recompute_cost) / (base_cost + exact_recompute_cost)"},
      {"exact_memory_at_recompute_bytes",
       "least peak of any schedule recomputing at most recompute_cost, bytes"},
      {"peak_vs_exact_memory", "peak_bytes / exact_memory_at_recompute_bytes (>= 1)"},
      {"optimality", "'proven' or 'unproven' (stopped at the time limit) for planners that prove; empty otherwise"},
      {"error", "why the run failed (quoted where it holds a comma, experiments/csv.h); empty if valid"},
  };
  return *columns;
}

const Columns& RuntimeColumns() {
  static const auto* columns = new Columns{
      {"run_index", "position in the spec's expansion"},
      {"instance_index", "position of the graph instance"},
      {"experiment", "ExperimentSpec.name"},
      {"graph_label", "GraphSource.label"},
      {"family", "generator family, or 'file'"},
      {"seed", "generator seed"},
      {"size", "the swept size parameter"},
      {"compute_nodes", "number of COMPUTE nodes"},
      {"edges", "listed inputs"},
      {"planner", "planner name"},
      {"planner_label", "legend label of the planner sweep"},
      {"knob", "swept knob, or empty"},
      {"knob_value", "value of the swept knob"},
      {"budget_bytes", "memory budget given to the planner, bytes (0 = none)"},
      {"valid", "1 if the schedule was produced and accepted by the simulator"},
      {"peak_bytes", "simulated peak memory, bytes"},
      {"store_all_peak_bytes", "simulated store_all peak, bytes"},
      {"compute_overhead", "recompute_cost / base_cost"},
      {"order_seconds", "wall clock of BestOrder, seconds (min over repetitions)"},
      {"lower_bound_seconds", "wall clock of AllLowerBounds, seconds"},
      {"plan_seconds", "wall clock of planning on the order, seconds"},
      {"simulate_seconds", "wall clock of simulating the schedule, seconds"},
      {"error", "why the run failed (quoted where it holds a comma, experiments/csv.h); empty if valid"},
  };
  return *columns;
}

const Columns& FrontierColumns() {
  static const auto* columns = new Columns{
      {"instance_index", "position of the graph instance"},
      {"experiment", "ExperimentSpec.name"},
      {"graph_label", "GraphSource.label"},
      {"family", "generator family, or 'file'"},
      {"seed", "generator seed"},
      {"size", "the swept size parameter"},
      {"compute_nodes", "number of COMPUTE nodes n"},
      {"compressible", "1 if the HCP diagnosis says the graph compresses"},
      {"order", "the order heuristic whose profile this is (the best)"},
      {"cut", "cut i, after position i of the order (0 .. n-1)"},
      {"cut_fraction", "(cut + 1) / n"},
      {"width_bytes", "bytes of the nodes crossing the cut"},
      {"width_nodes", "number of nodes crossing the cut"},
      {"width_fraction", "width_bytes / total_activation_bytes"},
      {"peak_frontier_bytes", "widest cut of the order, bytes"},
      {"lower_bound_bytes", "best true lower bound on any schedule's peak, bytes"},
      {"total_activation_bytes", "sum of output_bytes over COMPUTE nodes, bytes"},
  };
  return *columns;
}

std::string Header(const proto::RunResults& results, CsvLayout layout) {
  std::string out = absl::StrCat("# tiny-backprop results: experiment '", results.spec().name(),
                                 "' (binary ", results.binary(), ").\n");
  if (layout == CsvLayout::kRuntime) {
    absl::StrAppend(&out,
                    "# WALL-CLOCK TIMINGS: not reproducible byte for byte; excluded from "
                    "determinism checks.\n");
  }
  absl::StrAppend(&out, "# Columns:\n");
  std::vector<std::string> names;
  for (const auto& [name, doc] : CsvColumns(layout)) {
    absl::StrAppend(&out, "#   ", name, ": ", doc, "\n");
    names.push_back(name);
  }
  absl::StrAppend(&out, absl::StrJoin(names, ","), "\n");
  return out;
}

std::string B(bool b) { return b ? "1" : "0"; }

void AppendRunRow(const proto::RunRecord& r, std::string* out) {
  const proto::PlannerOptions& o = r.options();
  const bool v = r.valid();
  auto if_valid = [&](int64_t x) { return v ? absl::StrCat(x) : std::string(); };
  auto if_valid_d = [&](double x) { return v ? CsvDouble(x) : std::string(); };
  const bool exact_run = v && r.has_exact();
  double recompute_vs_exact = kMissing;
  double total_vs_exact = kMissing;
  if (exact_run) {
    recompute_vs_exact = (r.recompute_cost() == 0 && r.exact_recompute_cost() == 0)
                             ? 1.0
                             : Ratio(r.recompute_cost(), r.exact_recompute_cost());
    total_vs_exact = Ratio(r.base_cost() + r.recompute_cost(),
                           r.base_cost() + r.exact_recompute_cost());
  }
  std::vector<std::string> f = {
      absl::StrCat(r.run_index()),
      absl::StrCat(r.instance_index()),
      r.experiment(),
      r.graph_label(),
      r.family(),
      absl::StrCat(r.seed()),
      absl::StrCat(r.size()),
      absl::StrCat(r.compute_nodes()),
      absl::StrCat(r.edges()),
      absl::StrCat(r.total_activation_bytes()),
      o.planner(),
      r.planner_label(),
      OrderName(o.order()),
      r.knob(),
      r.knob().empty() ? std::string() : CsvDouble(r.knob_value()),
      absl::StrCat(o.budget_bytes()),
      absl::StrCat(o.segment_length()),
      absl::StrCat(o.slots()),
      absl::StrCat(o.block_size()),
      absl::StrCat(o.arity()),
      B(v),
      if_valid(r.peak_bytes()),
      if_valid(r.peak_activation_bytes()),
      if_valid(r.peak_gradient_bytes()),
      absl::StrCat(r.store_all_peak_bytes()),
      if_valid_d(Ratio(r.peak_bytes(), r.store_all_peak_bytes())),
      absl::StrCat(r.lower_bound_bytes()),
      if_valid_d(Ratio(r.peak_bytes(), r.lower_bound_bytes())),
      absl::StrCat(r.best_frontier_bytes()),
      CsvDouble(Ratio(r.best_frontier_bytes(), r.total_activation_bytes())),
      B(r.compressible()),
      r.sweep(),
      r.sweep().empty() ? std::string() : CsvDouble(r.sweep_value()),
      absl::StrCat(r.depth()),
      CsvDouble(r.long_skip_fraction()),
      CsvDouble(r.max_activation_fraction()),
      absl::StrCat(r.base_cost()),
      if_valid(r.recompute_cost()),
      if_valid_d(r.compute_overhead()),
      r.has_exact() ? absl::StrCat(r.exact_min_memory_bytes()) : std::string(),
      r.has_exact() ? CsvDouble(Ratio(r.lower_bound_bytes(), r.exact_min_memory_bytes()))
                    : std::string(),
      exact_run ? absl::StrCat(r.exact_recompute_cost()) : std::string(),
      CsvDouble(recompute_vs_exact),
      CsvDouble(total_vs_exact),
      exact_run ? absl::StrCat(r.exact_memory_at_recompute()) : std::string(),
      exact_run ? CsvDouble(Ratio(r.peak_bytes(), r.exact_memory_at_recompute()))
                : std::string(),
      r.optimality(),
      r.error(),
  };
  absl::StrAppend(out, CsvLine(f));
}

void AppendRuntimeRow(const proto::RunRecord& r, std::string* out) {
  const bool v = r.valid();
  std::vector<std::string> f = {
      absl::StrCat(r.run_index()),
      absl::StrCat(r.instance_index()),
      r.experiment(),
      r.graph_label(),
      r.family(),
      absl::StrCat(r.seed()),
      absl::StrCat(r.size()),
      absl::StrCat(r.compute_nodes()),
      absl::StrCat(r.edges()),
      r.options().planner(),
      r.planner_label(),
      r.knob(),
      r.knob().empty() ? std::string() : CsvDouble(r.knob_value()),
      absl::StrCat(r.options().budget_bytes()),
      B(v),
      v ? absl::StrCat(r.peak_bytes()) : std::string(),
      absl::StrCat(r.store_all_peak_bytes()),
      v ? CsvDouble(r.compute_overhead()) : std::string(),
      absl::StrFormat("%.6f", r.order_seconds()),
      absl::StrFormat("%.6f", r.lower_bound_seconds()),
      v ? absl::StrFormat("%.6f", r.plan_seconds()) : std::string(),
      v ? absl::StrFormat("%.6f", r.simulate_seconds()) : std::string(),
      r.error(),
  };
  absl::StrAppend(out, CsvLine(f));
}

void AppendProfileRows(const proto::FrontierProfile& p, std::string* out) {
  const int64_t n = p.width_bytes_size();
  for (int64_t i = 0; i < n; ++i) {
    std::vector<std::string> f = {
        absl::StrCat(p.instance_index()),
        p.experiment(),
        p.graph_label(),
        p.family(),
        absl::StrCat(p.seed()),
        absl::StrCat(p.size()),
        absl::StrCat(p.compute_nodes()),
        B(p.compressible()),
        p.order(),
        absl::StrCat(i),
        CsvDouble(static_cast<double>(i + 1) / static_cast<double>(n)),
        absl::StrCat(p.width_bytes(i)),
        absl::StrCat(i < p.width_nodes_size() ? p.width_nodes(i) : 0),
        CsvDouble(Ratio(p.width_bytes(i), p.total_activation_bytes())),
        absl::StrCat(p.peak_frontier_bytes()),
        absl::StrCat(p.lower_bound_bytes()),
        absl::StrCat(p.total_activation_bytes()),
    };
    absl::StrAppend(out, CsvLine(f));
  }
}

}  // namespace

double Ratio(int64_t num, int64_t den) {
  return den == 0 ? kMissing : static_cast<double>(num) / static_cast<double>(den);
}

std::string CsvDouble(double value) {
  if (!std::isfinite(value)) return "";
  return absl::StrFormat("%.9g", value);
}

const std::vector<std::pair<std::string, std::string>>& CsvColumns(CsvLayout layout) {
  switch (layout) {
    case CsvLayout::kRuns:
      return RunsColumns();
    case CsvLayout::kRuntime:
      return RuntimeColumns();
    case CsvLayout::kFrontier:
      return FrontierColumns();
  }
  return RunsColumns();
}

std::string ResultsCsv(const proto::RunResults& results, CsvLayout layout) {
  std::string out = Header(results, layout);
  switch (layout) {
    case CsvLayout::kRuns:
      for (const proto::RunRecord& r : results.records()) AppendRunRow(r, &out);
      break;
    case CsvLayout::kRuntime:
      for (const proto::RunRecord& r : results.records()) AppendRuntimeRow(r, &out);
      break;
    case CsvLayout::kFrontier:
      for (const proto::FrontierProfile& p : results.profiles()) AppendProfileRows(p, &out);
      break;
  }
  return out;
}

}  // namespace tbp::experiments

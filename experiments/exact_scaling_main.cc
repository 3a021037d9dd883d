// exact_scaling: how large a graph each exact method solves within a time
// limit (default 60 s), per family (issue: ground truth). Wall-clock, so NOT
// reproducible: `bazel run -c opt //experiments:update_exact_scaling` writes the
// committed experiments/results/exact_scaling.csv that the paper reads.
//
// The spec (experiments/specs/exact_scaling.textproto) lists, per family, a
// generator with a sweep of sizes, and the planners "exhaustive" and
// "exact", each with one budget fraction. For every graph in size order and
// each method: the budget LB + floor(f * (store_all - LB)) on the best
// order, one timed solve (exhaustive: ExhaustiveSearch with the limit;
// exact: the MILP with the limit on its whole solve, started from the
// budget planner's schedule, as `tbp plan --planner=exact` does), the schedule
// judged by the simulator. A method that fails to prove its optimum within
// the limit is not run on the larger sizes of that family. When both prove
// an optimum on one graph they must agree (else the run fails).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "core/analysis/lower_bounds.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/planner.h"
#include "core/sim/simulator.h"
#include "experiments/runner.h"
#include "proto/experiment.pb.h"

ABSL_FLAG(std::string, spec, "", "ExperimentSpec (exact_scaling.textproto).");
ABSL_FLAG(std::string, csv, "", "CSV output (.csv).");
ABSL_FLAG(double, time_limit_s, 60, "Wall-clock limit per solve, seconds.");

namespace tbp::experiments {
namespace {

struct Outcome {
  std::string status;  // optimal, time_limit, state_limit, too_large, error
  double seconds = 0;
  int64_t recompute = -1;
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Outcome Solve(const Graph& g, const std::vector<NodeId>& order, const std::string& planner,
              int64_t budget, double limit) {
  Outcome o;
  const auto start = std::chrono::steady_clock::now();
  std::vector<Instruction> instructions;
  absl::Status status;
  bool proven = false;
  if (planner == "exhaustive") {
    ExhaustiveOptions options;
    options.time_limit_s = limit;
    absl::StatusOr<ExhaustiveResult> r = ExhaustiveSearch(g, budget, options);
    status = r.status();
    if (r.ok()) { instructions = std::move(r->instructions); proven = true; }
  } else {
    proto::PlannerOptions p;
    p.set_planner(planner);
    p.set_budget_bytes(budget);
    p.set_time_limit_s(limit);
    absl::StatusOr<Schedule> s = PlanOnOrder(g, order, p);
    status = s.status();
    if (s.ok()) {
      instructions = std::move(s->instructions);
      proven = s->optimality->proven_optimal && s->optimality->horizon_certified;
    }
  }
  o.seconds = Seconds(start);
  if (!status.ok()) {
    o.status = absl::IsDeadlineExceeded(status)          ? "time_limit"
               : absl::IsResourceExhausted(status)         ? "state_limit"
               : absl::StrContains(status.message(), "at most") ? "too_large"
                                                                 : "error";
    if (o.status == "error") std::fprintf(stderr, "  %s: %s\n", planner.c_str(),
                                          std::string(status.message()).c_str());
    return o;
  }
  absl::StatusOr<SimResult> sim = Simulate(g, instructions);
  if (!sim.ok() || sim->peak_bytes > budget) {
    o.status = "error";
    std::fprintf(stderr, "  %s: invalid schedule or over budget\n", planner.c_str());
    return o;
  }
  o.recompute = sim->recompute_cost;
  o.status = proven && o.seconds <= limit ? "optimal" : "time_limit";
  return o;
}

absl::Status Run() {
  proto::ExperimentSpec spec;
  if (absl::Status s = ReadProtoFile(absl::GetFlag(FLAGS_spec), &spec); !s.ok()) return s;
  if (absl::Status s = ValidateExperimentSpec(spec, ExperimentKind::kLowerBoundGap); !s.ok()) {
    return s;
  }
  const double limit = absl::GetFlag(FLAGS_time_limit_s);
  if (!(limit > 0)) {
    return absl::InvalidArgumentError(absl::StrFormat("--time_limit_s = %g: must be > 0", limit));
  }
  const std::string csv_path = absl::GetFlag(FLAGS_csv);
  if (!absl::EndsWith(csv_path, ".csv")) {
    return absl::InvalidArgumentError(absl::StrCat("--csv = '", csv_path, "': must end in .csv"));
  }
  std::string csv =
      "# exact_scaling: wall-clock seconds of one exact solve per graph and method (NOT "
      "reproducible)\n"
      "# status: optimal (proven within the limit), time_limit, state_limit (the search reached "
      "its cap on states), too_large (over the method's node limit), skipped (a smaller graph "
      "of the family already failed)\n"
      "family,label,size,compute_nodes,method,budget_bytes,time_limit_s,status,seconds,"
      "recompute_cost\n";
  std::map<std::pair<std::string, std::string>, bool> stopped;  // (label, method)
  for (const GraphInstance& inst : ExpandInstances(spec)) {
    absl::StatusOr<proto::Graph> proto = Generate(inst.generator);
    if (!proto.ok()) return proto.status();
    absl::StatusOr<Graph> g = Graph::FromProto(*proto);
    if (!g.ok()) return g.status();
    absl::StatusOr<std::vector<NodeId>> order = ChooseOrder(*g, proto::ORDER_BEST);
    if (!order.ok()) return order.status();
    absl::StatusOr<SimResult> store_all = SimulateStoreAll(*g, *order);
    if (!store_all.ok()) return store_all.status();
    const int64_t lb = BestLowerBound(*g);
    std::map<std::string, Outcome> outcomes;
    for (const RunConfig& run : ExpandRuns(spec)) {
      const std::string& planner = run.options.planner();
      const int64_t budget = lb + static_cast<int64_t>(run.knob_value *
                                                       static_cast<double>(store_all->peak_bytes - lb));
      Outcome o;
      if (stopped[{inst.label, planner}]) {
        o.status = "skipped";
      } else {
        std::fprintf(stderr, "%s size %d (%zu nodes) %s ...\n", inst.label.c_str(),
                     static_cast<int>(inst.size), g->compute_nodes().size(), planner.c_str());
        o = Solve(*g, *order, planner, budget, limit);
        if (o.status != "optimal") stopped[{inst.label, planner}] = true;
        std::fprintf(stderr, "  %s in %.2f s\n", o.status.c_str(), o.seconds);
      }
      outcomes[planner] = o;
      absl::StrAppendFormat(&csv, "%s,%s,%d,%d,%s,%d,%g,%s,%s,%s\n", inst.family, inst.label,
                            inst.size, g->compute_nodes().size(), planner, budget, limit, o.status,
                            o.status == "skipped" ? "" : absl::StrFormat("%.3f", o.seconds),
                            o.recompute >= 0 ? absl::StrCat(o.recompute) : "");
    }
    const Outcome& a = outcomes["exhaustive"];
    const Outcome& b = outcomes["exact"];
    if (a.status == "optimal" && b.status == "optimal" && a.recompute != b.recompute) {
      return absl::InternalError(absl::StrFormat(
          "%s size %d: exhaustive optimum %d != MILP optimum %d", inst.label, inst.size,
          a.recompute, b.recompute));
    }
  }
  return WriteFileAtomically(csv_path, csv);
}

}  // namespace
}  // namespace tbp::experiments

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "exact_scaling: largest graph each exact method solves within a time limit.\n"
      "usage: exact_scaling --spec=experiments/specs/exact_scaling.textproto --csv=OUT.csv "
      "[--time_limit_s=60]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status s = tbp::experiments::Run();
  if (!s.ok()) {
    std::fprintf(stderr, "exact_scaling: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

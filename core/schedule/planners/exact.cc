#include "core/schedule/planners/exact.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/exhaustive.h"
#include "core/schedule/milp.h"
#include "core/schedule/planners/budget.h"
#include "core/util/contained.h"

namespace tbp {
namespace {

constexpr double kDefaultTimeLimitS = 60;
constexpr int64_t kDefaultSearchBytes = int64_t{1} << 30;

// A MilpResult as bytes for the pipe of RunContained: four int64 fields,
// then each instruction as an op byte and a 4-byte node id.
void PutInt64(int64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
}

int64_t GetInt64(const std::string& in, size_t* at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[*at + i])) << (8 * i);
  *at += 8;
  return static_cast<int64_t>(v);
}

std::string Encode(const MilpResult& r) {
  std::string out;
  PutInt64(r.recompute_cost, &out);
  PutInt64(r.recompute_lower_bound, &out);
  PutInt64((r.proven_optimal ? 1 : 0) | (r.horizon_certified ? 2 : 0), &out);
  PutInt64(static_cast<int64_t>(r.instructions.size()), &out);
  for (const Instruction& in : r.instructions) {
    out.push_back(static_cast<char>(in.op));
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((in.node >> (8 * i)) & 0xff));
  }
  return out;
}

std::optional<MilpResult> Decode(const std::string& in) {
  if (in.size() < 32) return std::nullopt;
  MilpResult r;
  size_t at = 0;
  r.recompute_cost = GetInt64(in, &at);
  r.recompute_lower_bound = GetInt64(in, &at);
  const int64_t flags = GetInt64(in, &at);
  r.proven_optimal = (flags & 1) != 0;
  r.horizon_certified = (flags & 2) != 0;
  const int64_t count = GetInt64(in, &at);
  if (count < 0 || in.size() != 32 + static_cast<size_t>(count) * 5) return std::nullopt;
  r.instructions.reserve(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) {
    Instruction ins;
    ins.op = static_cast<Op>(in[at++]);
    uint32_t node = 0;
    for (int i = 0; i < 4; ++i) node |= static_cast<uint32_t>(static_cast<unsigned char>(in[at++])) << (8 * i);
    ins.node = static_cast<NodeId>(node);
    r.instructions.push_back(ins);
  }
  return r;
}

Schedule WithOptimality(PlanContext& c, const proto::PlannerOptions& o,
                        std::vector<Instruction> instructions, Optimality optimality) {
  Schedule s = c.MakeSchedule(o, std::move(instructions));
  s.optimality = optimality;
  return s;
}

// The MILP in a child process for `seconds`, streaming its incumbents.
absl::StatusOr<Schedule> SolveContained(PlanContext& c, const proto::PlannerOptions& o,
                                        double seconds) {
  // The budget planner's schedule on the order, when one fits, caps the
  // search and starts the certificate (computed here: no solver involved).
  const absl::StatusOr<std::vector<Instruction>> start =
      DefaultBudgetSchedule(c, o.budget_bytes());
  const Graph& graph = c.graph();
  ContainedOutcome out = RunContained(
      [&](const EmitFn& emit) -> absl::Status {
        MilpOptions m;
        m.budget_bytes = o.budget_bytes();
        m.time_limit_s = seconds;
        m.max_forwards = o.max_forwards();
        if (start.ok()) m.incumbent = &*start;
        m.on_incumbent = [&](const MilpResult& r) { emit(Encode(r)); };
        absl::StatusOr<MilpResult> r = MilpSolve(graph, m);
        if (!r.ok()) return r.status();
        emit(Encode(*r));
        return absl::OkStatus();
      },
      seconds, "planner 'exact' (MILP by CBC)");
  std::optional<MilpResult> last;
  if (out.last_message.has_value()) last = Decode(*out.last_message);
  if (out.status.ok()) {
    if (!last.has_value()) {
      return absl::InternalError("planner 'exact': the MILP's result did not arrive intact");
    }
  } else if (absl::IsDeadlineExceeded(out.status) && last.has_value()) {
    last->proven_optimal = false;  // Stopped: the best streamed so far.
  } else {
    return out.status;
  }
  return WithOptimality(c, o, std::move(last->instructions),
                        Optimality{last->recompute_lower_bound, last->proven_optimal,
                                   last->horizon_certified});
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  ExhaustiveOptions e;
  e.time_limit_s = o.time_limit_s() / 2;
  e.max_state_bytes = o.max_state_bytes() > 0 ? o.max_state_bytes() : kDefaultSearchBytes;
  absl::StatusOr<ExhaustiveResult> searched = ExhaustiveSearch(c.graph(), o.budget_bytes(), e);
  if (searched.ok()) {
    return WithOptimality(c, o, std::move(searched->instructions),
                          Optimality{searched->recompute_cost, true, true});
  }
  // Proven infeasible, or a graph the search cannot take: final.
  if (!absl::IsResourceExhausted(searched.status()) &&
      !absl::IsDeadlineExceeded(searched.status())) {
    return searched.status();
  }
  const double left =
      o.time_limit_s() -
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (left <= 0) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "planner 'exact': the time limit (time_limit_s = %g) passed before any schedule "
        "within budget_bytes = %d was found (%s)",
        o.time_limit_s(), o.budget_bytes(), searched.status().message()));
  }
  return SolveContained(c, o, left);
}

}  // namespace

const PlannerDef& ExactPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "exact";
    d->summary = "the optimum over all schedules: exhaustive A* search, then a time-indexed "
                 "MILP solved by CBC in a contained process";
    d->citation = "time-indexed MILP in the spirit of Checkmate, Jain et al. 2020";
    d->budget = BudgetUse::kRequired;
    d->max_compute_nodes = kMilpMaxNodes;
    d->order_free = true;
    d->knobs = {
        {"time_limit_s", KnobType::kDouble, 0, kNoMax, "60", "",
         "time limit of the whole call, seconds (the search gets at most half); when hit, the "
         "best schedule is reported with its bound, not proven optimal"},
        {"max_forwards", KnobType::kInt, 1, kNoMax,
         "n + n(n+1)/2; the solve stops earlier where its certificate allows", "",
         "most FORWARD instructions the MILP considers (its horizon)"},
        {"max_state_bytes", KnobType::kInt, 1, kNoMax, "1 GiB", "",
         "most bytes of states the exhaustive search may take before the MILP's turn"},
    };
    d->resolve_defaults = [](PlanContext&, proto::PlannerOptions* o) {
      if (o->time_limit_s() == 0) o->set_time_limit_s(kDefaultTimeLimitS);
    };
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

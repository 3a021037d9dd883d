// A planned schedule: the instructions (core/ir/instructions.h), the order
// the planner worked on, and the options that produced it. Conversion to and
// from proto::Schedule resolves node names and checks the graph fingerprint.
#ifndef TBP_CORE_SCHEDULE_SCHEDULE_H_
#define TBP_CORE_SCHEDULE_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/ir/instructions.h"
#include "proto/planner.pb.h"
#include "proto/schedule.pb.h"

namespace tbp {

// What an exact planner proved about its schedule (absent for heuristics).
struct Optimality {
  // No schedule within the budget recomputes less than this.
  int64_t recompute_lower_bound = 0;
  // The solver closed the gap (false: it hit time_limit_s, and the
  // schedule is only the best found).
  bool proven_optimal = false;
  // The bound holds over all schedules of the model, not only over those
  // within the MILP's horizon (core/schedule/milp.h).
  bool horizon_certified = false;
};

struct Schedule {
  proto::PlannerOptions options;     // planner = "" for hand-written ones.
  std::vector<NodeId> order;         // COMPUTE nodes, topological.
  std::vector<Instruction> instructions;
  std::optional<Optimality> optimality;  // exact and exhaustive only.
};

// The proto form, with node names and the graph's fingerprint. O(size).
proto::Schedule ScheduleToProto(const Graph& graph, const Schedule& schedule);

// Resolves names against `graph`. Errors (kInvalidArgument) name the field:
// a fingerprint of another graph, an unknown node name or op, an INPUT node.
// The order may be empty (hand-written schedules); when given it must name
// each COMPUTE node once. Whether the instructions form a valid schedule is
// the simulator's job (core/sim/simulator.h), not this function's.
absl::StatusOr<Schedule> ScheduleFromProto(const Graph& graph, const proto::Schedule& proto);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_SCHEDULE_H_

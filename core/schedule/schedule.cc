#include "core/schedule/schedule.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace tbp {

proto::Schedule ScheduleToProto(const Graph& graph, const Schedule& schedule) {
  proto::Schedule p;
  p.set_graph_fingerprint(graph.Fingerprint());
  *p.mutable_options() = schedule.options;
  p.mutable_order()->Reserve(static_cast<int>(schedule.order.size()));
  for (NodeId v : schedule.order) p.add_order(graph.name(v));
  p.mutable_instructions()->Reserve(static_cast<int>(schedule.instructions.size()));
  for (const Instruction& in : schedule.instructions) {
    proto::Instruction* q = p.add_instructions();
    switch (in.op) {
      case Op::kForward: q->set_op(proto::Instruction::FORWARD); break;
      case Op::kFree: q->set_op(proto::Instruction::FREE); break;
      case Op::kBackward: q->set_op(proto::Instruction::BACKWARD); break;
    }
    q->set_node(graph.name(in.node));
  }
  return p;
}

absl::StatusOr<Schedule> ScheduleFromProto(const Graph& graph, const proto::Schedule& p) {
  if (p.graph_fingerprint() != 0 && p.graph_fingerprint() != graph.Fingerprint()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Schedule.graph_fingerprint = %u does not match the graph's fingerprint %u: the "
        "schedule was made for another graph",
        p.graph_fingerprint(), graph.Fingerprint()));
  }
  Schedule s;
  s.options = p.options();
  if (p.order_size() > 0) {
    std::vector<int> seen(graph.num_nodes(), -1);
    for (int i = 0; i < p.order_size(); ++i) {
      NodeId v = graph.Find(p.order(i));
      if (v == kNoNode || !graph.is_compute(v)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Schedule.order[%d] = '%s' is not a COMPUTE node of the graph", i, p.order(i)));
      }
      if (seen[v] >= 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Schedule.order[%d] = '%s' repeats Schedule.order[%d]", i, p.order(i), seen[v]));
      }
      seen[v] = i;
      s.order.push_back(v);
    }
    if (s.order.size() != graph.compute_nodes().size()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Schedule.order lists %d nodes; the graph has %d COMPUTE nodes", p.order_size(),
          graph.compute_nodes().size()));
    }
  }
  s.instructions.reserve(p.instructions_size());
  for (int i = 0; i < p.instructions_size(); ++i) {
    const proto::Instruction& q = p.instructions(i);
    Instruction in;
    switch (q.op()) {
      case proto::Instruction::FORWARD: in.op = Op::kForward; break;
      case proto::Instruction::FREE: in.op = Op::kFree; break;
      case proto::Instruction::BACKWARD: in.op = Op::kBackward; break;
      default:
        return absl::InvalidArgumentError(absl::StrFormat(
            "Schedule.instructions[%d].op = %d: must be FORWARD, FREE or BACKWARD", i,
            static_cast<int>(q.op())));
    }
    in.node = graph.Find(q.node());
    if (in.node == kNoNode) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Schedule.instructions[%d].node = '%s' names no node of the graph", i, q.node()));
    }
    if (!graph.is_compute(in.node)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Schedule.instructions[%d].node = '%s' is an INPUT node; schedules only name COMPUTE "
          "nodes",
          i, q.node()));
    }
    s.instructions.push_back(in);
  }
  return s;
}

}  // namespace tbp

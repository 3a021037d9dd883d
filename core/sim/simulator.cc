#include "core/sim/simulator.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/util/check.h"

namespace tbp {
namespace {

absl::Status Invalid(const Graph& g, int64_t index, const Instruction& in,
                     const std::string& why) {
  return absl::InvalidArgumentError(absl::StrFormat("instruction %d (%s '%s'): %s", index,
                                                    OpName(in.op), g.name(in.node), why));
}

}  // namespace

absl::StatusOr<SimResult> Simulate(const Graph& g, absl::Span<const Instruction> instructions,
                                   const SimOptions& options) {
  const int32_t n = g.num_nodes();
  std::vector<uint8_t> resident(n, 0), backwarded(n, 0), grad_live(n, 0);
  // Consumers of each node not yet backwarded (COMPUTE consumers only; all
  // consumers are COMPUTE since INPUT nodes have no inputs).
  std::vector<int32_t> pending_consumers(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    pending_consumers[v] = static_cast<int32_t>(g.consumers(v).size());
  }
  SimResult r;
  r.forward_count.assign(n, 0);
  r.base_cost = g.base_cost();
  if (options.record_timeline) r.timeline_bytes.reserve(instructions.size());
  int64_t act = 0, grad = 0;
  auto sample = [&](int64_t index) {
    if (act + grad > r.peak_bytes || r.peak_instruction < 0) {
      r.peak_bytes = act + grad;
      r.peak_activation_bytes = act;
      r.peak_gradient_bytes = grad;
      r.peak_instruction = index;
    }
    if (options.record_timeline) r.timeline_bytes.push_back(act + grad);
  };

  for (int64_t i = 0; i < static_cast<int64_t>(instructions.size()); ++i) {
    const Instruction& in = instructions[i];
    const NodeId v = in.node;
    if (v < 0 || v >= n) {
      return absl::InvalidArgumentError(
          absl::StrFormat("instruction %d (%s): node id %d is out of range [0, %d)", i,
                          OpName(in.op), v, n));
    }
    if (!g.is_compute(v)) return Invalid(g, i, in, "is an INPUT node; only COMPUTE nodes are scheduled");
    switch (in.op) {
      case Op::kForward: {
        if (backwarded[v]) return Invalid(g, i, in, "the node was already backwarded");
        if (resident[v]) return Invalid(g, i, in, "the node is already resident");
        for (NodeId u : g.inputs(v)) {
          if (g.is_compute(u) && !resident[u]) {
            return Invalid(g, i, in, absl::StrFormat("input '%s' is not resident", g.name(u)));
          }
        }
        resident[v] = 1;
        act += g.output_bytes(v);
        if (++r.forward_count[v] > 1) {
          if (__builtin_add_overflow(r.recompute_cost, g.forward_cost(v), &r.recompute_cost)) {
            return absl::OutOfRangeError(absl::StrFormat(
                "instruction %d (FORWARD '%s'): the recompute_cost of the schedule exceeds "
                "int64 (%d): its recomputations cost more than any result can report",
                i, g.name(v), std::numeric_limits<int64_t>::max()));
          }
          ++r.num_recomputes;
        }
        ++r.num_forwards;
        sample(i);
        break;
      }
      case Op::kFree: {
        if (!resident[v]) return Invalid(g, i, in, "the node is not resident");
        resident[v] = 0;
        act -= g.output_bytes(v);
        if (options.record_timeline) r.timeline_bytes.push_back(act + grad);
        break;
      }
      case Op::kBackward: {
        if (backwarded[v]) return Invalid(g, i, in, "the node was already backwarded");
        if (pending_consumers[v] > 0) {
          for (NodeId w : g.consumers(v)) {
            if (!backwarded[w]) {
              return Invalid(g, i, in,
                             absl::StrFormat("its gradient is incomplete: consumer '%s' has not "
                                             "been backwarded",
                                             g.name(w)));
            }
          }
          TBP_CHECK(false);
        }
        if (!resident[v]) return Invalid(g, i, in, "the node's activation is not resident");
        for (NodeId u : g.inputs(v)) {
          if (g.is_compute(u) && !resident[u]) {
            return Invalid(g, i, in, absl::StrFormat("input '%s' is not resident", g.name(u)));
          }
        }
        if (!grad_live[v]) {
          // Only an output's gradient can be missing here: any other COMPUTE
          // node has a COMPUTE consumer, whose BACKWARD allocated it.
          TBP_CHECK(g.is_output(v));
          grad_live[v] = 1;
          grad += g.output_bytes(v);
        }
        for (NodeId u : g.inputs(v)) {
          if (g.is_compute(u) && !grad_live[u]) {
            grad_live[u] = 1;
            grad += g.output_bytes(u);
          }
        }
        sample(i);
        grad_live[v] = 0;
        grad -= g.output_bytes(v);
        backwarded[v] = 1;
        for (NodeId u : g.inputs(v)) --pending_consumers[u];
        break;
      }
    }
  }
  for (NodeId v : g.compute_nodes()) {
    if (!backwarded[v]) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "end of schedule (%d instructions): node '%s' was never backwarded",
          instructions.size(), g.name(v)));
    }
  }
  for (NodeId v : g.compute_nodes()) {
    if (resident[v]) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "end of schedule (%d instructions): node '%s' is still resident (leaked activation)",
          instructions.size(), g.name(v)));
    }
  }
  TBP_CHECK(act == 0 && grad == 0);
  r.compute_overhead =
      r.base_cost > 0 ? static_cast<double>(r.recompute_cost) / static_cast<double>(r.base_cost)
                      : 0.0;
  return r;
}

}  // namespace tbp

// The simulator: the single judge of schedules (docs/design.md section 3).
//
// Simulate() executes a schedule against a graph, checks every precondition
// of every instruction, and measures peak memory and costs. Every number
// that a test, experiment, figure or the paper reports about a schedule
// comes from here (or from the replay engine, which must agree with it).
// No planner computes its own peak.
//
// Memory = resident activations + live gradient buffers, sampled inside each
// FORWARD (inputs and output live) and BACKWARD (after the input gradients
// are allocated, before the node's own gradient is freed).
#ifndef TBP_CORE_SIM_SIMULATOR_H_
#define TBP_CORE_SIM_SIMULATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/ir/instructions.h"

namespace tbp {

struct SimOptions {
  // Keep the per-instruction memory samples in SimResult::timeline_bytes.
  bool record_timeline = false;
};

struct SimResult {
  int64_t peak_bytes = 0;
  // The split of the (first) peak sample.
  int64_t peak_activation_bytes = 0;
  int64_t peak_gradient_bytes = 0;
  int64_t peak_instruction = -1;  // Index of the first instruction at peak.
  // Section 3 costs: base = sum of forward + backward costs over COMPUTE
  // nodes; recompute = forward_cost of every repeated FORWARD.
  int64_t base_cost = 0;
  int64_t recompute_cost = 0;
  double compute_overhead = 0.0;  // recompute_cost / base_cost (0 if base 0).
  int64_t num_forwards = 0;
  int64_t num_recomputes = 0;
  // forward_count[v] = number of FORWARDs of node v (indexed by NodeId).
  std::vector<int32_t> forward_count;
  // With record_timeline: memory sample of each instruction (for FREE, the
  // memory after it).
  std::vector<int64_t> timeline_bytes;
};

// Runs `instructions` on `graph`. O(sum over instructions of the node's
// degree). On an invalid schedule returns kInvalidArgument naming the
// instruction index, op and node, and what was missing (an input not
// resident, a consumer not yet backwarded, a node backwarded twice, a node
// still resident at the end, ...); kOutOfRange if the recompute_cost would
// exceed int64 (a schedule that recomputes more than any number can say;
// never a wrapped value). Memory sums cannot overflow: Graph::FromProto
// requires four times the sum of output_bytes to fit in int64.
absl::StatusOr<SimResult> Simulate(const Graph& graph, absl::Span<const Instruction> instructions,
                                   const SimOptions& options = {});

}  // namespace tbp

#endif  // TBP_CORE_SIM_SIMULATOR_H_

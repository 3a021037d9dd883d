// Compares the simulator (core/sim) with the reference of reference_sim.h
// on one schedule: the same verdict, the same failing instruction, and on
// a valid schedule the same peak, costs and forward counts. Records gtest
// failures; returns whether the schedule was valid.
#ifndef TBP_TESTS_FUZZ_SIM_COMPARE_H_
#define TBP_TESTS_FUZZ_SIM_COMPARE_H_

#include <vector>

#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/ir/instructions.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace fuzz {

// `graph` must be Graph::FromProto(proto) (ids are proto positions).
bool CompareWithReference(const proto::Graph& proto, const Graph& graph,
                          absl::Span<const Instruction> instructions);

}  // namespace fuzz
}  // namespace tbp

#endif  // TBP_TESTS_FUZZ_SIM_COMPARE_H_

// The instruction language of schedules (docs/design.md section 3): FORWARD,
// FREE and BACKWARD over the COMPUTE nodes of one graph. This is all the
// simulator (core/sim) and the replay engine need to know about a schedule;
// how it was planned (core/schedule) stays out of their dependencies.
#ifndef TBP_CORE_IR_INSTRUCTIONS_H_
#define TBP_CORE_IR_INSTRUCTIONS_H_

#include <cstdint>

#include "core/graph/graph.h"

namespace tbp {

enum class Op : uint8_t { kForward, kFree, kBackward };

struct Instruction {
  Op op;
  NodeId node;
  bool operator==(const Instruction& o) const { return op == o.op && node == o.node; }
};

// "FORWARD", "FREE" or "BACKWARD".
const char* OpName(Op op);

}  // namespace tbp

#endif  // TBP_CORE_IR_INSTRUCTIONS_H_

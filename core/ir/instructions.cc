#include "core/ir/instructions.h"

namespace tbp {

const char* OpName(Op op) {
  switch (op) {
    case Op::kForward: return "FORWARD";
    case Op::kFree: return "FREE";
    case Op::kBackward: return "BACKWARD";
  }
  return "?";
}

}  // namespace tbp

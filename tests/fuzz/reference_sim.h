// A second, deliberately naive implementation of the simulator's rules
// (docs/design.md section 3 and docs/model.md, "Memory and cost"), for the
// schedule fuzzers: it reads the graph proto by node name (not the Graph
// IR), keeps node states in ordered sets, recomputes every memory sample by
// summing over those sets, and sums costs in 128 bits. It shares no code
// with core/sim and is written from the documents, not from simulator.cc.
#ifndef TBP_TESTS_FUZZ_REFERENCE_SIM_H_
#define TBP_TESTS_FUZZ_REFERENCE_SIM_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "proto/graph.pb.h"

namespace tbp {
namespace fuzz {

enum class RefOp { kForward, kFree, kBackward };

// node: an index into graph.nodes(), possibly out of range (then invalid).
struct RefInstruction {
  RefOp op;
  int64_t node;
};

struct RefResult {
  enum Kind { kValid, kInvalidAt, kInvalidAtEnd, kOverflowAt };
  Kind kind = kValid;
  int64_t index = -1;  // the failing instruction (kInvalidAt, kOverflowAt)
  int64_t peak_bytes = 0;
  int64_t recompute_cost = 0;
  int64_t num_forwards = 0;
  int64_t num_recomputes = 0;
  std::map<std::string, int64_t> forwards;  // FORWARDs per node name
};

// Judges `instructions` on `graph` (which must be a valid graph: Graph::
// FromProto accepts it). O(instructions x nodes x degree): for small
// graphs only.
RefResult ReferenceSimulate(const proto::Graph& graph,
                            const std::vector<RefInstruction>& instructions);

}  // namespace fuzz
}  // namespace tbp

#endif  // TBP_TESTS_FUZZ_REFERENCE_SIM_H_

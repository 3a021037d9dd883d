#include "tests/fuzz/sim_compare.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fuzz/reference_sim.h"

namespace tbp {
namespace fuzz {

bool CompareWithReference(const proto::Graph& proto, const Graph& graph,
                          absl::Span<const Instruction> instructions) {
  std::vector<RefInstruction> ref_in;
  ref_in.reserve(instructions.size());
  for (const Instruction& in : instructions) {
    const RefOp op = in.op == Op::kForward ? RefOp::kForward
                     : in.op == Op::kFree  ? RefOp::kFree
                                           : RefOp::kBackward;
    ref_in.push_back({op, in.node});
  }
  const RefResult want = ReferenceSimulate(proto, ref_in);
  const absl::StatusOr<SimResult> got = Simulate(graph, instructions);
  switch (want.kind) {
    case RefResult::kValid: {
      if (!got.ok()) {
        ADD_FAILURE() << "the reference accepts the schedule, the simulator says "
                      << got.status();
        return false;
      }
      EXPECT_EQ(got->peak_bytes, want.peak_bytes);
      EXPECT_EQ(got->recompute_cost, want.recompute_cost);
      EXPECT_EQ(got->num_forwards, want.num_forwards);
      EXPECT_EQ(got->num_recomputes, want.num_recomputes);
      EXPECT_EQ(got->base_cost, graph.base_cost());
      for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        const auto it = want.forwards.find(graph.name(v));
        const int64_t want_count = it == want.forwards.end() ? 0 : it->second;
        EXPECT_EQ(got->forward_count[v], want_count) << "node " << graph.name(v);
      }
      return true;
    }
    case RefResult::kInvalidAt:
    case RefResult::kOverflowAt: {
      const absl::StatusCode code = want.kind == RefResult::kInvalidAt
                                        ? absl::StatusCode::kInvalidArgument
                                        : absl::StatusCode::kOutOfRange;
      if (got.ok()) {
        ADD_FAILURE() << "the reference rejects instruction " << want.index
                      << ", the simulator accepts the schedule (peak " << got->peak_bytes << ")";
        return false;
      }
      EXPECT_EQ(got.status().code(), code) << got.status();
      EXPECT_THAT(std::string(got.status().message()),
                  ::testing::StartsWith(absl::StrCat("instruction ", want.index, " (")));
      return false;
    }
    case RefResult::kInvalidAtEnd:
      if (got.ok()) {
        ADD_FAILURE() << "the reference rejects the end of the schedule, the simulator "
                         "accepts it";
        return false;
      }
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
      EXPECT_THAT(std::string(got.status().message()), ::testing::StartsWith("end of schedule"));
      return false;
  }
  return false;
}

}  // namespace fuzz
}  // namespace tbp

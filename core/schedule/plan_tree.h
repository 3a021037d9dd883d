// Frontier-cut checkpointing plans and the one emitter that turns them into
// schedules. store_all, periodic, revolve, interval_tree, budget's DP and
// chen_greedy are choices of plan tree; rotor's DP extends this plan space
// (planners/rotor.h).
//
// Positions 0..n-1 index a topological order of the COMPUTE nodes. For a
// position b, the cut before b is C(b) = {nodes at positions < b with a
// consumer at a position >= b} (docs/design.md section 4 calls it cut b-1).
//
// A plan tree reverses a segment [a, b) of positions:
//   Leaf(a, b):  forward every non-resident node of [a, b) in order, then
//                for p = b-1 .. a: BACKWARD p, FREE p.
//   Split(a, m, b) with a < m < b: a forward sweep over [a, m) that keeps
//                exactly the checkpoint C(m) ∩ [a, m) resident (everything
//                else computed in the sweep is freed as soon as it is dead),
//                then the right part (m, b), then the left part (a, m).
// Invariant at the start of segment (a, b): C(a) is resident (held by the
// enclosing segments), the nodes of [a, b) that are resident are exactly
// Top(a, b) = C(b) ∩ [a, b) (needed by the already reversed part >= b), and
// every node at a position >= b is backwarded. After the right part (m, b)
// the checkpoint C(m) ∩ [a, m) is exactly Top(a, m): nothing in it is dead,
// so it stays resident and the left part starts with it. Hence the emitted
// schedule is valid for any tree (the simulator checks it anyway).
#ifndef TBP_CORE_SCHEDULE_PLAN_TREE_H_
#define TBP_CORE_SCHEDULE_PLAN_TREE_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"

namespace tbp {

// Position-indexed facts about one order, shared by planners. O(V + E).
struct OrderContext {
  OrderContext(const Graph& graph, absl::Span<const NodeId> order);

  const Graph& graph;
  int32_t n = 0;                    // Number of positions.
  std::vector<NodeId> node_at;      // node_at[p].
  std::vector<int32_t> pos_of;      // pos_of[node id], -1 for INPUT nodes.
  std::vector<int32_t> last_use;    // Largest consumer position, -1 if none.
  std::vector<int64_t> bytes;       // bytes[p] = output_bytes(node_at[p]).
  std::vector<int64_t> prefix_bytes;  // prefix_bytes[p] = sum of bytes[0..p).
  std::vector<int64_t> prefix_fwd;    // prefix_fwd[p] = sum of forward costs.
  std::vector<int64_t> cut_bytes;     // cut_bytes[b] = bytes of C(b), b in 0..n.
  std::vector<int64_t> cut_fwd;       // cut_fwd[b] = forward cost of C(b).
};

struct PlanNode {
  int32_t a = 0, b = 0;
  int32_t m = -1;      // Split point, or -1 for a leaf.
  int32_t right = -1;  // Index of the plan node for (m, b).
  int32_t left = -1;   // Index of the plan node for (a, m).
};

// Built top-down: the root is the leaf (0, n); Split turns a leaf into a
// split and returns its two new leaf children.
struct PlanTree {
  explicit PlanTree(int32_t n);

  struct Children {
    int32_t right;  // (m, b)
    int32_t left;   // (a, m)
  };
  // Splits leaf `index` at m (a < m < b).
  Children Split(int32_t index, int32_t m);

  std::vector<PlanNode> nodes;
  int32_t root = 0;
};

// Emits the schedule of `tree` (whose root must cover [0, n)). O(size of
// the schedule + E); iterative, so deep trees do not overflow the stack.
std::vector<Instruction> EmitPlan(const OrderContext& context, const PlanTree& tree);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLAN_TREE_H_

// The frontier profile of a topological order (docs/design.md section 4).
//
// An order lists every COMPUTE node exactly once, topologically; INPUT nodes
// are excluded (they are always resident and cost no activation memory).
// Cut i (0 <= i < n) lies after position i. C_i = the nodes at positions
// <= i with a consumer at a position > i; the width of cut i is the sum of
// output_bytes over C_i. A checkpoint at cut i holds exactly C_i, and the
// gradient frontier of the reverse pass crosses the same cuts. The last cut
// (i = n - 1) is always empty.
//
// These widths describe one order: the peak of an order is an UPPER bound
// on what a frontier-checkpointing planner needs at a cut, never a lower
// bound on the memory of a schedule (see lower_bounds.h for those).
#ifndef TBP_CORE_ANALYSIS_FRONTIER_H_
#define TBP_CORE_ANALYSIS_FRONTIER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "core/graph/graph.h"

namespace tbp {

struct FrontierProfile {
  // width_bytes[i] = sum of output_bytes over C_i; size n (the number of
  // COMPUTE nodes).
  std::vector<int64_t> width_bytes;
  // width_nodes[i] = |C_i|; size n.
  std::vector<int32_t> width_nodes;
  // max_i width_bytes[i].
  int64_t peak_bytes = 0;
  // The first cut i with width_bytes[i] == peak_bytes.
  int32_t argmax = 0;
  // Sum of width_bytes / n.
  double mean_bytes = 0.0;
  // Nearest-rank 95th percentile: with the widths sorted ascending as
  // w[0] <= ... <= w[n-1], p95_bytes = w[ceil(0.95 * n) - 1] (computed in
  // integers as w[(95 * n + 99) / 100 - 1]). At least 95% of the cuts are
  // no wider than p95_bytes, and it is always one of the widths.
  int64_t p95_bytes = 0;
  // max_i width_nodes[i].
  int32_t peak_nodes = 0;
};

// The frontier profile of `order` in O(V + E) time (the 95th percentile by
// selection, not sorting). Uses the last-consumer-position trick: a node at
// position p whose last consumer sits at position l is in cuts p..l-1, so
// a difference array over positions gives every width in one sweep.
//
// Precondition: ValidateOrder(graph, order).ok() (order.h). The order is
// re-checked in O(V + E); a violation is a broken invariant of the caller
// and aborts via TBP_CHECK. Orders from users must go through
// ValidateOrder first, which returns a Status naming the problem.
FrontierProfile ComputeFrontier(const Graph& graph,
                                absl::Span<const NodeId> order);

// ComputeFrontier(graph, order).peak_bytes without keeping the profile.
// Same complexity and precondition.
int64_t PeakFrontierBytes(const Graph& graph, absl::Span<const NodeId> order);

// position[v] = index of v in `order` for COMPUTE nodes, -1 for INPUT
// nodes; size graph.num_nodes(). O(V). Precondition: every entry of `order`
// is a distinct COMPUTE node of `graph` (TBP_CHECK).
std::vector<int32_t> OrderPositions(const Graph& graph,
                                    absl::Span<const NodeId> order);

}  // namespace tbp

#endif  // TBP_CORE_ANALYSIS_FRONTIER_H_

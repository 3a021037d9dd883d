#include "core/analysis/frontier.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/util/check.h"

namespace tbp {

std::vector<int32_t> OrderPositions(const Graph& graph,
                                    absl::Span<const NodeId> order) {
  std::vector<int32_t> position(graph.num_nodes(), -1);
  for (size_t p = 0; p < order.size(); ++p) {
    const NodeId v = order[p];
    TBP_CHECK(v >= 0 && v < graph.num_nodes());
    TBP_CHECK(graph.is_compute(v));
    TBP_CHECK(position[v] == -1);
    position[v] = static_cast<int32_t>(p);
  }
  return position;
}

namespace {

// Fills width_bytes / width_nodes (when non-null) for a valid order.
void Widths(const Graph& graph, absl::Span<const NodeId> order,
            std::vector<int64_t>* width_bytes,
            std::vector<int32_t>* width_nodes) {
  const int32_t n = static_cast<int32_t>(order.size());
  TBP_CHECK(static_cast<size_t>(n) == graph.compute_nodes().size());
  const std::vector<int32_t> position = OrderPositions(graph, order);
  // Difference arrays: node at p with last consumer at l adds to cuts
  // p..l-1, i.e. +b at p and -b at l.
  std::vector<int64_t> diff_bytes(n + 1, 0);
  std::vector<int32_t> diff_nodes(width_nodes != nullptr ? n + 1 : 0, 0);
  for (int32_t p = 0; p < n; ++p) {
    const NodeId v = order[p];
    int32_t last = p;
    for (NodeId c : graph.consumers(v)) {
      // Consumers of a COMPUTE node are COMPUTE nodes placed after it.
      TBP_CHECK(position[c] > p);
      last = std::max(last, position[c]);
    }
    if (last == p) continue;
    diff_bytes[p] += graph.output_bytes(v);
    diff_bytes[last] -= graph.output_bytes(v);
    if (width_nodes != nullptr) {
      ++diff_nodes[p];
      --diff_nodes[last];
    }
  }
  width_bytes->assign(n, 0);
  int64_t running = 0;
  for (int32_t i = 0; i < n; ++i) {
    running += diff_bytes[i];
    (*width_bytes)[i] = running;
  }
  if (width_nodes != nullptr) {
    width_nodes->assign(n, 0);
    int32_t count = 0;
    for (int32_t i = 0; i < n; ++i) {
      count += diff_nodes[i];
      (*width_nodes)[i] = count;
    }
  }
}

}  // namespace

FrontierProfile ComputeFrontier(const Graph& graph,
                                absl::Span<const NodeId> order) {
  FrontierProfile profile;
  Widths(graph, order, &profile.width_bytes, &profile.width_nodes);
  const int32_t n = static_cast<int32_t>(order.size());
  if (n == 0) return profile;
  double sum = 0.0;
  for (int32_t i = 0; i < n; ++i) {
    const int64_t w = profile.width_bytes[i];
    sum += static_cast<double>(w);
    if (w > profile.peak_bytes || i == 0) {
      profile.peak_bytes = w;
      profile.argmax = i;
    }
    profile.peak_nodes = std::max(profile.peak_nodes, profile.width_nodes[i]);
  }
  profile.mean_bytes = sum / n;
  std::vector<int64_t> sorted = profile.width_bytes;
  const int64_t rank = (95 * static_cast<int64_t>(n) + 99) / 100;  // >= 1
  std::nth_element(sorted.begin(), sorted.begin() + (rank - 1), sorted.end());
  profile.p95_bytes = sorted[rank - 1];
  return profile;
}

int64_t PeakFrontierBytes(const Graph& graph, absl::Span<const NodeId> order) {
  std::vector<int64_t> widths;
  Widths(graph, order, &widths, nullptr);
  int64_t peak = 0;
  for (int64_t w : widths) peak = std::max(peak, w);
  return peak;
}

}  // namespace tbp

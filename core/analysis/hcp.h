// Height-compressibility (HCP) diagnosis of a graph (docs/design.md section 4).
//
// Height-compressed planners (periodic, revolve, interval_tree, budget)
// checkpoint the frontier cuts of one order. They save memory when those
// cuts are narrow compared with all activations and no single activation
// sets a high floor. This file measures that on the graph's best order
// (BestOrder in order.h) and explains, criterion by criterion, why the
// graph will or will not compress.
//
// Notation: n = number of COMPUTE nodes, T = total activation bytes (sum of
// output_bytes over COMPUTE nodes), W = peak frontier width of the order,
// pos(x) = position of x in the order; edges are COMPUTE -> COMPUTE input
// edges (INPUT nodes are always resident and never counted).
//
// The criteria (each can fail; tests construct a failing and a passing graph
// for each). KEY criteria decide the verdict; ADVISORY ones explain a wide
// frontier or warn, without deciding.
//
//  (a) frontier [KEY]: W <= T / 16 (max_frontier_fraction = 1/16).
//      Why 1/16: checkpointing the order every k positions holds about
//      k * W + T / k bytes (k checkpoints plus one segment's activations),
//      minimised at 2 * sqrt(W * T). W <= T / 16 makes that <= T / 2: the
//      order admits at least a 2x reduction over storing all activations.
//  (b) skips [ADVISORY]: at most 5% of the edges u -> c span more than
//      sqrt(n) positions (pos(c) - pos(u) > sqrt(n)); max_long_skip_fraction
//      = 0.05. An edge longer than sqrt(n) crosses a whole sqrt(n)-segment,
//      so its source sits in every checkpoint on the way: when such edges
//      are common, checkpoints fill with skip sources. Reported: the skip of
//      each node with consumers, pos(last consumer) - pos(node): max, mean,
//      p95 (nearest rank, as in frontier.h), and the long-edge fraction.
//  (c) fan_out [ADVISORY]: every COMPUTE node has at most 8 COMPUTE
//      consumers (max_fan_out = 8). A hub stays live until its last reader;
//      with many readers some of them usually sit far away.
//  (d) depth [ADVISORY]: depth * depth >= n, where depth = the number of
//      COMPUTE nodes on a longest path; i.e. depth >= n / depth, the mean
//      width of a level: the graph is deep, not wide. Wide graphs have wide
//      cuts; a graph can still pass (a) while wide (e.g. independent
//      branches that end early), which is why this is advisory.
//  (e) dominance [KEY]: max output_bytes <= T / 4 (max_activation_fraction
//      = 1/4). The BACKWARD of the largest node alone needs twice its bytes
//      (lower_bounds.h, backward_working_set); above T / 4 that floor is
//      above T / 2 and no schedule halves memory.
//
// Verdict: compressible iff every KEY criterion passes: (a) and (e).
#ifndef TBP_CORE_ANALYSIS_HCP_H_
#define TBP_CORE_ANALYSIS_HCP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/analysis/order.h"
#include "core/graph/graph.h"

namespace tbp {

// Thresholds of the criteria; the defaults are the values justified above.
struct HcpThresholds {
  // (a) pass iff peak_frontier_bytes <= total_activation_bytes * this.
  double max_frontier_fraction = 1.0 / 16;
  // (b) pass iff long_skip_edges <= compute_edges * this.
  double max_long_skip_fraction = 0.05;
  // (c) pass iff max_fan_out <= this.
  int32_t max_fan_out = 8;
  // (d) pass iff depth * depth >= num_compute_nodes (no parameter).
  // (e) pass iff max_activation_bytes <= total_activation_bytes * this.
  double max_activation_fraction = 1.0 / 4;
};

struct HcpStats {
  int32_t num_compute_nodes = 0;   // n
  int64_t num_compute_edges = 0;   // COMPUTE -> COMPUTE edges (distinct)
  int64_t total_activation_bytes = 0;  // T

  // The order analysed ("kahn", ..., or "given" for DiagnoseHcpForOrder).
  std::string order_name;
  // Its frontier (frontier.h): upper bounds on a checkpoint of this order.
  int64_t peak_frontier_bytes = 0;  // W
  double mean_frontier_bytes = 0.0;
  int64_t p95_frontier_bytes = 0;
  int32_t peak_frontier_cut = 0;  // first cut at the peak
  double peak_frontier_fraction = 0.0;  // W / T (0 when T = 0)

  // Skips: per node with consumers, pos(last consumer) - pos(node).
  int32_t max_skip = 0;
  double mean_skip = 0.0;
  int32_t p95_skip = 0;
  // An edge is long iff its length exceeds sqrt(n), i.e. is > this.
  int32_t long_skip_threshold = 0;  // floor(sqrt(n))
  int64_t long_skip_edges = 0;
  double long_skip_fraction = 0.0;  // long_skip_edges / edges (0 if none)

  int32_t max_fan_out = 0;
  NodeId max_fan_out_node = kNoNode;  // smallest id on ties

  int32_t depth = 0;            // COMPUTE nodes on a longest path
  double mean_level_width = 0;  // n / depth

  int64_t max_activation_bytes = 0;
  NodeId max_activation_node = kNoNode;  // smallest id on ties
  double max_activation_fraction = 0.0;  // max / T (0 when T = 0)

  // BestLowerBound(graph) (lower_bounds.h): no schedule goes below it.
  int64_t lower_bound_bytes = 0;
};

struct HcpCriterion {
  std::string name;  // "frontier", "skips", "fan_out", "depth", "dominance"
  bool key = false;  // decides the verdict
  bool pass = false;
  double value = 0.0;      // the measured quantity compared...
  double threshold = 0.0;  // ...with this (see each criterion above)
  std::string explanation;  // one plain-language sentence
};

struct HcpReport {
  HcpStats stats;
  // (a) to (e), in that order.
  std::vector<HcpCriterion> criteria;
  bool compressible = false;
  // Plain-language verdict: why the graph will or will not compress.
  std::string verdict;
};

// Diagnoses `graph` on its best order (BestOrder with default options).
// Time: that of BestOrder, O((V + E) log V), plus BestLowerBound.
// Precondition: `graph` was built by Graph::FromProto. No errors.
HcpReport DiagnoseHcp(const Graph& graph, const HcpThresholds& thresholds = {});

// Diagnoses `graph` on a given order (O(V + E) plus BestLowerBound).
// Precondition: ValidateOrder(graph, order).ok() (TBP_CHECK).
HcpReport DiagnoseHcpForOrder(const Graph& graph,
                              absl::Span<const NodeId> order,
                              absl::string_view order_name,
                              const HcpThresholds& thresholds = {});

// A multi-line human-readable rendering: verdict, then one line per
// criterion ("[PASS] frontier (key): ..."), then the statistics.
std::string FormatHcpReport(const HcpReport& report);

}  // namespace tbp

#endif  // TBP_CORE_ANALYSIS_HCP_H_

// Topological orders of the COMPUTE nodes and their validation
// (docs/design.md section 4).
//
// An order lists every COMPUTE node of a graph exactly once such that every
// COMPUTE input of a node comes before it; INPUT nodes are never listed.
// Frontier-checkpointing planners pick their cuts along an order, so an
// order with a small peak frontier (frontier.h) makes every checkpoint
// cheap. This file offers several heuristics and picks the best.
//
// Every function here is deterministic: results depend only on the graph
// (ids, inputs as listed, outputs as listed), never on hashing or timing.
//
// Basic API: ValidateOrder, BestOrder.
// Heuristics: KahnOrder, DfsOrder, GreedyOrder, LocalSearchOrder.
// Precondition of every heuristic: `graph` was built by Graph::FromProto
// (so it is acyclic and has at least one COMPUTE node).
#ifndef TBP_CORE_ANALYSIS_ORDER_H_
#define TBP_CORE_ANALYSIS_ORDER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"

namespace tbp {

// ---------------------------------------------------------------------------
// Basic API

// OK iff `order` lists every COMPUTE node of `graph` exactly once and every
// COMPUTE input of each node comes earlier. O(V + E).
// Errors (kInvalidArgument), each naming the position and the node:
//   "order[3] = 17 is not a node id (the graph has 12 nodes)",
//   "order[2] = 'x' (id 0) is an INPUT node; orders list COMPUTE nodes only",
//   "order[5] = 'b' (id 1) repeats order[1]",
//   "order has 3 entries but the graph has 4 COMPUTE nodes; missing 'd'
//    (id 3)",
//   "order[1] = 'b' (id 1) comes before its input 'a' (id 0) at order[2]".
absl::Status ValidateOrder(const Graph& graph, absl::Span<const NodeId> order);

enum class OrderHeuristic {
  kKahn = 0,
  kDfs = 1,
  kGreedy = 2,
  kLocalSearch = 3,
};

// All heuristics, in the tie-breaking order of BestOrder.
inline constexpr OrderHeuristic kAllOrderHeuristics[] = {
    OrderHeuristic::kKahn, OrderHeuristic::kDfs, OrderHeuristic::kGreedy,
    OrderHeuristic::kLocalSearch};

// "kahn", "dfs", "greedy", "local_search": stable names for reports.
absl::string_view OrderHeuristicName(OrderHeuristic heuristic);

struct OrderScore {
  OrderHeuristic heuristic = OrderHeuristic::kKahn;
  // Peak frontier width of that heuristic's order (an upper bound on what a
  // checkpoint of that order holds; not a lower bound on anything).
  int64_t peak_frontier_bytes = 0;
};

struct BestOrderResult {
  // The winner: smallest peak frontier, ties broken by kAllOrderHeuristics.
  OrderHeuristic heuristic = OrderHeuristic::kKahn;
  std::vector<NodeId> order;
  int64_t peak_frontier_bytes = 0;
  // One score per heuristic, in kAllOrderHeuristics order.
  std::vector<OrderScore> scores;
};

struct LocalSearchOptions {
  // Passes over all nodes; the search also stops after a pass without an
  // improving move. >= 0.
  int32_t max_passes = 4;
  // Each pass may spend at most work_factor * (V + E) + 1024 elementary
  // steps applying moves (shifting positions, rescanning consumers);
  // the pass ends early when the budget is spent. >= 1.
  int64_t work_factor = 8;
  // Testing aid: after every pass recompute the frontier from scratch and
  // TBP_CHECK that the incremental state agrees (costs O(V + E) per pass).
  bool check_invariants = false;
};

// Runs Kahn, DFS and Greedy, then LocalSearch from the best of them, and
// returns the order with the smallest peak frontier width (ties: first in
// kAllOrderHeuristics). O((V + E) log V) time for the default options.
BestOrderResult BestOrder(const Graph& graph,
                          const LocalSearchOptions& options = {});

// ---------------------------------------------------------------------------
// Heuristics. Each returns a valid order (ValidateOrder is OK).

// Kahn's algorithm; among ready nodes (all COMPUTE inputs placed) the
// smallest id goes first. O((V + E) log V).
std::vector<NodeId> KahnOrder(const Graph& graph);

// Depth-first post-order from the outputs (as listed in graph.outputs()),
// visiting the inputs of a node in listed order; a node is placed after all
// its inputs. Every COMPUTE node reaches an output (graph invariant), so all
// are placed. Iterative (explicit stack): O(V + E) time and no recursion,
// so a 1,000,000-node chain is fine.
std::vector<NodeId> DfsOrder(const Graph& graph);

// Greedy live-set minimisation: among ready nodes place the one that makes
// the next cut narrowest (current frontier + its own bytes if it has
// consumers - bytes of the inputs it is the last consumer of), ties by
// smallest id. A lazy-deletion heap keeps each node's key current:
// O((V + E) log V).
std::vector<NodeId> GreedyOrder(const Graph& graph);

// Local search on the peak frontier, starting from the best of Kahn, DFS
// and Greedy. A move takes one node to another legal position (between its
// last COMPUTE input and its first consumer): as early as possible, as late
// as possible, or just across the first / last peak cut in its range. A
// move is applied iff it lowers (peak width, number of cuts at the peak)
// lexicographically, so the peak never grows. Each candidate is scored in
// O(in-degree * log V) with a segment tree over the cut widths. A pass
// visits every node once: O((V + E) log V) per pass plus the capped work of
// applying moves; at most options.max_passes passes.
// Errors: none; options out of range abort (TBP_CHECK).
std::vector<NodeId> LocalSearchOrder(const Graph& graph,
                                     const LocalSearchOptions& options = {});

// The same search from a given start. Precondition: ValidateOrder(graph,
// start).ok() (TBP_CHECK). The result's peak is <= the start's.
std::vector<NodeId> LocalSearchOrderFrom(
    const Graph& graph, absl::Span<const NodeId> start,
    const LocalSearchOptions& options = {});

// Dispatches to the heuristic above.
std::vector<NodeId> ComputeOrder(const Graph& graph, OrderHeuristic heuristic,
                                 const LocalSearchOptions& options = {});

}  // namespace tbp

#endif  // TBP_CORE_ANALYSIS_ORDER_H_

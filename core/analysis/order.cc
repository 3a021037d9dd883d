#include "core/analysis/order.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/analysis/frontier.h"
#include "core/graph/graph.h"
#include "core/util/check.h"

namespace tbp {

absl::Status ValidateOrder(const Graph& graph,
                           absl::Span<const NodeId> order) {
  const int32_t num_nodes = graph.num_nodes();
  std::vector<int32_t> position(num_nodes, -1);
  for (size_t p = 0; p < order.size(); ++p) {
    const NodeId v = order[p];
    if (v < 0 || v >= num_nodes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "order[%d] = %d is not a node id (the graph has %d nodes)", p, v,
          num_nodes));
    }
    if (!graph.is_compute(v)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "order[%d] = '%s' (id %d) is an INPUT node; orders list COMPUTE "
          "nodes only",
          p, graph.name(v), v));
    }
    if (position[v] != -1) {
      return absl::InvalidArgumentError(
          absl::StrFormat("order[%d] = '%s' (id %d) repeats order[%d]", p,
                          graph.name(v), v, position[v]));
    }
    position[v] = static_cast<int32_t>(p);
  }
  if (order.size() != graph.compute_nodes().size()) {
    for (NodeId v : graph.compute_nodes()) {
      if (position[v] == -1) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "order has %d entries but the graph has %d COMPUTE nodes; "
            "missing '%s' (id %d)",
            order.size(), graph.compute_nodes().size(), graph.name(v), v));
      }
    }
    TBP_CHECK(false);  // Distinct COMPUTE entries, fewer than all: one lacks.
  }
  for (size_t p = 0; p < order.size(); ++p) {
    const NodeId v = order[p];
    for (NodeId u : graph.inputs(v)) {
      if (graph.is_compute(u) && position[u] > static_cast<int32_t>(p)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "order[%d] = '%s' (id %d) comes before its input '%s' (id %d) at "
            "order[%d]",
            p, graph.name(v), v, graph.name(u), u, position[u]));
      }
    }
  }
  return absl::OkStatus();
}

absl::string_view OrderHeuristicName(OrderHeuristic heuristic) {
  switch (heuristic) {
    case OrderHeuristic::kKahn:
      return "kahn";
    case OrderHeuristic::kDfs:
      return "dfs";
    case OrderHeuristic::kGreedy:
      return "greedy";
    case OrderHeuristic::kLocalSearch:
      return "local_search";
  }
  return "unknown";
}

namespace {

// Number of distinct COMPUTE inputs of every node (0 for INPUT nodes).
std::vector<int32_t> ComputeInDegrees(const Graph& graph) {
  std::vector<int32_t> indegree(graph.num_nodes(), 0);
  for (NodeId v : graph.compute_nodes()) {
    for (NodeId u : graph.inputs(v)) {
      if (graph.is_compute(u)) ++indegree[v];
    }
  }
  return indegree;
}

}  // namespace

std::vector<NodeId> KahnOrder(const Graph& graph) {
  std::vector<int32_t> indegree = ComputeInDegrees(graph);
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<NodeId>> ready;
  for (NodeId v : graph.compute_nodes()) {
    if (indegree[v] == 0) ready.push(v);
  }
  std::vector<NodeId> order;
  order.reserve(graph.compute_nodes().size());
  while (!ready.empty()) {
    const NodeId v = ready.top();
    ready.pop();
    order.push_back(v);
    for (NodeId c : graph.consumers(v)) {
      if (--indegree[c] == 0) ready.push(c);
    }
  }
  TBP_CHECK(order.size() == graph.compute_nodes().size());
  return order;
}

std::vector<NodeId> DfsOrder(const Graph& graph) {
  std::vector<uint8_t> visited(graph.num_nodes(), 0);
  std::vector<NodeId> order;
  order.reserve(graph.compute_nodes().size());
  // (node, index of the next input to visit).
  std::vector<std::pair<NodeId, int32_t>> stack;
  auto visit_from = [&](NodeId root) {
    if (visited[root]) return;
    visited[root] = 1;
    stack.emplace_back(root, 0);
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      const absl::Span<const NodeId> inputs = graph.inputs(v);
      if (next < static_cast<int32_t>(inputs.size())) {
        const NodeId u = inputs[next++];
        if (graph.is_compute(u) && !visited[u]) {
          visited[u] = 1;
          stack.emplace_back(u, 0);  // Invalidates v and next.
        }
      } else {
        order.push_back(v);
        stack.pop_back();
      }
    }
  };
  for (NodeId o : graph.outputs()) visit_from(o);
  // Graph invariant: every COMPUTE node reaches an output, so all are placed.
  TBP_CHECK(order.size() == graph.compute_nodes().size());
  return order;
}

std::vector<NodeId> GreedyOrder(const Graph& graph) {
  const int32_t num_nodes = graph.num_nodes();
  std::vector<int32_t> indegree = ComputeInDegrees(graph);
  // remaining[u] = consumers of u not yet placed.
  std::vector<int32_t> remaining(num_nodes, 0);
  for (NodeId v : graph.compute_nodes()) {
    remaining[v] = static_cast<int32_t>(graph.consumers(v).size());
  }
  std::vector<uint8_t> placed(num_nodes, 0);
  // delta[v]: change of the frontier width if v is placed next (valid for
  // ready nodes).
  std::vector<int64_t> delta(num_nodes, 0);
  auto compute_delta = [&](NodeId v) {
    int64_t d = graph.consumers(v).empty() ? 0 : graph.output_bytes(v);
    for (NodeId u : graph.inputs(v)) {
      if (graph.is_compute(u) && remaining[u] == 1) d -= graph.output_bytes(u);
    }
    return d;
  };
  using Entry = std::pair<int64_t, NodeId>;  // (delta, id): min-heap.
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  for (NodeId v : graph.compute_nodes()) {
    if (indegree[v] == 0) {
      delta[v] = compute_delta(v);
      heap.emplace(delta[v], v);
    }
  }
  std::vector<NodeId> order;
  order.reserve(graph.compute_nodes().size());
  while (!heap.empty()) {
    const auto [d, v] = heap.top();
    heap.pop();
    // Keys only decrease, so an entry is current iff it matches delta[v].
    if (placed[v] || d != delta[v]) continue;
    placed[v] = 1;
    order.push_back(v);
    for (NodeId u : graph.inputs(v)) {
      if (!graph.is_compute(u)) continue;
      if (--remaining[u] != 1) continue;
      // One consumer of u is left; placing it will now free u. Happens once
      // per u, so the scan costs O(E) overall.
      for (NodeId c : graph.consumers(u)) {
        if (placed[c]) continue;
        if (indegree[c] == 0 && graph.output_bytes(u) != 0) {
          delta[c] -= graph.output_bytes(u);
          heap.emplace(delta[c], c);
        }
        break;
      }
    }
    for (NodeId c : graph.consumers(v)) {
      if (--indegree[c] == 0) {
        delta[c] = compute_delta(c);
        heap.emplace(delta[c], c);
      }
    }
  }
  TBP_CHECK(order.size() == graph.compute_nodes().size());
  return order;
}

namespace {

// Segment tree over int64 values answering (max, count of max) on ranges and
// finding the first / last index holding a given value.
class MaxCountTree {
 public:
  struct MaxCount {
    int64_t max = kEmpty;
    int64_t count = 0;
  };
  static constexpr int64_t kEmpty = std::numeric_limits<int64_t>::min();

  static MaxCount Combine(MaxCount a, MaxCount b) {
    if (a.max > b.max) return a;
    if (b.max > a.max) return b;
    return {a.max, a.count + b.count};
  }

  explicit MaxCountTree(const std::vector<int64_t>& values) {
    size_ = 1;
    while (size_ < static_cast<int32_t>(values.size())) size_ *= 2;
    nodes_.assign(2 * size_, MaxCount{});
    for (size_t i = 0; i < values.size(); ++i) {
      nodes_[size_ + i] = {values[i], 1};
    }
    for (int32_t i = size_ - 1; i >= 1; --i) Pull(i);
  }

  // Leaves l..r (inclusive) take values[l..r]; parents are fixed in
  // O(r - l + log size).
  void Update(int32_t l, int32_t r, const std::vector<int64_t>& values) {
    if (l > r) return;
    for (int32_t i = l; i <= r; ++i) nodes_[size_ + i] = {values[i], 1};
    int32_t a = (l + size_) >> 1;
    int32_t b = (r + size_) >> 1;
    while (a >= 1) {
      for (int32_t i = a; i <= b; ++i) Pull(i);
      a >>= 1;
      b >>= 1;
    }
  }

  // (max, count) over indices l..r; empty (kEmpty, 0) if l > r.
  MaxCount Query(int32_t l, int32_t r) const {
    MaxCount result;
    if (l > r) return result;
    for (l += size_, r += size_ + 1; l < r; l >>= 1, r >>= 1) {
      if (l & 1) result = Combine(result, nodes_[l++]);
      if (r & 1) result = Combine(result, nodes_[--r]);
    }
    return result;
  }

  // First (or last) index in l..r whose value is >= `value`, or -1.
  int32_t FindFirst(int32_t l, int32_t r, int64_t value) const {
    return Find(1, 0, size_ - 1, l, r, value, /*first=*/true);
  }
  int32_t FindLast(int32_t l, int32_t r, int64_t value) const {
    return Find(1, 0, size_ - 1, l, r, value, /*first=*/false);
  }

 private:
  void Pull(int32_t i) {
    nodes_[i] = Combine(nodes_[2 * i], nodes_[2 * i + 1]);
  }

  int32_t Find(int32_t node, int32_t nl, int32_t nr, int32_t l, int32_t r,
               int64_t value, bool first) const {
    if (nr < l || nl > r || nodes_[node].max < value) return -1;
    if (nl == nr) return nl;
    const int32_t mid = (nl + nr) / 2;
    if (first) {
      const int32_t left = Find(2 * node, nl, mid, l, r, value, first);
      if (left != -1) return left;
      return Find(2 * node + 1, mid + 1, nr, l, r, value, first);
    }
    const int32_t right = Find(2 * node + 1, mid + 1, nr, l, r, value, first);
    if (right != -1) return right;
    return Find(2 * node, nl, mid, l, r, value, first);
  }

  int32_t size_ = 1;
  std::vector<MaxCount> nodes_;
};

// The local search of LocalSearchOrderFrom.
//
// State: the order and positions; wx[0] = 0 and wx[i + 1] = width of cut i
// (so wx[k] is the width of the prefix of length k); last_consumer[u] = the
// consumer of u at the largest position.
//
// Moving v from p to q > p (later) only changes cuts p..q-1: the new prefix
// of cut k is the old prefix of cut k + 1 without v, so
//   W'(k) = W(k + 1) - b(v) [v has consumers]
//           + sum of b(u) over COMPUTE inputs u of v with last(u) <= k + 1
// (u becomes live because its consumer v left the prefix; it was live before
// iff its last consumer lay beyond k + 1; last(u) = p counts too).
// Moving v from p to q < p (earlier) only changes cuts q..p-1: the new
// prefix of cut k is the old prefix of cut k - 1 plus v, so
//   W'(k) = W(k - 1) + b(v) [v has consumers]
//           - sum of b(u) over COMPUTE inputs u whose last consumer is v and
//             whose other consumers all lie at positions <= k - 1
// (W(-1) = 0 is the empty prefix). Both are piecewise shifts of a range of
// the old widths by a constant, scored with the tree in O(pieces * log V).
class LocalSearch {
 public:
  LocalSearch(const Graph& graph, absl::Span<const NodeId> start,
              const LocalSearchOptions& options)
      : graph_(graph),
        options_(options),
        order_(start.begin(), start.end()),
        n_(static_cast<int32_t>(start.size())),
        wx_(n_ + 1, 0),
        tree_(wx_) {
    position_ = OrderPositions(graph, order_);
    const FrontierProfile profile = ComputeFrontier(graph, order_);
    for (int32_t i = 0; i < n_; ++i) wx_[i + 1] = profile.width_bytes[i];
    tree_ = MaxCountTree(wx_);
    last_consumer_.assign(graph.num_nodes(), kNoNode);
    int64_t edges = 0;
    for (NodeId u : order_) {
      RescanLastConsumer(u);
      edges += static_cast<int64_t>(graph.consumers(u).size());
    }
    budget_per_pass_ = options.work_factor * (n_ + edges) + 1024;
  }

  std::vector<NodeId> Run() {
    for (int32_t pass = 0; pass < options_.max_passes; ++pass) {
      const bool improved = Pass();
      if (options_.check_invariants) CheckInvariants();
      if (!improved) break;
    }
    return std::move(order_);
  }

 private:
  struct Objective {
    int64_t peak = 0;
    int64_t count = 0;
    bool operator<(const Objective& o) const {
      return peak < o.peak || (peak == o.peak && count < o.count);
    }
  };
  struct Piece {
    int32_t threshold;  // Applies to cuts k >= threshold.
    int64_t add;
  };
  struct Move {
    int32_t q;
    std::vector<Piece> pieces;  // Sorted by threshold.
    int64_t base;
  };

  Objective Current() const {
    const MaxCountTree::MaxCount mc = tree_.Query(1, n_);
    return {mc.max, mc.count};
  }

  void RescanLastConsumer(NodeId u) {
    NodeId best = kNoNode;
    for (NodeId c : graph_.consumers(u)) {
      if (best == kNoNode || position_[c] > position_[best]) best = c;
    }
    last_consumer_[u] = best;
  }

  // Builds the pieces for moving v (at p) to q.
  Move MakeMove(NodeId v, int32_t q) {
    const int32_t p = position_[v];
    const bool has_consumers = !graph_.consumers(v).empty();
    Move move;
    move.q = q;
    if (q > p) {
      move.base = has_consumers ? -graph_.output_bytes(v) : 0;
      for (NodeId u : graph_.inputs(v)) {
        if (!graph_.is_compute(u)) continue;
        const NodeId lc = last_consumer_[u];
        const int32_t t = lc == v ? p : position_[lc] - 1;
        if (t <= q - 1) move.pieces.push_back({t, graph_.output_bytes(u)});
      }
    } else {
      move.base = has_consumers ? graph_.output_bytes(v) : 0;
      for (NodeId u : graph_.inputs(v)) {
        if (!graph_.is_compute(u) || last_consumer_[u] != v) continue;
        int32_t second = -1;
        for (NodeId c : graph_.consumers(u)) {
          if (c != v) second = std::max(second, position_[c]);
        }
        work_ += static_cast<int64_t>(graph_.consumers(u).size());
        const int32_t t = std::max(second + 1, q);
        if (t <= p - 1) move.pieces.push_back({t, -graph_.output_bytes(u)});
      }
    }
    std::sort(move.pieces.begin(), move.pieces.end(),
              [](const Piece& a, const Piece& b) {
                return a.threshold < b.threshold;
              });
    return move;
  }

  // Calls fn(first_cut, last_cut, shift, add) for each constant piece of the
  // affected range: W'(k) = wx[k + shift] + add.
  template <typename Fn>
  void ForEachPiece(NodeId v, const Move& move, Fn fn) const {
    const int32_t p = position_[v];
    const int32_t a = std::min(p, move.q);
    const int32_t b = std::max(p, move.q) - 1;
    const int32_t shift = move.q > p ? 2 : 0;
    int64_t acc = move.base;
    size_t idx = 0;
    for (int32_t k = a; k <= b;) {
      while (idx < move.pieces.size() && move.pieces[idx].threshold <= k) {
        acc += move.pieces[idx++].add;
      }
      int32_t end = b;
      if (idx < move.pieces.size()) {
        end = std::min(b, move.pieces[idx].threshold - 1);
      }
      fn(k, end, shift, acc);
      k = end + 1;
    }
  }

  Objective Score(NodeId v, const Move& move) const {
    const int32_t p = position_[v];
    const int32_t a = std::min(p, move.q);
    const int32_t b = std::max(p, move.q) - 1;
    // Unaffected cuts 0..a-1 and b+1..n-1.
    MaxCountTree::MaxCount mc = MaxCountTree::Combine(
        tree_.Query(1, a), tree_.Query(b + 2, n_));
    ForEachPiece(v, move, [&](int32_t k0, int32_t k1, int32_t shift,
                              int64_t add) {
      MaxCountTree::MaxCount piece = tree_.Query(k0 + shift, k1 + shift);
      piece.max += add;
      mc = MaxCountTree::Combine(mc, piece);
    });
    return {mc.max, mc.count};
  }

  void Apply(NodeId v, const Move& move) {
    const int32_t p = position_[v];
    const int32_t q = move.q;
    const int32_t a = std::min(p, q);
    const int32_t b = std::max(p, q) - 1;
    scratch_.assign(b - a + 1, 0);
    ForEachPiece(v, move, [&](int32_t k0, int32_t k1, int32_t shift,
                              int64_t add) {
      for (int32_t k = k0; k <= k1; ++k) scratch_[k - a] = wx_[k + shift] + add;
    });
    for (int32_t k = a; k <= b; ++k) wx_[k + 1] = scratch_[k - a];
    tree_.Update(a + 1, b + 1, wx_);
    if (q > p) {
      for (int32_t i = p; i < q; ++i) {
        order_[i] = order_[i + 1];
        position_[order_[i]] = i;
      }
    } else {
      for (int32_t i = p; i > q; --i) {
        order_[i] = order_[i - 1];
        position_[order_[i]] = i;
      }
    }
    order_[q] = v;
    position_[v] = q;
    work_ += (b - a + 1) + static_cast<int64_t>(graph_.inputs(v).size());
    // Only the inputs of v can change their last consumer: everyone else
    // kept the relative order of its consumers.
    for (NodeId u : graph_.inputs(v)) {
      if (!graph_.is_compute(u)) continue;
      if (q > p) {
        if (position_[last_consumer_[u]] < q) last_consumer_[u] = v;
      } else if (last_consumer_[u] == v) {
        RescanLastConsumer(u);
        work_ += static_cast<int64_t>(graph_.consumers(u).size());
      }
    }
  }

  // One pass over the nodes in their order at the start of the pass.
  bool Pass() {
    work_ = 0;
    bool improved = false;
    const std::vector<NodeId> visit = order_;
    for (NodeId v : visit) {
      if (work_ > budget_per_pass_) break;
      Objective current = Current();
      if (current.peak <= 0) break;  // Nothing left to lower.
      const int32_t p = position_[v];
      int32_t lo = 0;
      for (NodeId u : graph_.inputs(v)) {
        if (graph_.is_compute(u)) lo = std::max(lo, position_[u] + 1);
      }
      int32_t hi = n_ - 1;
      for (NodeId c : graph_.consumers(v)) hi = std::min(hi, position_[c] - 1);
      // Targets, best first on ties: a move can only help if its range of
      // affected cuts holds a cut at the peak.
      int32_t targets[6];
      int32_t num_targets = 0;
      if (hi > p && tree_.Query(p + 1, hi).max == current.peak) {
        const int32_t first = tree_.FindFirst(p + 1, hi, current.peak) - 1;
        const int32_t last = tree_.FindLast(p + 1, hi, current.peak) - 1;
        targets[num_targets++] = first + 1;
        targets[num_targets++] = last + 1;
        targets[num_targets++] = hi;
      }
      if (lo < p && tree_.Query(lo + 1, p).max == current.peak) {
        const int32_t first = tree_.FindFirst(lo + 1, p, current.peak) - 1;
        const int32_t last = tree_.FindLast(lo + 1, p, current.peak) - 1;
        targets[num_targets++] = last;
        targets[num_targets++] = first;
        targets[num_targets++] = lo;
      }
      Objective best = current;
      int32_t best_q = -1;
      Move best_move;
      for (int32_t t = 0; t < num_targets; ++t) {
        const int32_t q = targets[t];
        if (q == p || q == best_q) continue;
        Move move = MakeMove(v, q);
        const Objective score = Score(v, move);
        if (score < best) {
          best = score;
          best_q = q;
          best_move = std::move(move);
        }
      }
      if (best_q != -1) {
        Apply(v, best_move);
        improved = true;
      }
    }
    return improved;
  }

  void CheckInvariants() const {
    TBP_CHECK(ValidateOrder(graph_, order_).ok());
    const FrontierProfile profile = ComputeFrontier(graph_, order_);
    for (int32_t i = 0; i < n_; ++i) {
      TBP_CHECK(wx_[i + 1] == profile.width_bytes[i]);
      TBP_CHECK(position_[order_[i]] == i);
    }
    TBP_CHECK(Current().peak == profile.peak_bytes);
    for (NodeId u : order_) {
      int32_t last = -1;
      for (NodeId c : graph_.consumers(u)) last = std::max(last, position_[c]);
      TBP_CHECK(last == -1 ? last_consumer_[u] == kNoNode
                           : position_[last_consumer_[u]] == last);
    }
  }

  const Graph& graph_;
  const LocalSearchOptions options_;
  std::vector<NodeId> order_;
  const int32_t n_;
  std::vector<int64_t> wx_;
  MaxCountTree tree_;
  std::vector<int32_t> position_;
  std::vector<NodeId> last_consumer_;
  int64_t budget_per_pass_ = 0;
  int64_t work_ = 0;
  std::vector<int64_t> scratch_;
};

// The best of Kahn, DFS and Greedy (ties: that order), with its peak.
std::pair<std::vector<NodeId>, int64_t> BestSimpleOrder(
    const Graph& graph, std::vector<OrderScore>* scores) {
  std::vector<NodeId> best;
  int64_t best_peak = 0;
  for (OrderHeuristic h :
       {OrderHeuristic::kKahn, OrderHeuristic::kDfs, OrderHeuristic::kGreedy}) {
    std::vector<NodeId> order = h == OrderHeuristic::kKahn  ? KahnOrder(graph)
                                : h == OrderHeuristic::kDfs ? DfsOrder(graph)
                                                            : GreedyOrder(graph);
    const int64_t peak = PeakFrontierBytes(graph, order);
    if (scores != nullptr) scores->push_back({h, peak});
    if (best.empty() || peak < best_peak) {
      best = std::move(order);
      best_peak = peak;
    }
  }
  return {std::move(best), best_peak};
}

}  // namespace

std::vector<NodeId> LocalSearchOrderFrom(const Graph& graph,
                                         absl::Span<const NodeId> start,
                                         const LocalSearchOptions& options) {
  TBP_CHECK(options.max_passes >= 0);
  TBP_CHECK(options.work_factor >= 1);
  TBP_CHECK(ValidateOrder(graph, start).ok());
  LocalSearch search(graph, start, options);
  return search.Run();
}

std::vector<NodeId> LocalSearchOrder(const Graph& graph,
                                     const LocalSearchOptions& options) {
  const std::vector<NodeId> start =
      BestSimpleOrder(graph, /*scores=*/nullptr).first;
  return LocalSearchOrderFrom(graph, start, options);
}

std::vector<NodeId> ComputeOrder(const Graph& graph, OrderHeuristic heuristic,
                                 const LocalSearchOptions& options) {
  switch (heuristic) {
    case OrderHeuristic::kKahn:
      return KahnOrder(graph);
    case OrderHeuristic::kDfs:
      return DfsOrder(graph);
    case OrderHeuristic::kGreedy:
      return GreedyOrder(graph);
    case OrderHeuristic::kLocalSearch:
      return LocalSearchOrder(graph, options);
  }
  TBP_CHECK(false);
  return {};
}

BestOrderResult BestOrder(const Graph& graph,
                          const LocalSearchOptions& options) {
  BestOrderResult result;
  auto [start, start_peak] = BestSimpleOrder(graph, &result.scores);
  std::vector<NodeId> local = LocalSearchOrderFrom(graph, start, options);
  const int64_t local_peak = PeakFrontierBytes(graph, local);
  result.scores.push_back({OrderHeuristic::kLocalSearch, local_peak});
  TBP_CHECK(local_peak <= start_peak);
  // The start came from the first simple heuristic with the smallest peak,
  // so local search wins only by being strictly better.
  for (const OrderScore& score : result.scores) {
    if (score.peak_frontier_bytes == std::min(start_peak, local_peak)) {
      result.heuristic = score.heuristic;
      result.peak_frontier_bytes = score.peak_frontier_bytes;
      break;
    }
  }
  result.order = result.heuristic == OrderHeuristic::kLocalSearch
                     ? std::move(local)
                     : std::move(start);
  return result;
}

}  // namespace tbp

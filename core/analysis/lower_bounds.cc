#include "core/analysis/lower_bounds.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/analysis/order.h"
#include "core/graph/graph.h"
#include "core/util/check.h"

namespace tbp {
namespace {

int64_t Saturate(__int128 x) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return x > kMax ? kMax : static_cast<int64_t>(x);
}

// b(v) + sum over CI(v) of b(u), the bytes held resident at FORWARD v and
// at BACKWARD v (and, at BACKWARD v, once more as gradients).
__int128 WorkingSet(const Graph& graph, NodeId v) {
  __int128 sum = graph.output_bytes(v);
  for (NodeId u : graph.inputs(v)) {
    if (graph.is_compute(u)) sum += graph.output_bytes(u);
  }
  return sum;
}

// "'a', 'b', 'c' and 2 more".
std::string NameList(const Graph& graph, const std::vector<NodeId>& ids) {
  constexpr size_t kShown = 4;
  std::string out;
  for (size_t i = 0; i < ids.size() && i < kShown; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ", ", "'", graph.name(ids[i]), "'");
  }
  if (ids.size() > kShown) {
    absl::StrAppend(&out, " and ", ids.size() - kShown, " more");
  }
  return out;
}

std::vector<NodeId> ComputeInputs(const Graph& graph, NodeId v) {
  std::vector<NodeId> out;
  for (NodeId u : graph.inputs(v)) {
    if (graph.is_compute(u)) out.push_back(u);
  }
  return out;
}

// For every COMPUTE node v, extra[v] = sum of b(w) over w in S(v) \ CI(v),
// where S(v) is A(v) (exact) or a subset of it. members(v) lists S(v) \ CI(v)
// for the argument text.
class SkipGradients {
 public:
  SkipGradients(const Graph& graph, const LowerBoundOptions& options)
      : graph_(graph),
        order_(KahnOrder(graph)),
        n_(static_cast<int32_t>(order_.size())),
        exact_(UseExact(graph, n_, options)) {
    index_.assign(graph.num_nodes(), -1);
    for (int32_t i = 0; i < n_; ++i) index_[order_[i]] = i;
    extra_.assign(graph.num_nodes(), 0);
    if (exact_) {
      BuildExact();
    } else {
      BuildForest();
    }
  }

  // The closure costs about E * n / 64 word operations; dense graphs with
  // n below the node cap still fall back to the forest beyond 2^27.
  static bool UseExact(const Graph& graph, int32_t n,
                       const LowerBoundOptions& options) {
    if (n > options.exact_reachability_max_nodes) return false;
    int64_t edges = 0;
    for (NodeId v : graph.compute_nodes()) {
      edges += static_cast<int64_t>(graph.consumers(v).size());
    }
    return edges * ((n + 63) / 64) <= (int64_t{1} << 27);
  }

  bool exact() const { return exact_; }
  __int128 extra(NodeId v) const { return extra_[v]; }

  std::vector<NodeId> Members(NodeId v) const {
    std::vector<NodeId> out;
    for (NodeId w : order_) {
      if (Counts(w, v)) out.push_back(w);
    }
    return out;
  }

 private:
  using Word = uint64_t;

  bool Bit(const std::vector<Word>& rows, int32_t row, int32_t col) const {
    return (rows[static_cast<size_t>(row) * words_ + col / 64] >> (col % 64)) &
           1;
  }

  bool IsComputeInput(NodeId u, NodeId v) const {
    const absl::Span<const NodeId> in = graph_.inputs(v);
    return std::find(in.begin(), in.end(), u) != in.end();
  }

  // Whether w is in S(v) \ CI(v).
  bool Counts(NodeId w, NodeId v) const {
    if (w == v || IsComputeInput(w, v)) return false;
    if (exact_) {
      return Bit(ancestors_, index_[v], index_[w]) &&
             Bit(reaches_consumer_, index_[w], index_[v]);
    }
    return OnChosenPath(w, v);
  }

  // Exact A(v): ancestors_[v] = strict ancestors of v; reaches_consumer_[w]
  // = nodes that are strict ancestors of some consumer of w. Then w is in
  // A(v) iff w is a strict ancestor of v and v a strict ancestor of a
  // consumer of w.
  void BuildExact() {
    words_ = (n_ + 63) / 64;
    ancestors_.assign(static_cast<size_t>(n_) * words_, 0);
    for (int32_t i = 0; i < n_; ++i) {
      Word* row = &ancestors_[static_cast<size_t>(i) * words_];
      for (NodeId u : graph_.inputs(order_[i])) {
        if (!graph_.is_compute(u)) continue;
        const int32_t j = index_[u];
        const Word* urow = &ancestors_[static_cast<size_t>(j) * words_];
        for (int32_t k = 0; k < words_; ++k) row[k] |= urow[k];
        row[j / 64] |= Word{1} << (j % 64);
      }
    }
    reaches_consumer_.assign(static_cast<size_t>(n_) * words_, 0);
    for (int32_t j = 0; j < n_; ++j) {
      Word* row = &reaches_consumer_[static_cast<size_t>(j) * words_];
      for (NodeId c : graph_.consumers(order_[j])) {
        const Word* crow = &ancestors_[static_cast<size_t>(index_[c]) * words_];
        for (int32_t k = 0; k < words_; ++k) row[k] |= crow[k];
      }
    }
    for (int32_t i = 0; i < n_; ++i) {
      const NodeId v = order_[i];
      __int128 sum = 0;
      for (int32_t j = 0; j < i; ++j) {  // Ancestors come earlier.
        if (Bit(ancestors_, i, j) && Bit(reaches_consumer_, j, i)) {
          sum += graph_.output_bytes(order_[j]);
        }
      }
      for (NodeId u : graph_.inputs(v)) {
        // Inputs are ancestors with consumer v; v is not a strict ancestor
        // of itself, so u is in A(v) only through another consumer.
        if (graph_.is_compute(u) && Bit(reaches_consumer_, index_[u], i)) {
          sum -= graph_.output_bytes(u);
        }
      }
      extra_[v] = sum;
    }
  }

  // Subset of A(v) along a longest-path spanning forest: parent(x) = the
  // deepest COMPUTE input of x (first listed on ties). For each w pick the
  // consumer c of w that is a strict forest descendant of w, not a forest
  // child of w, and deepest (smallest id on ties). The forest path strictly
  // between w and c is a real path, so w is in A(v) for each node v on it.
  // Sums over those paths use +b at parent(c), -b at w and subtree sums.
  void BuildForest() {
    const int32_t num_nodes = graph_.num_nodes();
    std::vector<int32_t> depth(num_nodes, 0);
    parent_.assign(num_nodes, kNoNode);
    for (NodeId v : order_) {
      depth[v] = 1;
      for (NodeId u : graph_.inputs(v)) {
        if (graph_.is_compute(u) && depth[u] + 1 > depth[v]) {
          depth[v] = depth[u] + 1;
          parent_[v] = u;
        }
      }
    }
    // Children in CSR form, in order (deterministic).
    std::vector<int32_t> child_begin(num_nodes + 1, 0);
    for (NodeId v : order_) {
      if (parent_[v] != kNoNode) ++child_begin[parent_[v] + 1];
    }
    for (int32_t i = 0; i < num_nodes; ++i) {
      child_begin[i + 1] += child_begin[i];
    }
    std::vector<NodeId> children(child_begin[num_nodes]);
    std::vector<int32_t> fill(child_begin.begin(), child_begin.end() - 1);
    for (NodeId v : order_) {
      if (parent_[v] != kNoNode) children[fill[parent_[v]]++] = v;
    }
    // Iterative Euler tour: tin/tout with tin[x] <= tin[y] <= tout[x] iff y
    // is in x's subtree.
    tin_.assign(num_nodes, -1);
    tout_.assign(num_nodes, -1);
    int32_t clock = 0;
    std::vector<std::pair<NodeId, int32_t>> stack;
    for (NodeId root : order_) {
      if (parent_[root] != kNoNode) continue;
      stack.emplace_back(root, child_begin[root]);
      tin_[root] = clock++;
      while (!stack.empty()) {
        auto& [x, next] = stack.back();
        if (next < child_begin[x + 1]) {
          const NodeId y = children[next++];
          tin_[y] = clock++;
          stack.emplace_back(y, child_begin[y]);
        } else {
          tout_[x] = clock - 1;
          stack.pop_back();
        }
      }
    }
    chosen_.assign(num_nodes, kNoNode);
    std::vector<__int128> sub(num_nodes, 0);
    for (NodeId w : order_) {
      NodeId best = kNoNode;
      for (NodeId c : graph_.consumers(w)) {
        if (parent_[c] == w || !StrictlyBelow(c, w)) continue;
        if (best == kNoNode || depth[c] > depth[best]) best = c;
      }
      if (best == kNoNode) continue;
      chosen_[w] = best;
      sub[parent_[best]] += graph_.output_bytes(w);
      sub[w] -= graph_.output_bytes(w);
    }
    for (int32_t i = n_ - 1; i >= 0; --i) {
      const NodeId v = order_[i];
      if (parent_[v] != kNoNode) sub[parent_[v]] += sub[v];
    }
    for (NodeId v : order_) {
      __int128 sum = sub[v];
      for (NodeId u : graph_.inputs(v)) {
        if (graph_.is_compute(u) && OnChosenPath(u, v)) {
          sum -= graph_.output_bytes(u);
        }
      }
      extra_[v] = sum;
    }
  }

  // y is a strict descendant of x in the forest.
  bool StrictlyBelow(NodeId y, NodeId x) const {
    return tin_[x] < tin_[y] && tin_[y] <= tout_[x];
  }

  // v lies on the forest path strictly between w and chosen_[w].
  bool OnChosenPath(NodeId w, NodeId v) const {
    if (chosen_[w] == kNoNode) return false;
    const NodeId bottom = parent_[chosen_[w]];
    return StrictlyBelow(v, w) &&
           (v == bottom || StrictlyBelow(bottom, v));
  }

  const Graph& graph_;
  const std::vector<NodeId> order_;
  const int32_t n_;
  const bool exact_;
  std::vector<int32_t> index_;
  std::vector<__int128> extra_;
  // Exact mode.
  int32_t words_ = 0;
  std::vector<Word> ancestors_;
  std::vector<Word> reaches_consumer_;
  // Forest mode.
  std::vector<NodeId> parent_;
  std::vector<int32_t> tin_;
  std::vector<int32_t> tout_;
  std::vector<NodeId> chosen_;
};

// The gradient_frontier search of the header: the least, over the orders
// of BACKWARD, of the largest BACKWARD sample; nullopt when the graph has
// more than 64 COMPUTE nodes or the search exceeds max_states sets.
std::optional<__int128> GradientFrontierSearch(const Graph& graph, int64_t max_states) {
  using Mask = uint64_t;
  const std::vector<NodeId>& nodes = graph.compute_nodes();
  const int n = static_cast<int>(nodes.size());
  if (n > 64) return std::nullopt;
  absl::flat_hash_map<NodeId, int> local;
  for (int i = 0; i < n; ++i) local[nodes[i]] = i;
  std::vector<Mask> consumers(n, 0), inputs(n, 0);
  std::vector<__int128> bytes(n), acts(n);
  for (int i = 0; i < n; ++i) {
    bytes[i] = graph.output_bytes(nodes[i]);
    acts[i] = WorkingSet(graph, nodes[i]);
    for (NodeId w : graph.consumers(nodes[i])) consumers[i] |= Mask{1} << local[w];
    for (NodeId u : ComputeInputs(graph, nodes[i])) inputs[i] |= Mask{1} << local[u];
  }
  absl::flat_hash_map<Mask, __int128> layer = {{0, 0}};
  int64_t states = 1;
  for (int k = 0; k < n; ++k) {
    absl::flat_hash_map<Mask, __int128> next;
    for (const auto& [done, value] : layer) {
      Mask live = 0;
      __int128 live_bytes = 0;
      for (int x = 0; x < n; ++x) {
        if (!(done >> x & 1) && (consumers[x] & done)) {
          live |= Mask{1} << x;
          live_bytes += bytes[x];
        }
      }
      for (int v = 0; v < n; ++v) {
        const Mask bit = Mask{1} << v;
        if ((done & bit) || (consumers[v] & ~done)) continue;
        __int128 sample = acts[v] + live_bytes;
        for (Mask extra = (bit | inputs[v]) & ~live; extra != 0; extra &= extra - 1) {
          sample += bytes[__builtin_ctzll(extra)];
        }
        const __int128 best = std::max(value, sample);
        auto [it, inserted] = next.try_emplace(done | bit, best);
        if (!inserted) it->second = std::min(it->second, best);
      }
      if (states + static_cast<int64_t>(next.size()) > max_states) return std::nullopt;
    }
    states += static_cast<int64_t>(next.size());
    if (states > max_states) return std::nullopt;
    layer = std::move(next);
  }
  TBP_CHECK(layer.size() == 1);
  return layer.begin()->second;
}

}  // namespace

std::vector<LowerBound> AllLowerBounds(const Graph& graph,
                                       const LowerBoundOptions& options) {
  // Ties: smallest id (compute_nodes() is increasing).
  NodeId fwd_arg = kNoNode;
  __int128 fwd_best = -1;
  for (NodeId v : graph.compute_nodes()) {
    const __int128 ws = WorkingSet(graph, v);
    if (ws > fwd_best) {
      fwd_best = ws;
      fwd_arg = v;
    }
  }
  TBP_CHECK(fwd_arg != kNoNode);
  std::vector<LowerBound> bounds;

  const std::vector<NodeId> fwd_inputs = ComputeInputs(graph, fwd_arg);
  const std::string held =
      fwd_inputs.empty()
          ? absl::StrCat("'", graph.name(fwd_arg), "' (no COMPUTE inputs) is")
          : absl::StrCat("'", graph.name(fwd_arg), "' and its COMPUTE inputs ",
                         NameList(graph, fwd_inputs), " are");
  bounds.push_back(
      {"forward_working_set", Saturate(fwd_best),
       absl::StrCat("Every node runs FORWARD at least once; during FORWARD '",
                    graph.name(fwd_arg), "', ", held, " resident: ",
                    Saturate(fwd_best), " bytes.")});
  bounds.push_back(
      {"backward_working_set", Saturate(2 * fwd_best),
       absl::StrCat("During BACKWARD '", graph.name(fwd_arg), "', ", held,
                    " resident and their ", 1 + fwd_inputs.size(),
                    " gradient buffers live: 2 * ", Saturate(fwd_best), " = ",
                    Saturate(2 * fwd_best), " bytes.")});

  const SkipGradients skips(graph, options);
  NodeId skip_arg = kNoNode;
  __int128 skip_best = -1;
  for (NodeId v : graph.compute_nodes()) {
    const __int128 value = 2 * WorkingSet(graph, v) + skips.extra(v);
    if (value > skip_best) {
      skip_best = value;
      skip_arg = v;
    }
  }
  const std::vector<NodeId> members = skips.Members(skip_arg);
  const __int128 base = 2 * WorkingSet(graph, skip_arg);
  std::string argument = absl::StrFormat(
      "During BACKWARD '%s', it and its COMPUTE inputs are resident and "
      "their gradients live (%d bytes)",
      graph.name(skip_arg), Saturate(base));
  if (members.empty()) {
    absl::StrAppend(&argument,
                    "; no other ancestor's gradient is forced live across "
                    "it, so this is its backward working set: ",
                    Saturate(skip_best), " bytes.");
  } else {
    absl::StrAppend(
        &argument, "; also live are the gradients of ", members.size(),
        " ancestors read by descendants of '", graph.name(skip_arg), "' (",
        NameList(graph, members),
        "): those readers run BACKWARD before it and the ancestors after it",
        skips.exact() ? "" : " (a subset found along longest paths)", ", +",
        Saturate(skips.extra(skip_arg)), " = ", Saturate(skip_best),
        " bytes.");
  }
  bounds.push_back(
      {"backward_skip_gradients", Saturate(skip_best), std::move(argument)});

  const std::optional<__int128> frontier =
      GradientFrontierSearch(graph, options.gradient_frontier_max_states);
  if (frontier.has_value()) {
    bounds.push_back(
        {"gradient_frontier", Saturate(std::max(*frontier, skip_best)),
         absl::StrFormat("Whatever order BACKWARD runs in, some BACKWARD holds its node, its "
                         "COMPUTE inputs, their gradients and every gradient made but not yet "
                         "consumed: at least %d bytes (least over every backward order of the "
                         "%d COMPUTE nodes, by search).",
                         Saturate(*frontier), graph.compute_nodes().size())});
  } else {
    bounds.push_back(
        {"gradient_frontier", Saturate(skip_best),
         "Relaxation (the graph is too large for the search over backward orders): the "
         "gradients forced live at every BACKWARD, as in backward_skip_gradients."});
  }
  return bounds;
}

int64_t BestLowerBound(const Graph& graph, const LowerBoundOptions& options) {
  int64_t best = 0;
  for (const LowerBound& bound : AllLowerBounds(graph, options)) {
    best = std::max(best, bound.bytes);
  }
  return best;
}

}  // namespace tbp

#include "core/graph/graph.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/util/check.h"

namespace tbp {
namespace {

// Adds b to *total, failing when the sum leaves int64.
bool AddNoOverflow(int64_t b, int64_t* total) {
  return !__builtin_add_overflow(*total, b, total);
}

// A 64-bit hash mixed word by word (splitmix64 finaliser); stable across
// platforms, fast enough for graphs of millions of nodes.
class Hasher {
 public:
  void Int(int64_t x) {
    h_ = Mix(h_ ^ (static_cast<uint64_t>(x) + 0x9e3779b97f4a7c15ULL));
  }
  void Str(const std::string& s) {
    Int(static_cast<int64_t>(s.size()));
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w = 0;
      for (int k = 0; k < 8; ++k) w |= static_cast<uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
      Int(static_cast<int64_t>(w));
    }
    uint64_t w = 0;
    for (int k = 0; i + k < s.size(); ++k) {
      w |= static_cast<uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
    }
    Int(static_cast<int64_t>(w));
  }
  uint64_t value() const { return h_; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t h_ = 0x243f6a8885a308d3ULL;
};

// Names up to `limit` nodes of `ids` for an error message.
std::string NameList(const std::vector<std::string>& names,
                     const std::vector<NodeId>& ids, size_t limit = 8) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < ids.size() && i < limit; ++i) {
    parts.push_back(absl::StrCat("'", names[ids[i]], "'"));
  }
  std::string out = absl::StrJoin(parts, " -> ");
  if (ids.size() > limit) absl::StrAppend(&out, " -> ... (", ids.size(), " nodes)");
  return out;
}

}  // namespace

Graph::Graph(const Graph& other)
    : graph_name_(other.graph_name_),
      names_(other.names_),
      is_compute_(other.is_compute_),
      is_output_(other.is_output_),
      output_bytes_(other.output_bytes_),
      forward_cost_(other.forward_cost_),
      backward_cost_(other.backward_cost_),
      replay_width_(other.replay_width_),
      in_offsets_(other.in_offsets_),
      in_ids_(other.in_ids_),
      in_mult_(other.in_mult_),
      out_offsets_(other.out_offsets_),
      out_ids_(other.out_ids_),
      compute_nodes_(other.compute_nodes_),
      outputs_(other.outputs_),
      total_compute_bytes_(other.total_compute_bytes_),
      base_cost_(other.base_cost_),
      total_forward_cost_(other.total_forward_cost_),
      fingerprint_(other.fingerprint_) {
  RebuildIndex();
}

Graph& Graph::operator=(const Graph& other) {
  if (this != &other) *this = Graph(other);
  return *this;
}

Graph::Graph(Graph&& other) noexcept
    : graph_name_(std::move(other.graph_name_)),
      names_(std::move(other.names_)),
      is_compute_(std::move(other.is_compute_)),
      is_output_(std::move(other.is_output_)),
      output_bytes_(std::move(other.output_bytes_)),
      forward_cost_(std::move(other.forward_cost_)),
      backward_cost_(std::move(other.backward_cost_)),
      replay_width_(std::move(other.replay_width_)),
      in_offsets_(std::move(other.in_offsets_)),
      in_ids_(std::move(other.in_ids_)),
      in_mult_(std::move(other.in_mult_)),
      out_offsets_(std::move(other.out_offsets_)),
      out_ids_(std::move(other.out_ids_)),
      compute_nodes_(std::move(other.compute_nodes_)),
      outputs_(std::move(other.outputs_)),
      index_(std::move(other.index_)),
      total_compute_bytes_(other.total_compute_bytes_),
      base_cost_(other.base_cost_),
      total_forward_cost_(other.total_forward_cost_),
      fingerprint_(other.fingerprint_) {
  index_.Rebind(&names_);
}

Graph& Graph::operator=(Graph&& other) noexcept {
  if (this != &other) {
    this->~Graph();
    new (this) Graph(std::move(other));
  }
  return *this;
}

void Graph::RebuildIndex() {
  index_.Reset(&names_, names_.size());
  for (size_t v = 0; v < names_.size(); ++v) index_.Insert(static_cast<NodeId>(v));
}

NodeId Graph::Find(absl::string_view name) const {
  return index_.Find(name);
}

absl::StatusOr<Graph> Graph::FromProto(const proto::Graph& proto) {
  const int node_count = proto.nodes_size();
  if (node_count == 0) {
    return absl::InvalidArgumentError("Graph.nodes is empty: a graph needs at least one COMPUTE node");
  }
  if (node_count > std::numeric_limits<NodeId>::max() - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.nodes has ", node_count, " nodes; at most ",
        std::numeric_limits<NodeId>::max() - 1, " are supported"));
  }
  Graph g;
  g.graph_name_ = proto.name();
  g.names_.resize(node_count);
  g.is_compute_.assign(node_count, 0);
  g.is_output_.assign(node_count, 0);
  g.output_bytes_.resize(node_count);
  g.forward_cost_.resize(node_count);
  g.backward_cost_.resize(node_count);
  g.replay_width_.resize(node_count);
  g.index_.Reset(&g.names_, node_count);

  for (int i = 0; i < node_count; ++i) {
    const proto::Node& n = proto.nodes(i);
    if (n.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("Graph.nodes[", i, "].name is empty"));
    }
    g.names_[i] = n.name();
    if (const NodeId first = g.index_.Insert(i); first != kNoNode) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.nodes[%d].name = '%s' duplicates Graph.nodes[%d].name", i, n.name(), first));
    }
    if (n.kind() != proto::Node::INPUT && n.kind() != proto::Node::COMPUTE) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.nodes[%d] ('%s').kind = %d: must be INPUT or COMPUTE", i, n.name(),
          static_cast<int>(n.kind())));
    }
    struct Field { const char* name; int64_t value; } fields[] = {
        {"output_bytes", n.output_bytes()},
        {"forward_cost", n.forward_cost()},
        {"backward_cost", n.backward_cost()},
        {"replay_width", n.replay_width()}};
    for (const Field& f : fields) {
      if (f.value < 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Graph.nodes[%d] ('%s').%s = %d: must be >= 0", i, n.name(), f.name, f.value));
      }
    }
    if (n.kind() == proto::Node::INPUT && n.inputs_size() > 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.nodes[%d] ('%s') is an INPUT but lists %d inputs; INPUT nodes have none", i,
          n.name(), n.inputs_size()));
    }
    g.is_compute_[i] = n.kind() == proto::Node::COMPUTE;
    g.output_bytes_[i] = n.output_bytes();
    g.forward_cost_[i] = n.forward_cost();
    g.backward_cost_[i] = n.backward_cost();
    g.replay_width_[i] = n.replay_width();
  }

  // Inputs: distinct, in order of first appearance, with multiplicities.
  // `seen_at[u] == v` marks u as already an input of v (O(1) dedup).
  std::vector<NodeId> seen_at(node_count, kNoNode);
  std::vector<int64_t> slot_of(node_count, -1);
  g.in_offsets_.assign(node_count + 1, 0);
  int64_t total_listed = 0;
  for (int i = 0; i < node_count; ++i) total_listed += proto.nodes(i).inputs_size();
  g.in_ids_.reserve(total_listed);
  g.in_mult_.reserve(total_listed);
  // Name lookups are memory-latency bound on large graphs: prefetch the
  // hash slot of the input kLookahead nodes ahead.
  constexpr int kLookahead = 4;
  for (int v = 0; v < node_count; ++v) {
    if (v + kLookahead < node_count) {
      for (const std::string& ahead : proto.nodes(v + kLookahead).inputs()) {
        g.index_.Prefetch(ahead);
      }
    }
    const proto::Node& n = proto.nodes(v);
    for (int k = 0; k < n.inputs_size(); ++k) {
      const std::string& in = n.inputs(k);
      const NodeId u = g.index_.Find(in);
      if (u == kNoNode) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Graph.nodes[%d] ('%s').inputs[%d] = '%s' names no node", v, n.name(), k, in));
      }
      if (u == v) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "Graph.nodes[%d] ('%s').inputs[%d] names the node itself: cycle '%s' -> '%s'", v,
            n.name(), k, n.name(), n.name()));
      }
      if (seen_at[u] == v) {
        ++g.in_mult_[slot_of[u]];
        continue;
      }
      seen_at[u] = v;
      slot_of[u] = static_cast<int64_t>(g.in_ids_.size());
      g.in_ids_.push_back(u);
      g.in_mult_.push_back(1);
    }
    g.in_offsets_[v + 1] = static_cast<int64_t>(g.in_ids_.size());
  }

  // Consumers (CSR transpose, increasing consumer ids by construction).
  g.out_offsets_.assign(node_count + 1, 0);
  for (NodeId u : g.in_ids_) ++g.out_offsets_[u + 1];
  for (int v = 0; v < node_count; ++v) g.out_offsets_[v + 1] += g.out_offsets_[v];
  g.out_ids_.resize(g.in_ids_.size());
  {
    std::vector<int64_t> fill(g.out_offsets_.begin(), g.out_offsets_.end() - 1);
    for (int v = 0; v < node_count; ++v) {
      for (int64_t e = g.in_offsets_[v]; e < g.in_offsets_[v + 1]; ++e) {
        g.out_ids_[fill[g.in_ids_[e]]++] = v;
      }
    }
  }

  // Cycles: Kahn's algorithm; what remains contains a cycle.
  {
    std::vector<int64_t> indegree(node_count);
    std::vector<NodeId> ready;
    for (int v = 0; v < node_count; ++v) {
      indegree[v] = g.in_offsets_[v + 1] - g.in_offsets_[v];
      if (indegree[v] == 0) ready.push_back(v);
    }
    int64_t done = 0;
    while (!ready.empty()) {
      NodeId u = ready.back();
      ready.pop_back();
      ++done;
      for (NodeId w : g.consumers(u)) {
        if (--indegree[w] == 0) ready.push_back(w);
      }
    }
    if (done < node_count) {
      // Every remaining node has a remaining input: walk backwards until a
      // node repeats; the walk from its first visit is a cycle.
      NodeId start = kNoNode;
      for (int v = 0; v < node_count && start == kNoNode; ++v) {
        if (indegree[v] > 0) start = v;
      }
      std::vector<int64_t> visited_at(node_count, -1);
      std::vector<NodeId> walk;
      NodeId v = start;
      while (visited_at[v] < 0) {
        visited_at[v] = static_cast<int64_t>(walk.size());
        walk.push_back(v);
        NodeId next = kNoNode;
        for (NodeId u : g.inputs(v)) {
          if (indegree[u] > 0) { next = u; break; }
        }
        TBP_CHECK(next != kNoNode);
        v = next;
      }
      std::vector<NodeId> cycle(walk.begin() + visited_at[v], walk.end());
      std::reverse(cycle.begin(), cycle.end());  // Follow data flow.
      cycle.push_back(cycle.front());
      return absl::InvalidArgumentError(
          absl::StrCat("Graph.nodes: the inputs form a cycle: ", NameList(g.names_, cycle)));
    }
  }

  // Outputs.
  if (proto.outputs_size() == 0) {
    return absl::InvalidArgumentError("Graph.outputs is empty: at least one COMPUTE node must be an output (the loss)");
  }
  for (int k = 0; k < proto.outputs_size(); ++k) {
    const std::string& name = proto.outputs(k);
    NodeId v = g.Find(name);
    if (v == kNoNode) {
      return absl::InvalidArgumentError(
          absl::StrFormat("Graph.outputs[%d] = '%s' names no node", k, name));
    }
    if (!g.is_compute(v)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.outputs[%d] = '%s' is an INPUT node; outputs must be COMPUTE nodes", k, name));
    }
    if (g.is_output_[v]) {
      return absl::InvalidArgumentError(
          absl::StrFormat("Graph.outputs[%d] = '%s' is listed twice", k, name));
    }
    g.is_output_[v] = 1;
    g.outputs_.push_back(v);
  }

  // COMPUTE sinks must be outputs; totals must fit in int64.
  std::vector<NodeId> unmarked;
  for (int v = 0; v < node_count; ++v) {
    if (!g.is_compute(v)) continue;
    g.compute_nodes_.push_back(v);
    bool has_compute_consumer = false;
    for (NodeId w : g.consumers(v)) has_compute_consumer |= g.is_compute(w);
    if (!has_compute_consumer && !g.is_output(v)) unmarked.push_back(v);
    if (!AddNoOverflow(g.output_bytes_[v], &g.total_compute_bytes_) ||
        !AddNoOverflow(g.forward_cost_[v], &g.total_forward_cost_) ||
        !AddNoOverflow(g.forward_cost_[v], &g.base_cost_) ||
        !AddNoOverflow(g.backward_cost_[v], &g.base_cost_)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.nodes[%d] ('%s'): the sum of output_bytes or of costs over COMPUTE nodes "
          "overflows int64",
          v, g.names_[v]));
    }
  }
  // 2 * total bytes (activations + gradients) must also fit.
  if (g.total_compute_bytes_ > std::numeric_limits<int64_t>::max() / 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.nodes: total output_bytes ", g.total_compute_bytes_,
        " is too large (activations plus gradients must fit in int64)"));
  }
  if (g.compute_nodes_.empty()) {
    return absl::InvalidArgumentError("Graph.nodes has no COMPUTE node");
  }
  if (!unmarked.empty()) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < unmarked.size() && i < 8; ++i) {
      parts.push_back(absl::StrCat("'", g.names_[unmarked[i]], "'"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.outputs: COMPUTE node(s) ", absl::StrJoin(parts, ", "),
        unmarked.size() > 8 ? absl::StrCat(" and ", unmarked.size() - 8, " more") : "",
        " have no COMPUTE consumer but are not listed as outputs (prune dead nodes or list them)"));
  }

  Hasher h;
  h.Int(node_count);
  for (int v = 0; v < node_count; ++v) {
    h.Str(g.names_[v]);
    h.Int(g.is_compute_[v]);
    h.Int(g.output_bytes_[v]);
    h.Int(g.forward_cost_[v]);
    h.Int(g.backward_cost_[v]);
    auto in = g.inputs(v);
    auto mult = g.input_multiplicity(v);
    h.Int(static_cast<int64_t>(in.size()));
    for (size_t k = 0; k < in.size(); ++k) {
      h.Int(in[k]);
      h.Int(mult[k]);
    }
  }
  for (NodeId o : g.outputs_) h.Int(o);
  g.fingerprint_ = h.value();
  return g;
}

proto::Graph Graph::ToProto() const {
  proto::Graph p;
  p.set_name(graph_name_);
  for (NodeId v = 0; v < num_nodes(); ++v) {
    proto::Node* n = p.add_nodes();
    n->set_name(names_[v]);
    n->set_kind(is_compute(v) ? proto::Node::COMPUTE : proto::Node::INPUT);
    n->set_output_bytes(output_bytes_[v]);
    n->set_forward_cost(forward_cost_[v]);
    n->set_backward_cost(backward_cost_[v]);
    if (replay_width_[v] != 0) n->set_replay_width(replay_width_[v]);
    auto in = inputs(v);
    auto mult = input_multiplicity(v);
    for (size_t k = 0; k < in.size(); ++k) {
      for (int32_t r = 0; r < mult[k]; ++r) n->add_inputs(names_[in[k]]);
    }
  }
  for (NodeId o : outputs_) p.add_outputs(names_[o]);
  return p;
}

}  // namespace tbp

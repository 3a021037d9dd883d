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
std::string NameList(const Graph& g, const std::vector<NodeId>& ids, size_t limit = 8) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < ids.size() && i < limit; ++i) {
    parts.push_back(absl::StrCat("'", g.name(ids[i]), "'"));
  }
  std::string out = absl::StrJoin(parts, " -> ");
  if (ids.size() > limit) absl::StrAppend(&out, " -> ... (", ids.size(), " nodes)");
  return out;
}


// Phase 0 of FromProto: the node count must be non-zero and leave NodeId
// room for kNoNode, before anything is allocated.
absl::Status CheckNodeCount(int node_count) {
  if (node_count == 0) {
    return absl::InvalidArgumentError("Graph.nodes is empty: a graph needs at least one COMPUTE node");
  }
  if (node_count > std::numeric_limits<NodeId>::max() - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.nodes has ", node_count, " nodes; at most ",
        std::numeric_limits<NodeId>::max() - 1, " are supported"));
  }
  return absl::OkStatus();
}

// Phase 1 of FromProto, per node: a non-empty unique name (inserted into
// `index`, whose names vector already holds it), a known kind, non-negative
// sizes and costs, and no inputs on an INPUT node; the first failure, in
// that order, names the field.
absl::Status CheckNode(const proto::Node& n, int i, NameIndex* index) {
  if (n.name().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("Graph.nodes[", i, "].name is empty"));
  }
  if (const NodeId first = index->Insert(i); first != kNoNode) {
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
  return absl::OkStatus();
}

// Phase 2 of FromProto: the input CSR. Inputs are distinct, in order of
// first appearance, with multiplicities (the replay engine needs them);
// unknown names and self-loops fail here, naming the listed input.
absl::Status BuildInputs(const proto::Graph& proto, const NameIndex& index,
                         std::vector<int64_t>* in_offsets, std::vector<NodeId>* in_ids,
                         std::vector<int32_t>* in_mult) {
  const int node_count = proto.nodes_size();
  // `seen_at[u] == v` marks u as already an input of v (O(1) dedup).
  std::vector<NodeId> seen_at(node_count, kNoNode);
  std::vector<int64_t> slot_of(node_count, -1);
  in_offsets->assign(node_count + 1, 0);
  int64_t total_listed = 0;
  for (int i = 0; i < node_count; ++i) total_listed += proto.nodes(i).inputs_size();
  in_ids->reserve(total_listed);
  in_mult->reserve(total_listed);
  // Name lookups are memory-latency bound on large graphs: prefetch the
  // hash slot of the input kLookahead nodes ahead.
  constexpr int kLookahead = 4;
  for (int v = 0; v < node_count; ++v) {
    if (v + kLookahead < node_count) {
      for (const std::string& ahead : proto.nodes(v + kLookahead).inputs()) {
        index.Prefetch(ahead);
      }
    }
    const proto::Node& n = proto.nodes(v);
    for (int k = 0; k < n.inputs_size(); ++k) {
      const std::string& in = n.inputs(k);
      const NodeId u = index.Find(in);
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
        ++(*in_mult)[slot_of[u]];
        continue;
      }
      seen_at[u] = v;
      slot_of[u] = static_cast<int64_t>(in_ids->size());
      in_ids->push_back(u);
      in_mult->push_back(1);
    }
    (*in_offsets)[v + 1] = static_cast<int64_t>(in_ids->size());
  }
  return absl::OkStatus();
}

// Phase 3 of FromProto: consumers as the CSR transpose of the inputs, so
// each list comes out in increasing consumer id without a sort.
void BuildConsumers(int node_count, const std::vector<int64_t>& in_offsets,
                    const std::vector<NodeId>& in_ids, std::vector<int64_t>* out_offsets,
                    std::vector<NodeId>* out_ids) {
  out_offsets->assign(node_count + 1, 0);
  for (NodeId u : in_ids) ++(*out_offsets)[u + 1];
  for (int v = 0; v < node_count; ++v) (*out_offsets)[v + 1] += (*out_offsets)[v];
  out_ids->resize(in_ids.size());
  std::vector<int64_t> fill(out_offsets->begin(), out_offsets->end() - 1);
  for (int v = 0; v < node_count; ++v) {
    for (int64_t e = in_offsets[v]; e < in_offsets[v + 1]; ++e) {
      (*out_ids)[fill[in_ids[e]]++] = v;
    }
  }
}

// Phase 4 of FromProto: cycles, by Kahn's algorithm (iterative, so long
// chains do not recurse); a cycle in what remains is named in the error.
absl::Status CheckAcyclic(const Graph& g) {
  const int node_count = g.num_nodes();
  std::vector<int64_t> indegree(node_count);
  std::vector<NodeId> ready;
  for (int v = 0; v < node_count; ++v) {
    indegree[v] = static_cast<int64_t>(g.inputs(v).size());
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
  if (done == node_count) return absl::OkStatus();
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
      absl::StrCat("Graph.nodes: the inputs form a cycle: ", NameList(g, cycle)));
}

// Phase 5 of FromProto: the listed outputs, which must be distinct COMPUTE
// nodes (their gradients are seeded), marked in `is_output` in list order.
absl::Status ReadOutputs(const proto::Graph& proto, const Graph& g,
                         std::vector<uint8_t>* is_output, std::vector<NodeId>* outputs) {
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
    if ((*is_output)[v]) {
      return absl::InvalidArgumentError(
          absl::StrFormat("Graph.outputs[%d] = '%s' is listed twice", k, name));
    }
    (*is_output)[v] = 1;
    outputs->push_back(v);
  }
  return absl::OkStatus();
}

// Phase 6 of FromProto: lists the COMPUTE nodes and sums their sizes and
// costs, failing if a sum (or 2x the bytes, activations plus gradients)
// leaves int64, if there is no COMPUTE node, or if a COMPUTE sink is not
// an output (its work would be dead).
absl::Status SumComputeNodes(const Graph& g, std::vector<NodeId>* compute_nodes,
                             int64_t* total_compute_bytes, int64_t* total_forward_cost,
                             int64_t* base_cost) {
  std::vector<NodeId> unmarked;
  for (int v = 0; v < g.num_nodes(); ++v) {
    if (!g.is_compute(v)) continue;
    compute_nodes->push_back(v);
    bool has_compute_consumer = false;
    for (NodeId w : g.consumers(v)) has_compute_consumer |= g.is_compute(w);
    if (!has_compute_consumer && !g.is_output(v)) unmarked.push_back(v);
    if (!AddNoOverflow(g.output_bytes(v), total_compute_bytes) ||
        !AddNoOverflow(g.forward_cost(v), total_forward_cost) ||
        !AddNoOverflow(g.forward_cost(v), base_cost) ||
        !AddNoOverflow(g.backward_cost(v), base_cost)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Graph.nodes[%d] ('%s'): the sum of output_bytes or of costs over COMPUTE nodes "
          "overflows int64",
          v, g.name(v)));
    }
  }
  // 2 * total bytes (activations + gradients) must also fit.
  if (*total_compute_bytes > std::numeric_limits<int64_t>::max() / 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.nodes: total output_bytes ", *total_compute_bytes,
        " is too large (activations plus gradients must fit in int64)"));
  }
  if (compute_nodes->empty()) {
    return absl::InvalidArgumentError("Graph.nodes has no COMPUTE node");
  }
  if (!unmarked.empty()) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < unmarked.size() && i < 8; ++i) {
      parts.push_back(absl::StrCat("'", g.name(unmarked[i]), "'"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Graph.outputs: COMPUTE node(s) ", absl::StrJoin(parts, ", "),
        unmarked.size() > 8 ? absl::StrCat(" and ", unmarked.size() - 8, " more") : "",
        " have no COMPUTE consumer but are not listed as outputs (prune dead nodes or list them)"));
  }
  return absl::OkStatus();
}

// Phase 7 of FromProto: the fingerprint over everything the model reads,
// which schedules carry to detect a mismatched graph.
uint64_t FingerprintOf(const Graph& g) {
  Hasher h;
  h.Int(g.num_nodes());
  for (int v = 0; v < g.num_nodes(); ++v) {
    h.Str(g.name(v));
    h.Int(g.is_compute(v) ? 1 : 0);
    h.Int(g.output_bytes(v));
    h.Int(g.forward_cost(v));
    h.Int(g.backward_cost(v));
    auto in = g.inputs(v);
    auto mult = g.input_multiplicity(v);
    h.Int(static_cast<int64_t>(in.size()));
    for (size_t k = 0; k < in.size(); ++k) {
      h.Int(in[k]);
      h.Int(mult[k]);
    }
  }
  for (NodeId o : g.outputs()) h.Int(o);
  return h.value();
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
  if (absl::Status s = CheckNodeCount(node_count); !s.ok()) return s;
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

  // Node by node, so that the first bad node is the one reported.
  for (int i = 0; i < node_count; ++i) {
    const proto::Node& n = proto.nodes(i);
    g.names_[i] = n.name();  // The index reads it on Insert.
    if (absl::Status s = CheckNode(n, i, &g.index_); !s.ok()) return s;
    g.is_compute_[i] = n.kind() == proto::Node::COMPUTE;
    g.output_bytes_[i] = n.output_bytes();
    g.forward_cost_[i] = n.forward_cost();
    g.backward_cost_[i] = n.backward_cost();
    g.replay_width_[i] = n.replay_width();
  }
  if (absl::Status s = BuildInputs(proto, g.index_, &g.in_offsets_, &g.in_ids_, &g.in_mult_);
      !s.ok()) {
    return s;
  }
  BuildConsumers(node_count, g.in_offsets_, g.in_ids_, &g.out_offsets_, &g.out_ids_);
  if (absl::Status s = CheckAcyclic(g); !s.ok()) return s;
  if (absl::Status s = ReadOutputs(proto, g, &g.is_output_, &g.outputs_); !s.ok()) return s;
  if (absl::Status s = SumComputeNodes(g, &g.compute_nodes_, &g.total_compute_bytes_,
                                       &g.total_forward_cost_, &g.base_cost_);
      !s.ok()) {
    return s;
  }
  g.fingerprint_ = FingerprintOf(g);
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

// The graph IR of tiny-backprop (docs/design.md section 3).
//
// A Graph is an immutable DAG with dense node ids 0..num_nodes()-1 (the node
// order of the proto it was built from), compact CSR adjacency in both
// directions, and the per-node sizes and costs of the model. It is built
// only through Graph::FromProto, which validates everything a user can get
// wrong and names the offending field and value.
//
// Basic API: FromProto, ToProto, accessors.
// Adjacency: inputs(v) lists the *distinct* inputs of v in order of first
// appearance (a node listing the same input twice reads it once for memory
// and gradient purposes); input_multiplicity(v) says how often each was
// listed (the replay engine uses it). consumers(v) lists distinct consumers
// in increasing id order.
#ifndef TBP_CORE_GRAPH_GRAPH_H_
#define TBP_CORE_GRAPH_GRAPH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/graph/name_index.h"
#include "proto/graph.pb.h"

namespace tbp {

using NodeId = int32_t;
inline constexpr NodeId kNoNode = -1;

class Graph {
 public:
  // Validates `proto` and builds the IR in O(V + E) expected time.
  // Errors (kInvalidArgument), each naming the field and value: empty graph
  // or more than 2^31 - 2 nodes; no COMPUTE node; empty or duplicate node
  // name; a kind other than INPUT or COMPUTE; negative output_bytes,
  // forward_cost, backward_cost or replay_width; an INPUT node with inputs;
  // an unknown input name; a cycle (the message names nodes on it); no
  // outputs; an unknown, duplicate or INPUT output; a COMPUTE node without
  // a COMPUTE consumer that is not an output; totals overflowing int64.
  static absl::StatusOr<Graph> FromProto(const proto::Graph& proto);

  // The name index refers to this graph's own names: copies rebuild it,
  // moves re-point it.
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&& other) noexcept;
  Graph& operator=(Graph&& other) noexcept;

  // The proto this graph was built from, up to normalisation (kinds and
  // fields as stored; inputs as listed).
  proto::Graph ToProto() const;

  int32_t num_nodes() const { return static_cast<int32_t>(names_.size()); }
  int64_t num_edges() const { return static_cast<int64_t>(in_ids_.size()); }
  const std::string& graph_name() const { return graph_name_; }

  const std::string& name(NodeId v) const { return names_[v]; }
  bool is_compute(NodeId v) const { return is_compute_[v] != 0; }
  bool is_output(NodeId v) const { return is_output_[v] != 0; }
  int64_t output_bytes(NodeId v) const { return output_bytes_[v]; }
  int64_t forward_cost(NodeId v) const { return forward_cost_[v]; }
  int64_t backward_cost(NodeId v) const { return backward_cost_[v]; }
  int64_t replay_width(NodeId v) const { return replay_width_[v]; }

  // Distinct inputs of v (INPUT and COMPUTE), in order of first appearance.
  absl::Span<const NodeId> inputs(NodeId v) const {
    return absl::MakeConstSpan(in_ids_.data() + in_offsets_[v],
                               in_offsets_[v + 1] - in_offsets_[v]);
  }
  // How many times v listed each of inputs(v), parallel to inputs(v).
  absl::Span<const int32_t> input_multiplicity(NodeId v) const {
    return absl::MakeConstSpan(in_mult_.data() + in_offsets_[v],
                               in_offsets_[v + 1] - in_offsets_[v]);
  }
  // Distinct consumers of v, increasing ids.
  absl::Span<const NodeId> consumers(NodeId v) const {
    return absl::MakeConstSpan(out_ids_.data() + out_offsets_[v],
                               out_offsets_[v + 1] - out_offsets_[v]);
  }

  // COMPUTE node ids in increasing order; output ids as listed.
  const std::vector<NodeId>& compute_nodes() const { return compute_nodes_; }
  const std::vector<NodeId>& outputs() const { return outputs_; }

  // The id of the node called `name`, or kNoNode.
  NodeId Find(absl::string_view name) const;

  // Sum of output_bytes over COMPUTE nodes (store-all activations).
  int64_t total_compute_bytes() const { return total_compute_bytes_; }
  // Sum of forward_cost + backward_cost over COMPUTE nodes (section 3).
  int64_t base_cost() const { return base_cost_; }
  int64_t total_forward_cost() const { return total_forward_cost_; }

  // A 64-bit fingerprint of everything the model reads (names, kinds, sizes,
  // costs, inputs, outputs). Schedules carry it to detect a mismatched graph.
  uint64_t Fingerprint() const { return fingerprint_; }

 private:
  Graph() = default;
  void RebuildIndex();

  std::string graph_name_;
  std::vector<std::string> names_;
  std::vector<uint8_t> is_compute_;
  std::vector<uint8_t> is_output_;
  std::vector<int64_t> output_bytes_;
  std::vector<int64_t> forward_cost_;
  std::vector<int64_t> backward_cost_;
  std::vector<int64_t> replay_width_;
  std::vector<int64_t> in_offsets_;
  std::vector<NodeId> in_ids_;
  std::vector<int32_t> in_mult_;
  std::vector<int64_t> out_offsets_;
  std::vector<NodeId> out_ids_;
  std::vector<NodeId> compute_nodes_;
  std::vector<NodeId> outputs_;
  NameIndex index_;  // Reads names_.
  int64_t total_compute_bytes_ = 0;
  int64_t base_cost_ = 0;
  int64_t total_forward_cost_ = 0;
  uint64_t fingerprint_ = 0;
};

}  // namespace tbp

#endif  // TBP_CORE_GRAPH_GRAPH_H_

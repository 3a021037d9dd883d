// The replay's network on a graph (docs/design.md section 6): tensor shapes and
// parameter layout, independent of any backend.
//
// Widths. Every node v (INPUT and COMPUTE) is a [batch, width_v] float32
// tensor. width_v = Node.replay_width when it is > 0; otherwise it is derived
// as output_bytes / (4 * batch), and output_bytes must be divisible by
// 4 * batch (else kInvalidArgument naming the node). So with derived widths
// each tensor is exactly output_bytes and the simulator's model is the
// replay's; an explicit replay_width may give a tensor of another size, and
// the replay is then compared with the simulator on the graph re-sized to
// the tensors (tensor_graph(), identical to the input graph when every width
// is derived or consistent).
//
// Terms. COMPUTE node v computes
//     y_v = tanh( sum over terms t of x_{u_t} W_{v,t} + b_v ),
// one term per listed input: the distinct inputs(v) in order, each repeated
// input_multiplicity times (a node listing u twice has two terms reading u,
// each with its own W). W_{v,t} is [width_u, width_v], b_v is [width_v].
//
// Values (init.h): x_u = U(seed, kInitInput, u, 0); W_{v,t} = U(seed,
// kInitWeight, v, t) / sqrt(sum over terms of width_u); b_v = 0.1 *
// U(seed, kInitBias, v, 0); U uniform on [-1, 1), element i = row-major
// flat index. The loss is the sum over output nodes of the sum of all
// elements of y: the gradient seed of an output is a tensor of ones.
#ifndef TBP_REPLAY_MODEL_H_
#define TBP_REPLAY_MODEL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"

namespace tbp {
namespace replay {

struct ModelOptions {
  int64_t batch = 1;
  uint64_t seed = 1;
  // Refuse a model whose parameters (W and b, float32) exceed this, before
  // anything is allocated: widths derived from large output_bytes at a small
  // batch make width_u * width_v explode. kResourceExhausted names the
  // largest W and suggests a larger batch. 0 = no limit.
  int64_t max_parameter_bytes = int64_t{8} << 30;
};

class ReplayModel {
 public:
  // Derives widths and the term layout. O(V + E). Errors: batch < 1;
  // output_bytes not divisible by 4 * batch with no replay_width
  // (kInvalidArgument naming node and numbers); tensor or parameter sizes
  // overflowing int64 or above max_parameter_bytes (kResourceExhausted).
  static absl::StatusOr<ReplayModel> Build(const Graph& graph, const ModelOptions& options);

  // A copy of the graph with output_bytes = tensor_bytes for every node: the
  // structure the engine executes and the sizes its simulation uses. Equal
  // to the input graph when every width is derived (tensors_match_graph()).
  const Graph& tensor_graph() const { return *tensor_graph_; }
  bool tensors_match_graph() const { return tensors_match_graph_; }

  int64_t batch() const { return options_.batch; }
  uint64_t seed() const { return options_.seed; }
  int64_t width(NodeId v) const { return width_[v]; }
  int64_t tensor_bytes(NodeId v) const { return 4 * options_.batch * width_[v]; }

  // Terms of v: global term ids term_begin(v) .. term_end(v)-1; the input
  // read by term id t is term_input(t).
  int64_t term_begin(NodeId v) const { return term_offsets_[v]; }
  int64_t term_end(NodeId v) const { return term_offsets_[v + 1]; }
  int64_t num_terms() const { return static_cast<int64_t>(term_input_.size()); }
  NodeId term_input(int64_t t) const { return term_input_[t]; }
  NodeId term_node(int64_t t) const { return term_node_[t]; }
  // Elements of W of term t: width(term_input(t)) * width(term_node(t)).
  int64_t weight_elements(int64_t t) const;
  // The scale of v's weights: 1 / sqrt(sum over v's terms of width_u).
  float weight_scale(NodeId v) const { return weight_scale_[v]; }

  // Totals in bytes (float32): W + b over COMPUTE nodes; INPUT data.
  int64_t parameter_bytes() const { return parameter_bytes_; }
  int64_t input_bytes() const { return input_bytes_; }

 private:
  ReplayModel() = default;

  std::optional<Graph> tensor_graph_;
  bool tensors_match_graph_ = true;
  ModelOptions options_;
  std::vector<int64_t> width_;
  std::vector<int64_t> term_offsets_;
  std::vector<NodeId> term_input_;
  std::vector<NodeId> term_node_;
  std::vector<float> weight_scale_;
  int64_t parameter_bytes_ = 0;
  int64_t input_bytes_ = 0;
};

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_MODEL_H_

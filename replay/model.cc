#include "replay/model.h"

#include <cmath>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/util/check.h"

namespace tbp {
namespace replay {
namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// a * b, or -1 on overflow (a, b >= 0).
int64_t MulOrMinus1(int64_t a, int64_t b) {
  if (a != 0 && b > kMaxInt64 / a) return -1;
  return a * b;
}

}  // namespace

int64_t ReplayModel::weight_elements(int64_t t) const {
  return width_[term_input_[t]] * width_[term_node_[t]];
}

absl::StatusOr<ReplayModel> ReplayModel::Build(const Graph& graph, const ModelOptions& options) {
  if (options.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("replay batch = %d: must be >= 1", options.batch));
  }
  if (options.max_parameter_bytes < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "replay max_parameter_bytes = %d: must be >= 0 (0 = no limit)",
        options.max_parameter_bytes));
  }
  const int64_t row_bytes = MulOrMinus1(4, options.batch);
  if (row_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("replay batch = %d is too large", options.batch));
  }
  ReplayModel m;
  m.options_ = options;
  const int32_t n = graph.num_nodes();
  m.width_.assign(n, 0);
  proto::Graph resized = graph.ToProto();
  for (NodeId v = 0; v < n; ++v) {
    const int64_t bytes = graph.output_bytes(v);
    int64_t width = graph.replay_width(v);
    if (width == 0) {
      if (bytes % row_bytes != 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "node '%s': output_bytes = %d is not divisible by 4 * batch = %d, so the replay "
            "cannot derive its width; choose a batch that divides it or set Node.replay_width",
            graph.name(v), bytes, row_bytes));
      }
      width = bytes / row_bytes;
    }
    const int64_t tensor = MulOrMinus1(row_bytes, width);
    if (tensor < 0) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "node '%s': replay_width = %d at batch %d overflows int64 bytes", graph.name(v),
          width, options.batch));
    }
    m.width_[v] = width;
    if (tensor != bytes) {
      m.tensors_match_graph_ = false;
      resized.mutable_nodes(v)->set_output_bytes(tensor);
    }
    if (!graph.is_compute(v)) m.input_bytes_ += tensor;
  }
  if (m.tensors_match_graph_) {
    m.tensor_graph_.emplace(graph);
  } else {
    absl::StatusOr<Graph> g = Graph::FromProto(resized);
    if (!g.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the graph re-sized to the replay's tensors is invalid: ", g.status().message()));
    }
    m.tensor_graph_.emplace(*std::move(g));
  }

  m.term_offsets_.assign(n + 1, 0);
  m.weight_scale_.assign(n, 1.0f);
  int64_t params = 0;
  NodeId largest_node = kNoNode, largest_input = kNoNode;
  int64_t largest = -1;
  for (NodeId v = 0; v < n; ++v) {
    m.term_offsets_[v] = static_cast<int64_t>(m.term_input_.size());
    if (!graph.is_compute(v)) continue;
    const auto inputs = graph.inputs(v);
    const auto mult = graph.input_multiplicity(v);
    double fan_in = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (int32_t r = 0; r < mult[i]; ++r) {
        m.term_input_.push_back(inputs[i]);
        m.term_node_.push_back(v);
        fan_in += static_cast<double>(m.width_[inputs[i]]);
        const int64_t w = MulOrMinus1(m.width_[inputs[i]], m.width_[v]);
        const int64_t wb = w < 0 ? -1 : MulOrMinus1(w, 4);
        if (wb < 0 || params > kMaxInt64 - wb) {
          return absl::ResourceExhaustedError(absl::StrFormat(
              "the replay's parameters overflow int64 bytes at W('%s' -> '%s') = [%d, %d]",
              graph.name(inputs[i]), graph.name(v), m.width_[inputs[i]], m.width_[v]));
        }
        params += wb;
        if (wb > largest) {
          largest = wb;
          largest_node = v;
          largest_input = inputs[i];
        }
      }
    }
    if (fan_in > 0) m.weight_scale_[v] = static_cast<float>(1.0 / std::sqrt(fan_in));
    params += 4 * m.width_[v];  // Bias (cannot overflow: width * 4 * batch fits).
  }
  m.term_offsets_[n] = static_cast<int64_t>(m.term_input_.size());
  if (options.max_parameter_bytes > 0 && params > options.max_parameter_bytes) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the replay needs %d bytes of parameters (max_parameter_bytes = %d); the largest is "
        "W('%s' -> '%s') = [%d, %d]: widths come from output_bytes / (4 * batch), so a larger "
        "batch (or Node.replay_width) gives smaller weights",
        params, options.max_parameter_bytes,
        largest_input == kNoNode ? "" : graph.name(largest_input),
        largest_node == kNoNode ? "" : graph.name(largest_node),
        largest_input == kNoNode ? 0 : m.width_[largest_input],
        largest_node == kNoNode ? 0 : m.width_[largest_node]));
  }
  m.parameter_bytes_ = params;
  return m;
}

}  // namespace replay
}  // namespace tbp

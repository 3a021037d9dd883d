#include "core/analysis/test_graphs.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/graph/graph.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace testing_graphs {

ProtoBuilder& ProtoBuilder::Input(const std::string& name) {
  proto::Node* node = proto_.add_nodes();
  node->set_name(name);
  node->set_kind(proto::Node::INPUT);
  return *this;
}

ProtoBuilder& ProtoBuilder::Compute(const std::string& name,
                                    int64_t output_bytes,
                                    const std::vector<std::string>& inputs) {
  proto::Node* node = proto_.add_nodes();
  node->set_name(name);
  node->set_kind(proto::Node::COMPUTE);
  node->set_output_bytes(output_bytes);
  node->set_forward_cost(1);
  node->set_backward_cost(1);
  for (const std::string& in : inputs) node->add_inputs(in);
  return *this;
}

ProtoBuilder& ProtoBuilder::Output(const std::string& name) {
  proto_.add_outputs(name);
  return *this;
}

Graph ProtoBuilder::Build() const { return MustBuild(proto_); }

Graph MustBuild(const proto::Graph& proto) {
  absl::StatusOr<Graph> graph = Graph::FromProto(proto);
  if (!graph.ok()) {
    std::fprintf(stderr, "Graph::FromProto failed: %s\n%s\n",
                 graph.status().ToString().c_str(),
                 proto.DebugString().c_str());
    std::abort();
  }
  return *std::move(graph);
}

proto::Graph RandomDagProto(std::mt19937_64& rng,
                            const RandomDagOptions& options) {
  auto uniform = [&rng](int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int32_t n =
      static_cast<int32_t>(uniform(options.min_compute, options.max_compute));
  std::vector<proto::Node> nodes;
  for (int32_t i = 0; i < options.num_input_nodes; ++i) {
    proto::Node node;
    node.set_name(absl::StrCat("x", i));
    node.set_kind(proto::Node::INPUT);
    nodes.push_back(node);
  }
  std::vector<bool> consumed(n, false);
  for (int32_t i = 0; i < n; ++i) {
    proto::Node node;
    node.set_name(absl::StrCat("c", i));
    node.set_kind(proto::Node::COMPUTE);
    node.set_output_bytes(uniform(0, options.max_bytes));
    node.set_forward_cost(uniform(1, 4));
    node.set_backward_cost(uniform(1, 4));
    const int64_t k = uniform(0, options.max_inputs_per_node);
    const int32_t lo =
        options.window > 0 ? std::max(0, i - options.window) : 0;
    for (int64_t e = 0; e < k; ++e) {
      // Mostly COMPUTE inputs; sometimes an INPUT node.
      const bool use_input = options.num_input_nodes > 0 &&
                             (i == 0 || uniform(0, 4) == 0);
      if (use_input) {
        node.add_inputs(
            absl::StrCat("x", uniform(0, options.num_input_nodes - 1)));
      } else if (i > 0) {
        const int32_t j = static_cast<int32_t>(uniform(lo, i - 1));
        consumed[j] = true;
        node.add_inputs(absl::StrCat("c", j));
      }
    }
    nodes.push_back(node);
  }
  proto::Graph graph;
  graph.set_name("random");
  for (int32_t i = 0; i < n; ++i) {
    if (!consumed[i] || std::bernoulli_distribution(
                            options.extra_output_probability)(rng)) {
      graph.add_outputs(absl::StrCat("c", i));
    }
  }
  std::shuffle(nodes.begin(), nodes.end(), rng);
  for (proto::Node& node : nodes) *graph.add_nodes() = std::move(node);
  return graph;
}

proto::Graph ChainProto(int32_t n, int64_t bytes) {
  ProtoBuilder b;
  b.Input("x");
  for (int32_t i = 0; i < n; ++i) {
    b.Compute(absl::StrCat("c", i), bytes,
              {i == 0 ? std::string("x") : absl::StrCat("c", i - 1)});
  }
  b.Output(absl::StrCat("c", n - 1));
  return b.proto();
}

}  // namespace testing_graphs
}  // namespace tbp

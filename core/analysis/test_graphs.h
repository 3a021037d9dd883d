// Test-only helpers for core/analysis: a tiny fluent builder for hand-made
// graph protos and a seeded random DAG generator for property tests.
#ifndef TBP_CORE_ANALYSIS_TEST_GRAPHS_H_
#define TBP_CORE_ANALYSIS_TEST_GRAPHS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace testing_graphs {

// Builds a proto::Graph node by node. Costs default to 1.
class ProtoBuilder {
 public:
  ProtoBuilder& Input(const std::string& name);
  ProtoBuilder& Compute(const std::string& name, int64_t output_bytes,
                        const std::vector<std::string>& inputs);
  ProtoBuilder& Output(const std::string& name);
  const proto::Graph& proto() const { return proto_; }
  // Graph::FromProto; aborts with the status message on error (tests only).
  Graph Build() const;

 private:
  proto::Graph proto_;
};

// Graph::FromProto or abort with the status and the proto.
Graph MustBuild(const proto::Graph& proto);

struct RandomDagOptions {
  int32_t min_compute = 1;
  int32_t max_compute = 12;
  int32_t max_inputs_per_node = 3;  // listed inputs; may repeat a name
  int32_t num_input_nodes = 2;      // INPUT nodes available as inputs
  int64_t max_bytes = 16;           // output_bytes uniform in [0, max_bytes]
  // 0: inputs anywhere earlier; w > 0: only among the w previous nodes.
  int32_t window = 0;
  double extra_output_probability = 0.15;
};

// A random valid graph: COMPUTE nodes c0..c{n-1} (ci reads only earlier
// nodes or INPUT nodes x0..), every consumer-less COMPUTE node an output
// plus a few more, nodes listed in shuffled order so ids are not
// topological.
proto::Graph RandomDagProto(std::mt19937_64& rng,
                            const RandomDagOptions& options = {});

// A chain x -> c0 -> ... -> c{n-1} with uniform bytes; c{n-1} is the output.
proto::Graph ChainProto(int32_t n, int64_t bytes);

}  // namespace testing_graphs
}  // namespace tbp

#endif  // TBP_CORE_ANALYSIS_TEST_GRAPHS_H_

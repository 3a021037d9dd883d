// Graph::FromProto on large graphs. Target (issue 2): 1,000,000 nodes and
// 3,000,000 edges load and validate in well under a second.
#include <string>

#include "benchmark/benchmark.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"

namespace tbp {
namespace {

proto::Graph RandomDag(int64_t nodes) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_seed(1);
  spec.set_nodes(nodes);
  spec.set_fan_in(3);
  spec.set_window(16);
  spec.set_long_range_prob(0.1);
  return *Generate(spec);
}

void BM_FromProtoRandomDag(benchmark::State& state) {
  const proto::Graph p = RandomDag(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<Graph> g = Graph::FromProto(p);
    benchmark::DoNotOptimize(g);
  }
  state.counters["edges"] = static_cast<double>(3 * state.range(0));
}
BENCHMARK(BM_FromProtoRandomDag)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tbp

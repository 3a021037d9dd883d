// Benchmarks of the frontier profile, the order heuristics and the lower
// bounds on 1,000,000-node graphs built here:
//   chain:  x -> c0 -> c1 -> ... (every cut holds one node);
//   random: c_i reads one or two random nodes among the 64 before it
//           (bytes uniform in [1, 1024], seed 1); unread nodes are outputs.
//   bazel run -c opt //core/analysis:frontier_benchmark
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/analysis/frontier.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/graph.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace {

constexpr int32_t kNodes = 1000000;

Graph Build(const proto::Graph& proto) {
  absl::StatusOr<Graph> graph = Graph::FromProto(proto);
  if (!graph.ok()) std::abort();
  return *std::move(graph);
}

proto::Graph MakeProto(bool random) {
  std::mt19937_64 rng(1);
  proto::Graph proto;
  proto::Node* x = proto.add_nodes();
  x->set_name("x");
  x->set_kind(proto::Node::INPUT);
  std::vector<bool> consumed(kNodes, false);
  for (int32_t i = 0; i < kNodes; ++i) {
    proto::Node* node = proto.add_nodes();
    node->set_name(absl::StrCat("c", i));
    node->set_kind(proto::Node::COMPUTE);
    node->set_output_bytes(random ? 1 + rng() % 1024 : 4);
    node->set_forward_cost(1);
    node->set_backward_cost(1);
    if (!random || i == 0) {
      node->add_inputs(i == 0 ? std::string("x") : absl::StrCat("c", i - 1));
      if (i > 0) consumed[i - 1] = true;
      continue;
    }
    const int32_t window = i < 64 ? i : 64;
    const int32_t fan_in = 1 + static_cast<int32_t>(rng() % 2);
    for (int32_t k = 0; k < fan_in; ++k) {
      const int32_t j = i - 1 - static_cast<int32_t>(rng() % window);
      consumed[j] = true;
      node->add_inputs(absl::StrCat("c", j));
    }
  }
  for (int32_t i = 0; i < kNodes; ++i) {
    if (!consumed[i]) proto.add_outputs(absl::StrCat("c", i));
  }
  return proto;
}

const Graph& GetGraph(bool random) {
  static const Graph* chain = new Graph(Build(MakeProto(false)));
  static const Graph* dag = new Graph(Build(MakeProto(true)));
  return random ? *dag : *chain;
}

void SetCounters(benchmark::State& state, const Graph& g) {
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(g.compute_nodes().size()));
  state.counters["edges"] = static_cast<double>(g.num_edges());
}

void BM_ComputeFrontier(benchmark::State& state) {
  const Graph& g = GetGraph(state.range(0) != 0);
  const std::vector<NodeId> order = KahnOrder(g);
  for (auto _ : state) {
    FrontierProfile p = ComputeFrontier(g, order);
    benchmark::DoNotOptimize(p.peak_bytes);
  }
  state.counters["peak_bytes"] =
      static_cast<double>(PeakFrontierBytes(g, order));
  SetCounters(state, g);
}

void BM_ValidateOrder(benchmark::State& state) {
  const Graph& g = GetGraph(state.range(0) != 0);
  const std::vector<NodeId> order = KahnOrder(g);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateOrder(g, order).ok());
  }
  SetCounters(state, g);
}

void BM_Order(benchmark::State& state) {
  const Graph& g = GetGraph(state.range(0) != 0);
  const OrderHeuristic h = static_cast<OrderHeuristic>(state.range(1));
  std::vector<NodeId> order;
  for (auto _ : state) {
    order = ComputeOrder(g, h);
    benchmark::DoNotOptimize(order.data());
  }
  state.SetLabel(std::string(OrderHeuristicName(h)));
  state.counters["peak_bytes"] =
      static_cast<double>(PeakFrontierBytes(g, order));
  SetCounters(state, g);
}

void BM_BestOrder(benchmark::State& state) {
  const Graph& g = GetGraph(state.range(0) != 0);
  BestOrderResult best;
  for (auto _ : state) {
    best = BestOrder(g);
    benchmark::DoNotOptimize(best.order.data());
  }
  state.SetLabel(std::string(OrderHeuristicName(best.heuristic)));
  state.counters["peak_bytes"] = static_cast<double>(best.peak_frontier_bytes);
  SetCounters(state, g);
}

void BM_AllLowerBounds(benchmark::State& state) {
  const Graph& g = GetGraph(state.range(0) != 0);
  int64_t best = 0;
  for (auto _ : state) {
    best = BestLowerBound(g);
    benchmark::DoNotOptimize(best);
  }
  state.counters["lower_bound_bytes"] = static_cast<double>(best);
  SetCounters(state, g);
}

// range(0): 0 = chain, 1 = random DAG; range(1): OrderHeuristic.
BENCHMARK(BM_ComputeFrontier)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateOrder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Order)
    ->ArgsProduct({{0, 1}, {0, 1, 2, 3}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BestOrder)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AllLowerBounds)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tbp

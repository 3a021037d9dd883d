#include "core/analysis/order.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/analysis/frontier.h"
#include "tests/fixtures/test_graphs.h"
#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_graphs::MustBuild;
using testing_graphs::ProtoBuilder;

std::vector<NodeId> Ids(const Graph& g, const std::vector<std::string>& names) {
  std::vector<NodeId> ids;
  for (const std::string& name : names) ids.push_back(g.Find(name));
  return ids;
}

std::vector<std::string> Names(const Graph& g,
                               const std::vector<NodeId>& order) {
  std::vector<std::string> names;
  for (NodeId v : order) names.push_back(g.name(v));
  return names;
}

// x (INPUT) -> a -> b -> c; a -> c.
Graph SmallGraph() {
  return ProtoBuilder()
      .Input("x")
      .Compute("a", 1, {"x"})
      .Compute("b", 1, {"a"})
      .Compute("c", 1, {"b", "a"})
      .Output("c")
      .Build();
}

TEST(ValidateOrderTest, AcceptsTopologicalPermutation) {
  const Graph g = SmallGraph();
  EXPECT_TRUE(ValidateOrder(g, Ids(g, {"a", "b", "c"})).ok());
}

TEST(ValidateOrderTest, RejectsBadIds) {
  const Graph g = SmallGraph();
  const absl::Status s = ValidateOrder(g, {1, 9, 2});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("order[1] = 9 is not a node id (the graph has 4"));
  EXPECT_THAT(ValidateOrder(g, {-1}).message(), HasSubstr("order[0] = -1"));
}

TEST(ValidateOrderTest, RejectsInputNodes) {
  const Graph g = SmallGraph();
  const absl::Status s = ValidateOrder(g, Ids(g, {"a", "x", "b", "c"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("order[1] = 'x' (id 0) is an INPUT node"));
}

TEST(ValidateOrderTest, RejectsDuplicates) {
  const Graph g = SmallGraph();
  const absl::Status s = ValidateOrder(g, Ids(g, {"a", "b", "a"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("order[2] = 'a' (id 1) repeats order[0]"));
}

TEST(ValidateOrderTest, RejectsMissingNodes) {
  const Graph g = SmallGraph();
  const absl::Status s = ValidateOrder(g, Ids(g, {"a", "c"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("order has 2 entries but the graph has 3 COMPUTE "
                        "nodes; missing 'b' (id 2)"));
  EXPECT_THAT(ValidateOrder(g, {}).message(), HasSubstr("missing 'a'"));
}

TEST(ValidateOrderTest, RejectsNonTopological) {
  const Graph g = SmallGraph();
  const absl::Status s = ValidateOrder(g, Ids(g, {"a", "c", "b"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("order[1] = 'c' (id 3) comes before its "
                                     "input 'b' (id 2) at order[2]"));
}

TEST(OrderHeuristicTest, Names) {
  EXPECT_EQ(OrderHeuristicName(OrderHeuristic::kKahn), "kahn");
  EXPECT_EQ(OrderHeuristicName(OrderHeuristic::kDfs), "dfs");
  EXPECT_EQ(OrderHeuristicName(OrderHeuristic::kGreedy), "greedy");
  EXPECT_EQ(OrderHeuristicName(OrderHeuristic::kLocalSearch), "local_search");
}

// Kahn takes the smallest id among ready nodes: ids follow the proto.
TEST(KahnOrderTest, SmallestIdFirst) {
  const Graph g = ProtoBuilder()
                      .Compute("s", 1, {"q"})
                      .Compute("p", 1, {})
                      .Compute("q", 1, {})
                      .Compute("r", 1, {"p", "s"})
                      .Output("r")
                      .Build();
  // Ready at first: p (1), q (2) -> p; then q; then s (0); then r.
  EXPECT_THAT(Names(g, KahnOrder(g)), ElementsAre("p", "q", "s", "r"));
}

// DFS visits inputs in listed order and outputs in listed order.
TEST(DfsOrderTest, PostOrderFromOutputs) {
  const Graph g = ProtoBuilder()
                      .Compute("a", 1, {})
                      .Compute("b", 1, {})
                      .Compute("c", 1, {"b", "a"})
                      .Compute("d", 1, {"a"})
                      .Output("d")
                      .Output("c")
                      .Build();
  EXPECT_THAT(Names(g, DfsOrder(g)), ElementsAre("a", "d", "b", "c"));
}

// Diamond a(8) -> b(4), a -> c(2), {b, c} -> d(1).
// Kahn and DFS: a b c d, cut 1 = {a, b} = 12.
// Greedy: after a, placing c makes the cut 8 + 2 = 10 and b makes 12 -> c;
// then b frees a: a c b d, peak 10. Only two orders exist (b and c swap), so
// local search cannot beat 10 and BestOrder keeps the first with 10: greedy.
TEST(OrderTest, DiamondFixture) {
  const Graph g = ProtoBuilder()
                      .Compute("a", 8, {})
                      .Compute("b", 4, {"a"})
                      .Compute("c", 2, {"a"})
                      .Compute("d", 1, {"b", "c"})
                      .Output("d")
                      .Build();
  EXPECT_THAT(Names(g, KahnOrder(g)), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(Names(g, DfsOrder(g)), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(Names(g, GreedyOrder(g)), ElementsAre("a", "c", "b", "d"));
  EXPECT_EQ(PeakFrontierBytes(g, LocalSearchOrder(g)), 10);
  const BestOrderResult best = BestOrder(g);
  EXPECT_EQ(best.heuristic, OrderHeuristic::kGreedy);
  EXPECT_EQ(best.peak_frontier_bytes, 10);
  EXPECT_THAT(Names(g, best.order), ElementsAre("a", "c", "b", "d"));
  ASSERT_EQ(best.scores.size(), 4u);
  EXPECT_EQ(best.scores[0].heuristic, OrderHeuristic::kKahn);
  EXPECT_EQ(best.scores[0].peak_frontier_bytes, 12);
  EXPECT_EQ(best.scores[1].peak_frontier_bytes, 12);
  EXPECT_EQ(best.scores[2].peak_frontier_bytes, 10);
  EXPECT_EQ(best.scores[3].heuristic, OrderHeuristic::kLocalSearch);
  EXPECT_EQ(best.scores[3].peak_frontier_bytes, 10);
}

// Two branches from x, interleaved ids: a1(100) -> a2(1) -> a3(1) and
// b1(100) -> b2(1) -> b3(1), joined by out. Kahn interleaves the branches:
// cut 1 = {a1, b1} = 200. DFS finishes branch a first: the widest cut is
// {a3, b1} = 101. Greedy: a1 (tie with b1, smaller id), then a2 (frees a1),
// a3, then b1: also 101. Nothing does better: some cut holds b1 (or a1)
// together with the other branch's frontier (>= 1), so 101 is optimal.
TEST(OrderTest, BranchesFixture) {
  const Graph g = ProtoBuilder()
                      .Input("x")
                      .Compute("a1", 100, {"x"})
                      .Compute("b1", 100, {"x"})
                      .Compute("a2", 1, {"a1"})
                      .Compute("b2", 1, {"b1"})
                      .Compute("a3", 1, {"a2"})
                      .Compute("b3", 1, {"b2"})
                      .Compute("out", 1, {"a3", "b3"})
                      .Output("out")
                      .Build();
  EXPECT_EQ(PeakFrontierBytes(g, KahnOrder(g)), 200);
  EXPECT_EQ(PeakFrontierBytes(g, DfsOrder(g)), 101);
  EXPECT_THAT(Names(g, GreedyOrder(g)),
              ElementsAre("a1", "a2", "a3", "b1", "b2", "b3", "out"));
  const BestOrderResult best = BestOrder(g);
  EXPECT_EQ(best.heuristic, OrderHeuristic::kDfs);
  EXPECT_EQ(best.peak_frontier_bytes, 101);
}

// Every heuristic walks a 1,000,000-node chain without recursion.
TEST(OrderTest, MillionNodeChain) {
  const int32_t n = 1000000;
  const Graph g = MustBuild(testing_graphs::ChainProto(n, 4));
  for (OrderHeuristic h : kAllOrderHeuristics) {
    const std::vector<NodeId> order = ComputeOrder(g, h);
    ASSERT_TRUE(ValidateOrder(g, order).ok()) << OrderHeuristicName(h);
    EXPECT_EQ(PeakFrontierBytes(g, order), 4) << OrderHeuristicName(h);
  }
}

// The minimum peak frontier over all topological orders, by DP over subsets
// of placed nodes (the width of a cut depends only on the placed set).
int64_t OptimalPeak(const Graph& g) {
  const std::vector<NodeId>& nodes = g.compute_nodes();
  const int32_t n = static_cast<int32_t>(nodes.size());
  std::vector<int32_t> index(g.num_nodes(), -1);
  for (int32_t i = 0; i < n; ++i) index[nodes[i]] = i;
  std::vector<uint32_t> inputs(n, 0), consumers(n, 0);
  for (int32_t i = 0; i < n; ++i) {
    for (NodeId u : g.inputs(nodes[i])) {
      if (g.is_compute(u)) inputs[i] |= 1u << index[u];
    }
    for (NodeId c : g.consumers(nodes[i])) consumers[i] |= 1u << index[c];
  }
  const uint32_t full = (1u << n) - 1;
  constexpr int64_t kInf = INT64_MAX;
  std::vector<int64_t> best(full + 1, kInf);
  best[0] = 0;
  for (uint32_t set = 0; set < full; ++set) {
    if (best[set] == kInf) continue;
    for (int32_t i = 0; i < n; ++i) {
      if ((set >> i & 1) || (inputs[i] & ~set)) continue;
      const uint32_t next = set | 1u << i;
      int64_t width = 0;
      for (int32_t j = 0; j < n; ++j) {
        if ((next >> j & 1) && (consumers[j] & ~next)) {
          width += g.output_bytes(nodes[j]);
        }
      }
      best[next] = std::min(best[next], std::max(best[set], width));
    }
  }
  return best[full];
}

TEST(OrderTest, HeuristicsAreValidOnRandomDags) {
  int improved_by_local_search = 0;
  int local_search_optimal = 0;
  int checked_optimal = 0;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    std::mt19937_64 rng(seed);
    testing_graphs::RandomDagOptions options;
    options.max_compute = seed % 4 == 0 ? 60 : 14;
    options.window = seed % 3 == 0 ? 0 : 5;
    options.max_inputs_per_node = 1 + seed % 4;
    const proto::Graph proto = testing_graphs::RandomDagProto(rng, options);
    const Graph g = MustBuild(proto);
    const std::string context =
        absl::StrCat("seed=", seed, "\n", proto.DebugString());

    std::vector<int64_t> peaks;
    for (OrderHeuristic h : {OrderHeuristic::kKahn, OrderHeuristic::kDfs,
                             OrderHeuristic::kGreedy}) {
      const std::vector<NodeId> order = ComputeOrder(g, h);
      const absl::Status s = ValidateOrder(g, order);
      ASSERT_TRUE(s.ok()) << OrderHeuristicName(h) << ": " << s << "\n"
                          << context;
      peaks.push_back(PeakFrontierBytes(g, order));
    }
    LocalSearchOptions ls;
    ls.check_invariants = true;
    const std::vector<NodeId> local = LocalSearchOrder(g, ls);
    ASSERT_TRUE(ValidateOrder(g, local).ok()) << context;
    const int64_t start = *std::min_element(peaks.begin(), peaks.end());
    const int64_t local_peak = PeakFrontierBytes(g, local);
    ASSERT_LE(local_peak, start) << context;
    improved_by_local_search += local_peak < start;
    peaks.push_back(local_peak);

    const BestOrderResult best = BestOrder(g);
    ASSERT_TRUE(ValidateOrder(g, best.order).ok()) << context;
    ASSERT_EQ(best.scores.size(), 4u);
    const int64_t min_peak = *std::min_element(peaks.begin(), peaks.end());
    ASSERT_EQ(best.peak_frontier_bytes, min_peak) << context;
    ASSERT_EQ(PeakFrontierBytes(g, best.order), min_peak) << context;
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(best.scores[i].heuristic, kAllOrderHeuristics[i]);
      ASSERT_EQ(best.scores[i].peak_frontier_bytes, peaks[i]) << context;
      if (peaks[i] == min_peak) {
        ASSERT_EQ(best.heuristic, kAllOrderHeuristics[i]) << context;
        break;
      }
    }
    // Deterministic: the same graph gives the same orders.
    ASSERT_EQ(LocalSearchOrder(g), local) << context;
    ASSERT_EQ(GreedyOrder(g), GreedyOrder(g)) << context;

    if (g.compute_nodes().size() <= 14) {
      const int64_t optimal = OptimalPeak(g);
      ASSERT_LE(optimal, min_peak) << context;
      ++checked_optimal;
      local_search_optimal += local_peak == optimal;
    }
  }
  std::printf("local search improved on %d graphs; optimal on %d of %d\n",
              improved_by_local_search, local_search_optimal, checked_optimal);
  EXPECT_GT(improved_by_local_search, 0);
}

// Larger graphs: the incremental state of the search stays exact (checked
// after every pass), also when a tiny work budget cuts passes short.
TEST(LocalSearchTest, InvariantsOnLargerDags) {
  for (uint64_t seed = 0; seed < 40; ++seed) {
    std::mt19937_64 rng(seed);
    testing_graphs::RandomDagOptions options;
    options.min_compute = 500;
    options.max_compute = 3000;
    options.window = 20 + seed % 50;
    options.max_bytes = 1000;
    const proto::Graph proto = testing_graphs::RandomDagProto(rng, options);
    const Graph g = MustBuild(proto);
    LocalSearchOptions ls;
    ls.check_invariants = true;
    ls.max_passes = 8;
    ls.work_factor = seed % 2 == 0 ? 1 : 8;
    const std::vector<NodeId> start = KahnOrder(g);
    const std::vector<NodeId> local = LocalSearchOrderFrom(g, start, ls);
    ASSERT_TRUE(ValidateOrder(g, local).ok()) << "seed=" << seed;
    ASSERT_LE(PeakFrontierBytes(g, local), PeakFrontierBytes(g, start))
        << "seed=" << seed;
  }
}

// No passes: the start comes back unchanged.
TEST(LocalSearchTest, ZeroPassesKeepsStart) {
  const Graph g = MustBuild(testing_graphs::ChainProto(10, 3));
  LocalSearchOptions ls;
  ls.max_passes = 0;
  const std::vector<NodeId> start = DfsOrder(g);
  EXPECT_EQ(LocalSearchOrderFrom(g, start, ls), start);
}

}  // namespace
}  // namespace tbp

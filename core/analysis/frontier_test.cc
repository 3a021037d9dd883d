#include "core/analysis/frontier.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/fixtures/test_graphs.h"
#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::ElementsAre;
using testing_graphs::MustBuild;
using testing_graphs::ProtoBuilder;

std::vector<NodeId> Ids(const Graph& g, const std::vector<std::string>& names) {
  std::vector<NodeId> ids;
  for (const std::string& name : names) ids.push_back(g.Find(name));
  return ids;
}

// Chain x -> a(10) -> b(20) -> c(30) -> d(40).
// Cut 0 = {a} = 10, cut 1 = {b} = 20, cut 2 = {c} = 30, cut 3 = {} = 0.
// Peak 30 at cut 2; mean 60 / 4 = 15; sorted 0,10,20,30 and
// ceil(0.95 * 4) = 4 -> p95 = 30.
TEST(FrontierTest, Chain) {
  const Graph g = ProtoBuilder()
                      .Input("x")
                      .Compute("a", 10, {"x"})
                      .Compute("b", 20, {"a"})
                      .Compute("c", 30, {"b"})
                      .Compute("d", 40, {"c"})
                      .Output("d")
                      .Build();
  const FrontierProfile p = ComputeFrontier(g, Ids(g, {"a", "b", "c", "d"}));
  EXPECT_THAT(p.width_bytes, ElementsAre(10, 20, 30, 0));
  EXPECT_THAT(p.width_nodes, ElementsAre(1, 1, 1, 0));
  EXPECT_EQ(p.peak_bytes, 30);
  EXPECT_EQ(p.argmax, 2);
  EXPECT_DOUBLE_EQ(p.mean_bytes, 15.0);
  EXPECT_EQ(p.p95_bytes, 30);
  EXPECT_EQ(p.peak_nodes, 1);
  EXPECT_EQ(PeakFrontierBytes(g, Ids(g, {"a", "b", "c", "d"})), 30);
}

// Diamond a(8) -> b(4), a -> c(2), {b, c} -> d(1).
// Order a b c d: cut 0 = {a} = 8, cut 1 = {a, b} = 12 (a still feeds c),
// cut 2 = {b, c} = 6, cut 3 = 0. Order a c b d: cut 1 = {a, c} = 10.
TEST(FrontierTest, Diamond) {
  const Graph g = ProtoBuilder()
                      .Compute("a", 8, {})
                      .Compute("b", 4, {"a"})
                      .Compute("c", 2, {"a"})
                      .Compute("d", 1, {"b", "c"})
                      .Output("d")
                      .Build();
  const FrontierProfile p = ComputeFrontier(g, Ids(g, {"a", "b", "c", "d"}));
  EXPECT_THAT(p.width_bytes, ElementsAre(8, 12, 6, 0));
  EXPECT_THAT(p.width_nodes, ElementsAre(1, 2, 2, 0));
  EXPECT_EQ(p.peak_bytes, 12);
  EXPECT_EQ(p.argmax, 1);
  EXPECT_DOUBLE_EQ(p.mean_bytes, 6.5);
  EXPECT_EQ(p.p95_bytes, 12);
  EXPECT_EQ(p.peak_nodes, 2);
  const FrontierProfile q = ComputeFrontier(g, Ids(g, {"a", "c", "b", "d"}));
  EXPECT_THAT(q.width_bytes, ElementsAre(8, 10, 6, 0));
}

// Skip a(5) -> b(3) -> c(2) -> d(1), a -> d.
// Cut 0 = {a} = 5, cut 1 = {a, b} = 8, cut 2 = {a, c} = 7, cut 3 = 0.
// An output with a consumer (b is a second loss) stays in the cuts until its
// consumer.
TEST(FrontierTest, SkipAndOutputWithConsumer) {
  const Graph g = ProtoBuilder()
                      .Input("x")
                      .Compute("d", 1, {"c", "a", "c"})  // ids not topological
                      .Compute("a", 5, {"x"})
                      .Compute("b", 3, {"a", "x"})
                      .Compute("c", 2, {"b"})
                      .Output("d")
                      .Output("b")
                      .Build();
  const FrontierProfile p = ComputeFrontier(g, Ids(g, {"a", "b", "c", "d"}));
  EXPECT_THAT(p.width_bytes, ElementsAre(5, 8, 7, 0));
  EXPECT_THAT(p.width_nodes, ElementsAre(1, 2, 2, 0));
  EXPECT_EQ(p.peak_bytes, 8);
  EXPECT_EQ(p.argmax, 1);
  EXPECT_DOUBLE_EQ(p.mean_bytes, 5.0);
  EXPECT_EQ(p.p95_bytes, 8);
}

// Single node: one cut, empty.
TEST(FrontierTest, SingleNode) {
  const Graph g = ProtoBuilder().Compute("a", 7, {}).Output("a").Build();
  const FrontierProfile p = ComputeFrontier(g, Ids(g, {"a"}));
  EXPECT_THAT(p.width_bytes, ElementsAre(0));
  EXPECT_EQ(p.peak_bytes, 0);
  EXPECT_EQ(p.argmax, 0);
  EXPECT_EQ(p.p95_bytes, 0);
}

// p95 by nearest rank over 20 cuts: ceil(0.95 * 20) = 19th smallest.
TEST(FrontierTest, P95NearestRank) {
  // A chain with bytes 1..20: widths 1..19 then 0; sorted 0,1,..,19, the
  // 19th smallest is 18.
  ProtoBuilder b;
  for (int i = 0; i < 20; ++i) {
    b.Compute(absl::StrCat("n", i), i + 1,
              i == 0 ? std::vector<std::string>{}
                     : std::vector<std::string>{absl::StrCat("n", i - 1)});
  }
  const Graph g = b.Output("n19").Build();
  std::vector<NodeId> order;
  for (int i = 0; i < 20; ++i) order.push_back(g.Find(absl::StrCat("n", i)));
  const FrontierProfile p = ComputeFrontier(g, order);
  EXPECT_EQ(p.peak_bytes, 19);
  EXPECT_EQ(p.p95_bytes, 18);
}

TEST(FrontierDeathTest, InvalidOrderIsABrokenInvariant) {
  const Graph g = ProtoBuilder()
                      .Compute("a", 1, {})
                      .Compute("b", 1, {"a"})
                      .Output("b")
                      .Build();
  EXPECT_DEATH(ComputeFrontier(g, Ids(g, {"b", "a"})), "invariant");
  EXPECT_DEATH(ComputeFrontier(g, Ids(g, {"a"})), "invariant");
}

// A random topological order of the COMPUTE nodes (uniform choice among
// ready nodes), independent of order.h.
std::vector<NodeId> RandomTopologicalOrder(const Graph& g,
                                           std::mt19937_64& rng) {
  std::vector<int32_t> indegree(g.num_nodes(), 0);
  std::vector<NodeId> ready;
  for (NodeId v : g.compute_nodes()) {
    for (NodeId u : g.inputs(v)) indegree[v] += g.is_compute(u);
    if (indegree[v] == 0) ready.push_back(v);
  }
  std::vector<NodeId> order;
  while (!ready.empty()) {
    const size_t i =
        std::uniform_int_distribution<size_t>(0, ready.size() - 1)(rng);
    const NodeId v = ready[i];
    ready.erase(ready.begin() + i);
    order.push_back(v);
    for (NodeId c : g.consumers(v)) {
      if (--indegree[c] == 0) ready.push_back(c);
    }
  }
  return order;
}

// Brute force: for each cut, scan every node and every consumer.
TEST(FrontierTest, MatchesBruteForceOnRandomDags) {
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    std::mt19937_64 rng(seed);
    testing_graphs::RandomDagOptions options;
    options.max_compute = seed % 3 == 0 ? 40 : 12;
    options.window = seed % 2 == 0 ? 0 : 4;
    const proto::Graph proto = testing_graphs::RandomDagProto(rng, options);
    const Graph g = MustBuild(proto);
    const std::vector<NodeId> order = RandomTopologicalOrder(g, rng);
    const int32_t n = static_cast<int32_t>(order.size());
    ASSERT_EQ(order.size(), g.compute_nodes().size());

    std::vector<int64_t> bytes(n, 0);
    std::vector<int32_t> nodes(n, 0);
    for (int32_t i = 0; i < n; ++i) {
      for (int32_t p = 0; p <= i; ++p) {
        bool crosses = false;
        for (NodeId c : g.consumers(order[p])) {
          for (int32_t q = i + 1; q < n; ++q) crosses |= order[q] == c;
        }
        if (crosses) {
          bytes[i] += g.output_bytes(order[p]);
          ++nodes[i];
        }
      }
    }
    const int64_t peak = *std::max_element(bytes.begin(), bytes.end());
    const int32_t argmax = static_cast<int32_t>(
        std::find(bytes.begin(), bytes.end(), peak) - bytes.begin());
    int64_t sum = 0;
    for (int64_t w : bytes) sum += w;
    // Nearest rank: the smallest width w with at least 95% of cuts <= w.
    int64_t p95 = peak;
    for (int64_t w : bytes) {
      const int64_t at_most =
          std::count_if(bytes.begin(), bytes.end(),
                        [w](int64_t x) { return x <= w; });
      if (100 * at_most >= 95 * static_cast<int64_t>(n)) p95 = std::min(p95, w);
    }

    const FrontierProfile p = ComputeFrontier(g, order);
    const std::string context =
        absl::StrCat("seed=", seed, " order=[", absl::StrJoin(order, ","),
                     "]\n", proto.DebugString());
    ASSERT_EQ(p.width_bytes, bytes) << context;
    ASSERT_EQ(p.width_nodes, nodes) << context;
    ASSERT_EQ(p.peak_bytes, peak) << context;
    ASSERT_EQ(p.argmax, argmax) << context;
    ASSERT_DOUBLE_EQ(p.mean_bytes, static_cast<double>(sum) / n) << context;
    ASSERT_EQ(p.p95_bytes, p95) << context;
    ASSERT_EQ(p.peak_nodes, *std::max_element(nodes.begin(), nodes.end()))
        << context;
    ASSERT_EQ(PeakFrontierBytes(g, order), peak) << context;
  }
}

}  // namespace
}  // namespace tbp

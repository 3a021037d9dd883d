#include "core/analysis/hcp.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/fixtures/test_graphs.h"
#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_graphs::MustBuild;
using testing_graphs::ProtoBuilder;

enum Criterion { kFrontier = 0, kSkips, kFanOut, kDepth, kDominance };

// Chain x -> c0 -> ... -> c{n-1} in its only order.
HcpReport ChainReport(int32_t n, int64_t bytes) {
  const Graph g = MustBuild(testing_graphs::ChainProto(n, bytes));
  return DiagnoseHcp(g);
}

// Chain of 32 nodes of 4 bytes: T = 128, every cut holds one node, W = 4 =
// T / 32 <= T / 16; every edge has length 1 <= sqrt(32); fan-out 1; depth 32
// >= sqrt(32); largest activation 4 = T / 32 <= T / 4. Lower bound: BACKWARD
// of c1 holds c1 and c0 and both gradients, 16 bytes.
TEST(HcpTest, LongChainPassesEverything) {
  const HcpReport r = ChainReport(32, 4);
  const HcpStats& s = r.stats;
  EXPECT_EQ(s.num_compute_nodes, 32);
  EXPECT_EQ(s.num_compute_edges, 31);
  EXPECT_EQ(s.total_activation_bytes, 128);
  EXPECT_EQ(s.order_name, "kahn");
  EXPECT_EQ(s.peak_frontier_bytes, 4);
  EXPECT_DOUBLE_EQ(s.peak_frontier_fraction, 1.0 / 32);
  EXPECT_EQ(s.peak_frontier_cut, 0);
  EXPECT_EQ(s.max_skip, 1);
  EXPECT_DOUBLE_EQ(s.mean_skip, 1.0);
  EXPECT_EQ(s.p95_skip, 1);
  EXPECT_EQ(s.long_skip_threshold, 5);
  EXPECT_EQ(s.long_skip_edges, 0);
  EXPECT_EQ(s.max_fan_out, 1);
  EXPECT_EQ(s.depth, 32);
  EXPECT_DOUBLE_EQ(s.mean_level_width, 1.0);
  EXPECT_EQ(s.max_activation_bytes, 4);
  EXPECT_EQ(s.lower_bound_bytes, 16);
  ASSERT_EQ(r.criteria.size(), 5u);
  const char* names[] = {"frontier", "skips", "fan_out", "depth", "dominance"};
  const bool key[] = {true, false, false, false, true};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r.criteria[i].name, names[i]);
    EXPECT_EQ(r.criteria[i].key, key[i]);
    EXPECT_TRUE(r.criteria[i].pass) << r.criteria[i].explanation;
    EXPECT_FALSE(r.criteria[i].explanation.empty());
  }
  EXPECT_TRUE(r.compressible);
  EXPECT_THAT(r.verdict, HasSubstr("Compressible"));
  EXPECT_THAT(r.verdict, Not(HasSubstr("Advisory")));
  const std::string text = FormatHcpReport(r);
  EXPECT_THAT(text, HasSubstr("[PASS] frontier (key)"));
  std::printf("%s", text.c_str());
}

// (a) fails: a chain of 8 nodes has W = T / 8 > T / 16 (too short to gain
// from checkpointing); a verdict of not compressible names the frontier.
TEST(HcpTest, FrontierFailsOnShortChain) {
  const HcpReport r = ChainReport(8, 4);
  EXPECT_FALSE(r.criteria[kFrontier].pass);
  EXPECT_DOUBLE_EQ(r.criteria[kFrontier].value, 1.0 / 8);
  EXPECT_DOUBLE_EQ(r.criteria[kFrontier].threshold, 1.0 / 16);
  EXPECT_THAT(r.criteria[kFrontier].explanation, HasSubstr("saves little"));
  EXPECT_FALSE(r.compressible);
  EXPECT_THAT(r.verdict, HasSubstr("Not compressible"));
  // Exactly at the threshold passes: 16 nodes, W = T / 16.
  EXPECT_TRUE(ChainReport(16, 4).criteria[kFrontier].pass);
}

// (b) fails: chain c0..c15 where c_i (i >= 8) also reads c_{i-8}. The chain
// fixes the order; 8 of the 23 edges have length 8 > sqrt(16) = 4: 35% >
// 5%. The skip distribution: c0..c7 have skip 8, c8..c14 skip 1.
TEST(HcpTest, SkipsFailOnManyLongSkips) {
  ProtoBuilder b;
  for (int i = 0; i < 16; ++i) {
    std::vector<std::string> inputs;
    if (i > 0) inputs.push_back(absl::StrCat("c", i - 1));
    if (i >= 8) inputs.push_back(absl::StrCat("c", i - 8));
    b.Compute(absl::StrCat("c", i), 1, inputs);
  }
  const Graph g = b.Output("c15").Build();
  const HcpReport r = DiagnoseHcp(g);
  const HcpStats& s = r.stats;
  EXPECT_EQ(s.num_compute_edges, 23);
  EXPECT_EQ(s.long_skip_threshold, 4);
  EXPECT_EQ(s.long_skip_edges, 8);
  EXPECT_EQ(s.max_skip, 8);
  EXPECT_DOUBLE_EQ(s.mean_skip, (8 * 8 + 7 * 1) / 15.0);
  EXPECT_EQ(s.p95_skip, 8);
  EXPECT_FALSE(r.criteria[kSkips].pass);
  EXPECT_THAT(r.criteria[kSkips].explanation, HasSubstr("Long skips are common"));
  std::printf("%s", FormatHcpReport(r).c_str());
  // Skips alone are advisory; here the frontier (8 of 16 bytes) fails too.
  EXPECT_FALSE(r.criteria[kFrontier].pass);
  EXPECT_THAT(r.verdict, HasSubstr("Advisory"));
}

// (c) fails: hub h (1 byte) after a 64-node chain feeds 9 readers, each an
// output. Fan-out 9 > 8. Everything else is small, so the graph still
// compresses: fan-out is advisory.
TEST(HcpTest, FanOutFailsOnHub) {
  ProtoBuilder b;
  b.Input("x");
  for (int i = 0; i < 64; ++i) {
    b.Compute(absl::StrCat("c", i), 4,
              {i == 0 ? std::string("x") : absl::StrCat("c", i - 1)});
  }
  b.Compute("h", 1, {"c63"});
  for (int i = 0; i < 9; ++i) {
    b.Compute(absl::StrCat("y", i), 1, {"h"});
    b.Output(absl::StrCat("y", i));
  }
  const Graph g = b.Build();
  const HcpReport r = DiagnoseHcp(g);
  EXPECT_EQ(r.stats.max_fan_out, 9);
  EXPECT_EQ(r.stats.max_fan_out_node, g.Find("h"));
  EXPECT_FALSE(r.criteria[kFanOut].pass);
  EXPECT_THAT(r.criteria[kFanOut].explanation, HasSubstr("Node 'h' feeds 9"));
  EXPECT_TRUE(r.criteria[kFrontier].pass);
  EXPECT_TRUE(r.compressible);
  EXPECT_THAT(r.verdict, HasSubstr("Advisory: Node 'h' feeds 9"));
  // Eight readers pass.
  ProtoBuilder b8;
  b8.Compute("h", 1, {});
  for (int i = 0; i < 8; ++i) {
    b8.Compute(absl::StrCat("y", i), 1, {"h"});
    b8.Output(absl::StrCat("y", i));
  }
  EXPECT_TRUE(DiagnoseHcp(b8.Build()).criteria[kFanOut].pass);
}

// (d) fails: 16 independent operators, each an output: depth 1 < sqrt(16).
// Their frontier is empty (nothing is read later), so (a) passes: depth is
// advisory and the verdict stays compressible.
TEST(HcpTest, DepthFailsOnWideGraph) {
  ProtoBuilder b;
  b.Input("x");
  for (int i = 0; i < 16; ++i) {
    b.Compute(absl::StrCat("y", i), 4, {"x"});
    b.Output(absl::StrCat("y", i));
  }
  const HcpReport r = DiagnoseHcp(b.Build());
  EXPECT_EQ(r.stats.depth, 1);
  EXPECT_DOUBLE_EQ(r.stats.mean_level_width, 16.0);
  EXPECT_FALSE(r.criteria[kDepth].pass);
  EXPECT_THAT(r.criteria[kDepth].explanation,
              HasSubstr("wide, not deep"));
  EXPECT_EQ(r.stats.peak_frontier_bytes, 0);
  EXPECT_EQ(r.stats.num_compute_edges, 0);
  EXPECT_TRUE(r.criteria[kSkips].pass);  // No edges at all.
  EXPECT_TRUE(r.compressible);
  // A 4 x 4 grid of chains plus a join: depth 5, 5 * 5 >= 17 passes.
  ProtoBuilder grid;
  std::vector<std::string> tails;
  for (int c = 0; c < 4; ++c) {
    for (int i = 0; i < 4; ++i) {
      grid.Compute(absl::StrCat("c", c, "_", i), 1,
                   i == 0 ? std::vector<std::string>{}
                          : std::vector<std::string>{
                                absl::StrCat("c", c, "_", i - 1)});
    }
    tails.push_back(absl::StrCat("c", c, "_3"));
  }
  grid.Compute("join", 1, tails).Output("join");
  const HcpReport gr = DiagnoseHcp(grid.Build());
  EXPECT_EQ(gr.stats.depth, 5);
  EXPECT_TRUE(gr.criteria[kDepth].pass);
}

// (e) fails: a 32-node chain of 1-byte nodes ending in a 1000-byte output:
// T = 1031, the output is 97% of it (> 25%), while W = 1 passes (a). Key
// criterion: not compressible, and the verdict says why.
TEST(HcpTest, DominanceFailsOnHugeActivation) {
  ProtoBuilder b;
  for (int i = 0; i < 32; ++i) {
    b.Compute(absl::StrCat("c", i), i == 31 ? 1000 : 1,
              i == 0 ? std::vector<std::string>{}
                     : std::vector<std::string>{absl::StrCat("c", i - 1)});
  }
  const Graph g = b.Output("c31").Build();
  const HcpReport r = DiagnoseHcp(g);
  EXPECT_EQ(r.stats.max_activation_bytes, 1000);
  EXPECT_EQ(r.stats.max_activation_node, g.Find("c31"));
  EXPECT_TRUE(r.criteria[kFrontier].pass);
  EXPECT_FALSE(r.criteria[kDominance].pass);
  EXPECT_THAT(r.criteria[kDominance].explanation,
              HasSubstr("Activation 'c31' alone"));
  EXPECT_FALSE(r.compressible);
  EXPECT_THAT(r.verdict, HasSubstr("Not compressible: Activation 'c31'"));
  EXPECT_EQ(r.stats.lower_bound_bytes, 2 * 1001);
}

// A given order is analysed as given: the diamond in order a b c d.
TEST(HcpTest, ForOrderUsesTheGivenOrder) {
  const Graph g = ProtoBuilder()
                      .Compute("a", 8, {})
                      .Compute("b", 4, {"a"})
                      .Compute("c", 2, {"a"})
                      .Compute("d", 1, {"b", "c"})
                      .Output("d")
                      .Build();
  const HcpReport r = DiagnoseHcpForOrder(
      g, {g.Find("a"), g.Find("b"), g.Find("c"), g.Find("d")}, "given");
  EXPECT_EQ(r.stats.order_name, "given");
  EXPECT_EQ(r.stats.peak_frontier_bytes, 12);
  EXPECT_EQ(DiagnoseHcp(g).stats.peak_frontier_bytes, 10);
  // Custom thresholds are honoured.
  HcpThresholds loose;
  loose.max_frontier_fraction = 1.0;
  EXPECT_TRUE(DiagnoseHcp(g, loose).criteria[kFrontier].pass);
}

// All-zero activations: ratios are 0 and nothing divides by zero.
TEST(HcpTest, ZeroBytes) {
  const HcpReport r = ChainReport(4, 0);
  EXPECT_EQ(r.stats.total_activation_bytes, 0);
  EXPECT_TRUE(r.criteria[kFrontier].pass);
  EXPECT_TRUE(r.criteria[kDominance].pass);
}

}  // namespace
}  // namespace tbp

#include "core/graph/generators.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/generator.pb.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace {

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Le;
using ::testing::SizeIs;

constexpr proto::Family kAllFamilies[] = {
    proto::CHAIN, proto::LAYERED,  proto::RANDOM_DAG,  proto::WIDE,
    proto::UNET,  proto::RESIDUAL, proto::TRANSFORMER,
};

// A valid spec of `family` whose size grows with `scale` (1, 2, 3...).
proto::GeneratorSpec SpecFor(proto::Family family, int scale, uint64_t seed) {
  proto::GeneratorSpec spec;
  spec.set_family(family);
  spec.set_seed(seed);
  switch (family) {
    case proto::CHAIN:
      spec.set_nodes(10 * scale);
      break;
    case proto::LAYERED:
      spec.set_layers(4 * scale);
      spec.set_width(3 * scale);
      spec.set_edge_prob(0.3);
      spec.set_skip_prob(0.2);
      break;
    case proto::RANDOM_DAG:
      spec.set_nodes(40 * scale);
      spec.set_fan_in(3);
      spec.set_window(4);
      spec.set_long_range_prob(0.1);
      break;
    case proto::WIDE:
      spec.set_nodes(12 * scale);
      spec.set_wide_every(4);
      spec.set_wide_factor(16);
      break;
    case proto::UNET:
      spec.set_depth(2 + scale);
      break;
    case proto::RESIDUAL:
      spec.set_blocks(3 * scale);
      spec.set_block_depth(2);
      break;
    case proto::TRANSFORMER:
      spec.set_layers(scale);
      spec.set_batch(2);
      spec.set_seq_len(8 * scale);
      spec.set_hidden(16);
      spec.set_heads(4);
      break;
    default:
      break;
  }
  // Cover every size distribution and cost rule across seeds.
  switch (seed % 3) {
    case 0:
      spec.set_base_bytes(64);
      break;
    case 1:
      spec.set_size_distribution(proto::SIZE_UNIFORM);
      spec.set_base_bytes(10);
      spec.set_size_spread(4);
      spec.set_cost_per_byte(0.25);
      break;
    case 2:
      spec.set_size_distribution(proto::SIZE_LOGNORMAL);
      spec.set_base_bytes(100);
      spec.set_size_sigma(1.5);
      spec.set_backward_factor(1.5);
      break;
  }
  return spec;
}

// Generates `spec`, failing the test (with the spec printed) on error.
proto::Graph MustGenerate(const proto::GeneratorSpec& spec) {
  absl::StatusOr<proto::Graph> graph = Generate(spec);
  EXPECT_TRUE(graph.ok()) << graph.status() << "\nspec: "
                          << spec.ShortDebugString();
  return graph.ok() ? *graph : proto::Graph();
}

std::vector<std::string> Names(const proto::Graph& graph) {
  std::vector<std::string> names;
  for (const proto::Node& node : graph.nodes()) names.push_back(node.name());
  return names;
}

std::vector<std::string> Inputs(const proto::Node& node) {
  return {node.inputs().begin(), node.inputs().end()};
}

std::vector<std::string> Outputs(const proto::Graph& graph) {
  return {graph.outputs().begin(), graph.outputs().end()};
}

std::vector<int64_t> ComputeBytes(const proto::Graph& graph) {
  std::vector<int64_t> bytes;
  for (const proto::Node& node : graph.nodes()) {
    if (node.kind() == proto::Node::COMPUTE) bytes.push_back(node.output_bytes());
  }
  return bytes;
}

const proto::Node& NodeNamed(const proto::Graph& graph, const std::string& name) {
  for (const proto::Node& node : graph.nodes()) {
    if (node.name() == name) return node;
  }
  ADD_FAILURE() << "no node " << name;
  static const proto::Node kEmpty;
  return kEmpty;
}

// ---------------------------------------------------------------------------
// Family names.

TEST(FamilyNameTest, RoundTripsEveryFamily) {
  for (proto::Family family : kAllFamilies) {
    absl::StatusOr<proto::Family> parsed = ParseFamily(FamilyName(family));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, family);
  }
  EXPECT_EQ(FamilyName(proto::RANDOM_DAG), "random_dag");
  EXPECT_EQ(FamilyName(proto::FAMILY_UNSPECIFIED), "unspecified");
  EXPECT_EQ(FamilyName(static_cast<proto::Family>(42)), "unknown(42)");
}

TEST(FamilyNameTest, RejectsUnknownNames) {
  for (const char* name : {"CHAIN", "unspecified", "", "dag"}) {
    absl::StatusOr<proto::Family> parsed = ParseFamily(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()),
                AllOf(HasSubstr(name), HasSubstr("random_dag")));
  }
}

// ---------------------------------------------------------------------------
// Every family, several seeds and sizes: a valid graph, deterministically.

class EveryFamilyTest
    : public testing::TestWithParam<std::tuple<proto::Family, int, uint64_t>> {
 protected:
  proto::GeneratorSpec spec() const {
    return SpecFor(std::get<0>(GetParam()), std::get<1>(GetParam()),
                   std::get<2>(GetParam()));
  }
};

TEST_P(EveryFamilyTest, BuildsAValidGraph) {
  const proto::GeneratorSpec spec = this->spec();
  SCOPED_TRACE(spec.ShortDebugString());
  ASSERT_TRUE(ValidateGeneratorSpec(spec).ok());
  const proto::Graph graph = MustGenerate(spec);
  absl::StatusOr<Graph> ir = Graph::FromProto(graph);
  ASSERT_TRUE(ir.ok()) << ir.status() << "\n" << graph.DebugString();

  EXPECT_THAT(graph.name(), HasSubstr(FamilyName(spec.family()) + "("));
  EXPECT_EQ(graph.nodes(0).name(), "x");
  EXPECT_EQ(graph.nodes(0).kind(), proto::Node::INPUT);
  EXPECT_THAT(ComputeBytes(graph), Each(Ge(1)));
  for (const proto::Node& node : graph.nodes()) {
    EXPECT_THAT(Inputs(node), testing::Not(testing::Contains(node.name())));
    if (node.kind() == proto::Node::COMPUTE) {
      EXPECT_GE(node.forward_cost(), 1) << node.name();
      EXPECT_GE(node.backward_cost(), 1) << node.name();
    }
  }
  if (spec.family() != proto::RANDOM_DAG) {
    const std::string last = graph.nodes(graph.nodes_size() - 1).name();
    EXPECT_THAT(Outputs(graph), ElementsAre(last));
  }
}

TEST_P(EveryFamilyTest, IsDeterministic) {
  const proto::GeneratorSpec spec = this->spec();
  SCOPED_TRACE(spec.ShortDebugString());
  EXPECT_EQ(MustGenerate(spec).SerializeAsString(),
            MustGenerate(spec).SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(
    Families, EveryFamilyTest,
    testing::Combine(testing::ValuesIn(kAllFamilies), testing::Values(1, 2, 3),
                     testing::Values(uint64_t{0}, uint64_t{1}, uint64_t{2},
                                     uint64_t{12345})),
    [](const testing::TestParamInfo<EveryFamilyTest::ParamType>& info) {
      return FamilyName(std::get<0>(info.param)) + "_scale" +
             std::to_string(std::get<1>(info.param)) + "_seed" +
             std::to_string(std::get<2>(info.param));
    });

TEST(DeterminismTest, RandomFamiliesDependOnTheSeed) {
  for (proto::Family family : {proto::LAYERED, proto::RANDOM_DAG}) {
    proto::GeneratorSpec a = SpecFor(family, 3, 0);
    proto::GeneratorSpec b = a;
    b.set_seed(3);  // Same size model (seed % 3 == 0), other draws.
    // Compare structure only: the label carries the seed.
    proto::Graph ga = MustGenerate(a), gb = MustGenerate(b);
    ga.clear_name();
    gb.clear_name();
    EXPECT_NE(ga.SerializeAsString(), gb.SerializeAsString())
        << FamilyName(family);
  }
  // Random sizes depend on the seed too, even on a fixed topology.
  proto::GeneratorSpec a = SpecFor(proto::CHAIN, 3, 1);  // SIZE_UNIFORM.
  proto::GeneratorSpec b = a;
  b.set_seed(4);
  EXPECT_NE(ComputeBytes(MustGenerate(a)), ComputeBytes(MustGenerate(b)));
}

TEST(DeterminismTest, SizeDistributionDoesNotChangeTheTopology) {
  proto::GeneratorSpec constant = SpecFor(proto::RANDOM_DAG, 3, 0);
  proto::GeneratorSpec lognormal = constant;
  lognormal.set_size_distribution(proto::SIZE_LOGNORMAL);
  lognormal.set_size_sigma(1);
  const proto::Graph a = MustGenerate(constant), b = MustGenerate(lognormal);
  ASSERT_EQ(a.nodes_size(), b.nodes_size());
  for (int i = 0; i < a.nodes_size(); ++i) {
    EXPECT_EQ(Inputs(a.nodes(i)), Inputs(b.nodes(i))) << a.nodes(i).name();
  }
}

// ---------------------------------------------------------------------------
// Exact structures.

TEST(ChainTest, UnitChainIsExact) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::CHAIN);
  spec.set_nodes(4);
  spec.set_backward_factor(1);  // base_bytes 0 -> 1, cost_per_byte 0 -> 1.
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_EQ(graph.name(), "chain(nodes=4,seed=0,backward_factor=1)");
  EXPECT_THAT(Names(graph), ElementsAre("x", "n1", "n2", "n3", "n4"));
  EXPECT_EQ(graph.nodes(0).kind(), proto::Node::INPUT);
  EXPECT_THAT(Inputs(graph.nodes(0)), SizeIs(0));
  const char* previous = "x";
  for (int i = 1; i <= 4; ++i) {
    const proto::Node& node = graph.nodes(i);
    EXPECT_EQ(node.kind(), proto::Node::COMPUTE);
    EXPECT_THAT(Inputs(node), ElementsAre(previous));
    EXPECT_EQ(node.output_bytes(), 1);
    EXPECT_EQ(node.forward_cost(), 1);
    EXPECT_EQ(node.backward_cost(), 1);
    previous = graph.nodes(i).name().c_str();
  }
  EXPECT_THAT(Outputs(graph), ElementsAre("n4"));
}

TEST(ChainTest, DefaultBackwardFactorIsTwo) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::CHAIN);
  spec.set_nodes(3);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_EQ(graph.name(), "chain(nodes=3,seed=0)");
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(graph.nodes(i).backward_cost(), 2);
}

TEST(WideTest, EveryWideEveryThNodeIsWide) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::WIDE);
  spec.set_nodes(7);
  spec.set_wide_every(3);
  spec.set_wide_factor(100);
  spec.set_base_bytes(2);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_THAT(ComputeBytes(graph), ElementsAre(2, 2, 200, 2, 2, 200, 2));
  EXPECT_THAT(Outputs(graph), ElementsAre("n7"));
}

TEST(UnetTest, DepthTwoStructureAndSizes) {
  // base_bytes 1, depth 2: level 1 has multiplier 2^2 = 4, level 2 has 2,
  // the bottleneck (enc2_down, mid_conv) 1.
  proto::GeneratorSpec spec;
  spec.set_family(proto::UNET);
  spec.set_depth(2);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_THAT(Names(graph),
              ElementsAre("x", "enc1_conv", "enc1_down", "enc2_conv",
                          "enc2_down", "mid_conv", "dec2_up", "dec2_conv",
                          "dec1_up", "dec1_conv", "loss"));
  EXPECT_THAT(ComputeBytes(graph), ElementsAre(4, 2, 2, 1, 1, 2, 2, 4, 4, 1));
  EXPECT_THAT(Inputs(NodeNamed(graph, "enc2_conv")), ElementsAre("enc1_down"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "dec2_up")), ElementsAre("mid_conv"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "dec2_conv")),
              ElementsAre("dec2_up", "enc2_conv"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "dec1_conv")),
              ElementsAre("dec1_up", "enc1_conv"));
  EXPECT_THAT(Outputs(graph), ElementsAre("loss"));
}

TEST(ResidualTest, BlocksHaveSkipAdds) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RESIDUAL);
  spec.set_blocks(2);
  spec.set_block_depth(2);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_THAT(Names(graph),
              ElementsAre("x", "stem", "blk1_conv1", "blk1_conv2", "blk1_add",
                          "blk2_conv1", "blk2_conv2", "blk2_add", "loss"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_conv1")), ElementsAre("stem"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_add")),
              ElementsAre("stem", "blk1_conv2"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk2_conv1")), ElementsAre("blk1_add"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk2_add")),
              ElementsAre("blk1_add", "blk2_conv2"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "loss")), ElementsAre("blk2_add"));
}

struct OpRow {
  std::string name;
  int64_t output_bytes;
  int64_t forward_cost;
  int64_t backward_cost;
  bool operator==(const OpRow& o) const {
    return name == o.name && output_bytes == o.output_bytes &&
           forward_cost == o.forward_cost && backward_cost == o.backward_cost;
  }
};

void PrintTo(const OpRow& row, std::ostream* os) {
  *os << "{" << row.name << ", " << row.output_bytes << ", "
      << row.forward_cost << ", " << row.backward_cost << "}";
}

TEST(TransformerTest, TinyConfigMatchesTheFormulas) {
  // B = 2, S = 3, H = 4, heads A = 2 (head dim 2), float32.
  //   [B,S,H]   = 24 elements =  96 bytes;  [B,S,3H] = 72 el = 288 bytes;
  //   [B,A,S,S] = 36 elements = 144 bytes;  [B,S,4H] = 96 el = 384 bytes.
  // Forward FLOPs (matmul 2mnk, elementwise = elements); backward = 2x for
  // matmuls, 1x otherwise:
  //   qkv      2*B*S*H*3H      = 2*24*12 = 576
  //   scores   2*B*A*S*S*(H/A) = 2*36*2  = 144, attn_out the same
  //   proj     2*B*S*H*H       = 2*24*4  = 192
  //   mlp_up   2*B*S*H*4H      = 2*24*16 = 768, mlp_down the same
  //   softmax 36, gelu 96, ln / residual adds / ln_f / loss 24.
  proto::GeneratorSpec spec;
  spec.set_family(proto::TRANSFORMER);
  spec.set_layers(1);
  spec.set_batch(2);
  spec.set_seq_len(3);
  spec.set_hidden(4);
  spec.set_heads(2);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_EQ(graph.name(),
            "transformer(layers=1,batch=2,seq_len=3,hidden=4,heads=2,seed=0)");
  std::vector<OpRow> rows;
  for (const proto::Node& node : graph.nodes()) {
    rows.push_back({node.name(), node.output_bytes(), node.forward_cost(),
                    node.backward_cost()});
  }
  EXPECT_THAT(rows, ElementsAreArray(std::vector<OpRow>{
                        {"x", 96, 0, 0},
                        {"blk1_ln1", 96, 24, 24},
                        {"blk1_qkv", 288, 576, 1152},
                        {"blk1_attn_scores", 144, 144, 288},
                        {"blk1_attn_softmax", 144, 36, 36},
                        {"blk1_attn_out", 96, 144, 288},
                        {"blk1_attn_proj", 96, 192, 384},
                        {"blk1_res1", 96, 24, 24},
                        {"blk1_ln2", 96, 24, 24},
                        {"blk1_mlp_up", 384, 768, 1536},
                        {"blk1_mlp_gelu", 384, 96, 96},
                        {"blk1_mlp_down", 96, 768, 1536},
                        {"blk1_res2", 96, 24, 24},
                        {"ln_f", 96, 24, 24},
                        {"loss", 4, 24, 24},
                    }));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_ln1")), ElementsAre("x"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_attn_out")),
              ElementsAre("blk1_attn_softmax", "blk1_qkv"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_res1")),
              ElementsAre("x", "blk1_attn_proj"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk1_res2")),
              ElementsAre("blk1_res1", "blk1_mlp_down"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "ln_f")), ElementsAre("blk1_res2"));
  EXPECT_THAT(Outputs(graph), ElementsAre("loss"));
}

TEST(TransformerTest, BlocksChainThroughTheResidualStream) {
  proto::GeneratorSpec spec = SpecFor(proto::TRANSFORMER, 3, 0);
  const proto::Graph graph = MustGenerate(spec);
  EXPECT_EQ(graph.nodes_size(), 1 + 12 * 3 + 2);
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk3_ln1")), ElementsAre("blk2_res2"));
  EXPECT_THAT(Inputs(NodeNamed(graph, "blk3_res1")),
              ElementsAre("blk2_res2", "blk3_attn_proj"));
}

// ---------------------------------------------------------------------------
// Structural properties of the random families.

TEST(LayeredTest, LayersConnectAndEveryNodeIsConsumed) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    for (double edge_prob : {0.0, 0.2, 1.0}) {
      proto::GeneratorSpec spec;
      spec.set_family(proto::LAYERED);
      spec.set_seed(seed);
      spec.set_layers(6);
      spec.set_width(5);
      spec.set_edge_prob(edge_prob);
      spec.set_skip_prob(0.5);
      SCOPED_TRACE(spec.ShortDebugString());
      const proto::Graph graph = MustGenerate(spec);
      absl::StatusOr<Graph> ir = Graph::FromProto(graph);
      ASSERT_TRUE(ir.ok()) << ir.status() << "\n" << graph.DebugString();
      ASSERT_EQ(ir->num_nodes(), 1 + 6 * 5 + 1);
      // Node 1 + (l-1)*5 + (w-1) is l<l>_w<w>.
      auto layer_of = [](NodeId v) { return v == 0 ? 0 : 1 + (v - 1) / 5; };
      for (NodeId v = 1; v <= 30; ++v) {
        const int layer = layer_of(v);
        int previous_layer_inputs = 0;
        for (NodeId u : ir->inputs(v)) {
          EXPECT_LT(layer_of(u), layer) << ir->name(v) << " reads " << ir->name(u);
          if (layer_of(u) == layer - 1) ++previous_layer_inputs;
        }
        EXPECT_GE(previous_layer_inputs, 1) << ir->name(v);
        if (edge_prob == 1.0 && layer > 1) {
          EXPECT_EQ(previous_layer_inputs, 5) << ir->name(v);
        }
        // Every node has a consumer in the next layer (or is read by loss).
        bool next_layer_consumer = false;
        for (NodeId c : ir->consumers(v)) {
          next_layer_consumer |= layer_of(c) == layer + 1 || ir->name(c) == "loss";
        }
        EXPECT_TRUE(next_layer_consumer) << ir->name(v);
      }
      EXPECT_THAT(ir->inputs(31), SizeIs(5));
      EXPECT_THAT(Outputs(graph), ElementsAre("loss"));
    }
  }
}

TEST(LayeredTest, SkipProbOneAddsALongSkipToEveryNodeFromLayerThree) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::LAYERED);
  spec.set_seed(5);
  spec.set_layers(5);
  spec.set_width(2);
  spec.set_edge_prob(1);
  spec.set_skip_prob(1);
  const proto::Graph graph = MustGenerate(spec);
  absl::StatusOr<Graph> ir = Graph::FromProto(graph);
  ASSERT_TRUE(ir.ok()) << ir.status();
  const NodeId l3_w1 = ir->Find("l3_w1");
  ASSERT_NE(l3_w1, kNoNode);
  for (NodeId v = l3_w1; v < ir->num_nodes() - 1; ++v) {
    // Both nodes of the previous layer, then one node at least two back.
    ASSERT_THAT(Inputs(graph.nodes(v)), SizeIs(3)) << ir->name(v);
    EXPECT_LT(ir->inputs(v).back(), v - 2) << ir->name(v);
  }
}

TEST(RandomDagTest, ParentsComeFromTheWindowUnlessLongRange) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_nodes(500);
  spec.set_fan_in(3);
  spec.set_window(5);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    spec.set_seed(seed);
    const proto::Graph graph = MustGenerate(spec);
    absl::StatusOr<Graph> ir = Graph::FromProto(graph);
    ASSERT_TRUE(ir.ok()) << ir.status();
    EXPECT_THAT(Inputs(graph.nodes(1)), ElementsAre("x"));
    std::vector<std::string> sinks;
    for (NodeId v = 2; v <= 500; ++v) {
      EXPECT_EQ(graph.nodes(v).inputs_size(), 3);
      for (NodeId u : ir->inputs(v)) {
        EXPECT_THAT(u, AllOf(Ge(v - 5), Le(v - 1))) << ir->name(v);
      }
    }
    for (NodeId v = 1; v <= 500; ++v) {
      if (ir->consumers(v).empty()) sinks.push_back(ir->name(v));
    }
    // Every sink, and only sinks, is an output, in id order.
    EXPECT_EQ(Outputs(graph), sinks);
  }
}

TEST(RandomDagTest, WindowOneIsAChainWithRepeatedInputs) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_nodes(50);
  spec.set_fan_in(2);
  spec.set_window(1);
  const proto::Graph graph = MustGenerate(spec);
  absl::StatusOr<Graph> ir = Graph::FromProto(graph);
  ASSERT_TRUE(ir.ok()) << ir.status();
  for (NodeId v = 2; v <= 50; ++v) {
    EXPECT_THAT(ir->inputs(v), ElementsAre(v - 1));
    EXPECT_THAT(ir->input_multiplicity(v), ElementsAre(2));
  }
  EXPECT_THAT(Outputs(graph), ElementsAre("n50"));
}

TEST(RandomDagTest, LongRangeParentsReachFarBack) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_nodes(2000);
  spec.set_fan_in(3);
  spec.set_window(2);
  spec.set_long_range_prob(0.5);
  spec.set_seed(9);
  const proto::Graph graph = MustGenerate(spec);
  absl::StatusOr<Graph> ir = Graph::FromProto(graph);
  ASSERT_TRUE(ir.ok()) << ir.status();
  int64_t far = 0;
  for (NodeId v = 2; v <= 2000; ++v) {
    for (NodeId u : ir->inputs(v)) far += u < v - 2;
  }
  // About half of ~6000 parents are long-range, most of those beyond the
  // window: expect well over 1000.
  EXPECT_GT(far, 1000);
}

TEST(RandomDagTest, HundredThousandNodesBuild) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_nodes(100'000);
  spec.set_fan_in(3);
  spec.set_window(16);
  spec.set_long_range_prob(0.05);
  spec.set_seed(1);
  const proto::Graph graph = MustGenerate(spec);
  absl::StatusOr<Graph> ir = Graph::FromProto(graph);
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(ir->num_nodes(), 100'001);
}

// The scale the experiments need: 1,000,000 nodes in about a second each
// (timings are for benchmarks; this only checks that they build).
TEST(ScaleTest, MillionNodeGraphsGenerate) {
  proto::GeneratorSpec chain;
  chain.set_family(proto::CHAIN);
  chain.set_nodes(1'000'000);
  EXPECT_EQ(MustGenerate(chain).nodes_size(), 1'000'001);

  proto::GeneratorSpec dag;
  dag.set_family(proto::RANDOM_DAG);
  dag.set_nodes(1'000'000);
  dag.set_fan_in(3);
  dag.set_window(32);
  dag.set_long_range_prob(0.1);
  EXPECT_EQ(MustGenerate(dag).nodes_size(), 1'000'001);

  proto::GeneratorSpec layered;
  layered.set_family(proto::LAYERED);
  layered.set_layers(10'000);
  layered.set_width(100);
  layered.set_edge_prob(0.02);
  layered.set_skip_prob(0.1);
  EXPECT_EQ(MustGenerate(layered).nodes_size(), 1'000'002);
}

// ---------------------------------------------------------------------------
// Sizes and costs.

proto::GeneratorSpec SizedChain(proto::SizeDistribution distribution) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::CHAIN);
  spec.set_nodes(2000);
  spec.set_seed(17);
  spec.set_size_distribution(distribution);
  return spec;
}

TEST(SizeTest, ConstantSizesAreAllBaseBytes) {
  proto::GeneratorSpec spec = SizedChain(proto::SIZE_CONSTANT);
  spec.set_base_bytes(7);
  EXPECT_THAT(ComputeBytes(MustGenerate(spec)), Each(7));
  spec.set_size_distribution(proto::SIZE_UNSPECIFIED);  // Means constant.
  EXPECT_THAT(ComputeBytes(MustGenerate(spec)), Each(7));
}

TEST(SizeTest, UniformSizesCoverTheRange) {
  proto::GeneratorSpec spec = SizedChain(proto::SIZE_UNIFORM);
  spec.set_base_bytes(10);
  spec.set_size_spread(3);  // [10, 30]
  const std::vector<int64_t> bytes = ComputeBytes(MustGenerate(spec));
  EXPECT_THAT(bytes, Each(AllOf(Ge(10), Le(30))));
  // 2000 draws over 21 values: both ends appear.
  EXPECT_EQ(*std::min_element(bytes.begin(), bytes.end()), 10);
  EXPECT_EQ(*std::max_element(bytes.begin(), bytes.end()), 30);
}

TEST(SizeTest, LognormalSizesCenterOnBaseBytes) {
  proto::GeneratorSpec spec = SizedChain(proto::SIZE_LOGNORMAL);
  spec.set_base_bytes(100);
  spec.set_size_sigma(1);
  std::vector<int64_t> bytes = ComputeBytes(MustGenerate(spec));
  EXPECT_THAT(bytes, Each(Ge(1)));
  // The median of base * exp(N(0, 1)) is base; over 2000 draws the sample
  // median's log is within 0.03 (one standard error) of it, 0.2 is ~7 SE.
  std::nth_element(bytes.begin(), bytes.begin() + 1000, bytes.end());
  EXPECT_THAT(bytes[1000], AllOf(Ge(80), Le(125)));
  EXPECT_THAT(std::set<int64_t>(bytes.begin(), bytes.end()),
              SizeIs(testing::Gt(100)));
}

TEST(SizeTest, LognormalSizesNeverRoundToZero) {
  proto::GeneratorSpec spec = SizedChain(proto::SIZE_LOGNORMAL);
  spec.set_size_sigma(3);  // base 1: about a third of draws are below 0.5.
  EXPECT_THAT(ComputeBytes(MustGenerate(spec)), Each(Ge(1)));
}

TEST(SizeTest, CostsFollowCostPerByteAndBackwardFactor) {
  proto::GeneratorSpec spec = SizedChain(proto::SIZE_UNIFORM);
  spec.set_base_bytes(1);
  spec.set_size_spread(20);
  spec.set_cost_per_byte(0.5);
  spec.set_backward_factor(3);
  const proto::Graph graph = MustGenerate(spec);
  for (const proto::Node& node : graph.nodes()) {
    if (node.kind() != proto::Node::COMPUTE) continue;
    const int64_t forward =
        std::max<int64_t>(1, std::llround(0.5 * node.output_bytes()));
    EXPECT_EQ(node.forward_cost(), forward) << node.name();
    EXPECT_EQ(node.backward_cost(), 3 * forward) << node.name();
  }
}

// ---------------------------------------------------------------------------
// Validation: every error names its field.

struct BadSpec {
  std::string label;
  proto::Family family;
  std::function<void(proto::GeneratorSpec*)> mutate;
  std::string expected;  // A substring of the error.
};

TEST(ValidateTest, EveryErrorNamesItsField) {
  const double kNan = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  using S = proto::GeneratorSpec;
  const std::vector<BadSpec> cases = {
      {"unspecified family", proto::FAMILY_UNSPECIFIED, [](S*) {},
       "GeneratorSpec.family = FAMILY_UNSPECIFIED"},
      {"unknown family", static_cast<proto::Family>(99), [](S*) {},
       "GeneratorSpec.family = 99"},
      {"chain nodes unset", proto::CHAIN, [](S* s) { s->set_nodes(0); },
       "GeneratorSpec.nodes = 0 is outside [1, 50000000] (chain needs it)"},
      {"chain too many nodes", proto::CHAIN,
       [](S* s) { s->set_nodes(50'000'001); }, "GeneratorSpec.nodes = 50000001"},
      {"wide nodes", proto::WIDE, [](S* s) { s->set_nodes(-3); },
       "GeneratorSpec.nodes = -3"},
      {"wide_every", proto::WIDE, [](S* s) { s->set_wide_every(0); },
       "GeneratorSpec.wide_every = 0"},
      {"wide_factor", proto::WIDE, [](S* s) { s->set_wide_factor(0); },
       "GeneratorSpec.wide_factor = 0"},
      {"wide_factor huge", proto::WIDE,
       [](S* s) { s->set_wide_factor(2'000'000); }, "wide_factor = 2000000"},
      {"layers", proto::LAYERED, [](S* s) { s->set_layers(0); },
       "GeneratorSpec.layers = 0"},
      {"width", proto::LAYERED, [](S* s) { s->set_width(0); },
       "GeneratorSpec.width = 0"},
      {"edge_prob", proto::LAYERED, [](S* s) { s->set_edge_prob(1.5); },
       "GeneratorSpec.edge_prob = 1.5 is outside [0, 1]"},
      {"edge_prob nan", proto::LAYERED, [kNan](S* s) { s->set_edge_prob(kNan); },
       "GeneratorSpec.edge_prob = nan"},
      {"skip_prob", proto::LAYERED, [](S* s) { s->set_skip_prob(-0.1); },
       "GeneratorSpec.skip_prob = -0.1 is outside [0, 1]"},
      {"layered nodes", proto::LAYERED,
       [](S* s) {
         s->set_layers(10'000);
         s->set_width(10'000);
       },
       "100000001 COMPUTE nodes"},
      {"layered edges", proto::LAYERED,
       [](S* s) {
         s->set_layers(100);
         s->set_width(10'000);
         s->set_edge_prob(1);
       },
       "edges"},
      {"fan_in", proto::RANDOM_DAG, [](S* s) { s->set_fan_in(0); },
       "GeneratorSpec.fan_in = 0"},
      {"window", proto::RANDOM_DAG, [](S* s) { s->set_window(0); },
       "GeneratorSpec.window = 0"},
      {"long_range_prob", proto::RANDOM_DAG,
       [](S* s) { s->set_long_range_prob(2); },
       "GeneratorSpec.long_range_prob = 2 is outside [0, 1]"},
      {"random_dag edges", proto::RANDOM_DAG,
       [](S* s) {
         s->set_nodes(1'000'000);
         s->set_fan_in(1000);
       },
       "fan_in"},
      {"depth", proto::UNET, [](S* s) { s->set_depth(0); },
       "GeneratorSpec.depth = 0 is outside [1, 40]"},
      {"depth huge", proto::UNET, [](S* s) { s->set_depth(41); },
       "GeneratorSpec.depth = 41"},
      {"blocks", proto::RESIDUAL, [](S* s) { s->set_blocks(0); },
       "GeneratorSpec.blocks = 0"},
      {"block_depth", proto::RESIDUAL, [](S* s) { s->set_block_depth(0); },
       "GeneratorSpec.block_depth = 0"},
      {"transformer layers", proto::TRANSFORMER, [](S* s) { s->set_layers(0); },
       "GeneratorSpec.layers = 0"},
      {"batch", proto::TRANSFORMER, [](S* s) { s->set_batch(0); },
       "GeneratorSpec.batch = 0"},
      {"seq_len", proto::TRANSFORMER, [](S* s) { s->set_seq_len(0); },
       "GeneratorSpec.seq_len = 0"},
      {"hidden", proto::TRANSFORMER, [](S* s) { s->set_hidden(0); },
       "GeneratorSpec.hidden = 0"},
      {"heads", proto::TRANSFORMER, [](S* s) { s->set_heads(0); },
       "GeneratorSpec.heads = 0"},
      {"hidden % heads", proto::TRANSFORMER, [](S* s) { s->set_heads(3); },
       "GeneratorSpec.hidden = 16 is not divisible by GeneratorSpec.heads = 3"},
      {"transformer overflow", proto::TRANSFORMER,
       [](S* s) {
         s->set_seq_len(10'000'000);
         s->set_batch(10'000'000);
       },
       "seq_len"},
      {"base_bytes", proto::CHAIN, [](S* s) { s->set_base_bytes(-1); },
       "GeneratorSpec.base_bytes = -1 is outside [0, 1099511627776]"},
      {"size_spread unset", proto::CHAIN,
       [](S* s) {
         s->set_size_distribution(proto::SIZE_UNIFORM);
         s->set_size_spread(0);
       },
       "GeneratorSpec.size_spread = 0 is outside [1, 1e+06]"},
      {"size_spread below 1", proto::CHAIN,
       [](S* s) {
         s->set_size_distribution(proto::SIZE_UNIFORM);
         s->set_size_spread(0.5);
       },
       "GeneratorSpec.size_spread = 0.5"},
      {"size_sigma negative", proto::CHAIN,
       [](S* s) {
         s->set_size_distribution(proto::SIZE_LOGNORMAL);
         s->set_size_sigma(-1);
       },
       "GeneratorSpec.size_sigma = -1 is outside [0, 4]"},
      {"size_sigma huge", proto::CHAIN,
       [](S* s) {
         s->set_size_distribution(proto::SIZE_LOGNORMAL);
         s->set_size_sigma(5);
       },
       "GeneratorSpec.size_sigma = 5"},
      {"size_distribution", proto::CHAIN,
       [](S* s) {
         s->set_size_distribution(static_cast<proto::SizeDistribution>(9));
       },
       "GeneratorSpec.size_distribution = 9"},
      {"cost_per_byte", proto::CHAIN, [](S* s) { s->set_cost_per_byte(-1); },
       "GeneratorSpec.cost_per_byte = -1"},
      {"cost_per_byte inf", proto::CHAIN,
       [kInf](S* s) { s->set_cost_per_byte(kInf); },
       "GeneratorSpec.cost_per_byte = inf"},
      {"backward_factor", proto::CHAIN, [](S* s) { s->set_backward_factor(-2); },
       "GeneratorSpec.backward_factor = -2"},
      {"bytes overflow", proto::CHAIN,
       [](S* s) {
         s->set_nodes(50'000'000);
         s->set_base_bytes(int64_t{1} << 40);
       },
       "base_bytes"},
      {"cost overflow", proto::CHAIN,
       [](S* s) {
         s->set_base_bytes(int64_t{1} << 40);
         s->set_cost_per_byte(1e6);
       },
       "cost_per_byte"},
      {"wide overflow", proto::WIDE,
       [](S* s) {
         s->set_nodes(10'000'000);
         s->set_base_bytes(int64_t{1} << 40);
         s->set_wide_factor(1000);
       },
       "wide_factor"},
  };
  for (const BadSpec& bad : cases) {
    SCOPED_TRACE(bad.label);
    proto::GeneratorSpec spec = SpecFor(bad.family, 1, 0);
    spec.set_family(bad.family);
    bad.mutate(&spec);
    const absl::Status status = ValidateGeneratorSpec(spec);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr(bad.expected));
    // Generate reports the same error.
    EXPECT_EQ(Generate(spec).status(), status);
  }
}

TEST(ValidateTest, FieldsTheFamilyDoesNotUseAreIgnored) {
  proto::GeneratorSpec spec = SpecFor(proto::CHAIN, 1, 0);
  spec.set_edge_prob(7);
  spec.set_fan_in(-1);
  spec.set_size_spread(-5);  // Only SIZE_UNIFORM reads it.
  EXPECT_TRUE(ValidateGeneratorSpec(spec).ok());
  proto::GeneratorSpec transformer = SpecFor(proto::TRANSFORMER, 1, 0);
  transformer.set_base_bytes(-1);  // TRANSFORMER sizes follow its shapes.
  EXPECT_TRUE(ValidateGeneratorSpec(transformer).ok());
}

TEST(ValidateTest, LargestSpecsWithinTheLimitsAreAccepted) {
  // 50M nodes of up to 2^36 bytes: 50e6 * 2^36 = 3.4e18 < 2^62 = 4.6e18.
  proto::GeneratorSpec spec;
  spec.set_family(proto::CHAIN);
  spec.set_nodes(kMaxGeneratedNodes);
  spec.set_base_bytes(int64_t{1} << 36);
  EXPECT_TRUE(ValidateGeneratorSpec(spec).ok());
  proto::GeneratorSpec unet;
  unet.set_family(proto::UNET);
  unet.set_depth(40);  // enc1_conv is 2^40 bytes.
  EXPECT_TRUE(ValidateGeneratorSpec(unet).ok());
}

}  // namespace
}  // namespace tbp

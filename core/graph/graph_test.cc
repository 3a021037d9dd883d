#include "core/graph/graph.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

proto::Node* AddNode(proto::Graph* g, const std::string& name, proto::Node::Kind kind,
                     int64_t bytes, std::vector<std::string> inputs) {
  proto::Node* n = g->add_nodes();
  n->set_name(name);
  n->set_kind(kind);
  n->set_output_bytes(bytes);
  n->set_forward_cost(1);
  n->set_backward_cost(2);
  for (const std::string& in : inputs) n->add_inputs(in);
  return n;
}

// x -> a -> b, a -> c, (b, c) -> d; d is the output.
proto::Graph Diamond() {
  proto::Graph g;
  AddNode(&g, "x", proto::Node::INPUT, 100, {});
  AddNode(&g, "a", proto::Node::COMPUTE, 1, {"x"});
  AddNode(&g, "b", proto::Node::COMPUTE, 2, {"a"});
  AddNode(&g, "c", proto::Node::COMPUTE, 3, {"a"});
  AddNode(&g, "d", proto::Node::COMPUTE, 4, {"b", "c"});
  g.add_outputs("d");
  return g;
}

// The message of FromProto's error on `p`, or "ok". graph.h documents every
// FromProto error as kInvalidArgument, so any other code fails the test.
std::string ErrorOf(const proto::Graph& p) {
  auto g = Graph::FromProto(p);
  if (g.ok()) return "ok";
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument) << g.status();
  return std::string(g.status().message());
}

TEST(GraphTest, DiamondAdjacencyAndTotals) {
  auto g = Graph::FromProto(Diamond());
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->num_nodes(), 5);
  EXPECT_EQ(g->num_edges(), 5);
  EXPECT_THAT(g->inputs(4), ElementsAre(2, 3));
  EXPECT_THAT(g->consumers(1), ElementsAre(2, 3));
  EXPECT_THAT(g->compute_nodes(), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(g->outputs(), ElementsAre(4));
  // INPUT bytes are not activation memory: 1 + 2 + 3 + 4.
  EXPECT_EQ(g->total_compute_bytes(), 10);
  // Four COMPUTE nodes, each forward 1 + backward 2.
  EXPECT_EQ(g->base_cost(), 12);
  EXPECT_EQ(g->Find("c"), 3);
  EXPECT_EQ(g->Find("nope"), kNoNode);
  EXPECT_FALSE(g->is_compute(0));
  EXPECT_TRUE(g->is_output(4));
}

TEST(GraphTest, DuplicateInputIsReadOnce) {
  proto::Graph p;
  AddNode(&p, "x", proto::Node::INPUT, 1, {});
  AddNode(&p, "a", proto::Node::COMPUTE, 1, {"x"});
  AddNode(&p, "b", proto::Node::COMPUTE, 1, {"a", "x", "a"});
  p.add_outputs("b");
  auto g = Graph::FromProto(p);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_THAT(g->inputs(2), ElementsAre(1, 0));
  EXPECT_THAT(g->input_multiplicity(2), ElementsAre(2, 1));
  EXPECT_THAT(g->consumers(1), ElementsAre(2));
  EXPECT_EQ(g->num_edges(), 3);
}

TEST(GraphTest, RoundTripThroughProtoKeepsFingerprint) {
  auto g = Graph::FromProto(Diamond());
  ASSERT_TRUE(g.ok());
  auto h = Graph::FromProto(g->ToProto());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(g->Fingerprint(), h->Fingerprint());
  proto::Graph changed = Diamond();
  changed.mutable_nodes(2)->set_output_bytes(7);
  auto k = Graph::FromProto(changed);
  ASSERT_TRUE(k.ok());
  EXPECT_NE(g->Fingerprint(), k->Fingerprint());
}

TEST(GraphTest, ValidationErrorsNameTheField) {
  EXPECT_THAT(ErrorOf(proto::Graph()), HasSubstr("Graph.nodes is empty"));

  proto::Graph p = Diamond();
  p.mutable_nodes(2)->set_name("a");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.nodes[2].name = 'a' duplicates"));

  p = Diamond();
  p.mutable_nodes(1)->set_name("");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.nodes[1].name is empty"));

  p = Diamond();
  p.mutable_nodes(3)->set_kind(proto::Node::KIND_UNSPECIFIED);
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.nodes[3] ('c').kind = 0"));

  p = Diamond();
  p.mutable_nodes(2)->set_output_bytes(-5);
  EXPECT_THAT(ErrorOf(p), HasSubstr("('b').output_bytes = -5: must be >= 0"));
  p = Diamond();
  p.mutable_nodes(2)->set_forward_cost(-1);
  EXPECT_THAT(ErrorOf(p), HasSubstr("('b').forward_cost = -1"));
  p = Diamond();
  p.mutable_nodes(2)->set_backward_cost(-1);
  EXPECT_THAT(ErrorOf(p), HasSubstr("('b').backward_cost = -1"));
  p = Diamond();
  p.mutable_nodes(2)->set_replay_width(-2);
  EXPECT_THAT(ErrorOf(p), HasSubstr("('b').replay_width = -2"));

  p = Diamond();
  p.mutable_nodes(0)->add_inputs("a");
  EXPECT_THAT(ErrorOf(p), HasSubstr("('x') is an INPUT but lists 1 inputs"));

  p = Diamond();
  p.mutable_nodes(4)->add_inputs("zz");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.nodes[4] ('d').inputs[2] = 'zz' names no node"));

  p = Diamond();
  p.mutable_nodes(1)->add_inputs("d");  // a <- d closes a -> b -> d -> a.
  EXPECT_THAT(ErrorOf(p), HasSubstr("cycle"));
  EXPECT_THAT(ErrorOf(p), HasSubstr("'a'"));
  EXPECT_THAT(ErrorOf(p), HasSubstr("'d'"));

  p = Diamond();
  p.mutable_nodes(2)->add_inputs("b");
  EXPECT_THAT(ErrorOf(p), HasSubstr("names the node itself"));

  p = Diamond();
  p.clear_outputs();
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.outputs is empty"));
  p.add_outputs("q");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.outputs[0] = 'q' names no node"));
  p.set_outputs(0, "x");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.outputs[0] = 'x' is an INPUT"));
  p.set_outputs(0, "d");
  p.add_outputs("d");
  EXPECT_THAT(ErrorOf(p), HasSubstr("Graph.outputs[1] = 'd' is listed twice"));

  p = Diamond();
  AddNode(&p, "dead", proto::Node::COMPUTE, 1, {"a"});
  EXPECT_THAT(ErrorOf(p), HasSubstr("'dead' have no COMPUTE consumer but are not listed"));

  p = Diamond();
  p.mutable_nodes(2)->set_output_bytes(INT64_MAX);
  EXPECT_THAT(ErrorOf(p), HasSubstr("overflows int64"));

  proto::Graph inputs_only;
  AddNode(&inputs_only, "x", proto::Node::INPUT, 1, {});
  EXPECT_THAT(ErrorOf(inputs_only), HasSubstr("Graph.outputs is empty"));
}

TEST(GraphTest, LongChainBuildsWithoutRecursion) {
  proto::Graph p;
  AddNode(&p, "x", proto::Node::INPUT, 1, {});
  std::string prev = "x";
  for (int i = 0; i < 200000; ++i) {
    std::string name = "n" + std::to_string(i);
    AddNode(&p, name, proto::Node::COMPUTE, 1, {prev});
    prev = name;
  }
  p.add_outputs(prev);
  auto g = Graph::FromProto(p);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->compute_nodes().size(), 200000u);
}

}  // namespace
}  // namespace tbp

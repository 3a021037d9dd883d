#include "core/sim/simulator.h"

#include <sstream>
#include <string>
#include <vector>

#include "tests/fixtures/test_graphs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing_graphs::MustBuild;
using testing_graphs::ProtoBuilder;

// x -> a -> b -> c, unit sizes; forward_cost(a) = 5 to see recomputation.
Graph Chain3() {
  proto::Graph p = ProtoBuilder()
                       .Input("x")
                       .Compute("a", 1, {"x"})
                       .Compute("b", 1, {"a"})
                       .Compute("c", 1, {"b"})
                       .Output("c")
                       .proto();
  p.mutable_nodes(1)->set_forward_cost(5);
  return MustBuild(p);
}

// x -> a; a -> b; a -> c; (b, c) -> d. Sizes 1, 2, 3, 4.
Graph Diamond() {
  return MustBuild(ProtoBuilder()
                       .Input("x")
                       .Compute("a", 1, {"x"})
                       .Compute("b", 2, {"a"})
                       .Compute("c", 3, {"a"})
                       .Compute("d", 4, {"b", "c"})
                       .Output("d")
                       .proto());
}

std::vector<Instruction> Parse(const Graph& g, const std::string& text) {
  std::vector<Instruction> out;
  std::string op, name;
  std::istringstream in(text);
  while (in >> op >> name) {
    Op o = op == "F" ? Op::kForward : op == "X" ? Op::kFree : Op::kBackward;
    out.push_back({o, g.Find(name)});
  }
  return out;
}

std::string ErrorOf(const Graph& g, const std::string& text) {
  auto r = Simulate(g, Parse(g, text));
  return r.ok() ? "ok" : std::string(r.status().message());
}

TEST(SimulatorTest, ChainStoreAll) {
  Graph g = Chain3();
  SimOptions options;
  options.record_timeline = true;
  auto r = Simulate(g, Parse(g, "F a F b F c B c X c B b X b B a X a"), options);
  ASSERT_TRUE(r.ok()) << r.status();
  // BACKWARD c: activations a, b, c (3) + gradients of c (seeded) and b (2).
  EXPECT_EQ(r->peak_bytes, 5);
  EXPECT_EQ(r->peak_activation_bytes, 3);
  EXPECT_EQ(r->peak_gradient_bytes, 2);
  EXPECT_EQ(r->peak_instruction, 3);
  // Base = (5+1) + (1+1) + (1+1).
  EXPECT_EQ(r->base_cost, 10);
  EXPECT_EQ(r->recompute_cost, 0);
  EXPECT_EQ(r->compute_overhead, 0.0);
  // F a:1, F b:2, F c:3, B c:5, X c: 1+... after free: act a,b (2) + grad b (1).
  EXPECT_THAT(r->timeline_bytes, ElementsAre(1, 2, 3, 5, 3, 4, 2, 2, 0));
  EXPECT_THAT(r->forward_count, ElementsAre(0, 1, 1, 1));
}

TEST(SimulatorTest, ChainWithOneRecomputation) {
  Graph g = Chain3();
  // Keep only b after the first sweep; recompute a for BACKWARD b.
  auto r = Simulate(g, Parse(g, "F a F b X a F c B c X c F a B b X b B a X a"));
  ASSERT_TRUE(r.ok()) << r.status();
  // BACKWARD c: act b, c + grads c, b = 4; BACKWARD b: act b, a + grads b, a = 4.
  EXPECT_EQ(r->peak_bytes, 4);
  EXPECT_EQ(r->recompute_cost, 5);  // a's forward_cost, once more.
  EXPECT_EQ(r->num_recomputes, 1);
  EXPECT_DOUBLE_EQ(r->compute_overhead, 0.5);
  EXPECT_THAT(r->forward_count, ElementsAre(0, 2, 1, 1));
}

TEST(SimulatorTest, DiamondStoreAll) {
  Graph g = Diamond();
  auto r = Simulate(g, Parse(g, "F a F b F c F d B d X d B c X c B b X b B a X a"));
  ASSERT_TRUE(r.ok()) << r.status();
  // BACKWARD d: activations 1+2+3+4 = 10; gradients d (4, seeded), b (2),
  // c (3) = 9.
  EXPECT_EQ(r->peak_bytes, 19);
  EXPECT_EQ(r->peak_activation_bytes, 10);
  EXPECT_EQ(r->peak_gradient_bytes, 9);
}

TEST(SimulatorTest, DuplicateInputsCountOnce) {
  Graph g = MustBuild(ProtoBuilder()
                          .Input("x")
                          .Compute("a", 3, {"x"})
                          .Compute("b", 5, {"a", "a"})
                          .Output("b")
                          .proto());
  auto r = Simulate(g, Parse(g, "F a F b B b X b B a X a"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->peak_bytes, 16);  // act 3 + 5, grads 5 + 3 (once).
}

TEST(SimulatorTest, InvalidSchedulesAreNamed) {
  Graph g = Diamond();
  EXPECT_THAT(ErrorOf(g, "F b"), HasSubstr("instruction 0 (FORWARD 'b'): input 'a' is not resident"));
  EXPECT_THAT(ErrorOf(g, "F a F a"), HasSubstr("instruction 1 (FORWARD 'a'): the node is already resident"));
  EXPECT_THAT(ErrorOf(g, "X a"), HasSubstr("instruction 0 (FREE 'a'): the node is not resident"));
  EXPECT_THAT(ErrorOf(g, "F a F b B b"),
              HasSubstr("instruction 2 (BACKWARD 'b'): its gradient is incomplete: consumer 'd'"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d X c B d"),
              HasSubstr("instruction 5 (BACKWARD 'd'): input 'c' is not resident"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d X d B d"),
              HasSubstr("(BACKWARD 'd'): the node's activation is not resident"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d B d B d"),
              HasSubstr("instruction 5 (BACKWARD 'd'): the node was already backwarded"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d B d X d F d"),
              HasSubstr("instruction 6 (FORWARD 'd'): the node was already backwarded"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d B d X d B c X c B b X b"),
              HasSubstr("node 'a' was never backwarded"));
  EXPECT_THAT(ErrorOf(g, "F a F b F c F d B d B c X c B b X b B a X a"),
              HasSubstr("node 'd' is still resident (leaked activation)"));
  EXPECT_THAT(ErrorOf(g, ""), HasSubstr("never backwarded"));
  std::vector<Instruction> bad = {{Op::kForward, 99}};
  EXPECT_THAT(std::string(Simulate(g, bad).status().message()), HasSubstr("out of range"));
  bad = {{Op::kForward, 0}};
  EXPECT_THAT(std::string(Simulate(g, bad).status().message()), HasSubstr("is an INPUT node"));
}

}  // namespace
}  // namespace tbp

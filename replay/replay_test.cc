// The replay engine on the CPU backend: measured peak == simulator peak
// exactly, gradients bitwise equal to store-all on the same backward order,
// agreement with a float64 reference, real recomputation, named errors.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/analysis/lower_bounds.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/planner.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/generator.pb.h"
#include "proto/graph.pb.h"
#include "proto/planner.pb.h"
#include "tests/fixtures/planner_cases.h"
#include "replay/backends.h"
#include "replay/cpu_backend.h"
#include "replay/engine.h"
#include "replay/init.h"
#include "replay/model.h"
#include "replay/reference.h"
#include "replay/replay_command.h"

namespace tbp {
namespace replay {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kBatch = 2;
constexpr int64_t kWidth = 3;  // Base width: output_bytes = 4 * kBatch * kWidth.

Graph MustBuild(const proto::Graph& p) {
  absl::StatusOr<Graph> g = Graph::FromProto(p);
  EXPECT_TRUE(g.ok()) << g.status();
  return *std::move(g);
}

struct Case {
  std::string label;
  proto::GeneratorSpec spec;
  int64_t batch;
};

proto::GeneratorSpec Spec(proto::Family family, uint64_t seed) {
  proto::GeneratorSpec s;
  s.set_family(family);
  s.set_seed(seed);
  s.set_base_bytes(4 * kBatch * kWidth);
  return s;
}

// Small graphs of every family, two seeds each.
std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (uint64_t seed : {1, 2}) {
    proto::GeneratorSpec s = Spec(proto::CHAIN, seed);
    s.set_nodes(12);
    cases.push_back({"chain", s, kBatch});
    s = Spec(proto::LAYERED, seed);
    s.set_layers(4);
    s.set_width(3);
    s.set_edge_prob(0.5);
    s.set_skip_prob(0.3);
    cases.push_back({"layered", s, kBatch});
    s = Spec(proto::RANDOM_DAG, seed);
    s.set_nodes(16);
    s.set_fan_in(2);
    s.set_window(3);  // Small window: repeated parents (multiplicity 2) are likely.
    s.set_long_range_prob(0.2);
    cases.push_back({"random_dag", s, kBatch});
    s = Spec(proto::WIDE, seed);
    s.set_nodes(9);
    s.set_wide_every(3);
    s.set_wide_factor(3);
    cases.push_back({"wide", s, kBatch});
    s = Spec(proto::UNET, seed);
    s.set_depth(2);
    cases.push_back({"unet", s, kBatch});
    s = Spec(proto::RESIDUAL, seed);
    s.set_blocks(3);
    s.set_block_depth(2);
    cases.push_back({"residual", s, kBatch});
    // TRANSFORMER sizes follow its shapes; its scalar loss (4 bytes) allows
    // batch 1 only: widths are then the element counts.
    s = proto::GeneratorSpec();
    s.set_family(proto::TRANSFORMER);
    s.set_seed(seed);
    s.set_layers(1);
    s.set_batch(1);
    s.set_seq_len(2);
    s.set_hidden(4);
    s.set_heads(2);
    cases.push_back({"transformer", s, 1});
  }
  return cases;
}

// Every registered planner on three orders, with the options it needs on
// `graph`: revolve with 2 slots; budget and exact with a budget halfway
// between the best lower bound and store-all's peak (store-all's peak when
// that is infeasible for the planner's space). exhaustive (exhaustive search,
// any schedule, not only frontier cuts) runs once, on graphs of at most
// kExactNodes COMPUTE nodes and exact (the CBC MILP) on at most kMilpNodes,
// to keep the test fast.
constexpr size_t kExactNodes = 12;
constexpr size_t kMilpNodes = 10;  // the CBC MILP ("exact") is slower

std::vector<proto::PlannerOptions> AllPlanners(const Graph& graph) {
  std::vector<proto::PlannerOptions> out;
  for (proto::OrderHeuristic order : {proto::ORDER_BEST, proto::ORDER_DFS, proto::ORDER_KAHN}) {
    for (proto::PlannerOptions& o : testing_graphs::PlannerCases(graph, order, kExactNodes)) {
      // The CBC MILP is slower than the search: smaller graphs only.
      if (o.planner() == "exact" && graph.compute_nodes().size() > kMilpNodes) continue;
      out.push_back(std::move(o));
    }
  }
  return out;
}

bool BitwiseEqual(const ParameterGradients& a, const ParameterGradients& b) {
  if (a.weight.size() != b.weight.size() || a.bias.size() != b.bias.size()) return false;
  auto same = [](const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() &&
           (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  };
  for (size_t t = 0; t < a.weight.size(); ++t) {
    if (!same(a.weight[t], b.weight[t])) return false;
  }
  for (size_t v = 0; v < a.bias.size(); ++v) {
    if (!same(a.bias[v], b.bias[v])) return false;
  }
  return true;
}

// max |a - r| / max |r| over one tensor (0 when both are all zero).
double RelativeError(const std::vector<float>& a, const std::vector<double>& r) {
  EXPECT_EQ(a.size(), r.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - r[i]));
    scale = std::max(scale, std::abs(r[i]));
  }
  return scale == 0 ? diff : diff / scale;
}

// GEMMs the engine must launch for `instructions`: each FORWARD one per
// term; each BACKWARD one dW per term plus one dx per term reading a
// COMPUTE node.
int64_t ExpectedGemms(const ReplayModel& m, const std::vector<Instruction>& instructions) {
  const Graph& g = m.tensor_graph();
  int64_t gemms = 0;
  for (const Instruction& in : instructions) {
    const int64_t terms = m.term_end(in.node) - m.term_begin(in.node);
    if (in.op == Op::kForward) gemms += terms;
    if (in.op == Op::kBackward) {
      for (int64_t t = m.term_begin(in.node); t < m.term_end(in.node); ++t) {
        gemms += 1 + (g.is_compute(m.term_input(t)) ? 1 : 0);
      }
    }
  }
  return gemms;
}

TEST(ReplayTest, EveryFamilyEveryPlannerMatchesSimulatorAndStoreAll) {
  int checked = 0, exact_checked = 0;
  for (const Case& c : Cases()) {
    absl::StatusOr<proto::Graph> p = Generate(c.spec);
    ASSERT_TRUE(p.ok()) << p.status();
    const Graph graph = MustBuild(*p);
    CpuBackend backend;
    ModelOptions mo;
    mo.batch = c.batch;
    mo.seed = c.spec.seed() + 10;
    absl::StatusOr<std::unique_ptr<ReplaySession>> session =
        ReplaySession::Create(graph, &backend, mo);
    ASSERT_TRUE(session.ok()) << c.label << ": " << session.status();
    ASSERT_TRUE((*session)->model().tensors_match_graph());
    const ReferenceGradients reference = ComputeReferenceGradients((*session)->model());

    for (const proto::PlannerOptions& o : AllPlanners(graph)) {
      const std::string where = absl::StrCat(c.label, " seed ", c.spec.seed(), " planner ",
                                             o.ShortDebugString(),
                                             "\ngraph: ", p->ShortDebugString());
      absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(graph, o);
      ASSERT_TRUE(judged.ok()) << where << ": " << judged.status();
      const Schedule* schedule = &judged->schedule;
      const SimResult* sim = &judged->sim;
      absl::StatusOr<Schedule> reference_schedule =
          StoreAllForBackwardOrder(graph, schedule->instructions);
      ASSERT_TRUE(reference_schedule.ok()) << where << ": " << reference_schedule.status();

      absl::StatusOr<ReplayResult> ref_run = (*session)->Run(reference_schedule->instructions);
      ASSERT_TRUE(ref_run.ok()) << where << ": " << ref_run.status();
      absl::StatusOr<ParameterGradients> ref_grads = (*session)->FetchGradients();
      ASSERT_TRUE(ref_grads.ok());

      absl::StatusOr<ReplayResult> run = (*session)->Run(schedule->instructions);
      ASSERT_TRUE(run.ok()) << where << ": " << run.status();
      absl::StatusOr<ParameterGradients> grads = (*session)->FetchGradients();
      ASSERT_TRUE(grads.ok());

      // Memory: exactly the simulator's peak, at its sample points.
      EXPECT_EQ(run->measured_peak_bytes, sim->peak_bytes) << where;
      EXPECT_EQ(run->sampled_peak_bytes, sim->peak_bytes) << where;
      EXPECT_EQ(run->peak_activation_bytes + run->peak_gradient_bytes, run->measured_peak_bytes);
      EXPECT_EQ(run->device_peak_bytes, -1);
      // Gradients: bitwise equal to store-all on the same backward order.
      EXPECT_TRUE(BitwiseEqual(*grads, *ref_grads)) << where;
      EXPECT_EQ(run->gradient_fingerprint, ref_run->gradient_fingerprint) << where;
      // Work: every FORWARD (recomputations included) really ran.
      EXPECT_EQ(run->forward_executions, sim->forward_count) << where;
      EXPECT_EQ(run->counters.gemm_calls,
                ExpectedGemms((*session)->model(), schedule->instructions))
          << where;
      EXPECT_EQ(run->forward.count + run->recompute.count, sim->num_forwards);
      EXPECT_EQ(run->recompute.count, sim->num_recomputes);
      // One allocation per activation (per FORWARD) and per gradient.
      EXPECT_EQ(run->counters.allocations,
                sim->num_forwards + static_cast<int64_t>(graph.compute_nodes().size()));
      EXPECT_EQ(run->counters.frees, run->counters.allocations);

      // Float64 reference, 1e-5 relative (max-norm per tensor).
      const ReplayModel& m = (*session)->model();
      for (int64_t t = 0; t < m.num_terms(); ++t) {
        EXPECT_LE(RelativeError(grads->weight[t], reference.weight[t]), 1e-5)
            << where << " dW term " << t;
      }
      for (NodeId v : graph.compute_nodes()) {
        EXPECT_LE(RelativeError(grads->bias[v], reference.bias[v]), 1e-5)
            << where << " db " << graph.name(v);
      }
      ++checked;
      if (o.planner() == "exhaustive") ++exact_checked;
    }
  }
  EXPECT_GE(exact_checked, 8);  // chain, wide, unet, residual x 2 seeds.
  EXPECT_GE(checked, 3 * 7 * 2 * 7);  // Orders x plan-tree planners x seeds x families.
}

// A diamond x -> a -> {b, c} -> d: two valid schedules that backward b and
// c in different orders accumulate dx_a in different orders. Each matches
// store-all on its own backward order, bitwise.
TEST(ReplayTest, HandWrittenBackwardOrdersMatchTheirOwnReference) {
  proto::Graph p;
  auto add = [&](const std::string& name, proto::Node::Kind kind,
                 std::vector<std::string> inputs) {
    proto::Node* n = p.add_nodes();
    n->set_name(name);
    n->set_kind(kind);
    n->set_output_bytes(4 * kBatch * 5);
    for (const std::string& i : inputs) n->add_inputs(i);
  };
  add("x", proto::Node::INPUT, {});
  add("a", proto::Node::COMPUTE, {"x"});
  add("b", proto::Node::COMPUTE, {"a", "a"});  // Multiplicity 2: two W's.
  add("c", proto::Node::COMPUTE, {"a"});
  add("d", proto::Node::COMPUTE, {"b", "c", "x"});
  p.add_outputs("d");
  p.add_outputs("b");  // An output with a consumer: seed added to dy_b.
  const Graph g = MustBuild(p);
  const NodeId a = g.Find("a"), b = g.Find("b"), c = g.Find("c"), d = g.Find("d");
  using I = Instruction;
  const std::vector<I> b_first = {
      {Op::kForward, a}, {Op::kForward, b}, {Op::kForward, c}, {Op::kForward, d},
      {Op::kBackward, d}, {Op::kFree, d}, {Op::kBackward, b}, {Op::kFree, b},
      {Op::kBackward, c}, {Op::kFree, c}, {Op::kBackward, a}, {Op::kFree, a}};
  // c first, and recompute a before its BACKWARD.
  const std::vector<I> c_first = {
      {Op::kForward, a}, {Op::kForward, b}, {Op::kForward, c}, {Op::kForward, d},
      {Op::kBackward, d}, {Op::kFree, d}, {Op::kBackward, c}, {Op::kFree, c},
      {Op::kBackward, b}, {Op::kFree, b}, {Op::kFree, a}, {Op::kForward, a},
      {Op::kBackward, a}, {Op::kFree, a}};
  CpuBackend backend;
  absl::StatusOr<std::unique_ptr<ReplaySession>> session =
      ReplaySession::Create(g, &backend, ModelOptions{kBatch, 7});
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ((*session)->model().num_terms(), 7);  // a:1, b:2, c:1, d:3.
  const ReferenceGradients reference = ComputeReferenceGradients((*session)->model());
  for (const auto& schedule : {b_first, c_first}) {
    absl::StatusOr<Schedule> ref = StoreAllForBackwardOrder(g, schedule);
    ASSERT_TRUE(ref.ok()) << ref.status();
    absl::StatusOr<ReplayResult> r1 = (*session)->Run(ref->instructions);
    ASSERT_TRUE(r1.ok()) << r1.status();
    absl::StatusOr<ParameterGradients> g1 = (*session)->FetchGradients();
    absl::StatusOr<ReplayResult> r2 = (*session)->Run(schedule);
    ASSERT_TRUE(r2.ok()) << r2.status();
    absl::StatusOr<ParameterGradients> g2 = (*session)->FetchGradients();
    EXPECT_TRUE(BitwiseEqual(*g1, *g2));
    absl::StatusOr<SimResult> sim = Simulate(g, schedule);
    ASSERT_TRUE(sim.ok());
    EXPECT_EQ(r2->measured_peak_bytes, sim->peak_bytes);
    for (int64_t t = 0; t < 7; ++t) {
      EXPECT_LE(RelativeError(g2->weight[t], reference.weight[t]), 1e-5) << "term " << t;
    }
  }
}

TEST(ReplayTest, PeriodicOnAChainRecomputesForReal) {
  proto::GeneratorSpec s = Spec(proto::CHAIN, 3);
  s.set_nodes(16);
  const Graph g = MustBuild(*Generate(s));
  proto::PlannerOptions o;
  o.set_planner("periodic");
  o.set_segment_length(4);
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(g, o);
  ASSERT_TRUE(judged.ok());
  const Schedule* schedule = &judged->schedule;
  CpuBackend backend;
  absl::StatusOr<std::unique_ptr<ReplaySession>> session =
      ReplaySession::Create(g, &backend, ModelOptions{kBatch, 1});
  ASSERT_TRUE(session.ok());
  absl::StatusOr<ReplayResult> r = (*session)->Run(schedule->instructions);
  ASSERT_TRUE(r.ok());
  // 16 nodes in segments of 4: the non-checkpointed nodes are recomputed.
  EXPECT_GT(r->recompute.count, 0);
  int64_t forwards = 0;
  for (int32_t f : r->forward_executions) forwards += f;
  EXPECT_EQ(forwards, 16 + r->recompute.count);
  // A chain node has one term: one GEMM per FORWARD; BACKWARD: dW, plus dx
  // for all but the first node (whose input is x).
  EXPECT_EQ(r->counters.gemm_calls, forwards + 16 + 15);
}

TEST(ReplayTest, ReplayWidthOverrideIsComparedOnTensorSizes) {
  proto::GeneratorSpec s = Spec(proto::CHAIN, 1);
  s.set_nodes(4);
  proto::Graph p = *Generate(s);
  p.mutable_nodes(2)->set_replay_width(7);  // 4 * 2 * 7 = 56 bytes, not 24.
  const Graph g = MustBuild(p);
  proto::PlannerOptions o;
  o.set_planner("store_all");
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(g, o);
  ASSERT_TRUE(judged.ok());
  const Schedule* schedule = &judged->schedule;
  ReplayCommandOptions options;
  options.batch = kBatch;
  absl::StatusOr<ReplayComparison> c = CompareWithStoreAll(g, *schedule, options);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->tensors_match_graph);
  EXPECT_TRUE(c->peaks_match_simulator);
  EXPECT_GT(c->schedule.measured_peak_bytes, c->simulated_peak_bytes);
}

TEST(ReplayTest, InitValuesArePinned) {
  // The portable generator is part of the result format (CPU, CUDA and any
  // re-implementation must agree), so its values are pinned. Mix64(0) is
  // splitmix64's published first output for seed 0; the keys and values
  // below were computed by an independent transcription of init.h's
  // definitions in Python (arbitrary-precision integers masked to 64 bits),
  // and each uniform is k * 2^-23 - 1 for the 24-bit k given.
  EXPECT_EQ(Mix64(0), 0xe220a8397b1dcdafULL);
  const uint64_t key = InitKey(1, kInitWeight, 3, 0);
  EXPECT_EQ(key, 0x12588d809dce88a7ULL);
  EXPECT_EQ(HashUniform(key, 0), 11576665 / 8388608.0f - 1.0f);     // 0.380046...
  EXPECT_EQ(HashUniform(key, 1), 16285827 / 8388608.0f - 1.0f);     // 0.941421...
  EXPECT_EQ(HashUniform(key, 1000), 16638751 / 8388608.0f - 1.0f);  // 0.983493...
  const uint64_t input_key = InitKey(7, kInitInput, 0, 5);
  EXPECT_EQ(input_key, 0x141e0a3a6c21914aULL);
  EXPECT_EQ(HashUniform(input_key, 3), 12592321 / 8388608.0f - 1.0f);  // 0.501121...
}

TEST(ReplayErrorsTest, WidthNotDivisibleNamesTheNode) {
  proto::GeneratorSpec s = Spec(proto::CHAIN, 1);
  s.set_nodes(3);
  s.set_base_bytes(12);  // Not divisible by 4 * 2.
  const Graph g = MustBuild(*Generate(s));
  absl::StatusOr<ReplayModel> m = ReplayModel::Build(g, ModelOptions{2, 1});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("node 'x': output_bytes = 12"));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("4 * batch = 8"));
}

TEST(ReplayErrorsTest, TransformerScalarLossNeedsBatchOne) {
  proto::GeneratorSpec s;
  s.set_family(proto::TRANSFORMER);
  s.set_layers(1);
  s.set_batch(1);
  s.set_seq_len(2);
  s.set_hidden(4);
  s.set_heads(2);
  const Graph g = MustBuild(*Generate(s));
  absl::StatusOr<ReplayModel> m = ReplayModel::Build(g, ModelOptions{2, 1});
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("node 'loss': output_bytes = 4"));
}

TEST(ReplayErrorsTest, BadBatchAndParameterLimit) {
  proto::GeneratorSpec s = Spec(proto::CHAIN, 1);
  s.set_nodes(3);
  const Graph g = MustBuild(*Generate(s));
  absl::StatusOr<ReplayModel> m = ReplayModel::Build(g, ModelOptions{0, 1});
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("batch = 0"));
  ModelOptions small;
  small.batch = 1;  // Widths 6: each W 6 x 6 floats = 144 bytes.
  small.max_parameter_bytes = 100;
  m = ReplayModel::Build(g, small);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("max_parameter_bytes = 100"));
}

TEST(ReplayErrorsTest, InvalidScheduleIsRejectedBeforeRunning) {
  proto::GeneratorSpec s = Spec(proto::CHAIN, 1);
  s.set_nodes(2);
  const Graph g = MustBuild(*Generate(s));
  CpuBackend backend;
  absl::StatusOr<std::unique_ptr<ReplaySession>> session =
      ReplaySession::Create(g, &backend, ModelOptions{kBatch, 1});
  ASSERT_TRUE(session.ok());
  const NodeId n2 = g.Find("n2");
  const int64_t allocations_before = backend.counters().allocations;  // Parameters etc.
  absl::StatusOr<ReplayResult> r = (*session)->Run({{Op::kForward, n2}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("invalid schedule"));
  EXPECT_EQ(backend.counters().allocations, allocations_before);  // Nothing was executed.
  Schedule bad;
  bad.instructions = {{Op::kForward, n2}};
  ReplayCommandOptions options;
  options.batch = kBatch;
  absl::StatusOr<std::string> out = RunReplay(g, bad, options);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("invalid schedule"));
}

TEST(ReplayErrorsTest, BackendNames) {
  absl::StatusOr<std::unique_ptr<Backend>> b = MakeBackend("tpu");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(b.status().message()), HasSubstr("choose one of: cpu"));
  b = MakeBackend("cuda");
  if (!BuiltWithCuda()) {
    ASSERT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition) << b.status();
    EXPECT_THAT(std::string(b.status().message()),
                HasSubstr("built without CUDA: rebuild with --config=cuda"));
  } else if (!b.ok()) {
    EXPECT_THAT(std::string(b.status().message()), HasSubstr("no usable CUDA device"));
  }
}

TEST(ReplayCommandTest, TextAndJsonReports) {
  proto::GeneratorSpec s = Spec(proto::RESIDUAL, 4);
  s.set_blocks(4);
  s.set_block_depth(2);
  const Graph g = MustBuild(*Generate(s));
  proto::PlannerOptions o;
  o.set_planner("interval_tree");
  ReplayCommandOptions options;
  options.batch = kBatch;
  options.repeats = 2;
  absl::StatusOr<std::string> text = RunReplayWithPlanner(g, o, options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("gradients match store-all bitwise: yes"));
  EXPECT_THAT(*text, HasSubstr("measured peak equals the simulator's: yes"));
  options.format = ReplayFormat::kJson;
  absl::StatusOr<std::string> json = RunReplayWithPlanner(g, o, options);
  ASSERT_TRUE(json.ok()) << json.status();
  for (const char* key : {"\"backend\": \"cpu\"", "\"measured_peak_bytes\"",
                          "\"simulated_peak_bytes\"", "\"store_all_seconds\"",
                          "\"schedule_seconds\"", "\"gradients_match\": true",
                          "\"peaks_match_simulator\": true"}) {
    EXPECT_THAT(*json, HasSubstr(key));
  }
  absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(g, o);
  ASSERT_TRUE(judged.ok());
  absl::StatusOr<ReplayComparison> c = CompareWithStoreAll(g, judged->schedule, options);
  ASSERT_TRUE(c.ok());
  const SimResult* sim = &judged->sim;
  EXPECT_EQ(c->schedule.measured_peak_bytes, sim->peak_bytes);
  EXPECT_EQ(c->simulated_peak_bytes, sim->peak_bytes);
  EXPECT_LT(c->schedule.measured_peak_bytes, c->store_all.measured_peak_bytes);
}

}  // namespace
}  // namespace replay
}  // namespace tbp

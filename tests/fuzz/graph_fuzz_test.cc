// Fuzz targets for the graph loader and validator: bytes in text, JSON or
// binary form -> ParseProto (core/io) -> Graph::FromProto -> a store_all
// plan judged by the simulator. Bad input must come back as a Status
// (kInvalidArgument, a message that names something), never as a crash,
// a sanitizer report or a hang; an accepted graph must have valid UTF-8
// names, round-trip through the same format to the same fingerprint, and
// plan.
//
// Seeds: the hand-made fixtures of tests/fixtures, small graphs of every
// generator family, in the target's format. Half of the executions mutate
// bytes, half mutate the parsed message field by field and serialise it.
#include <random>
#include <string>
#include <vector>

#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/planner.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"
#include "tests/fuzz/fuzz_lib.h"

namespace tbp {
namespace fuzz {
namespace {

std::vector<proto::Graph> SeedGraphs() {
  std::vector<proto::Graph> out;
  out.push_back(testing_graphs::ChainProto(4, 3));
  std::mt19937_64 rng(7);
  for (int k = 0; k < 4; ++k) out.push_back(testing_graphs::RandomDagProto(rng));
  out.push_back(testing_graphs::ProtoBuilder()
                    .Input("x")
                    .Compute("a", 2, {"x"})
                    .Compute("b", 3, {"a"})
                    .Compute("c", 5, {"a"})
                    .Compute("d", 1, {"b", "c", "c"})
                    .Output("d")
                    .proto());
  for (proto::Family family : {proto::CHAIN, proto::LAYERED, proto::RANDOM_DAG, proto::WIDE,
                               proto::UNET, proto::RESIDUAL, proto::TRANSFORMER}) {
    proto::GeneratorSpec spec;
    spec.set_family(family);
    spec.set_nodes(6);
    spec.set_layers(3);
    spec.set_width(2);
    spec.set_edge_prob(0.5);
    spec.set_fan_in(2);
    spec.set_window(2);
    spec.set_wide_every(2);
    spec.set_wide_factor(2);
    spec.set_depth(2);
    spec.set_blocks(2);
    spec.set_block_depth(2);
    spec.set_batch(1);
    spec.set_seq_len(2);
    spec.set_hidden(4);
    spec.set_heads(2);
    absl::StatusOr<proto::Graph> g = Generate(spec);
    if (!g.ok()) {
      ADD_FAILURE() << FamilyName(family) << ": " << g.status();
      continue;
    }
    out.push_back(*g);
  }
  return out;
}

void CheckStatus(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(status.message().empty());
}

void RunGraphFuzz(FileFormat format, const std::string& name) {
  const FuzzConfig config = ConfigFromEnv(/*default_runs=*/4000);
  std::vector<proto::Graph> seeds = SeedGraphs();
  std::vector<std::string> corpus;
  for (const proto::Graph& g : seeds) corpus.push_back(*SerializeProto(g, format));
  const std::vector<std::string> dictionary = {
      "nodes", "name", "kind", "INPUT", "COMPUTE", "KIND_UNSPECIFIED", "output_bytes",
      "forward_cost", "backward_cost", "inputs", "outputs", "replay_width", "{", "}", "[",
      "]", ":", ",", "\"", "\"\\xff\"", "\"\\u0000\"", "\"\\ud800\"", "-", "#", "\n", "\x0a\x00",
      "\x12\x01", "\x1a", "\x22\x00", "\x08\x02", "\x18\xff\xff\xff\xff\xff\xff\xff\xff\x7f"};
  auto make_input = [&](int64_t, std::mt19937_64& rng) {
    const size_t pick = rng() % corpus.size();
    if (rng() % 2 == 0) return MutateBytes(corpus[pick], corpus, dictionary, rng);
    proto::Graph g = seeds[pick];
    MutateMessage(&g, rng);
    // SerializeProto fails only where the format cannot hold the message
    // (JSON of a non-UTF-8 string): then the binary form goes in.
    absl::StatusOr<std::string> out = SerializeProto(g, format);
    return out.ok() ? *out : g.SerializeAsString();
  };
  auto target = [&](const std::string& data) {
    proto::Graph proto;
    if (absl::Status s = ParseProto(data, format, "fuzz input", &proto); !s.ok()) {
      CheckStatus(s);
      return Verdict::kRejected;
    }
    absl::StatusOr<Graph> graph = Graph::FromProto(proto);
    if (!graph.ok()) {
      CheckStatus(graph.status());
      return Verdict::kRejected;
    }
    for (NodeId v = 0; v < graph->num_nodes(); ++v) {
      EXPECT_TRUE(IsValidUtf8(graph->name(v))) << "accepted a non-UTF-8 node name";
    }
    // Round trip through the same format.
    absl::StatusOr<std::string> again = SerializeProto(graph->ToProto(), format);
    if (!again.ok()) {
      ADD_FAILURE() << "an accepted graph does not serialise: " << again.status();
      return Verdict::kAccepted;
    }
    proto::Graph reparsed;
    EXPECT_TRUE(ParseProto(*again, format, "round trip", &reparsed).ok());
    absl::StatusOr<Graph> rebuilt = Graph::FromProto(reparsed);
    if (!rebuilt.ok()) {
      ADD_FAILURE() << "round trip rejected: " << rebuilt.status();
    } else {
      EXPECT_EQ(rebuilt->Fingerprint(), graph->Fingerprint());
    }
    if (graph->num_nodes() <= 200) {
      proto::PlannerOptions options;
      options.set_planner("store_all");
      absl::StatusOr<JudgedSchedule> plan = PlanAndJudge(*graph, options);
      EXPECT_TRUE(plan.ok()) << plan.status();
      if (plan.ok()) {
        EXPECT_LE(plan->sim.peak_bytes, 4 * graph->total_compute_bytes());
      }
    }
    return Verdict::kAccepted;
  };
  RunFuzzLoop(name, config, make_input, target);
}

TEST(GraphFuzz, Text) { RunGraphFuzz(FileFormat::kText, "graph_text"); }
TEST(GraphFuzz, Json) { RunGraphFuzz(FileFormat::kJson, "graph_json"); }
TEST(GraphFuzz, Binary) { RunGraphFuzz(FileFormat::kBinary, "graph_binary"); }

}  // namespace
}  // namespace fuzz
}  // namespace tbp

// Fuzz target for the schedule loader: bytes (text, JSON or binary: the
// first byte picks the format) -> ParseProto -> ScheduleFromProto against a
// fixed graph -> the simulator, checked against the independent reference
// (reference_sim.h). Errors must be Statuses naming something; accepted
// schedules must agree with the reference.
//
// Seeds: schedules planned by store_all, periodic, revolve and budget on a
// diamond and on a random DAG, in all three formats.
#include <random>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/planner.h"
#include "core/schedule/schedule.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"
#include "tests/fuzz/fuzz_lib.h"
#include "tests/fuzz/sim_compare.h"

namespace tbp {
namespace fuzz {
namespace {

constexpr FileFormat kFormats[] = {FileFormat::kText, FileFormat::kJson, FileFormat::kBinary};

TEST(ScheduleFuzz, LoaderAndSimulator) {
  const FuzzConfig config = ConfigFromEnv(/*default_runs=*/4000);
  std::vector<proto::Graph> graph_protos;
  graph_protos.push_back(testing_graphs::ProtoBuilder()
                             .Input("x")
                             .Compute("a", 2, {"x"})
                             .Compute("b", 3, {"a"})
                             .Compute("c", 5, {"a"})
                             .Compute("d", 1, {"b", "c", "c"})
                             .Output("d")
                             .proto());
  std::mt19937_64 graph_rng(11);
  testing_graphs::RandomDagOptions dag;
  dag.min_compute = 8;
  graph_protos.push_back(testing_graphs::RandomDagProto(graph_rng, dag));
  std::vector<Graph> graphs;
  for (const proto::Graph& p : graph_protos) graphs.push_back(testing_graphs::MustBuild(p));

  // Seeds: (graph index, serialized schedule with its format tag).
  std::vector<std::pair<size_t, proto::Schedule>> seeds;
  for (size_t gi = 0; gi < graphs.size(); ++gi) {
    for (const char* planner : {"store_all", "periodic", "revolve", "budget"}) {
      proto::PlannerOptions options;
      options.set_planner(planner);
      if (std::string(planner) == "revolve") options.set_slots(2);
      if (std::string(planner) == "budget") {
        options.set_budget_bytes(2 * graphs[gi].total_compute_bytes());
      }
      absl::StatusOr<JudgedSchedule> plan = PlanAndJudge(graphs[gi], options);
      ASSERT_TRUE(plan.ok()) << planner << ": " << plan.status();
      seeds.emplace_back(gi, ScheduleToProto(graphs[gi], plan->schedule));
    }
  }
  std::vector<std::string> corpus;
  for (const auto& [gi, s] : seeds) {
    for (int f = 0; f < 3; ++f) {
      corpus.push_back(std::string(1, static_cast<char>('0' + 2 * f + gi)) +
                       *SerializeProto(s, kFormats[f]));
    }
  }
  const std::vector<std::string> dictionary = {
      "instructions", "op", "node", "FORWARD", "FREE", "BACKWARD", "OP_UNSPECIFIED", "order",
      "graph_fingerprint", "options", "planner", "{", "}", "\"", ":", "\"\\xff\"", "\n"};
  auto make_input = [&](int64_t, std::mt19937_64& rng) {
    const size_t pick = rng() % corpus.size();
    if (rng() % 2 == 0) return MutateBytes(corpus[pick], corpus, dictionary, rng);
    proto::Schedule s = seeds[pick / 3].second;
    MutateMessage(&s, rng);
    const int f = static_cast<int>(rng() % 3);
    absl::StatusOr<std::string> out = SerializeProto(s, kFormats[f]);
    return std::string(1, static_cast<char>('0' + 2 * f + seeds[pick / 3].first)) +
           (out.ok() ? *out : s.SerializeAsString());
  };
  auto target = [&](const std::string& data) {
    if (data.empty()) return Verdict::kRejected;
    const unsigned tag = static_cast<unsigned char>(data[0]);
    const FileFormat format = kFormats[(tag / 2) % 3];
    const size_t gi = tag % 2;
    proto::Schedule proto;
    if (absl::Status s = ParseProto(data.substr(1), format, "fuzz input", &proto); !s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
      return Verdict::kRejected;
    }
    absl::StatusOr<Schedule> schedule = ScheduleFromProto(graphs[gi], proto);
    if (!schedule.ok()) {
      EXPECT_EQ(schedule.status().code(), absl::StatusCode::kInvalidArgument)
          << schedule.status();
      EXPECT_FALSE(schedule.status().message().empty());
      return Verdict::kRejected;
    }
    const bool valid =
        CompareWithReference(graph_protos[gi], graphs[gi], schedule->instructions);
    return valid ? Verdict::kAccepted : Verdict::kRejected;
  };
  RunFuzzLoop("schedule", config, make_input, target);
}

}  // namespace
}  // namespace fuzz
}  // namespace tbp

// Fuzz targets for the spec loaders and validators:
//   experiment_spec  ParseProto -> ValidateExperimentSpec for every kind ->
//                    ExpandInstances / ExpandRuns of a valid spec
//   generator_spec   ParseProto -> ValidateGeneratorSpec -> Generate (when
//                    the spec is small) -> Graph::FromProto, which must
//                    accept it (generators.h's promise), twice the same
//   planner_options  ParseProto -> ValidatePlannerOptions -> PlanAndJudge
//                    on a chain and a diamond (every planner but `exact`,
//                    whose CBC child process costs milliseconds per run;
//                    core/util/contained_test.cc covers it)
// The first byte of each input picks the format (text, JSON, binary).
// Errors must be Statuses with the documented codes and a message.
#include <random>
#include <string>
#include <vector>

#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/planner.h"
#include "core/schedule/registry.h"
#include "experiments/runner.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"
#include "tests/fuzz/fuzz_lib.h"

namespace tbp {
namespace fuzz {
namespace {

constexpr FileFormat kFormats[] = {FileFormat::kText, FileFormat::kJson, FileFormat::kBinary};

// Seeds (as messages) -> corpus entries "<format digit><bytes>" in every
// format; structure-aware mutations serialise into a random format.
template <typename Msg>
void RunProtoFuzz(const std::string& name, int64_t default_runs, const std::vector<Msg>& seeds,
                  const std::vector<std::string>& dictionary,
                  const std::function<Verdict(const Msg&)>& check) {
  const FuzzConfig config = ConfigFromEnv(default_runs);
  std::vector<std::string> corpus;
  for (const Msg& m : seeds) {
    for (int f = 0; f < 3; ++f) {
      corpus.push_back(std::string(1, static_cast<char>('0' + f)) + *SerializeProto(m, kFormats[f]));
    }
  }
  auto make_input = [&](int64_t, std::mt19937_64& rng) {
    const size_t pick = rng() % corpus.size();
    if (rng() % 2 == 0) return MutateBytes(corpus[pick], corpus, dictionary, rng);
    Msg m = seeds[pick / 3];
    MutateMessage(&m, rng);
    const int f = static_cast<int>(rng() % 3);
    absl::StatusOr<std::string> out = SerializeProto(m, kFormats[f]);
    return out.ok() ? std::string(1, static_cast<char>('0' + f)) + *out
                    : std::string("2") + m.SerializeAsString();
  };
  auto target = [&](const std::string& data) {
    if (data.empty()) return Verdict::kRejected;
    const FileFormat format = kFormats[static_cast<unsigned char>(data[0]) % 3];
    Msg m;
    if (absl::Status s = ParseProto(data.substr(1), format, "fuzz input", &m); !s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
      return Verdict::kRejected;
    }
    return check(m);
  };
  RunFuzzLoop(name, config, make_input, target);
}

void ExpectNamedError(const absl::Status& s, absl::StatusCode code) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_FALSE(s.message().empty());
}

std::vector<std::string> Split(const std::string& spaced) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < spaced.size()) {
    const size_t end = spaced.find(' ', at);
    out.push_back(spaced.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

TEST(SpecFuzz, ExperimentSpec) {
  using experiments::ExperimentKind;
  std::vector<proto::ExperimentSpec> seeds;
  for (const char* path :
       {"experiments/testdata/tiny.textproto", "experiments/testdata/tiny_exact.textproto",
        "experiments/testdata/tiny_frontier.textproto",
        "experiments/specs/compare_checkpointing.textproto",
        "experiments/specs/random_dags.textproto", "experiments/specs/lower_bound_gap.textproto",
        "experiments/specs/planner_runtime_scaling.textproto",
        "experiments/specs/frontier_profiles.textproto"}) {
    proto::ExperimentSpec spec;
    ASSERT_TRUE(ParseProto(ReadTestFile(path), FileFormat::kText, path, &spec).ok()) << path;
    seeds.push_back(spec);
  }
  const std::vector<std::string> dictionary = Split(
      "graphs planners label generator seeds first_seed num_seeds sizes graph_file options "
      "segment_lengths slots block_sizes arities budget_fractions min_feasible_budget "
      "exact_max_nodes timing_repetitions family CHAIN RANDOM_DAG nodes budget_bytes planner "
      "{ } : \" [ ] -1 1e308 nan");
  RunProtoFuzz<proto::ExperimentSpec>(
      "experiment_spec", 3000, seeds, dictionary, [](const proto::ExperimentSpec& spec) {
        Verdict verdict = Verdict::kRejected;
        for (ExperimentKind kind :
             {ExperimentKind::kRandomDags, ExperimentKind::kCompareCheckpointing,
              ExperimentKind::kLowerBoundGap, ExperimentKind::kRuntimeScaling,
              ExperimentKind::kFrontierProfiles}) {
          const absl::Status s = experiments::ValidateExperimentSpec(spec, kind);
          if (!s.ok()) {
            ExpectNamedError(s, absl::StatusCode::kInvalidArgument);
            continue;
          }
          verdict = Verdict::kAccepted;
          const auto instances = experiments::ExpandInstances(spec);
          const auto runs = experiments::ExpandRuns(spec);
          EXPECT_FALSE(instances.empty());
          EXPECT_LE(instances.size(), size_t{experiments::kMaxExpandedInstances});
          if (kind != ExperimentKind::kFrontierProfiles) {
            EXPECT_FALSE(runs.empty());
          }
          for (const auto& instance : instances) {
            if (instance.graph_file.empty()) {
              EXPECT_TRUE(ValidateGeneratorSpec(instance.generator).ok());
            }
          }
        }
        return verdict;
      });
}

bool SmallSpec(const proto::GeneratorSpec& s) {
  for (int64_t v : {s.nodes(), s.layers(), s.width(), s.fan_in(), s.window(), s.wide_every(),
                    s.wide_factor(), s.depth(), s.blocks(), s.block_depth(), s.batch(),
                    s.seq_len(), s.hidden(), s.heads()}) {
    if (v > 48) return false;
  }
  return true;
}

TEST(SpecFuzz, GeneratorSpec) {
  std::vector<proto::GeneratorSpec> seeds;
  for (proto::Family family : {proto::CHAIN, proto::LAYERED, proto::RANDOM_DAG, proto::WIDE,
                               proto::UNET, proto::RESIDUAL, proto::TRANSFORMER}) {
    proto::GeneratorSpec spec;
    spec.set_family(family);
    spec.set_seed(3);
    spec.set_nodes(8);
    spec.set_layers(3);
    spec.set_width(3);
    spec.set_edge_prob(0.4);
    spec.set_skip_prob(0.2);
    spec.set_fan_in(2);
    spec.set_window(3);
    spec.set_long_range_prob(0.1);
    spec.set_wide_every(2);
    spec.set_wide_factor(3);
    spec.set_depth(2);
    spec.set_blocks(2);
    spec.set_block_depth(2);
    spec.set_batch(2);
    spec.set_seq_len(4);
    spec.set_hidden(8);
    spec.set_heads(2);
    spec.set_size_distribution(static_cast<proto::SizeDistribution>(1 + family % 3));
    spec.set_base_bytes(16);
    spec.set_size_spread(2.0);
    spec.set_size_sigma(0.5);
    spec.set_cost_per_byte(0.25);
    spec.set_backward_factor(2.0);
    ASSERT_TRUE(ValidateGeneratorSpec(spec).ok()) << FamilyName(family);
    seeds.push_back(spec);
  }
  const std::vector<std::string> dictionary = Split(
      "family seed nodes layers width edge_prob skip_prob fan_in window long_range_prob "
      "wide_every wide_factor depth blocks block_depth batch seq_len hidden heads "
      "size_distribution SIZE_UNIFORM SIZE_LOGNORMAL base_bytes size_spread size_sigma "
      "cost_per_byte backward_factor TRANSFORMER UNET { } : \" -1 1e308 nan inf");
  RunProtoFuzz<proto::GeneratorSpec>(
      "generator_spec", 3000, seeds, dictionary, [](const proto::GeneratorSpec& spec) {
        const absl::Status s = ValidateGeneratorSpec(spec);
        if (!s.ok()) {
          ExpectNamedError(s, absl::StatusCode::kInvalidArgument);
          EXPECT_FALSE(Generate(spec).ok());
          return Verdict::kRejected;
        }
        if (!SmallSpec(spec)) return Verdict::kAccepted;
        absl::StatusOr<proto::Graph> g = Generate(spec);
        if (!g.ok()) {
          ADD_FAILURE() << "a valid spec does not generate: " << g.status();
          return Verdict::kAccepted;
        }
        absl::StatusOr<Graph> graph = Graph::FromProto(*g);
        EXPECT_TRUE(graph.ok()) << graph.status();
        absl::StatusOr<proto::Graph> again = Generate(spec);
        EXPECT_TRUE(again.ok() &&
                    google::protobuf::util::MessageDifferencer::Equals(*g, *again))
            << "not deterministic";
        return Verdict::kAccepted;
      });
}

TEST(SpecFuzz, PlannerOptions) {
  const Graph chain = testing_graphs::MustBuild(testing_graphs::ChainProto(6, 2));
  const Graph diamond = testing_graphs::ProtoBuilder()
                            .Input("x")
                            .Compute("a", 2, {"x"})
                            .Compute("b", 3, {"a"})
                            .Compute("c", 5, {"a"})
                            .Compute("d", 1, {"b", "c"})
                            .Output("d")
                            .Build();
  std::vector<proto::PlannerOptions> seeds;
  for (const std::string& planner : PlannerNames()) {
    proto::PlannerOptions o;
    o.set_planner(planner);
    if (!ValidatePlannerOptions(o).ok()) o.set_budget_bytes(8);
    if (!ValidatePlannerOptions(o).ok()) continue;
    seeds.push_back(o);
    o.set_budget_bytes(10);
    o.set_order(proto::ORDER_KAHN);
    if (ValidatePlannerOptions(o).ok()) seeds.push_back(o);
  }
  ASSERT_GE(seeds.size(), 8u);
  const std::vector<std::string> dictionary = Split(
      "planner order budget_bytes slots segment_length block_size arity max_blocks "
      "memory_levels time_limit_s max_forwards keep_recomputed max_state_bytes search_nodes "
      "dp_only memory_slots ORDER_BEST_OF_ALL ORDER_AS_GIVEN { } : \" -1 1e308 nan inf true");
  RunProtoFuzz<proto::PlannerOptions>(
      "planner_options", 3000, seeds, dictionary, [&](const proto::PlannerOptions& o) {
        const absl::Status s = ValidatePlannerOptions(o);
        if (!s.ok()) {
          ExpectNamedError(s, absl::StatusCode::kInvalidArgument);
          return Verdict::kRejected;
        }
        if (o.planner() == "exact") return Verdict::kAccepted;
        for (const Graph* g : {&chain, &diamond}) {
          absl::StatusOr<JudgedSchedule> plan = PlanAndJudge(*g, o);
          if (plan.ok()) {
            if (o.budget_bytes() > 0) {
              EXPECT_LE(plan->sim.peak_bytes, o.budget_bytes());
            }
            continue;
          }
          const absl::StatusCode code = plan.status().code();
          EXPECT_TRUE(code == absl::StatusCode::kInvalidArgument ||
                      code == absl::StatusCode::kOutOfRange ||
                      code == absl::StatusCode::kFailedPrecondition ||
                      code == absl::StatusCode::kResourceExhausted ||
                      code == absl::StatusCode::kDeadlineExceeded)
              << plan.status();
          EXPECT_FALSE(plan.status().message().empty());
        }
        return Verdict::kAccepted;
      });
}

}  // namespace
}  // namespace fuzz
}  // namespace tbp

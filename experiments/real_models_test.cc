// real_models on the tiny hand-made model core/onnx/testdata/tiny_mlp.onnx
// (x[N,4] -> Gemm -> h[N,3] -> Relu -> y[N,3]), whose store-all peak is
// derived by hand: at BACKWARD of the Relu (the output), h and y are
// resident and the gradients of y (seeded) and h are live: 4 x 12N = 48N
// bytes. So a limit of 1000 bytes fits batch 20 (960) and not 21 (1008).
#include "experiments/real_models.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/io/proto_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/real_models.pb.h"

namespace tbp::experiments {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

proto::RealModelsSpec TinySpec() {
  proto::RealModelsSpec spec;
  const bool parsed = google::protobuf::TextFormat::ParseFromString(R"pb(
    name: "tiny"
    models { label: "mlp" onnx_file: "core/onnx/testdata/tiny_mlp.onnx" batch: 2 }
    planners { options { planner: "store_all" } }
    planners { options { planner: "periodic" } }
    planners { options { planner: "budget" } budget_fractions: [0.5, 1.0] }
    max_compute_overhead: 0.3
    goal_memory_fraction: 0.25
    goal_reference_ratio: 1.3
    reference_label: "periodic"
    candidate_planners: ["budget"]
    memory_limits_bytes: [1000, 47]
    max_batch_planners { label: "store_all" options { planner: "store_all" } }
    max_batch: 1000
  )pb", &spec);
  EXPECT_TRUE(parsed);
  return spec;
}

std::vector<std::string> Lines(const std::string& csv) {
  return absl::StrSplit(csv, '\n', absl::SkipEmpty());
}

TEST(RealModelsTest, StoreAllPeakAndLargestBatchByHand) {
  absl::StatusOr<RealModelsOutput> out = RunRealModels(TinySpec(), nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<std::string> summary = Lines(out->summary_csv);
  ASSERT_EQ(summary.size(), 2u);
  // 48 N = 96 bytes at the anchor batch 2.
  EXPECT_THAT(summary[1], StartsWith("mlp,2,,2,2,3,"));
  EXPECT_THAT(summary[1], HasSubstr(",96,"));
  const std::vector<std::string> max_batch = Lines(out->max_batch_csv);
  ASSERT_EQ(max_batch.size(), 3u);
  // 1000 bytes: batch 20 (peak 960); 47 bytes: not even batch 1 (48).
  EXPECT_THAT(max_batch[1], StartsWith("mlp,2,store_all,1000,20,0,960,"));
  EXPECT_THAT(max_batch[2], StartsWith("mlp,2,store_all,47,0,0,0,"));
}

// Two copies of the parameters (W [4,3] and b [3]: 60 bytes) leave 880 of
// 1000 bytes: batch 18 (peak 864); 47 bytes leave nothing.
TEST(RealModelsTest, ParameterCopiesAreResidentBesideTheSchedule) {
  proto::RealModelsSpec spec = TinySpec();
  spec.set_parameter_copies(2);
  absl::StatusOr<RealModelsOutput> out = RunRealModels(spec, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  const std::vector<std::string> max_batch = Lines(out->max_batch_csv);
  ASSERT_EQ(max_batch.size(), 3u);
  EXPECT_THAT(max_batch[0], EndsWith(",parameter_bytes"));
  EXPECT_THAT(max_batch[1], StartsWith("mlp,2,store_all,1000,18,0,864,"));
  EXPECT_THAT(max_batch[1], EndsWith(",120"));
  EXPECT_THAT(max_batch[2], StartsWith("mlp,2,store_all,47,0,0,0,"));
  spec.set_parameter_copies(17);
  EXPECT_THAT(std::string(RunRealModels(spec, nullptr).status().message()),
              HasSubstr("parameter_copies = 17: must be in [0, 16]"));
}

TEST(RealModelsTest, TheSearchStopsAtTheCap) {
  proto::RealModelsSpec spec = TinySpec();
  spec.set_max_batch(10);
  absl::StatusOr<RealModelsOutput> out = RunRealModels(spec, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(Lines(out->max_batch_csv)[1], StartsWith("mlp,2,store_all,1000,10,1,480,"));
}

TEST(RealModelsTest, SameSpecSameBytes) {
  absl::StatusOr<RealModelsOutput> a = RunRealModels(TinySpec(), nullptr);
  absl::StatusOr<RealModelsOutput> b = RunRealModels(TinySpec(), nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->points_csv, b->points_csv);
  EXPECT_EQ(a->summary_csv, b->summary_csv);
  EXPECT_EQ(a->max_batch_csv, b->max_batch_csv);
}

TEST(RealModelsTest, ValidationNamesTheField) {
  proto::RealModelsSpec spec = TinySpec();
  spec.mutable_models(0)->set_batch(0);
  EXPECT_THAT(ValidateRealModelsSpec(spec).message(),
              HasSubstr("RealModelsSpec.models[0].batch = 0"));
  spec = TinySpec();
  spec.set_reference_label("nope");
  EXPECT_THAT(ValidateRealModelsSpec(spec).message(),
              HasSubstr("RealModelsSpec.reference_label = 'nope'"));
  spec = TinySpec();
  for (const char* exact : {"exact", "exhaustive"}) {
    spec.mutable_planners(0)->mutable_options()->set_planner(exact);
    const absl::Status s = ValidateRealModelsSpec(spec);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(),
                HasSubstr(absl::StrCat("planners[0].options.planner = '", exact, "': planner '",
                                       exact, "' is for graphs of at most 64")));
  }
  spec = TinySpec();
  spec.mutable_planners(2)->set_budget_fractions(0, 2.0);
  EXPECT_THAT(ValidateRealModelsSpec(spec).message(), HasSubstr("RealModelsSpec.planners[2]"));
  spec = TinySpec();
  spec.set_max_compute_overhead(0);
  EXPECT_THAT(ValidateRealModelsSpec(spec).message(),
              HasSubstr("RealModelsSpec.max_compute_overhead = 0"));
  spec = TinySpec();
  spec.mutable_models(0)->set_onnx_file("no/such.onnx");
  EXPECT_THAT(RunRealModels(spec, nullptr).status().message(), HasSubstr("model mlp"));
}

// Every planner option reaches the planner (real_models plans through
// PlanAndJudge): keep_recomputed and memory_levels are planned with, and an
// option the planner does not read, or out of its range, is refused by
// name instead of being silently ignored.
TEST(RealModelsTest, PlannerOptionsAreHonouredOrRefusedByName) {
  proto::RealModelsSpec spec = TinySpec();
  proto::PlannerOptions* budget = spec.mutable_planners(2)->mutable_options();
  budget->set_keep_recomputed(true);
  budget->set_memory_levels(8);
  absl::StatusOr<RealModelsOutput> out = RunRealModels(spec, nullptr);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->points_csv, HasSubstr("mlp,2,budget,budget,budget_fraction,0.5,"));
  budget->set_memory_levels(1);
  absl::Status s = ValidateRealModelsSpec(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("RealModelsSpec.planners[2].options: "
                                     "PlannerOptions.memory_levels = 1: must be >= 2"));
  spec = TinySpec();
  spec.mutable_planners(0)->mutable_options()->set_keep_recomputed(true);
  s = ValidateRealModelsSpec(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("PlannerOptions.keep_recomputed = true: planner "
                                     "'store_all' has no such knob"));
  spec = TinySpec();
  spec.mutable_max_batch_planners(0)->mutable_options()->set_slots(2);
  s = ValidateRealModelsSpec(spec);
  EXPECT_THAT(s.message(), HasSubstr("max_batch_planners[0].options: PlannerOptions.slots = 2"));
}

// The committed spec validates (a typo fails here, not after a long build).
TEST(RealModelsTest, CommittedSpecIsValid) {
  proto::RealModelsSpec spec;
  ASSERT_TRUE(ReadProtoFile("experiments/specs/real_models.textproto", &spec).ok());
  EXPECT_TRUE(ValidateRealModelsSpec(spec).ok()) << ValidateRealModelsSpec(spec);
  EXPECT_EQ(spec.models_size(), 6);
}

}  // namespace
}  // namespace tbp::experiments

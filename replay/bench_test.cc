// The benchmark driver on the CPU with the small preset: every family and
// planner row is measured, matches the simulator and store-all.
#include <string>

#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "replay/bench.h"
#include "replay/model.h"

namespace tbp {
namespace replay {
namespace {

using ::testing::HasSubstr;

TEST(BenchTest, SmallPresetOnCpu) {
  BenchOptions o;
  o.backend = "cpu";
  o.preset = "small";
  o.families = {"transformer", "residual", "random_dag", "layered", "unet", "chain"};
  o.planners = {"store_all", "periodic", "interval_tree", "revolve:slots=2", "revolve:0.6",
                "budget:0.6"};
  o.target_store_all_bytes = 64 << 10;
  o.repeats = 2;
  absl::StatusOr<BenchReport> report = RunBench(o);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows.size(), o.families.size() * o.planners.size());
  int ok = 0;
  for (const BenchRow& r : report->rows) {
    if (r.status != "ok") {
      // Only a budget below what the planner can meet may fail.
      EXPECT_THAT(r.planner, ::testing::AnyOf(HasSubstr("budget"), HasSubstr("revolve")))
          << r.family << ": " << r.status;
      continue;
    }
    ++ok;
    EXPECT_TRUE(r.peak_matches_simulator) << r.family << " " << r.planner;
    EXPECT_TRUE(r.gradients_match) << r.family << " " << r.planner;
    EXPECT_LE(r.measured_peak_bytes, r.store_all_measured_peak_bytes) << r.family << r.planner;
    EXPECT_GT(r.rows, 0);
  }
  EXPECT_GE(ok, 24);
  const std::string csv = BenchCsv(*report);
  EXPECT_THAT(csv, HasSubstr("measured_peak_bytes"));
  EXPECT_THAT(BenchMarkdown(*report), HasSubstr("| transformer |"));
}

TEST(BenchTest, GraphsAreReplayable) {
  for (const std::string family :
       {"transformer", "residual", "random_dag", "layered", "unet", "chain"}) {
    for (int64_t units : {1, 3}) {
      int64_t rows = 0;
      absl::StatusOr<proto::Graph> p = BenchGraph(family, "full", units, 1, &rows);
      ASSERT_TRUE(p.ok()) << p.status();
      absl::StatusOr<Graph> g = Graph::FromProto(*p);
      ASSERT_TRUE(g.ok()) << g.status();
      ModelOptions mo;
      mo.batch = rows;
      mo.max_parameter_bytes = int64_t{12} << 30;  // The full presets fit an 80 GB GPU.
      absl::StatusOr<ReplayModel> m = ReplayModel::Build(*g, mo);
      ASSERT_TRUE(m.ok()) << family << ": " << m.status();
      EXPECT_TRUE(m->tensors_match_graph());
    }
  }
}

TEST(BenchTest, BadOptionsAreNamed) {
  BenchOptions o;
  o.backend = "cpu";
  o.planners = {"budget:2"};
  absl::StatusOr<BenchReport> r = RunBench(o);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("budget:2"));
  o.planners = {"periodic:0.5"};  // periodic does not use a budget.
  r = RunBench(o);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("'0.5' must be KNOB=VALUE"));
  o.planners = {"revolve:segment_length=3"};
  r = RunBench(o);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("not KNOB=VALUE for a knob of planner 'revolve'"));
  o.planners = {"store_all"};
  o.families = {"mlp"};
  r = RunBench(o);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("family = 'mlp'"));
  o.families = {"chain"};
  o.preset = "small";
  r = RunBench(o);  // No device memory on the CPU and no explicit target.
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("target_store_all_bytes"));
}

}  // namespace
}  // namespace replay
}  // namespace tbp

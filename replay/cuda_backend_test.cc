// The CUDA backend on a GPU machine: the same properties as replay_test on
// the CPU (measured peak == simulator peak, gradients bitwise equal to
// store-all on the same backward order, float64 agreement), plus the
// device's own memory report bounding the measured peak from above. Without
// a device or driver every test skips, naming the CUDA runtime's error.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/analysis/lower_bounds.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/planner.h"
#include "core/schedule/registry.h"
#include "core/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/generator.pb.h"
#include "proto/planner.pb.h"
#include "tests/fixtures/planner_cases.h"
#include "replay/backends.h"
#include "replay/cpu_backend.h"
#include "replay/cuda_backend.h"
#include "replay/engine.h"
#include "replay/model.h"
#include "replay/reference.h"
#include "replay/replay_command.h"

namespace tbp {
namespace replay {
namespace {

#define SKIP_WITHOUT_CUDA()                                               \
  do {                                                                    \
    if (absl::Status s = CudaDeviceAvailable(); !s.ok()) {                \
      GTEST_SKIP() << "skipping CUDA test: " << s.message();              \
    }                                                                     \
  } while (0)

Graph Residual(int64_t batch, int64_t width, int blocks = 6, int block_depth = 3) {
  proto::GeneratorSpec s;
  s.set_family(proto::RESIDUAL);
  s.set_seed(5);
  s.set_blocks(blocks);
  s.set_block_depth(block_depth);
  s.set_base_bytes(4 * batch * width);
  absl::StatusOr<Graph> g = Graph::FromProto(*Generate(s));
  EXPECT_TRUE(g.ok());
  return *std::move(g);
}

TEST(CudaBackendTest, ReportsWhyItIsUnavailable) {
  const absl::Status s = CudaDeviceAvailable();
  if (s.ok()) {
    absl::StatusOr<std::unique_ptr<Backend>> b = MakeBackend("cuda");
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ((*b)->name(), "cuda");
    std::printf("CUDA device: %s\n", (*b)->device_description().c_str());
  } else {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("no usable CUDA device"));
    absl::StatusOr<std::unique_ptr<Backend>> b = MakeBackend("cuda");
    EXPECT_FALSE(b.ok());
    std::printf("no CUDA here (expected on a build machine): %s\n",
                std::string(s.message()).c_str());
  }
}

TEST(CudaBackendTest, InitMatchesCpuBitwise) {
  SKIP_WITHOUT_CUDA();
  absl::StatusOr<std::unique_ptr<CudaBackend>> cuda = CudaBackend::Create(CudaOptions());
  ASSERT_TRUE(cuda.ok()) << cuda.status();
  CpuBackend cpu;
  const int64_t n = 100003;
  absl::StatusOr<float*> d = (*cuda)->Allocate(4 * n, "test");
  absl::StatusOr<float*> h = cpu.Allocate(4 * n, "test");
  ASSERT_TRUE(d.ok() && h.ok());
  (*cuda)->FillUniform(*d, n, 12345, 0.37f);
  cpu.FillUniform(*h, n, 12345, 0.37f);
  std::vector<float> back(n);
  (*cuda)->CopyToHost(*d, n, back.data());
  ASSERT_TRUE((*cuda)->status().ok());
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(back[i], (*h)[i]) << i;
  (*cuda)->Free(*d);
  cpu.Free(*h);
}

TEST(CudaBackendTest, PlannersMatchSimulatorAndStoreAll) {
  SKIP_WITHOUT_CUDA();
  // 1024 x 512 floats = 2 MiB per tensor: each cudaMalloc maps its own
  // pages, so cudaMemGetInfo sees every tensor.
  // The exact planners (exhaustive search, CBC MILP) get a graph of a few
  // nodes; every budgeted planner gets a budget halfway between the best
  // lower bound and store-all's peak, so that it has to recompute.
  const Graph big = Residual(1024, 512);
  const Graph small = Residual(1024, 512, /*blocks=*/2, /*block_depth=*/2);
  int exact_planners = 0;
  for (const PlannerDef* p : Planners()) {
    const std::string& name = p->name;
    const bool exact = p->max_compute_nodes > 0 || p->order_free;
    exact_planners += exact;
    const Graph& g = exact ? small : big;
    proto::PlannerOptions o;
    for (const proto::PlannerOptions& c :
         testing_graphs::PlannerCases(g, proto::ORDER_BEST, /*max_search_nodes=*/64)) {
      if (c.planner() == name) {
        o = c;
        break;
      }
    }
    absl::StatusOr<JudgedSchedule> judged = PlanAndJudge(g, o);
    ASSERT_TRUE(judged.ok()) << judged.status();
    const Schedule* schedule = &judged->schedule;
    ReplayCommandOptions options;
    options.backend = "cuda";
    options.batch = 1024;
    options.repeats = 2;
    absl::StatusOr<ReplayComparison> c = CompareWithStoreAll(g, *schedule, options);
    ASSERT_TRUE(c.ok()) << name << ": " << c.status();
    EXPECT_TRUE(c->gradients_match) << name;
    EXPECT_TRUE(c->peaks_match_simulator) << name;
    EXPECT_EQ(c->schedule.measured_peak_bytes, c->simulated_peak_bytes) << name;
    // The device's view includes allocation rounding; allow two pages of
    // driver-side reuse.
    std::printf("%s: measured peak %lld bytes, cudaMemGetInfo peak %lld bytes, %.6f s\n",
                name.c_str(), static_cast<long long>(c->schedule.measured_peak_bytes),
                static_cast<long long>(c->schedule.device_peak_bytes), c->schedule.seconds);
    EXPECT_GE(c->schedule.device_peak_bytes, c->schedule.measured_peak_bytes - (4 << 20))
        << name;
    EXPECT_GT(c->schedule.seconds, 0) << name;
  }
  EXPECT_EQ(exact_planners, 2);
}

TEST(CudaBackendTest, AgreesWithFloat64Reference) {
  SKIP_WITHOUT_CUDA();
  const Graph g = Residual(8, 16);
  absl::StatusOr<std::unique_ptr<CudaBackend>> cuda = CudaBackend::Create(CudaOptions());
  ASSERT_TRUE(cuda.ok());
  ModelOptions mo;
  mo.batch = 8;
  absl::StatusOr<std::unique_ptr<ReplaySession>> session =
      ReplaySession::Create(g, cuda->get(), mo);
  ASSERT_TRUE(session.ok()) << session.status();
  proto::PlannerOptions o;
  o.set_planner("interval_tree");
  absl::StatusOr<ReplayResult> r = (*session)->Run(PlanAndJudge(g, o)->schedule.instructions);
  ASSERT_TRUE(r.ok()) << r.status();
  absl::StatusOr<ParameterGradients> grads = (*session)->FetchGradients();
  ASSERT_TRUE(grads.ok());
  const ReferenceGradients ref = ComputeReferenceGradients((*session)->model());
  for (size_t t = 0; t < ref.weight.size(); ++t) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < ref.weight[t].size(); ++i) {
      diff = std::max(diff, std::abs(grads->weight[t][i] - ref.weight[t][i]));
      scale = std::max(scale, std::abs(ref.weight[t][i]));
    }
    // cuBLAS sums in another order than the CPU: same 1e-5 bound.
    EXPECT_LE(scale == 0 ? diff : diff / scale, 1e-5) << "term " << t;
  }
}

}  // namespace
}  // namespace replay
}  // namespace tbp

// No code path recurses as deep as the graph: a 300,000-node chain and a
// 200,000-node random DAG go through loading (binary round trip),
// validation, every order heuristic, the frontier, the height-
// compressibility diagnosis, the lower bounds, the planners that handle
// graphs this size (store_all, periodic, revolve, interval_tree, budget),
// the simulator and schedule conversion, all on a thread whose stack is
// 256 KiB (1 MiB under AddressSanitizer, whose frames are larger). A
// recursion one frame per node deep would need megabytes and crash here
// (the main thread's 8 MiB would hide it up to ~100,000 nodes).
// experiments/update_scale_rss.sh runs the same planners on 10,000,000 and
// 5,000,000 nodes with the ordinary stack.
#include <pthread.h>

#include <functional>
#include <string>

#include "core/analysis/frontier.h"
#include "core/analysis/hcp.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/schedule/planner.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kStackBytes = 1 << 20;
#else
constexpr size_t kStackBytes = 256 << 10;
#endif

// Runs fn on a new thread with a kStackBytes stack and waits for it.
void RunOnSmallStack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, kStackBytes), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&fn)),
            0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

void Exercise(const proto::GeneratorSpec& spec) {
  absl::StatusOr<proto::Graph> generated = Generate(spec);
  ASSERT_TRUE(generated.ok()) << generated.status();
  absl::StatusOr<std::string> bytes = SerializeProto(*generated, FileFormat::kBinary);
  ASSERT_TRUE(bytes.ok());
  proto::Graph parsed;
  ASSERT_TRUE(ParseProto(*bytes, FileFormat::kBinary, "binary", &parsed).ok());
  absl::StatusOr<Graph> graph = Graph::FromProto(parsed);
  ASSERT_TRUE(graph.ok()) << graph.status();
  ASSERT_EQ(graph->compute_nodes().size(), static_cast<size_t>(spec.nodes()));

  for (OrderHeuristic h : {OrderHeuristic::kKahn, OrderHeuristic::kDfs, OrderHeuristic::kGreedy,
                           OrderHeuristic::kLocalSearch}) {
    EXPECT_TRUE(ValidateOrder(*graph, ComputeOrder(*graph, h)).ok()) << OrderHeuristicName(h);
  }
  const std::vector<NodeId> order = BestOrder(*graph).order;
  EXPECT_GT(PeakFrontierBytes(*graph, order), 0);
  DiagnoseHcp(*graph);
  const int64_t lower = BestLowerBound(*graph);
  EXPECT_GT(lower, 0);

  proto::PlannerOptions store_all;
  store_all.set_planner("store_all");
  absl::StatusOr<JudgedSchedule> all = PlanAndJudge(*graph, order, store_all);
  ASSERT_TRUE(all.ok()) << all.status();
  // Store-all keeps every activation: its peak is at least their sum.
  EXPECT_GE(all->sim.peak_bytes, graph->total_compute_bytes());
  const int64_t budget = all->sim.peak_bytes / 50;
  // periodic and interval_tree plan with their default knobs; revolve and
  // budget fit the budget.
  for (const char* planner : {"periodic", "interval_tree", "revolve", "budget"}) {
    proto::PlannerOptions options;
    options.set_planner(planner);
    const bool shaped = std::string(planner) == "revolve" || std::string(planner) == "budget";
    if (shaped) options.set_budget_bytes(budget);
    absl::StatusOr<JudgedSchedule> j = PlanAndJudge(*graph, order, options);
    ASSERT_TRUE(j.ok()) << planner << ": " << j.status();
    EXPECT_LT(j->sim.peak_bytes, all->sim.peak_bytes) << planner;
    if (shaped) {
      EXPECT_LE(j->sim.peak_bytes, budget) << planner;
    }
    EXPECT_GT(j->sim.recompute_cost, 0) << planner;
    // Schedule conversion both ways, then the simulator again.
    const proto::Schedule p = ScheduleToProto(*graph, j->schedule);
    absl::StatusOr<Schedule> back = ScheduleFromProto(*graph, p);
    ASSERT_TRUE(back.ok()) << back.status();
    absl::StatusOr<SimResult> sim = Simulate(*graph, back->instructions);
    ASSERT_TRUE(sim.ok()) << sim.status();
    EXPECT_EQ(sim->peak_bytes, j->sim.peak_bytes);
  }
}

TEST(DeepGraphStackTest, ChainOf300000Nodes) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::CHAIN);
  spec.set_nodes(300000);
  RunOnSmallStack([&] { Exercise(spec); });
}

TEST(DeepGraphStackTest, RandomDagOf200000Nodes) {
  proto::GeneratorSpec spec;
  spec.set_family(proto::RANDOM_DAG);
  spec.set_nodes(200000);
  spec.set_fan_in(2);
  spec.set_window(64);
  RunOnSmallStack([&] { Exercise(spec); });
}

}  // namespace
}  // namespace tbp

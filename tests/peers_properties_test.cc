// The peer planners (chen_greedy, dtr, mincut, rotor) over seeded random
// graphs of every generator family (tests/random_suite.h), at five budgets
// from the best lower bound to store-all's peak:
//   - every schedule a peer returns is valid (PlanAndJudge would say
//     kInternal) and within its budget, and never below a lower bound;
//   - a refusal is kOutOfRange (or, for dtr, kResourceExhausted: thrashing);
//   - at store-all's peak chen_greedy, dtr and mincut always plan (their
//     spaces contain store-all), and so does rotor when its memory units
//     are exact bytes;
//   - rotor never recomputes more than budget's frontier-cut DP alone
//     (dp_only) and plans wherever it does, with exact units (rotor's space
//     contains the DP's plan trees, and its memory terms are exact where
//     the DP bounds them).
// Against the flagship, `budget` at its defaults (a portfolio: the
// exhaustive optimum up to 12 COMPUTE nodes, else the DP, fixed-shape and
// peer candidates): it plans wherever chen_greedy or mincut does and never
// recomputes more (it offers all their candidates); every case where dtr or
// rotor recomputes less at the same budget, or plans where `budget` cannot,
// is printed (index, family, budget, both costs): those are findings about
// the flagship.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/analysis/lower_bounds.h"
#include "core/graph/generators.h"
#include "core/graph/graph.h"
#include "core/schedule/planner.h"
#include "gtest/gtest.h"
#include "tests/random_suite.h"

namespace tbp {
namespace {

constexpr int64_t kGraphs = 420;
constexpr int64_t kMaxNodes = 24;
constexpr int kSteps = 4;  // Budgets lower + (store-all - lower) * k / kSteps.

const char* const kPeers[] = {"chen_greedy", "dtr", "mincut", "rotor"};

struct Stats {
  int64_t planned = 0, refused = 0;
  int64_t both = 0, equal = 0, less = 0, more = 0, only_peer = 0;
};

proto::PlannerOptions Options(const std::string& planner, int64_t budget) {
  proto::PlannerOptions o;
  o.set_planner(planner);
  o.set_budget_bytes(budget);
  return o;
}

// rotor's memory units are exact bytes at this budget (rotor.h).
bool RotorExact(const Graph& g, int64_t n, int64_t budget) {
  int64_t gcd = 0;
  for (NodeId v : g.compute_nodes()) gcd = std::gcd(gcd, g.output_bytes(v));
  if (gcd == 0) return true;
  const int64_t slots = std::max<int64_t>(8, (int64_t{1} << 22) / (n * (n + 1)) - 1);
  return budget / gcd <= slots;
}

TEST(PeersProperties, RandomSuite) {
  std::map<std::string, Stats> stats;
  for (int64_t index = 0; index < kGraphs; ++index) {
    const proto::GeneratorSpec spec = RandomSuiteSpec(index, kMaxNodes);
    absl::StatusOr<proto::Graph> proto_graph = Generate(spec);
    ASSERT_TRUE(proto_graph.ok()) << proto_graph.status();
    absl::StatusOr<Graph> built = Graph::FromProto(*proto_graph);
    ASSERT_TRUE(built.ok()) << built.status();
    const Graph& graph = *built;
    const std::string where = DescribeSuiteGraph(index, spec, *proto_graph);
    std::unique_ptr<PlanContext> c =
        *PlanContext::Create(graph, *ChooseOrder(graph, proto::ORDER_BEST));
    const int64_t n = c->n();
    const int64_t lower = c->best_lower_bound();
    const int64_t top = SimulateStoreAll(*c)->peak_bytes;
    for (int step = 0; step <= kSteps; ++step) {
      const int64_t budget = lower + (top - lower) * step / kSteps;
      absl::StatusOr<JudgedSchedule> b = PlanAndJudge(*c, Options("budget", budget));
      ASSERT_TRUE(b.ok() || absl::IsOutOfRange(b.status())) << b.status() << "\n" << where;
      proto::PlannerOptions dp_options = Options("budget", budget);
      dp_options.set_dp_only(true);
      absl::StatusOr<JudgedSchedule> dp = PlanAndJudge(*c, dp_options);
      ASSERT_TRUE(dp.ok() || absl::IsOutOfRange(dp.status())) << dp.status() << "\n" << where;
      for (const char* p : kPeers) {
        Stats& s = stats[p];
        absl::StatusOr<JudgedSchedule> j = PlanAndJudge(*c, Options(p, budget));
        if (!j.ok()) {
          ++s.refused;
          ASSERT_TRUE(absl::IsOutOfRange(j.status()) ||
                      (std::string(p) == "dtr" && absl::IsResourceExhausted(j.status())))
              << p << " at budget " << budget << ": " << j.status() << "\n" << where;
          const bool must_plan =
              step == kSteps && (std::string(p) != "rotor" || RotorExact(graph, n, budget));
          ASSERT_FALSE(must_plan) << p << " fails at store-all's peak " << budget << ": "
                                  << j.status() << "\n" << where;
          ASSERT_FALSE(std::string(p) == "rotor" && dp.ok() && RotorExact(graph, n, budget))
              << "rotor fails where budget's DP plans, at " << budget << ": " << j.status()
              << "\n" << where;
          continue;
        }
        ++s.planned;
        ASSERT_LE(j->sim.peak_bytes, budget) << p << "\n" << where;
        ASSERT_GE(j->sim.peak_bytes, lower) << p << "\n" << where;
        if (std::string(p) == "rotor" && dp.ok()) {
          ASSERT_LE(j->sim.recompute_cost, dp->sim.recompute_cost)
              << "rotor recomputes more than budget's DP at " << budget << "\n" << where;
        }
        // budget offers every candidate of chen_greedy and mincut (their
        // candidates do not depend on the budget; step 6 of its portfolio):
        // it plans wherever they do and never recomputes more.
        const bool absorbed = std::string(p) == "chen_greedy" || std::string(p) == "mincut";
        if (absorbed) {
          ASSERT_TRUE(b.ok()) << "budget fails where " << p << " plans, at " << budget << ": "
                              << b.status() << "\n" << where;
          ASSERT_LE(b->sim.recompute_cost, j->sim.recompute_cost)
              << "budget recomputes more than " << p << " at " << budget << "\n" << where;
        }
        if (!b.ok()) {
          ++s.only_peer;
          std::printf("%s plans where budget cannot: suite index %lld (%s, %lld nodes), "
                      "budget %lld: %s recomputes %lld\n",
                      p, static_cast<long long>(index), proto::Family_Name(spec.family()).c_str(),
                      static_cast<long long>(n), static_cast<long long>(budget), p,
                      static_cast<long long>(j->sim.recompute_cost));
          continue;
        }
        ++s.both;
        const int64_t mine = j->sim.recompute_cost, theirs = b->sim.recompute_cost;
        if (mine == theirs) {
          ++s.equal;
        } else if (mine > theirs) {
          ++s.more;
        } else {
          ++s.less;
          std::printf("%s beats budget: suite index %lld (%s, %lld nodes), budget %lld: %s "
                      "recomputes %lld, budget %lld\n",
                      p, static_cast<long long>(index), proto::Family_Name(spec.family()).c_str(),
                      static_cast<long long>(n), static_cast<long long>(budget), p,
                      static_cast<long long>(mine), static_cast<long long>(theirs));
        }
      }
    }
  }
  for (const char* p : kPeers) {
    const Stats& s = stats[p];
    std::printf("%-12s planned %lld, refused %lld; where budget also plans (%lld): equal %lld, "
                "more %lld, less %lld; plans where budget cannot: %lld\n",
                p, static_cast<long long>(s.planned), static_cast<long long>(s.refused),
                static_cast<long long>(s.both), static_cast<long long>(s.equal),
                static_cast<long long>(s.more), static_cast<long long>(s.less),
                static_cast<long long>(s.only_peer));
  }
}

}  // namespace
}  // namespace tbp

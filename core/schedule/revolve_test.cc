#include "core/schedule/revolve.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace tbp {
namespace {

// Published values (Griewank & Walther 2000, and the statement).
TEST(RevolveStepsTest, PublishedValues) {
  EXPECT_EQ(RevolveSteps(100, 3), 490);
  EXPECT_EQ(RevolveSteps(1000, 4), 7998);
  EXPECT_EQ(RevolveSteps(10000, 5), 112868);
}

// t(l, s) against the defining recursion, evaluated independently by
// dynamic programming: t(1, s) = 0, t(l, 0) = inf for l >= 2, and
// t(l, s) = min over 1 <= j < l of j + t(l - j, s - 1) + t(j, s).
TEST(RevolveStepsTest, ClosedFormMatchesRecursion) {
  const int64_t kL = 60, kS = 6;
  std::vector<std::vector<int64_t>> t(kL + 1, std::vector<int64_t>(kS + 1, kRevolveInfeasible));
  for (int64_t s = 0; s <= kS; ++s) t[1][s] = 0;
  for (int64_t l = 2; l <= kL; ++l) {
    for (int64_t s = 1; s <= kS; ++s) {
      for (int64_t j = 1; j < l; ++j) {
        if (t[l - j][s - 1] >= kRevolveInfeasible) continue;
        t[l][s] = std::min(t[l][s], j + t[l - j][s - 1] + t[j][s]);
      }
    }
  }
  for (int64_t l = 1; l <= kL; ++l) {
    for (int64_t s = 0; s <= kS; ++s) {
      EXPECT_EQ(RevolveSteps(l, s), t[l][s]) << "l=" << l << " s=" << s;
      if (l >= 2 && s >= 1) {
        const int64_t j = RevolveSplit(l, s);
        EXPECT_EQ(j + t[l - j][s - 1] + t[j][s], t[l][s]) << "l=" << l << " s=" << s;
      }
    }
  }
}

TEST(RevolvePlanTest, SplitsFollowTheBinomialRule) {
  PlanTree tree = RevolvePlan(100, 3);
  // Every split leaves the right part one slot fewer; leaves fit their slots.
  EXPECT_GT(tree.nodes.size(), 1u);
  EXPECT_EQ(tree.nodes[tree.root].a, 0);
  EXPECT_EQ(tree.nodes[tree.root].b, 100);
  EXPECT_EQ(tree.nodes[tree.root].m, RevolveSplit(100, 3));
}

}  // namespace
}  // namespace tbp

#include "core/schedule/revolve.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/util/check.h"

namespace tbp {
namespace {

int64_t SatAdd(int64_t a, int64_t b) {
  return (a >= kRevolveInfeasible - b) ? kRevolveInfeasible : a + b;
}

}  // namespace

int64_t RevolveSteps(int64_t l, int64_t s) {
  TBP_CHECK(l >= 1 && s >= 0);
  if (l == 1) return 0;
  if (s == 0) return kRevolveInfeasible;
  if (s >= l - 1) return l - 1;
  // binom = C(s + r, s), grown with r; C(s + r, s + 1) = binom * r / (s + 1).
  __int128 binom = 1;
  int64_t r = 0;
  while (binom < l) {
    ++r;
    binom = binom * (s + r) / r;
  }
  __int128 t = static_cast<__int128>(r) * l - binom * r / (s + 1);
  return t >= kRevolveInfeasible ? kRevolveInfeasible : static_cast<int64_t>(t);
}

int64_t RevolveSplit(int64_t l, int64_t s) {
  TBP_CHECK(l >= 2 && s >= 1);
  if (s == 1) return l - 1;  // No second slot: the right part is one step.
  auto cost = [&](int64_t j) {
    return SatAdd(SatAdd(j, RevolveSteps(l - j, s - 1)), RevolveSteps(j, s));
  };
  // cost is convex in j (t(., s) is piecewise linear with nondecreasing
  // slopes r), so the first j whose successor is not cheaper is optimal.
  int64_t lo = 1, hi = l - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (cost(mid + 1) < cost(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

PlanTree RevolvePlan(int32_t n, int64_t slots) {
  TBP_CHECK(n >= 1 && slots >= 1);
  PlanTree tree(n);
  struct Task { int32_t index; int64_t s; };
  std::vector<Task> stack = {{tree.root, slots}};
  while (!stack.empty()) {
    const Task task = stack.back();
    stack.pop_back();
    const int32_t a = tree.nodes[task.index].a, b = tree.nodes[task.index].b;
    const int64_t l = b - a;
    if (l <= 1 || task.s >= l - 1) continue;  // A leaf stores every state.
    const int32_t m = a + static_cast<int32_t>(RevolveSplit(l, task.s));
    PlanTree::Children kids = tree.Split(task.index, m);
    stack.push_back({kids.right, task.s - 1});
    stack.push_back({kids.left, task.s});
  }
  return tree;
}

}  // namespace tbp

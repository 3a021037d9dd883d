#include "core/schedule/simple_planners.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/util/check.h"

namespace tbp {

int64_t CeilSqrt(int64_t n) {
  TBP_CHECK(n >= 1);
  int64_t r = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r < n) ++r;
  while (r > 1 && (r - 1) * (r - 1) >= n) --r;
  return r;
}

PlanTree StoreAllPlan(int32_t n) { return PlanTree(n); }

PlanTree PeriodicPlan(int32_t n, int64_t segment_length) {
  TBP_CHECK(n >= 1 && segment_length >= 1);
  PlanTree tree(n);
  int32_t index = tree.root;
  for (int64_t m = segment_length; m < n; m += segment_length) {
    index = tree.Split(index, static_cast<int32_t>(m)).right;
  }
  return tree;
}

PlanTree IntervalTreePlan(int32_t n, int64_t block_size, int64_t arity) {
  TBP_CHECK(n >= 1 && block_size >= 1 && arity >= 2);
  const int64_t blocks = (n + block_size - 1) / block_size;
  auto boundary = [&](int64_t block) {
    return static_cast<int32_t>(std::min<int64_t>(block * block_size, n));
  };
  PlanTree tree(n);
  // An interval of blocks [lo, hi) sits at plan node `index`; split it into
  // k children of near-equal block counts, as a right-leaning chain of
  // binary splits (the checkpoints of all children are held together).
  struct Task { int32_t index; int64_t lo, hi; };
  std::vector<Task> stack = {{tree.root, 0, blocks}};
  while (!stack.empty()) {
    const Task t = stack.back();
    stack.pop_back();
    const int64_t count = t.hi - t.lo;
    if (count <= 1) continue;
    const int64_t k = std::min(arity, count);
    int32_t index = t.index;
    int64_t start = t.lo;
    for (int64_t child = 0; child + 1 < k; ++child) {
      const int64_t end = t.lo + (count * (child + 1)) / k;
      PlanTree::Children kids = tree.Split(index, boundary(end));
      stack.push_back({kids.left, start, end});
      index = kids.right;
      start = end;
    }
    stack.push_back({index, start, t.hi});
  }
  return tree;
}

}  // namespace tbp

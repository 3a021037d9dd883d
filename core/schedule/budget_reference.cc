#include "core/schedule/budget_reference.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/schedule/budget_terms.h"

namespace tbp {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;

// For every block interval [i, j), the Pareto frontier of (need, cost) over
// the plans of the interval: need in bytes (exact, no discretisation), cost
// = total forward cost. Points are sorted by increasing need and strictly
// decreasing cost. Computed bottom-up by interval length; a split at m
// combines the right frontier (shifted by the checkpoint) with the left one
// by a two-pointer merge over need thresholds: O(|R| + |L|) per split.
class ReferenceFrontierDp {
 public:
  struct Point {
    int64_t need = 0;
    int64_t cost = 0;
    int32_t split = -1;  // Block boundary index, or -1 for the leaf.
    int32_t right = -1;  // Point index in frontier(split, j).
    int32_t left = -1;   // Point index in frontier(i, split).
  };

  // Points needing more than max_need are dropped: no plan within a budget
  // of max_need can use them (a parent never needs less than its children).
  ReferenceFrontierDp(const BudgetDp& dp, int64_t max_points, int64_t max_need,
                      const SplitGrid& grid)
      : dp_(dp), max_points_(max_points), max_need_(max_need) {
    const int32_t L = dp.blocks();
    frontier_.resize(static_cast<size_t>(L + 1) * (L + 1));
    std::vector<Point> split_points, merged;
    for (int32_t len = 1; len <= L; ++len) {
      for (int32_t i = 0; i + len <= L; ++i) {
        const int32_t j = i + len;
        const int64_t leaf_need = dp.LeafNeed(i, j);
        std::vector<Point>& f = frontier_[Key(i, j)];
        f.clear();
        if (leaf_need <= max_need_) f.push_back(Point{leaf_need, dp.LeafCost(i, j), -1, -1, -1});
        for (int32_t m = i + 1; m < j; ++m) {
          if (!Allowed(grid, L, i, m, j)) continue;
          split_points.clear();
          Combine(i, m, j, leaf_need, &split_points);
          if (split_points.empty()) continue;
          ParetoMerge(f, split_points, &merged);
          f.swap(merged);
          // Bound the work per split; thinning keeps both ends exact.
          if (static_cast<int64_t>(f.size()) > 4 * max_points_) Thin(&f);
        }
        Thin(&f);
      }
    }
  }

  const std::vector<Point>& At(int32_t i, int32_t j) const { return frontier_[Key(i, j)]; }

  // The split-grid rule of budget_planner.h, written out independently: the
  // grid of an interval of `len` blocks is the largest power of two g with
  // len >= g * min_candidates, capped at the largest power of two <=
  // ceil(L / top_blocks); g = 1 when L <= full_blocks.
  static bool Allowed(const SplitGrid& grid, int32_t L, int32_t i, int32_t m, int32_t j) {
    if (L <= grid.full_blocks) return true;
    int64_t cap = 1;
    while (cap * 2 <= (L + grid.top_blocks - 1) / grid.top_blocks) cap *= 2;
    int64_t g = 1;
    while (g * 2 <= cap && (j - i) >= g * 2 * grid.min_candidates) g *= 2;
    return m % g == 0;
  }


 private:
  size_t Key(int32_t i, int32_t j) const {
    return static_cast<size_t>(i) * (dp_.blocks() + 1) + j;
  }

  void Combine(int32_t i, int32_t m, int32_t j, int64_t leaf_need, std::vector<Point>* out) {
    const std::vector<Point>& right = At(m, j);
    const std::vector<Point>& left = At(i, m);
    if (right.empty() || left.empty()) return;
    const int64_t sweep = dp_.SweepNeed(i, m, j);
    const int64_t ck = dp_.Checkpoint(i, m);
    const int64_t fixed = dp_.SweepCost(i, m, j);
    // Thresholds T at which the best choice changes; at each, the cheapest
    // right point with ck + need <= T and the cheapest left point with
    // need <= T are the last ones within T (costs decrease along a
    // frontier). Plans needing the leaf's memory or more are dominated by it.
    // The thresholds are the merged, increasing needs of both frontiers.
    size_t r = 0, l = 0;         // Best choice within the current threshold.
    size_t rn = 0, ln = 0;       // Next unvisited threshold of each list.
    int64_t last_cost = kInf;
    while (rn < right.size() || ln < left.size()) {
      int64_t t;
      if (ln >= left.size() || (rn < right.size() && ck + right[rn].need <= left[ln].need)) {
        t = ck + right[rn++].need;
      } else {
        t = left[ln++].need;
      }
      if (t < sweep) t = sweep;
      if (t >= leaf_need || t > max_need_) break;
      while (r + 1 < right.size() && ck + right[r + 1].need <= t) ++r;
      while (l + 1 < left.size() && left[l + 1].need <= t) ++l;
      if (ck + right[r].need > t || left[l].need > t) continue;
      const int64_t cost = fixed + right[r].cost + left[l].cost;
      if (cost >= last_cost) continue;  // Not better than a cheaper-need point.
      last_cost = cost;
      out->push_back(Point{std::max({sweep, ck + right[r].need, left[l].need}), cost, m,
                           static_cast<int32_t>(r), static_cast<int32_t>(l)});
    }
  }

  // Merges two frontiers (each sorted by increasing need with strictly
  // decreasing cost) into the frontier of their union, in linear time.
  static void ParetoMerge(const std::vector<Point>& a, const std::vector<Point>& b,
                          std::vector<Point>* out) {
    out->clear();
    size_t i = 0, k = 0;
    while (i < a.size() || k < b.size()) {
      const bool take_a =
          k >= b.size() ||
          (i < a.size() && (a[i].need < b[k].need ||
                            (a[i].need == b[k].need && a[i].cost <= b[k].cost)));
      const Point& p = take_a ? a[i++] : b[k++];
      if (out->empty() || p.cost < out->back().cost) out->push_back(p);
    }
  }

  // Keeps at most max_points_ points: the least-need and least-cost ends
  // always survive (so the least feasible budget stays exact); the rest are
  // thinned evenly.
  void Thin(std::vector<Point>* f) const {
    const int64_t n = static_cast<int64_t>(f->size());
    if (n <= max_points_) return;
    std::vector<Point> thinned;
    thinned.reserve(max_points_);
    for (int64_t k = 0; k < max_points_; ++k) {
      thinned.push_back((*f)[k * (n - 1) / (max_points_ - 1)]);
    }
    f->swap(thinned);
  }

  const BudgetDp& dp_;
  int64_t max_points_;
  int64_t max_need_;
  std::vector<std::vector<Point>> frontier_;
};

}  // namespace

std::vector<ModelledPoint> ReferenceRootFrontier(const OrderContext& context, int64_t max_blocks,
                                                 int64_t memory_levels, int64_t max_need_bytes,
                                                 const SplitGrid& grid) {
  const BudgetDp dp(context, max_blocks);
  const ReferenceFrontierDp f(dp, memory_levels, max_need_bytes, grid);
  std::vector<ModelledPoint> out;
  for (const auto& p : f.At(0, dp.blocks())) out.push_back({p.need, p.cost});
  return out;
}

int64_t ReferenceLeastCost(const std::vector<ModelledPoint>& root, int64_t budget_bytes) {
  int64_t best = -1;
  for (const ModelledPoint& p : root) {
    if (p.need_bytes <= budget_bytes) best = p.forward_cost;
  }
  return best;
}

}  // namespace tbp

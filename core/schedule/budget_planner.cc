#include "core/schedule/budget_planner.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/util/check.h"

namespace tbp {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
constexpr int64_t kMaxPoints = int64_t{1} << 26;

}  // namespace

// Block-level summaries of an order and the interval DP over them.
class BudgetDp {
 public:
  BudgetDp(const OrderContext& c, int64_t max_blocks) : c_(c) {
    L_ = static_cast<int32_t>(std::min<int64_t>(c.n, max_blocks));
    bound_.resize(L_ + 1);
    for (int32_t i = 0; i <= L_; ++i) {
      bound_[i] = static_cast<int32_t>((static_cast<int64_t>(i) * c.n) / L_);
    }
    std::vector<int32_t> block_of(c.n);
    for (int32_t i = 0; i < L_; ++i) {
      for (int32_t p = bound_[i]; p < bound_[i + 1]; ++p) block_of[p] = i;
    }
    // D[i][j] / Dc[i][j]: bytes / forward cost of the nodes at positions
    // < bound_[i] whose last use is >= bound_[j] (2-D dominance sums).
    const int32_t s = L_ + 1;
    D_.assign(static_cast<size_t>(s) * s, 0);
    Dc_.assign(static_cast<size_t>(s) * s, 0);
    for (int32_t p = 0; p < c.n; ++p) {
      if (c.last_use[p] <= p) continue;
      const int32_t I = block_of[p] + 1, J = block_of[c.last_use[p]];
      D_[I * s + J] += c.bytes[p];
      Dc_[I * s + J] += c.graph.forward_cost(c.node_at[p]);
    }
    for (int32_t i = 0; i < s; ++i) {
      for (int32_t j = s - 1; j >= 0; --j) {
        int64_t add = 0, addc = 0;
        if (i > 0) { add += D_[(i - 1) * s + j]; addc += Dc_[(i - 1) * s + j]; }
        if (j + 1 < s) { add += D_[i * s + j + 1]; addc += Dc_[i * s + j + 1]; }
        if (i > 0 && j + 1 < s) {
          add -= D_[(i - 1) * s + j + 1];
          addc -= Dc_[(i - 1) * s + j + 1];
        }
        D_[i * s + j] += add;
        Dc_[i * s + j] += addc;
      }
    }
    // Per block: the leaf's backward samples and the sweep's samples.
    max_q_.assign(L_, 0);
    max_s_.assign(L_, 0);
    for (int32_t b = 0; b < L_; ++b) {
      for (int32_t p = bound_[b]; p < bound_[b + 1]; ++p) {
        const int64_t own = c.cut_bytes[p] + c.bytes[p];
        max_q_[b] = std::max(max_q_[b], c.prefix_bytes[p + 1] + own);
        max_s_[b] = std::max(max_s_[b], own);
      }
    }
    // Leaf need and sweep profile for every block interval.
    leaf_need_.assign(static_cast<size_t>(s) * s, 0);
    sweep_.assign(static_cast<size_t>(s) * s, 0);
    for (int32_t i = 0; i < L_; ++i) {
      int64_t q = 0, sw = 0;
      for (int32_t j = i + 1; j <= L_; ++j) {
        q = std::max(q, max_q_[j - 1]);
        const int32_t blk = j - 1;
        const bool single = bound_[blk + 1] - bound_[blk] == 1;
        sw = std::max(sw, max_s_[blk] - Dd(i, single ? blk : blk + 1));
        leaf_need_[i * s + j] = std::max(W(i, j) + c.cut_bytes[bound_[j]], q - Wp(i));
        sweep_[i * s + j] = sw;
      }
    }
  }

  int32_t blocks() const { return L_; }
  int32_t boundary(int32_t i) const { return bound_[i]; }

  // Bytes of the various terms (see budget_planner.h).
  int64_t Dd(int32_t i, int32_t j) const { return D_[i * (L_ + 1) + j]; }
  int64_t Dcost(int32_t i, int32_t j) const { return Dc_[i * (L_ + 1) + j]; }
  int64_t Wp(int32_t i) const { return c_.prefix_bytes[bound_[i]]; }
  int64_t W(int32_t i, int32_t j) const { return Wp(j) - Wp(i); }
  int64_t Cut(int32_t j) const { return c_.cut_bytes[bound_[j]]; }
  int64_t Top(int32_t i, int32_t j) const { return Cut(j) - Dd(i, j); }
  int64_t LeafNeed(int32_t i, int32_t j) const { return leaf_need_[i * (L_ + 1) + j]; }
  int64_t SweepNeed(int32_t i, int32_t m, int32_t j) const {
    return Top(i, j) + Cut(j) + sweep_[i * (L_ + 1) + m];
  }
  int64_t Checkpoint(int32_t i, int32_t m) const { return Cut(m) - Dd(i, m); }
  int64_t Fwd(int32_t i, int32_t j) const {
    return c_.prefix_fwd[bound_[j]] - c_.prefix_fwd[bound_[i]];
  }
  // Forward cost of a leaf: every node of the segment but its resident top.
  int64_t LeafCost(int32_t i, int32_t j) const {
    return Fwd(i, j) - (c_.cut_fwd[bound_[j]] - Dcost(i, j));
  }
  int64_t SweepCost(int32_t i, int32_t m, int32_t j) const {
    return Fwd(i, m) - (Dcost(m, j) - Dcost(i, j));
  }

 private:
  const OrderContext& c_;
  int32_t L_ = 0;
  std::vector<int32_t> bound_;
  std::vector<int64_t> D_, Dc_, max_q_, max_s_, leaf_need_, sweep_;
};

// For every block interval [i, j), the Pareto frontier of (need, cost) over
// the plans of the interval: need in bytes (exact, no discretisation), cost
// = total forward cost. Points are sorted by increasing need and strictly
// decreasing cost. Computed bottom-up by interval length; a split at m
// combines the right frontier (shifted by the checkpoint) with the left one
// by a two-pointer merge over need thresholds: O(|R| + |L|) per split.
class FrontierDp {
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
  FrontierDp(const BudgetDp& dp, int64_t max_points, int64_t max_need)
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

BudgetPlanner::BudgetPlanner(const OrderContext& context, std::unique_ptr<BudgetDp> dp,
                             std::unique_ptr<FrontierDp> frontiers)
    : context_(&context), dp_(std::move(dp)), frontiers_(std::move(frontiers)) {}
BudgetPlanner::BudgetPlanner(BudgetPlanner&&) = default;
BudgetPlanner& BudgetPlanner::operator=(BudgetPlanner&&) = default;
BudgetPlanner::~BudgetPlanner() = default;

absl::StatusOr<BudgetPlanner> BudgetPlanner::Create(const OrderContext& c, int64_t max_blocks,
                                                    int64_t memory_levels,
                                                    int64_t max_budget_bytes) {
  TBP_CHECK(c.n >= 1);
  if (max_blocks < 1 || memory_levels < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.max_blocks = %d must be >= 1 and memory_levels = %d must be >= 2",
        max_blocks, memory_levels));
  }
  const int64_t blocks = std::min<int64_t>(c.n, max_blocks);
  if (static_cast<double>(blocks + 1) * (blocks + 1) * memory_levels >
      static_cast<double>(kMaxPoints)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "PlannerOptions.max_blocks = %d with memory_levels = %d could keep more than %d Pareto "
        "points (lower one of them)",
        max_blocks, memory_levels, kMaxPoints));
  }
  auto dp = std::make_unique<BudgetDp>(c, max_blocks);
  auto frontiers = std::make_unique<FrontierDp>(*dp, memory_levels, max_budget_bytes);
  return BudgetPlanner(c, std::move(dp), std::move(frontiers));
}

int64_t BudgetPlanner::MinFeasibleBytes() const {
  const std::vector<FrontierDp::Point>& root = frontiers_->At(0, dp_->blocks());
  if (!root.empty()) return root.front().need;
  // Everything was above the cap: the ends-only frontier gives the minimum.
  return FrontierDp(*dp_, 2, kInf).At(0, dp_->blocks()).front().need;
}

std::vector<int64_t> BudgetPlanner::BreakpointBudgets() const {
  std::vector<int64_t> out;
  for (const FrontierDp::Point& p : frontiers_->At(0, dp_->blocks())) out.push_back(p.need);
  return out;
}

absl::StatusOr<PlanTree> BudgetPlanner::PlanFor(int64_t budget_bytes) const {
  const int32_t L = dp_->blocks();
  const std::vector<FrontierDp::Point>& root = frontiers_->At(0, L);
  int32_t chosen = -1;
  for (int32_t k = 0; k < static_cast<int32_t>(root.size()); ++k) {
    if (root[k].need <= budget_bytes) chosen = k;  // Cost decreases with k.
  }
  if (chosen < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below the smallest budget of any frontier-cut "
        "schedule of this order at %d blocks: %d bytes",
        budget_bytes, L, MinFeasibleBytes()));
  }
  PlanTree tree(context_->n);
  struct Task { int32_t index, i, j, point; };
  std::vector<Task> stack = {{tree.root, 0, L, chosen}};
  while (!stack.empty()) {
    const Task t = stack.back();
    stack.pop_back();
    const FrontierDp::Point& p = frontiers_->At(t.i, t.j)[t.point];
    if (p.split < 0) continue;
    PlanTree::Children kids = tree.Split(t.index, dp_->boundary(p.split));
    stack.push_back({kids.right, p.split, t.j, p.right});
    stack.push_back({kids.left, t.i, p.split, p.left});
  }
  return tree;
}

int64_t DefaultMemoryLevels(int64_t blocks) {
  const int64_t b = std::max<int64_t>(1, blocks);
  return std::clamp<int64_t>((int64_t{1} << 20) / (b * b), 64, int64_t{1} << 16);
}

absl::StatusOr<PlanTree> BudgetPlan(const OrderContext& c, const BudgetPlannerOptions& options) {
  if (options.budget_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: the budget planner needs a budget > 0",
        options.budget_bytes));
  }
  if (options.max_blocks >= 1) {
    // When store-all fits, it is optimal (no recomputation): skip the DP.
    const BudgetDp dp(c, options.max_blocks);
    if (options.budget_bytes >= dp.LeafNeed(0, dp.blocks())) return PlanTree(c.n);
  }
  absl::StatusOr<BudgetPlanner> planner =
      BudgetPlanner::Create(c, options.max_blocks, options.memory_levels, options.budget_bytes);
  if (!planner.ok()) return planner.status();
  return planner->PlanFor(options.budget_bytes);
}

}  // namespace tbp

#include "core/schedule/budget_planner.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/schedule/budget_terms.h"
#include "core/util/check.h"

namespace tbp {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;

// Plan costs (total forward cost) saturate at kInf: a plan whose cost
// would not fit is never cheaper than one that does, and the simulator
// refuses to report a recompute_cost past int64.
int64_t CostSum(int64_t a, int64_t b, int64_t c) {
  int64_t s = 0;
  if (__builtin_add_overflow(a, b, &s) || __builtin_add_overflow(s, c, &s) || s > kInf) {
    return kInf;
  }
  return s;
}
constexpr int64_t kMaxPoints = int64_t{1} << 26;

}  // namespace

// For every block interval [i, j), the Pareto frontier of (need, cost) over
// the plans of the interval: need in bytes (exact, no discretisation), cost
// = total forward cost. Points are sorted by increasing need and strictly
// decreasing cost. Computed bottom-up by interval length; a split at m
// combines the right frontier (shifted by the checkpoint) with the left one
// by a two-pointer walk over need thresholds: O(|R| + |L|) per split.
//
// Exactness against the plain recurrence (budget_reference.h, which merges
// every split's points into the interval's frontier f, splits in increasing
// m, thinning whenever f exceeds 4 * max_points): this class produces the
// same frontiers, point for point, because it only skips work whose result
// the merge would discard.
//  (1) A split point b is discarded by the merge iff some point a of the
//      current f has a.need <= b.need and a.cost <= b.cost (f is a strict
//      staircase, so the last point of f with need <= b.need decides). Such
//      a b also never removes a point of f (the point dominating b precedes
//      it in f and costs no more than b, while f's costs strictly
//      decrease). So Combine tests each point against f with a pointer that
//      only moves forward (a split's points come in increasing need) and
//      drops dominated ones; the merge of the survivors equals the merge of
//      all of them.
//  (2) Every later point of a split costs at least lb = fixed + least cost
//      of the right frontier + least cost of the left frontier, and needs at
//      least the point just considered; once f holds a point within that
//      need costing <= lb, the rest of the split is dominated: stop.
//  (3) A split with no surviving point leaves f, and so the thinning
//      condition, unchanged: no merge, no thinning, as in the reference.
//  (4) Intervals that no split of the root can reach under the split grid
//      (SplitGrid) are not computed; the reachable ones are closed under
//      taking children (see InitGrid).
class FrontierDp {
 public:
  // A point is split in two parallel arrays: what the walks read (need,
  // cost; 16 bytes) and how to rebuild its plan.
  struct NeedCost {
    int64_t need = 0;
    int64_t cost = 0;
  };
  struct Origin {
    int32_t split = -1;  // Block boundary index, or -1 for the leaf.
    int32_t right = -1;  // Point index in frontier(split, j).
    int32_t left = -1;   // Point index in frontier(i, split).
  };
  struct Frontier {
    const NeedCost* points = nullptr;
    const Origin* origins = nullptr;
    size_t size = 0;
    bool empty() const { return size == 0; }
  };

  // Points needing more than max_need are dropped: no plan within a budget
  // of max_need can use them (a parent never needs less than its children).
  FrontierDp(const BudgetDp& dp, int64_t max_points, int64_t max_need, const SplitGrid& grid)
      : dp_(dp), max_points_(max_points), max_need_(max_need) {
    const int32_t L = dp.blocks();
    const size_t keys = static_cast<size_t>(L + 1) * (L + 1);
    begin_.assign(keys, 0);
    size_.assign(keys, 0);
    InitGrid(grid);
    Buffer f, merged;
    SplitPoints split_points;
    for (int32_t len = 1; len <= L; ++len) {
      const int32_t g = step_[len];
      for (int32_t i = 0; i + len <= L; i += g) {
        const int32_t j = i + len;
        if (j % g != 0 && j != L) continue;  // Not reachable (see InitGrid).
        const int64_t leaf_need = dp.LeafNeed(i, j);
        f.clear();
        if (leaf_need <= max_need_) f.push_back({leaf_need, dp.LeafCost(i, j)}, Origin{});
        for (int32_t m = i + g; m < j; m += g) {
          Combine(i, m, j, leaf_need, f, &split_points);
          if (split_points.count == 0) continue;
          ParetoMerge(f, split_points, &merged);
          std::swap(f, merged);
          // Bound the work per split; thinning keeps both ends exact.
          if (static_cast<int64_t>(f.points.size()) > 4 * max_points_) Thin(&f);
        }
        Thin(&f);
        // Appending may move the pools: nothing points into them here.
        const size_t key = Key(i, j);
        begin_[key] = points_.size();
        size_[key] = static_cast<int32_t>(f.points.size());
        points_.insert(points_.end(), f.points.begin(), f.points.end());
        origins_.insert(origins_.end(), f.origins.begin(), f.origins.end());
        // A sentinel past the end, so split walks need no bounds checks.
        points_.push_back({kInf, kInf});
        origins_.push_back(Origin{});
      }
    }
  }

  Frontier At(int32_t i, int32_t j) const {
    const size_t key = Key(i, j);
    return {points_.data() + begin_[key], origins_.data() + begin_[key],
            static_cast<size_t>(size_[key])};
  }

 private:
  // A frontier under construction.
  struct Buffer {
    std::vector<NeedCost> points;
    std::vector<Origin> origins;
    void clear() {
      points.clear();
      origins.clear();
    }
    void push_back(const NeedCost& p, const Origin& o) {
      points.push_back(p);
      origins.push_back(o);
    }
  };

  // A split's candidate points: the first `count` of the arrays.
  struct SplitPoints {
    std::vector<NeedCost> points;
    std::vector<Origin> origins;
    size_t count = 0;
    void Reserve(size_t n) {
      if (points.size() < n) {
        points.resize(n);
        origins.resize(n);
      }
    }
  };

  size_t Key(int32_t i, int32_t j) const {
    return static_cast<size_t>(i) * (dp_.blocks() + 1) + j;
  }

  // step_[len] = the grid of an interval of len blocks (SplitGrid): its
  // splits are the multiples of step_[len]. An interval [i, j) is computed
  // iff i and j are multiples of its grid (or j = L): the root (0, L) is; a
  // split m of such an interval is a multiple of its grid, and a shorter
  // interval's grid divides a longer one's (powers of two, non-decreasing
  // in len), so both children are computed too.
  void InitGrid(const SplitGrid& grid) {
    const int32_t L = dp_.blocks();
    step_.assign(L + 1, 1);
    if (L <= grid.full_blocks) return;
    int64_t cap = 1;
    while (cap * 2 <= (L + grid.top_blocks - 1) / grid.top_blocks) cap *= 2;
    for (int32_t len = 1; len <= L; ++len) {
      int64_t g = 1;
      while (g * 2 <= cap && len >= g * 2 * grid.min_candidates) g *= 2;
      step_[len] = static_cast<int32_t>(g);
    }
  }

  void Combine(int32_t i, int32_t m, int32_t j, int64_t leaf_need, const Buffer& f,
               SplitPoints* out) const {
    out->count = 0;
    const Frontier rf = At(m, j);
    const Frontier lf = At(i, m);
    if (rf.empty() || lf.empty()) return;
    const NeedCost* right = rf.points;
    const NeedCost* left = lf.points;
    const size_t nr = rf.size, nl = lf.size;
    const int64_t sweep = dp_.SweepNeed(i, m, j);
    const int64_t ck = dp_.Checkpoint(i, m);
    // The least need of any point of this split; nothing fits: skip.
    const int64_t least_need = std::max({sweep, ck + right[0].need, left[0].need});
    if (least_need >= leaf_need || least_need > max_need_) return;
    const int64_t fixed = dp_.SweepCost(i, m, j);
    const int64_t least_cost = CostSum(fixed, right[nr - 1].cost, left[nl - 1].cost);
    // The plans of this split within a need threshold T use the cheapest
    // right point with ck + need <= T and the cheapest left point with need
    // <= T: the last ones within T (costs decrease along a frontier). The
    // choice (r, l) changes only at the needs of the two frontiers, and each
    // change strictly lowers the cost, so the split's own frontier is the
    // sequence of choices from the first threshold that fits both sides
    // (least_need) on, advancing whichever side has the next smaller need.
    // Plans needing the leaf's memory or more are dominated by the leaf.
    // Branch-free where the outcome is data-dependent: each frontier ends
    // in a sentinel of need kInf (> any limit), and every choice is written
    // to `out`, kept (count advanced) only when f does not dominate it.
    const int64_t limit = std::min(leaf_need, max_need_ + 1);  // need < limit.
    size_t r = 0, l = 0;
    while (ck + right[r + 1].need <= least_need) ++r;
    while (left[l + 1].need <= least_need) ++l;
    out->Reserve(nr + nl);
    NeedCost* const out_points = out->points.data();
    Origin* const out_origins = out->origins.data();
    size_t kept = 0;
    int64_t need = least_need;
    const NeedCost* fp = f.points.data();  // [f begin, fp) need <= need.
    const NeedCost* const f_end = fp + f.points.size();
    int64_t f_cost = kInf;                 // Cost of fp[-1], kInf if none.
    while (true) {
      // (1): keep the point unless f dominates it; (2): stop when f
      // dominates everything this split can still produce.
      while (fp < f_end && fp->need <= need) f_cost = (fp++)->cost;
      if (f_cost <= least_cost) break;
      const int64_t cost = CostSum(fixed, right[r].cost, left[l].cost);
      out_points[kept] = {need, cost};
      out_origins[kept] = Origin{m, static_cast<int32_t>(r), static_cast<int32_t>(l)};
      kept += cost < f_cost;
      const int64_t next_r = ck + right[r + 1].need;
      const int64_t next_l = left[l + 1].need;
      need = std::min(next_r, next_l);
      if (need >= limit) break;
      r += next_r == need;
      l += next_l == need;
    }
    out->count = kept;
  }

  // Merges a frontier with a split's candidates (each sorted by increasing
  // need with strictly decreasing cost) into the frontier of their union.
  // The points of `a` that come before b's first one, and those after b's
  // last one once one of them is kept, are kept as they are (a staircase),
  // so they are copied in bulk; only the overlap is merged point by point.
  static void ParetoMerge(const Buffer& a, const SplitPoints& b, Buffer* out) {
    const size_t na = a.points.size(), nb = b.count;
    const NeedCost first = b.points[0];
    const size_t prefix = static_cast<size_t>(
        std::partition_point(a.points.begin(), a.points.end(),
                             [&](const NeedCost& p) {
                               return p.need < first.need ||
                                      (p.need == first.need && p.cost <= first.cost);
                             }) -
        a.points.begin());
    out->points.assign(a.points.begin(), a.points.begin() + prefix);
    out->origins.assign(a.origins.begin(), a.origins.begin() + prefix);
    int64_t last_cost = prefix > 0 ? a.points[prefix - 1].cost : kInf;
    size_t i = prefix, k = 0;
    while (k < nb) {
      const bool take_a =
          i < na && (a.points[i].need < b.points[k].need ||
                     (a.points[i].need == b.points[k].need && a.points[i].cost <= b.points[k].cost));
      const NeedCost& p = take_a ? a.points[i] : b.points[k];
      const Origin& o = take_a ? a.origins[i] : b.origins[k];
      take_a ? ++i : ++k;
      if (p.cost < last_cost) {
        last_cost = p.cost;
        out->push_back(p, o);
      }
    }
    while (i < na && a.points[i].cost >= last_cost) ++i;
    out->points.insert(out->points.end(), a.points.begin() + i, a.points.end());
    out->origins.insert(out->origins.end(), a.origins.begin() + i, a.origins.end());
  }

  // Keeps at most max_points_ points: the least-need and least-cost ends
  // always survive (so the least feasible budget stays exact); the rest are
  // thinned evenly. In place: the k-th kept point comes from index >= k.
  void Thin(Buffer* f) const {
    const int64_t n = static_cast<int64_t>(f->points.size());
    if (n <= max_points_) return;
    for (int64_t k = 0; k < max_points_; ++k) {
      const int64_t from = k * (n - 1) / (max_points_ - 1);
      f->points[k] = f->points[from];
      f->origins[k] = f->origins[from];
    }
    f->points.resize(max_points_);
    f->origins.resize(max_points_);
  }

  const BudgetDp& dp_;
  int64_t max_points_;
  int64_t max_need_;
  std::vector<int32_t> step_;
  // Interval (i, j)'s frontier: points_/origins_[begin_[key], + size_[key]).
  std::vector<size_t> begin_;
  std::vector<int32_t> size_;
  std::vector<NeedCost> points_;
  std::vector<Origin> origins_;
};

BudgetPlanner::BudgetPlanner(const OrderContext& context, const SplitGrid& grid,
                             std::unique_ptr<BudgetDp> dp, std::unique_ptr<FrontierDp> frontiers)
    : context_(&context), grid_(grid), dp_(std::move(dp)), frontiers_(std::move(frontiers)) {}
BudgetPlanner::BudgetPlanner(BudgetPlanner&&) = default;
BudgetPlanner& BudgetPlanner::operator=(BudgetPlanner&&) = default;
BudgetPlanner::~BudgetPlanner() = default;

absl::StatusOr<BudgetPlanner> BudgetPlanner::Create(const OrderContext& c, int64_t max_blocks,
                                                    int64_t memory_levels,
                                                    int64_t max_budget_bytes,
                                                    const SplitGrid& grid) {
  TBP_CHECK(c.n >= 1);
  if (max_blocks < 1 || memory_levels < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.max_blocks = %d must be >= 1 and memory_levels = %d must be >= 2",
        max_blocks, memory_levels));
  }
  if (grid.full_blocks < 1 || grid.min_candidates < 1 || grid.top_blocks < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SplitGrid.full_blocks = %d, min_candidates = %d and top_blocks = %d must be >= 1",
        grid.full_blocks, grid.min_candidates, grid.top_blocks));
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
  auto frontiers = std::make_unique<FrontierDp>(*dp, memory_levels, max_budget_bytes, grid);
  return BudgetPlanner(c, grid, std::move(dp), std::move(frontiers));
}

int64_t BudgetPlanner::MinFeasibleBytes() const {
  const FrontierDp::Frontier root = frontiers_->At(0, dp_->blocks());
  if (!root.empty()) return root.points[0].need;
  // Everything was above the cap: the ends-only frontier gives the minimum.
  return FrontierDp(*dp_, 2, kInf, grid_).At(0, dp_->blocks()).points[0].need;
}

std::vector<ModelledPoint> BudgetPlanner::RootFrontier() const {
  std::vector<ModelledPoint> out;
  const FrontierDp::Frontier root = frontiers_->At(0, dp_->blocks());
  for (size_t k = 0; k < root.size; ++k) out.push_back({root.points[k].need, root.points[k].cost});
  return out;
}

std::vector<int64_t> BudgetPlanner::BreakpointBudgets() const {
  std::vector<int64_t> out;
  const FrontierDp::Frontier root = frontiers_->At(0, dp_->blocks());
  for (size_t k = 0; k < root.size; ++k) out.push_back(root.points[k].need);
  return out;
}

absl::StatusOr<PlanTree> BudgetPlanner::PlanFor(int64_t budget_bytes) const {
  const int32_t L = dp_->blocks();
  const FrontierDp::Frontier root = frontiers_->At(0, L);
  int32_t chosen = -1;
  for (int32_t k = 0; k < static_cast<int32_t>(root.size); ++k) {
    if (root.points[k].need <= budget_bytes) chosen = k;  // Cost decreases with k.
  }
  if (chosen < 0) {
    return absl::OutOfRangeError(absl::StrFormat(
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
    const FrontierDp::Origin& p = frontiers_->At(t.i, t.j).origins[t.point];
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

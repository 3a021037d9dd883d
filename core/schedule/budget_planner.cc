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
constexpr int64_t kMaxStates = int64_t{1} << 25;

int64_t CeilDiv(int64_t x, int64_t q) { return x <= 0 ? 0 : (x + q - 1) / q; }

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

// Least need (in units of q bytes) of any plan of [i, j): the feasibility
// frontier, used to state the smallest workable budget.
class MinNeed {
 public:
  MinNeed(const BudgetDp& dp, int64_t q) : dp_(dp), q_(q) {
    const int32_t s = dp.blocks() + 1;
    memo_.assign(static_cast<size_t>(s) * s, -1);
  }
  int64_t Get(int32_t i, int32_t j) {
    int64_t& slot = memo_[i * (dp_.blocks() + 1) + j];
    if (slot >= 0) return slot;
    int64_t best = CeilDiv(dp_.LeafNeed(i, j), q_);
    for (int32_t m = i + 1; m < j; ++m) {
      const int64_t sweep = CeilDiv(dp_.SweepNeed(i, m, j), q_);
      if (sweep >= best) continue;
      const int64_t right = CeilDiv(dp_.Checkpoint(i, m), q_) + Get(m, j);
      if (right >= best) continue;
      best = std::min(best, std::max({sweep, right, Get(i, m)}));
    }
    return slot = best;
  }

 private:
  const BudgetDp& dp_;
  int64_t q_;
  std::vector<int64_t> memo_;
};

class CostDp {
 public:
  CostDp(const BudgetDp& dp, int64_t q, int64_t levels) : dp_(dp), q_(q), k_(levels + 1) {
    const size_t s = dp.blocks() + 1;
    cost_.assign(s * s * k_, -1);
    split_.assign(s * s * k_, -1);
  }

  // Least forward cost of reversing [i, j) within m units; kInf if none.
  int64_t Opt(int32_t i, int32_t j, int64_t m) {
    const size_t key = (static_cast<size_t>(i) * (dp_.blocks() + 1) + j) * k_ + m;
    if (cost_[key] >= 0) return cost_[key];
    int64_t best = kInf;
    int32_t best_split = -1;
    if (CeilDiv(dp_.LeafNeed(i, j), q_) <= m) {
      best = dp_.LeafCost(i, j);  // No plan forwards less than every node once.
    } else {
      for (int32_t s = i + 1; s < j; ++s) {
        if (CeilDiv(dp_.SweepNeed(i, s, j), q_) > m) continue;
        const int64_t ck = CeilDiv(dp_.Checkpoint(i, s), q_);
        if (ck > m) continue;
        const int64_t sweep = dp_.SweepCost(i, s, j);
        if (sweep + dp_.LeafCost(s, j) + dp_.LeafCost(i, s) >= best) continue;
        const int64_t right = Opt(s, j, m - ck);
        if (right >= kInf || sweep + right + dp_.LeafCost(i, s) >= best) continue;
        const int64_t left = Opt(i, s, m);
        if (left >= kInf) continue;
        if (sweep + right + left < best) {
          best = sweep + right + left;
          best_split = s;
        }
      }
    }
    cost_[key] = best;
    split_[key] = best_split;
    return best;
  }

  int32_t Split(int32_t i, int32_t j, int64_t m) const {
    return split_[(static_cast<size_t>(i) * (dp_.blocks() + 1) + j) * k_ + m];
  }

 private:
  const BudgetDp& dp_;
  int64_t q_;
  size_t k_;
  std::vector<int64_t> cost_;
  std::vector<int32_t> split_;
};

}  // namespace

absl::StatusOr<PlanTree> BudgetPlan(const OrderContext& c, const BudgetPlannerOptions& options) {
  TBP_CHECK(c.n >= 1);
  if (options.budget_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: the budget planner needs a budget > 0",
        options.budget_bytes));
  }
  if (options.max_blocks < 1 || options.memory_levels < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.max_blocks = %d and memory_levels = %d must both be >= 1",
        options.max_blocks, options.memory_levels));
  }
  BudgetDp dp(c, options.max_blocks);
  const int32_t L = dp.blocks();
  const int64_t store_all_need = dp.LeafNeed(0, L);
  if (options.budget_bytes >= store_all_need) return PlanTree(c.n);

  const double states = static_cast<double>(L + 1) * (L + 1) * (options.memory_levels + 1);
  if (states > static_cast<double>(kMaxStates)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "PlannerOptions.max_blocks = %d with memory_levels = %d needs %.0f DP states; at most "
        "%d are allowed (lower one of them)",
        options.max_blocks, options.memory_levels, states, kMaxStates));
  }
  const int64_t q = std::max<int64_t>(1, CeilDiv(store_all_need, options.memory_levels));
  const int64_t units = options.budget_bytes / q;
  MinNeed min_need(dp, q);
  const int64_t least_units = min_need.Get(0, L);
  if (least_units > units) {
    MinNeed exact(dp, 1);
    const int64_t least_bytes = exact.Get(0, L);
    if (least_bytes > options.budget_bytes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PlannerOptions.budget_bytes = %d is below the smallest budget of any frontier-cut "
          "schedule of this order at %d blocks: %d bytes",
          options.budget_bytes, L, least_bytes));
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: at the DP's memory resolution of %d bytes "
        "(memory_levels = %d) the smallest workable budget is %d bytes (exactly %d bytes at "
        "%d blocks); raise memory_levels or the budget",
        options.budget_bytes, q, options.memory_levels, least_units * q, least_bytes, L));
  }
  CostDp cost(dp, q, units);
  TBP_CHECK(cost.Opt(0, L, units) < kInf);

  PlanTree tree(c.n);
  struct Task { int32_t index, i, j; int64_t m; };
  std::vector<Task> stack = {{tree.root, 0, L, units}};
  while (!stack.empty()) {
    const Task t = stack.back();
    stack.pop_back();
    TBP_CHECK(cost.Opt(t.i, t.j, t.m) < kInf);
    const int32_t s = cost.Split(t.i, t.j, t.m);
    if (s < 0) continue;
    PlanTree::Children kids = tree.Split(t.index, dp.boundary(s));
    stack.push_back({kids.right, s, t.j, t.m - CeilDiv(dp.Checkpoint(t.i, s), q)});
    stack.push_back({kids.left, t.i, s, t.m});
  }
  return tree;
}

}  // namespace tbp

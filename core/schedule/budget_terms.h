// Internal to the budget planner (budget_planner.h): the block-level terms
// of its memory and cost model over one coarsened order, and the rule that
// says which split points an interval of blocks may use. Shared by the DP
// and by its testing-only reference (budget_reference.h); not an API.
#ifndef TBP_CORE_SCHEDULE_BUDGET_TERMS_H_
#define TBP_CORE_SCHEDULE_BUDGET_TERMS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/schedule/plan_tree.h"

namespace tbp {

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

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_BUDGET_TERMS_H_

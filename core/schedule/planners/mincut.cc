#include "core/schedule/planners/mincut.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/planners/candidates.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

// The exact knapsack DP runs when items x (capacity + 1) is at most this.
constexpr int64_t kMaxDpCells = int64_t{1} << 24;
// Caps tried: every multiple of the gcd up to this many, else this many + 1
// evenly spaced.
constexpr int64_t kMaxCaps = 512;

// The saved sets of the knapsack at a series of caps (mincut.h).
class Knapsack {
 public:
  explicit Knapsack(const OrderContext& c) : c_(c) {
    for (int32_t p = 0; p < c.n; ++p) {
      if (c.bytes[p] > 0) {
        items_.push_back(p);
        gcd_ = std::gcd(gcd_, c.bytes[p]);
        total_ += c.bytes[p];
      }
    }
    if (gcd_ == 0) gcd_ = 1;
    capacity_ = total_ / gcd_;
    exact_ = static_cast<int64_t>(items_.size()) * (capacity_ + 1) <= kMaxDpCells;
    if (exact_) {
      SolveDp();
    } else {
      greedy_order_ = items_;
      std::stable_sort(greedy_order_.begin(), greedy_order_.end(), [&](int32_t a, int32_t b) {
        return static_cast<__int128>(Value(a)) * c_.bytes[b] >
               static_cast<__int128>(Value(b)) * c_.bytes[a];
      });
    }
  }

  // The caps to try, in units of gcd() (exact) or bytes (greedy).
  std::vector<int64_t> Caps() const {
    const int64_t top = exact_ ? capacity_ : total_;
    std::vector<int64_t> caps;
    if (top + 1 <= kMaxCaps) {
      for (int64_t w = 0; w <= top; ++w) caps.push_back(w);
    } else {
      for (int64_t i = 0; i <= kMaxCaps; ++i) {
        caps.push_back(static_cast<int64_t>(static_cast<__int128>(top) * i / kMaxCaps));
      }
    }
    return caps;
  }

  // saved[p] for the knapsack's choice at `cap` (a value from Caps()).
  std::vector<uint8_t> SavedAt(int64_t cap) const {
    std::vector<uint8_t> saved(c_.n, 1);  // Zero-byte nodes: always saved.
    for (int32_t p : items_) saved[p] = 0;
    if (exact_) {
      int64_t w = cap;
      for (size_t i = items_.size(); i-- > 0;) {
        if (take_[i * (capacity_ + 1) + w]) {
          saved[items_[i]] = 1;
          w -= c_.bytes[items_[i]] / gcd_;
        }
      }
    } else {
      int64_t used = 0;
      for (int32_t p : greedy_order_) {
        if (used + c_.bytes[p] <= cap) {
          saved[p] = 1;
          used += c_.bytes[p];
        }
      }
    }
    return saved;
  }

  bool exact() const { return exact_; }

 private:
  int64_t Value(int32_t p) const { return c_.graph.forward_cost(c_.node_at[p]); }

  // 0-1 knapsack over bytes / gcd: best[w] = most forward cost kept within
  // w; take_[i][w] = item i improves best[w] given the items before it.
  void SolveDp() {
    const int64_t width = capacity_ + 1;
    std::vector<int64_t> best(width, 0);
    take_.assign(items_.size() * width, 0);
    for (size_t i = 0; i < items_.size(); ++i) {
      const int64_t wi = c_.bytes[items_[i]] / gcd_;
      const int64_t vi = Value(items_[i]);
      for (int64_t w = capacity_; w >= wi; --w) {
        if (best[w - wi] + vi > best[w]) {
          best[w] = best[w - wi] + vi;
          take_[i * width + w] = 1;
        }
      }
    }
  }

  const OrderContext& c_;
  std::vector<int32_t> items_, greedy_order_;
  int64_t gcd_ = 0, total_ = 0, capacity_ = 0;
  bool exact_ = false;
  std::vector<uint8_t> take_;
};

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const int64_t budget = o.budget_bytes();
  bool exact = false;
  absl::StatusOr<std::vector<JudgedCandidate>> candidates =
      MinCutCandidates(c.positions(), &exact);
  if (!candidates.ok()) return candidates.status();
  const JudgedCandidate* best = BestWithin(*candidates, budget);
  if (best == nullptr) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below every mincut saved set on this order: the "
        "least simulated peak over its knapsack caps (%s) is %d bytes",
        budget, exact ? "exact DP" : "greedy", LeastPeak(*candidates)));
  }
  return c.MakeSchedule(o, best->instructions);
}

}  // namespace

absl::StatusOr<std::vector<JudgedCandidate>> MinCutCandidates(const OrderContext& c,
                                                              bool* exact_knapsack) {
  const Knapsack knapsack(c);
  if (exact_knapsack != nullptr) *exact_knapsack = knapsack.exact();
  std::vector<JudgedCandidate> out;
  std::set<std::vector<uint8_t>> seen;
  for (int64_t cap : knapsack.Caps()) {
    std::vector<uint8_t> saved = knapsack.SavedAt(cap);
    if (!seen.insert(saved).second) continue;
    absl::StatusOr<JudgedCandidate> j =
        JudgeCandidate(c.graph, "mincut", EmitSavedSetSchedule(c, saved));
    if (!j.ok()) return j.status();
    out.push_back(*std::move(j));
  }
  return out;
}

std::vector<Instruction> EmitSavedSetSchedule(const OrderContext& c,
                                              const std::vector<uint8_t>& saved) {
  const Graph& g = c.graph;
  std::vector<Instruction> out;
  std::vector<uint8_t> resident(c.n, 0), mark(c.n, 0);
  for (int32_t p = 0; p < c.n; ++p) {
    out.push_back({Op::kForward, c.node_at[p]});
    resident[p] = 1;
    for (NodeId u : g.inputs(c.node_at[p])) {
      const int32_t q = c.pos_of[u];
      if (q >= 0 && c.last_use[q] == p && !saved[q]) {
        out.push_back({Op::kFree, u});
        resident[q] = 0;
      }
    }
    if (c.last_use[p] < 0 && !saved[p]) {
      out.push_back({Op::kFree, c.node_at[p]});
      resident[p] = 0;
    }
  }
  std::vector<int32_t> missing, stack;
  for (int32_t p = c.n - 1; p >= 0; --p) {
    const NodeId v = c.node_at[p];
    // v, its COMPUTE inputs and their missing ancestors, forwarded in order.
    missing.clear();
    stack.clear();
    auto want = [&](int32_t q) {
      if (q >= 0 && !resident[q] && !mark[q]) {
        mark[q] = 1;
        missing.push_back(q);
        stack.push_back(q);
      }
    };
    want(p);
    for (NodeId u : g.inputs(v)) want(c.pos_of[u]);
    while (!stack.empty()) {
      const int32_t q = stack.back();
      stack.pop_back();
      for (NodeId u : g.inputs(c.node_at[q])) want(c.pos_of[u]);
    }
    std::sort(missing.begin(), missing.end());
    for (int32_t q : missing) {
      out.push_back({Op::kForward, c.node_at[q]});
      resident[q] = 1;
      mark[q] = 0;
    }
    out.push_back({Op::kBackward, v});
    out.push_back({Op::kFree, v});
    resident[p] = 0;
  }
  return out;
}

const PlannerDef& MinCutPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "mincut";
    d->summary = "PyTorch min-cut partitioner's policy with a memory budget: a knapsack "
                 "chooses the saved activations, the rest is recomputed once in the backward "
                 "(one level, no nesting)";
    d->citation = "PyTorch functorch min-cut partitioner with activation_memory_budget";
    d->budget = BudgetUse::kRequired;
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

#include "core/schedule/planners/rotor.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/schedule/plan_tree.h"
#include "core/util/check.h"

namespace tbp {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
constexpr int64_t kDefaultCells = int64_t{1} << 22;
constexpr int64_t kMaxCells = int64_t{1} << 26;
// Most (unit, interval, split) steps of the fill: about 40 s on one core.
constexpr double kMaxSteps = 8589934592.0;  // 2^33

// ceil(a / b) for b > 0, without the overflow of (a + b - 1) near INT64_MAX.
int64_t CeilDiv(int64_t a, int64_t b) { return a <= 0 ? 0 : (a - 1) / b + 1; }

// The DP of rotor.h over the positions of one order, in memory units.
class RotorDp {
 public:
  RotorDp(const OrderContext& c, int64_t unit, int64_t levels, bool allow_drop)
      : c_(c), n_(c.n), unit_(unit), levels_(levels), allow_drop_(allow_drop) {
    d_.assign(static_cast<size_t>(n_ + 1) * (n_ + 1), 0);
    for (int32_t i = 0; i < n_; ++i) {
      for (int32_t j = 0; j <= n_; ++j) {
        D(i + 1, j) = D(i, j) + (c_.last_use[i] >= j ? c_.bytes[i] : 0);
      }
    }
    grad_at_backward_.resize(n_);
    for (int32_t p = 0; p < n_; ++p) {
      int64_t g = c_.cut_bytes[p + 1] + (c_.last_use[p] < 0 ? c_.bytes[p] : 0);
      for (NodeId u : c_.graph.inputs(c_.node_at[p])) {
        const int32_t q = c_.pos_of[u];
        if (q >= 0 && c_.last_use[q] == p) g += c_.bytes[q];
      }
      grad_at_backward_[p] = g;
    }
  }

  // Fills the table (K = levels + 1 entries per sub-problem).
  void Solve() {
    table_.assign(static_cast<size_t>(n_) * (n_ + 1) * (levels_ + 1), kInf);
    for (int32_t len = 0; len < n_; ++len) {
      for (int32_t s = 0; s + len < n_; ++s) {
        for (int h = 0; h < 2; ++h) FillRow(s, s + len, h);
      }
    }
  }

  // Least forward cost of P(0, n - 1, 0) within k <= levels units (kInf:
  // none).
  int64_t RootCost(int64_t k) const { return Row(0, n_ - 1, 0)[k]; }
  int64_t unit() const { return unit_; }
  int64_t levels() const { return levels_; }

  // The least need in bytes of any plan of the space (exact, no units).
  int64_t MinNeedBytes() const {
    std::vector<int64_t> need(static_cast<size_t>(n_) * (n_ + 1), kInf);
    auto at = [&](int32_t s, int32_t t, int h) -> int64_t& {
      return need[(Tri(s, t)) * 2 + h];
    };
    for (int32_t len = 0; len < n_; ++len) {
      for (int32_t s = 0; s + len < n_; ++s) {
        const int32_t t = s + len;
        for (int h = 0; h < 2; ++h) {
          int64_t best = BackwardSample(s);
          if (s < t) {
            best = kInf;
            int64_t sweep = 0;
            for (int32_t j = s + 1; j <= t; ++j) {
              if (!Held(j - 1, t, h)) sweep = std::max(sweep, SweepSample(s, j - 1, t, h));
              best = std::min(best, std::max({sweep, Checkpoint(s, j) + at(j, t, h),
                                              at(s, j - 1, 1)}));
            }
            int64_t record = std::max(BackwardSample(s), c_.bytes[s] + at(s + 1, t, h));
            if (!Held(s, t, h)) record = std::max(record, SweepSample(s, s, t, h));
            best = std::min(best, record);
          }
          if (h == 1 && allow_drop_) best = std::min(best, at(s, t, 0));
          at(s, t, h) = best;
        }
      }
    }
    return at(0, n_ - 1, 0);
  }

  // The schedule of the plan achieving RootCost(root_k) (which must be
  // finite).
  std::vector<Instruction> Emit(int64_t root_k) const {
    struct Task {
      bool backward;  // BACKWARD v_s, FREE v_s; else solve P(s, t, h) at k.
      int32_t s, t;
      int h;
      int64_t k;
    };
    std::vector<Instruction> out;
    std::vector<uint8_t> resident(n_, 0);
    int64_t forward_cost = 0;
    auto forward = [&](int32_t p) {
      TBP_CHECK(!resident[p]);
      out.push_back({Op::kForward, c_.node_at[p]});
      resident[p] = 1;
      forward_cost += c_.graph.forward_cost(c_.node_at[p]);
    };
    auto free_pos = [&](int32_t p) {
      TBP_CHECK(resident[p]);
      out.push_back({Op::kFree, c_.node_at[p]});
      resident[p] = 0;
    };
    auto backward = [&](int32_t p) {
      out.push_back({Op::kBackward, c_.node_at[p]});
      free_pos(p);
    };
    std::vector<Task> stack = {{false, 0, n_ - 1, 0, root_k}};
    while (!stack.empty()) {
      const Task task = stack.back();
      stack.pop_back();
      if (task.backward) {
        backward(task.s);
        continue;
      }
      const int32_t s = task.s, t = task.t;
      const int h = task.h;
      const int64_t k = task.k;
      for (int32_t p = s; p <= t; ++p) TBP_CHECK(resident[p] == (Held(p, t, h) ? 1 : 0));
      const Choice choice = Choose(s, t, h, k);
      switch (choice.kind) {
        case Choice::kBase:
          if (!resident[s]) forward(s);
          backward(s);
          break;
        case Choice::kSplit: {
          const int32_t j = choice.j;
          for (int32_t p = s; p < j; ++p) {
            if (!resident[p]) forward(p);
            for (NodeId u : c_.graph.inputs(c_.node_at[p])) {
              const int32_t q = c_.pos_of[u];
              if (q >= s && c_.last_use[q] == p && resident[q]) free_pos(q);
            }
            if (c_.last_use[p] < 0) free_pos(p);  // A sink: read again by its BACKWARD only.
          }
          stack.push_back({false, s, j - 1, 1, k});
          stack.push_back({false, j, t, h, k - CeilDiv(Checkpoint(s, j), unit_)});
          break;
        }
        case Choice::kRecord:
          if (!resident[s]) forward(s);
          stack.push_back({true, s, s, 0, 0});
          stack.push_back({false, s + 1, t, h, k - CeilDiv(c_.bytes[s], unit_)});
          break;
        case Choice::kDrop:
          for (int32_t p = s; p <= t; ++p) {
            if (resident[p]) free_pos(p);
          }
          stack.push_back({false, s, t, 0, k});
          break;
      }
    }
    // The DP's cost is the plan's: a broken invariant otherwise.
    TBP_CHECK(forward_cost == RootCost(root_k));
    return out;
  }

 private:
  struct Choice {
    enum Kind { kBase, kSplit, kRecord, kDrop } kind = kBase;
    int32_t j = -1;
  };

  int64_t& D(int32_t i, int32_t j) { return d_[static_cast<size_t>(i) * (n_ + 1) + j]; }
  // Bytes of the nodes at positions < i whose last use is >= j.
  int64_t D(int32_t i, int32_t j) const { return d_[static_cast<size_t>(i) * (n_ + 1) + j]; }
  static size_t Tri(int32_t s, int32_t t) {
    return static_cast<size_t>(t) * (t + 1) / 2 + s;
  }
  const int64_t* Row(int32_t s, int32_t t, int h) const {
    return table_.data() + (Tri(s, t) * 2 + h) * (levels_ + 1);
  }
  int64_t* Row(int32_t s, int32_t t, int h) {
    return table_.data() + (Tri(s, t) * 2 + h) * (levels_ + 1);
  }
  // v_p is resident at the start of P(s, t, h) (s <= p <= t).
  bool Held(int32_t p, int32_t t, int h) const { return h == 1 && c_.last_use[p] > t; }
  // The checkpoint of a sweep over [s, j): C(j) ∩ [s, j).
  int64_t Checkpoint(int32_t s, int32_t j) const { return c_.cut_bytes[j] - D(s, j); }
  // FORWARD v_p in a sweep of P(s, t, h): C(p) ∩ [s, p), v_p, the held top
  // beyond p, and the gradients of C(t + 1).
  int64_t SweepSample(int32_t s, int32_t p, int32_t t, int h) const {
    int64_t sample = c_.cut_bytes[p] - D(s, p) + c_.bytes[p] + c_.cut_bytes[t + 1];
    if (h == 1) sample += c_.cut_bytes[t + 1] - D(p + 1, t + 1);
    return sample;
  }
  // BACKWARD v_s with nothing else of [s, n) resident.
  int64_t BackwardSample(int32_t s) const { return c_.bytes[s] + grad_at_backward_[s]; }
  int64_t Cost(int32_t p) const { return c_.graph.forward_cost(c_.node_at[p]); }

  // Applies `visit(choice, value at k)` to every option of P(s, t, h) in
  // tie order, for the units k in [0, levels]. Used by the fill (all k) and
  // by the reconstruction (one k).
  template <typename Visit>
  void Options(int32_t s, int32_t t, int h, int64_t k_lo, int64_t k_hi, Visit visit) const {
    if (s == t) {
      const int64_t first = CeilDiv(BackwardSample(s), unit_);
      const int64_t cost = Held(s, t, h) ? 0 : Cost(s);
      for (int64_t k = std::max(first, k_lo); k <= k_hi; ++k) visit(Choice{Choice::kBase}, k, cost);
    } else {
      int64_t sweep_need = 0, sweep_cost = 0;
      for (int32_t j = s + 1; j <= t; ++j) {
        if (!Held(j - 1, t, h)) {
          sweep_need = std::max(sweep_need, SweepSample(s, j - 1, t, h));
          sweep_cost += Cost(j - 1);
        }
        const int64_t ck = CeilDiv(Checkpoint(s, j), unit_);
        const int64_t* right = Row(j, t, h);
        const int64_t* left = Row(s, j - 1, 1);
        for (int64_t k = std::max({CeilDiv(sweep_need, unit_), ck, k_lo}); k <= k_hi; ++k) {
          const int64_t r = right[k - ck], l = left[k];
          if (r < kInf && l < kInf) visit(Choice{Choice::kSplit, j}, k, sweep_cost + r + l);
        }
      }
      const bool held = Held(s, t, h);
      int64_t need = BackwardSample(s);
      if (!held) need = std::max(need, SweepSample(s, s, t, h));
      const int64_t cm = CeilDiv(c_.bytes[s], unit_);
      const int64_t* child = Row(s + 1, t, h);
      for (int64_t k = std::max({CeilDiv(need, unit_), cm, k_lo}); k <= k_hi; ++k) {
        const int64_t r = child[k - cm];
        if (r < kInf) visit(Choice{Choice::kRecord}, k, (held ? 0 : Cost(s)) + r);
      }
    }
    if (h == 1 && allow_drop_) {
      const int64_t* dropped = Row(s, t, 0);
      for (int64_t k = k_lo; k <= k_hi; ++k) {
        if (dropped[k] < kInf) visit(Choice{Choice::kDrop}, k, dropped[k]);
      }
    }
  }

  void FillRow(int32_t s, int32_t t, int h) {
    int64_t* row = Row(s, t, h);
    Options(s, t, h, 0, levels_, [row](const Choice&, int64_t k, int64_t value) {
      if (value < row[k]) row[k] = value;
    });
  }

  // The first option (in tie order) that attains the table's value at k.
  Choice Choose(int32_t s, int32_t t, int h, int64_t k) const {
    const int64_t target = Row(s, t, h)[k];
    TBP_CHECK(target < kInf);
    Choice chosen;
    bool found = false;
    Options(s, t, h, k, k, [&](const Choice& choice, int64_t, int64_t value) {
      if (!found && value == target) {
        chosen = choice;
        found = true;
      }
    });
    TBP_CHECK(found);
    return chosen;
  }

  const OrderContext& c_;
  const int32_t n_;
  const int64_t unit_, levels_;
  const bool allow_drop_;
  std::vector<int64_t> d_, grad_at_backward_, table_;
};

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  absl::StatusOr<std::vector<Instruction>> s =
      RotorSchedule(c.positions(), o.budget_bytes(), o.memory_slots(), /*allow_drop=*/true);
  if (!s.ok()) return s.status();
  return c.MakeSchedule(o, *std::move(s));
}

}  // namespace

namespace {

int64_t GcdOfSizes(const OrderContext& oc) {
  int64_t g = 0;
  for (int64_t b : oc.bytes) g = std::gcd(g, b);
  return g == 0 ? 1 : g;
}

// The DP at the units of RotorSchedule for `budget`, solved; the table's
// limits are kResourceExhausted.
absl::StatusOr<std::unique_ptr<RotorDp>> SolveRotor(const OrderContext& oc, int64_t budget,
                                                    int64_t memory_slots, bool allow_drop) {
  const int64_t g = GcdOfSizes(oc);
  const int64_t exact_levels = budget / g;
  const int64_t unit = g * std::max<int64_t>(1, CeilDiv(exact_levels, memory_slots));
  const int64_t levels = budget / unit;
  const int64_t n = oc.n;
  // levels may be INT64_MAX (budget_bytes = INT64_MAX, unit 1): + 1 in
  // double, never in int64.
  if ((static_cast<double>(levels) + 1) * static_cast<double>(n) * (n + 1) >
      static_cast<double>(kMaxCells)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "rotor's table for %d positions and %d memory units has more than %d cells; give a "
        "smaller PlannerOptions.memory_slots",
        n, levels, kMaxCells));
  }
  const double steps = (static_cast<double>(levels) + 1) * n * n * n / 3.0;
  if (steps > kMaxSteps) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "rotor's DP for %d positions and %d memory units takes about %.3g steps, more than "
        "2^33; give a smaller PlannerOptions.memory_slots (or a smaller graph)",
        n, levels, steps));
  }
  auto dp = std::make_unique<RotorDp>(oc, unit, levels, allow_drop);
  dp->Solve();
  return dp;
}

// The plan within k units of a solved DP, or kOutOfRange.
absl::StatusOr<std::vector<Instruction>> EmitWithin(const RotorDp& dp, int64_t k,
                                                    int64_t budget, int64_t gcd) {
  if (dp.RootCost(k) >= kInf) {
    const int64_t least = dp.MinNeedBytes();
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below what rotor reaches on this order: the least "
        "need of its plan space is %d bytes%s",
        budget, least,
        dp.unit() == gcd ? ""
                         : absl::StrFormat(" (the DP rounds checkpoints up to %d-byte units; "
                                           "more memory_slots may reach it)",
                                           dp.unit())));
  }
  return dp.Emit(k);
}

}  // namespace

absl::StatusOr<std::vector<Instruction>> RotorSchedule(const OrderContext& oc, int64_t budget,
                                                      int64_t memory_slots, bool allow_drop) {
  absl::StatusOr<std::unique_ptr<RotorDp>> dp = SolveRotor(oc, budget, memory_slots, allow_drop);
  if (!dp.ok()) return dp.status();
  return EmitWithin(**dp, (*dp)->levels(), budget, GcdOfSizes(oc));
}

struct RotorAllBudgets::Impl {
  std::unique_ptr<RotorDp> dp;
  int64_t gcd = 1;
};

RotorAllBudgets::RotorAllBudgets() = default;
RotorAllBudgets::~RotorAllBudgets() = default;

absl::StatusOr<std::unique_ptr<RotorAllBudgets>> RotorAllBudgets::Solve(
    const OrderContext& context, int64_t max_budget_bytes, int64_t memory_slots,
    bool allow_drop) {
  absl::StatusOr<std::unique_ptr<RotorDp>> dp =
      SolveRotor(context, max_budget_bytes, memory_slots, allow_drop);
  if (!dp.ok()) return dp.status();
  std::unique_ptr<RotorAllBudgets> r(new RotorAllBudgets);
  r->impl_ = std::make_unique<Impl>();
  r->impl_->dp = *std::move(dp);
  r->impl_->gcd = GcdOfSizes(context);
  return r;
}

absl::StatusOr<std::vector<Instruction>> RotorAllBudgets::Schedule(int64_t budget_bytes) const {
  const RotorDp& dp = *impl_->dp;
  const int64_t k = std::min(dp.levels(), std::max<int64_t>(0, budget_bytes) / dp.unit());
  return EmitWithin(dp, k, budget_bytes, impl_->gcd);
}

int64_t DefaultRotorSlots(int64_t n) {
  return std::max<int64_t>(8, kDefaultCells / (n * (n + 1)) - 1);
}

const PlannerDef& RotorPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "rotor";
    d->summary = "optimal persistent checkpointing of heterogeneous chains (dynamic program "
                 "over memory and stage intervals) on the chain of the order's frontier cuts, "
                 "with the already-held flag";
    d->citation = "Beaumont et al. 2019, Rotor";
    d->budget = BudgetUse::kRequired;
    d->knobs = {{"memory_slots", KnobType::kInt, 1, kNoMax,
                 "2^22 / (n (n + 1)) - 1, at least 8 (exact bytes when budget / gcd of the "
                 "sizes is at most that)",
                 "", "memory units the DP divides the budget into"}};
    d->resolve_defaults = [](PlanContext& c, proto::PlannerOptions* o) {
      if (o->memory_slots() == 0) o->set_memory_slots(DefaultRotorSlots(c.n()));
    };
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

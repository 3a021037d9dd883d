#include "core/schedule/refine.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/sim/simulator.h"

namespace tbp {
namespace {

// Range add, range max over int64 samples (lazy segment tree).
class MaxTree {
 public:
  explicit MaxTree(const std::vector<int64_t>& values) {
    while (size_ < values.size()) size_ *= 2;
    max_.assign(2 * size_, 0);
    add_.assign(2 * size_, 0);
    for (size_t i = 0; i < values.size(); ++i) max_[size_ + i] = values[i];
    for (size_t i = size_ - 1; i >= 1; --i) max_[i] = std::max(max_[2 * i], max_[2 * i + 1]);
  }
  // Max over [lo, hi).
  int64_t Max(size_t lo, size_t hi) const { return Max(1, 0, size_, lo, hi); }
  // Adds delta to [lo, hi).
  void Add(size_t lo, size_t hi, int64_t delta) { Add(1, 0, size_, lo, hi, delta); }

 private:
  static constexpr int64_t kNone = INT64_MIN / 4;
  int64_t Max(size_t node, size_t l, size_t r, size_t lo, size_t hi) const {
    if (hi <= l || r <= lo) return kNone;
    if (lo <= l && r <= hi) return max_[node];
    const size_t m = (l + r) / 2;
    return add_[node] + std::max(Max(2 * node, l, m, lo, hi), Max(2 * node + 1, m, r, lo, hi));
  }
  void Add(size_t node, size_t l, size_t r, size_t lo, size_t hi, int64_t delta) {
    if (hi <= l || r <= lo) return;
    if (lo <= l && r <= hi) {
      max_[node] += delta;
      add_[node] += delta;
      return;
    }
    const size_t m = (l + r) / 2;
    Add(2 * node, l, m, lo, hi, delta);
    Add(2 * node + 1, m, r, lo, hi, delta);
    max_[node] = add_[node] + std::max(max_[2 * node], max_[2 * node + 1]);
  }
  size_t size_ = 1;  // leaves, a power of two
  std::vector<int64_t> max_, add_;  // max_[node] includes add_[node]
};

// Simulates `instructions` with one memory sample per instruction.
absl::StatusOr<SimResult> SimulateTimeline(const Graph& graph,
                                           const std::vector<Instruction>& instructions) {
  SimOptions options;
  options.record_timeline = true;
  return Simulate(graph, instructions, options);
}

// Whether instruction `in` reads or frees tensor t (or computes it).
bool Touches(const Graph& graph, const Instruction& in, NodeId t) {
  if (in.node == t) return true;
  if (in.op == Op::kFree) return false;
  for (NodeId u : graph.inputs(in.node)) {
    if (u == t) return true;
  }
  return false;
}

// The sum over samples of the excess over the budget, and the first sample
// over it (-1 if none).
int64_t Excess(const SimResult& sim, int64_t budget, int64_t* first_over) {
  int64_t excess = 0;
  *first_over = -1;
  for (size_t k = 0; k < sim.timeline_bytes.size(); ++k) {
    if (sim.timeline_bytes[k] <= budget) continue;
    excess += sim.timeline_bytes[k] - budget;
    if (*first_over < 0) *first_over = static_cast<int64_t>(k);
  }
  return excess;
}

// TradeRecomputations also tries every two pairs at once when a schedule
// has at most this many (refine.h).
constexpr size_t kMaxPairsForDoubleTrades = 24;

// The recomputation pairs of a schedule: FREE v at i, then the next
// FORWARD v at j > i, in order of j.
struct RecomputePair { size_t i, j; };
std::vector<RecomputePair> RecomputePairs(const Graph& graph,
                                          const std::vector<Instruction>& instructions) {
  std::vector<RecomputePair> pairs;
  std::vector<int64_t> last_free(graph.num_nodes(), -1);
  for (size_t k = 0; k < instructions.size(); ++k) {
    const Instruction& in = instructions[k];
    if (in.op == Op::kFree) {
      last_free[in.node] = static_cast<int64_t>(k);
    } else if (in.op == Op::kForward && last_free[in.node] >= 0) {
      pairs.push_back({static_cast<size_t>(last_free[in.node]), k});
      last_free[in.node] = -1;
    }
  }
  return pairs;
}

// Where each node occurs in a schedule, as two CSR lists of increasing
// instruction indices: `touch` (instructions that compute, free or
// backward the node, or read it: a consumer's FORWARD or BACKWARD) and
// `own` (the node's own FORWARD, FREE and BACKWARD). Built in O(L * degree);
// each query below is a binary search, so RecomputeToFit's scan over the
// resident tensors costs O(N log L) per step instead of O(N * L).
class Occurrences {
 public:
  Occurrences(const Graph& graph, const std::vector<Instruction>& ins)
      : graph_(graph), ins_(ins) {
    const size_t n = static_cast<size_t>(graph.num_nodes());
    std::vector<int64_t> touch_count(n + 1, 0), own_count(n + 1, 0);
    ForEachTouch([&](NodeId v, size_t) { ++touch_count[v + 1]; });
    for (const Instruction& in : ins) ++own_count[in.node + 1];
    for (size_t v = 0; v < n; ++v) {
      touch_count[v + 1] += touch_count[v];
      own_count[v + 1] += own_count[v];
    }
    touch_start_ = touch_count;
    own_start_ = own_count;
    touch_.resize(static_cast<size_t>(touch_count[n]));
    own_.resize(static_cast<size_t>(own_count[n]));
    ForEachTouch([&](NodeId v, size_t x) { touch_[touch_count[v]++] = static_cast<int64_t>(x); });
    for (size_t x = 0; x < ins.size(); ++x) {
      own_[own_count[ins[x].node]++] = static_cast<int64_t>(x);
    }
  }

  // The last instruction before k and the first after k that touch t (-1
  // and L when none).
  std::pair<int64_t, int64_t> Around(NodeId t, int64_t k) const {
    const int64_t* b = touch_.data() + touch_start_[t];
    const int64_t* e = touch_.data() + touch_start_[t + 1];
    const int64_t* after = std::upper_bound(b, e, k);
    const int64_t* at_or_after = std::lower_bound(b, e, k);
    const int64_t before = at_or_after == b ? -1 : *(at_or_after - 1);
    return {before, after == e ? static_cast<int64_t>(ins_.size()) : *after};
  }

  // Whether COMPUTE node v is resident right before instruction x: its last
  // own instruction before x is a FORWARD or a BACKWARD (which leaves it
  // resident), not a FREE.
  bool ResidentBefore(NodeId v, int64_t x) const {
    const int64_t* b = own_.data() + own_start_[v];
    const int64_t* e = own_.data() + own_start_[v + 1];
    const int64_t* it = std::lower_bound(b, e, x);
    if (it == b) return false;
    return ins_[*(it - 1)].op != Op::kFree;
  }

 private:
  template <typename F>
  void ForEachTouch(F&& f) const {
    for (size_t x = 0; x < ins_.size(); ++x) {
      const Instruction& in = ins_[x];
      f(in.node, x);
      if (in.op == Op::kFree) continue;
      for (NodeId u : graph_.inputs(in.node)) {
        if (u != in.node) f(u, x);
      }
    }
  }

  const Graph& graph_;
  const std::vector<Instruction>& ins_;
  std::vector<int64_t> touch_start_, own_start_, touch_, own_;
};

// The COMPUTE ancestors of t that must be computed again for a FORWARD t
// right before instruction j: t's inputs not resident before j, their
// inputs not resident there, and so on; inputs before consumers
// (post-order). Iterative (no recursion: chains may be millions deep);
// `mark` holds a stamp per node, `stamp` a value not used before.
std::vector<NodeId> MissingAncestors(const Graph& graph, const Occurrences& occ, int64_t j,
                                     NodeId t, std::vector<int64_t>* mark, int64_t stamp) {
  std::vector<NodeId> missing;
  struct Frame { NodeId v; size_t next; };
  std::vector<Frame> stack = {{t, 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    const auto inputs = graph.inputs(f.v);
    if (f.next < inputs.size()) {
      const NodeId u = inputs[f.next++];
      if (!graph.is_compute(u) || (*mark)[u] == stamp || occ.ResidentBefore(u, j)) continue;
      (*mark)[u] = stamp;
      stack.push_back({u, 0});
      continue;
    }
    if (f.v != t) missing.push_back(f.v);
    stack.pop_back();
  }
  return missing;
}

}  // namespace

absl::StatusOr<KeptSchedule> KeepRecomputedResident(
    const Graph& graph, const std::vector<Instruction>& instructions, int64_t budget_bytes) {
  absl::StatusOr<SimResult> sim = SimulateTimeline(graph, instructions);
  if (!sim.ok()) return sim.status();
  if (sim->peak_bytes > budget_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "KeepRecomputedResident: the schedule's peak %d exceeds budget_bytes = %d",
        sim->peak_bytes, budget_bytes));
  }
  if (sim->num_recomputes == 0) return KeptSchedule{instructions, sim->recompute_cost};

  struct Pair { int64_t cost, bytes; size_t span, i, j; };
  std::vector<Pair> pairs;
  for (const RecomputePair& p : RecomputePairs(graph, instructions)) {
    const NodeId v = instructions[p.j].node;
    pairs.push_back({graph.forward_cost(v), graph.output_bytes(v), p.j - p.i, p.i, p.j});
  }
  // Most recompute saved per byte kept first (cost_a / bytes_a >
  // cost_b / bytes_b, cross-multiplied), then the shorter span, then the
  // earlier FORWARD.
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    const __int128 lhs = static_cast<__int128>(a.cost) * b.bytes;
    const __int128 rhs = static_cast<__int128>(b.cost) * a.bytes;
    if (lhs != rhs) return lhs > rhs;
    return std::tie(a.span, a.j) < std::tie(b.span, b.j);
  });
  MaxTree memory(sim->timeline_bytes);
  std::vector<char> drop(instructions.size(), 0);
  for (const Pair& p : pairs) {
    if (memory.Max(p.i, p.j) + p.bytes > budget_bytes) continue;
    memory.Add(p.i, p.j, p.bytes);
    drop[p.i] = drop[p.j] = 1;
  }
  KeptSchedule out;
  out.instructions.reserve(instructions.size());
  for (size_t k = 0; k < instructions.size(); ++k) {
    if (!drop[k]) out.instructions.push_back(instructions[k]);
  }
  // The judge has the last word.
  absl::StatusOr<SimResult> check = Simulate(graph, out.instructions);
  if (!check.ok() || check->peak_bytes > budget_bytes ||
      check->recompute_cost > sim->recompute_cost) {
    return absl::InternalError(absl::StrFormat(
        "KeepRecomputedResident produced a schedule the simulator rejects or that is worse "
        "(%s; peak %d, budget %d)",
        check.ok() ? "valid" : std::string(check.status().message()),
        check.ok() ? check->peak_bytes : -1, budget_bytes));
  }
  out.recompute_cost = check->recompute_cost;
  return out;
}

absl::StatusOr<KeptSchedule> RecomputeToFit(const Graph& graph,
                                            std::vector<Instruction> instructions,
                                            int64_t budget_bytes, WorkMeter* meter) {
  // `sim` is always the simulation of `instructions`.
  absl::StatusOr<SimResult> sim = SimulateTimeline(graph, instructions);
  if (!sim.ok()) return sim.status();
  if (meter != nullptr) meter->Add(static_cast<int64_t>(instructions.size()) + graph.num_nodes());
  int64_t k = -1;
  int64_t excess = Excess(*sim, budget_bytes, &k);
  std::vector<int64_t> mark(graph.num_nodes(), 0);  // For MissingAncestors.
  int64_t stamp = 0;
  auto out_of_work = [&] {
    return absl::NotFoundError(absl::StrFormat(
        "RecomputeToFit: work limit reached with %d bytes over budget_bytes = %d", excess,
        budget_bytes));
  };
  while (excess > 0) {
    if (meter != nullptr) {
      if (meter->Exhausted()) return out_of_work();
      // The index of occurrences and the scan over the nodes below.
      meter->Add(2 * static_cast<int64_t>(instructions.size()) + graph.num_nodes());
    }
    // Tensors resident at k (before k's own effect) that k does not touch.
    const Occurrences occ(graph, instructions);
    struct Candidate {
      int64_t cost, bytes;
      NodeId t;
      size_t i, j;
      int kind;  // 0: move FREE earlier, 1: move FORWARD later, 2: FREE + FORWARD.
      // Kind 2: t's ancestors to FORWARD first (not resident at j), inputs
      // before consumers.
      std::vector<NodeId> missing;
    };
    std::vector<Candidate> candidates;
    for (NodeId t = 0; t < graph.num_nodes(); ++t) {
      if (!graph.is_compute(t) || !occ.ResidentBefore(t, k) ||
          Touches(graph, instructions[k], t)) {
        continue;
      }
      const auto [i, j] = occ.Around(t, k);
      const int64_t end = static_cast<int64_t>(instructions.size());
      if (i < 0 || j >= end) continue;
      const Instruction& first = instructions[i];
      const Instruction& next = instructions[j];
      int kind = 2;
      if (next.op == Op::kFree && next.node == t) {
        kind = 0;
      } else if (first.op == Op::kForward && first.node == t) {
        kind = 1;
      }
      std::vector<NodeId> missing;
      int64_t cost = 0;
      if (kind == 2) {
        missing = MissingAncestors(graph, occ, j, t, &mark, ++stamp);
        if (meter != nullptr) meter->Add(static_cast<int64_t>(missing.size()) + 1);
        cost = graph.forward_cost(t);
        for (NodeId u : missing) cost += graph.forward_cost(u);
      }
      candidates.push_back({cost, graph.output_bytes(t), t, static_cast<size_t>(i),
                            static_cast<size_t>(j), kind, std::move(missing)});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::make_tuple(a.cost, -a.bytes, a.t) < std::make_tuple(b.cost, -b.bytes, b.t);
    });
    bool applied = false;
    for (const Candidate& c : candidates) {
      if (meter != nullptr) {
        if (meter->Exhausted()) return out_of_work();
        // Copy + simulation (its per-node state too).
        meter->Add(2 * static_cast<int64_t>(instructions.size()) + graph.num_nodes());
      }
      std::vector<Instruction> next;
      next.reserve(instructions.size() + 2);
      for (size_t x = 0; x < instructions.size(); ++x) {
        if (c.kind == 0 && x == c.j) continue;            // The FREE moves up.
        if (c.kind == 1 && x == c.i) continue;            // The FORWARD moves down.
        if (c.kind != 0 && x == c.j) {
          for (NodeId u : c.missing) next.push_back({Op::kForward, u});
          next.push_back({Op::kForward, c.t});
          for (NodeId u : c.missing) next.push_back({Op::kFree, u});
        }
        next.push_back(instructions[x]);
        if (c.kind != 1 && x == c.i) next.push_back({Op::kFree, c.t});
      }
      absl::StatusOr<SimResult> next_sim = SimulateTimeline(graph, next);
      if (!next_sim.ok()) continue;
      int64_t next_k = -1;
      const int64_t next_excess = Excess(*next_sim, budget_bytes, &next_k);
      if (next_excess >= excess) continue;
      instructions = std::move(next);
      sim = std::move(next_sim);
      excess = next_excess;
      k = next_k;
      applied = true;
      break;
    }
    if (!applied) {
      return absl::NotFoundError(absl::StrFormat(
          "RecomputeToFit: no drop-and-recompute lowers the excess of %d bytes over "
          "budget_bytes = %d (first at instruction %d)",
          excess, budget_bytes, k));
    }
  }
  // Simulated valid with no sample over the budget.
  return KeptSchedule{std::move(instructions), sim->recompute_cost};
}

absl::StatusOr<KeptSchedule> TradeRecomputations(const Graph& graph,
                                                 const std::vector<Instruction>& instructions,
                                                 int64_t budget_bytes, WorkMeter* meter) {
  absl::StatusOr<KeptSchedule> current =
      KeepRecomputedResident(graph, instructions, budget_bytes);
  if (!current.ok()) return current.status();
  bool improved = true;
  while (improved && current->recompute_cost > 0) {
    improved = false;
    const std::vector<Instruction>& ins = current->instructions;
    // Costliest first, then the earlier FORWARD.
    std::vector<RecomputePair> pairs = RecomputePairs(graph, ins);
    auto cost = [&](const RecomputePair& p) { return graph.forward_cost(ins[p.j].node); };
    std::stable_sort(pairs.begin(), pairs.end(), [&](const RecomputePair& a,
                                                     const RecomputePair& b) {
      return cost(a) > cost(b);
    });
    // One pair at a time, then (few pairs only) two at a time.
    std::vector<std::pair<size_t, size_t>> kicks;
    for (size_t a = 0; a < pairs.size(); ++a) kicks.push_back({a, a});
    if (pairs.size() <= kMaxPairsForDoubleTrades) {
      for (size_t a = 0; a < pairs.size(); ++a) {
        for (size_t b = a + 1; b < pairs.size(); ++b) kicks.push_back({a, b});
      }
    }
    for (const auto& [a, b] : kicks) {
      if (meter != nullptr && meter->Exhausted()) return current;  // The best so far.
      const RecomputePair& p = pairs[a];
      const RecomputePair& q = pairs[b];
      std::vector<Instruction> kept;
      kept.reserve(ins.size());
      for (size_t k = 0; k < ins.size(); ++k) {
        if (k != p.i && k != p.j && k != q.i && k != q.j) kept.push_back(ins[k]);
      }
      absl::StatusOr<KeptSchedule> fit =
          RecomputeToFit(graph, std::move(kept), budget_bytes, meter);
      if (absl::IsNotFound(fit.status())) continue;
      if (!fit.ok()) return fit.status();
      absl::StatusOr<KeptSchedule> next =
          KeepRecomputedResident(graph, fit->instructions, budget_bytes);
      if (!next.ok()) return next.status();
      if (meter != nullptr) {  // Two simulations and a sort of the pairs.
        meter->Add(2 * (static_cast<int64_t>(fit->instructions.size()) + graph.num_nodes()) +
                   32 * static_cast<int64_t>(pairs.size()));
      }
      if (next->recompute_cost < current->recompute_cost) {
        current = std::move(next);
        improved = true;
        break;
      }
    }
  }
  return current;
}

namespace {

// A schedule of the DP for the budget B (1 + k / 16), brought under B by
// RecomputeToFit: in one step (k = 1), or through B (1 + m / 16) for m =
// k - 1 down to 0 with TradeRecomputations at each intermediate budget, so
// that each step drops little and the trades can undo a poor drop before
// the next. kNotFound where some step finds no drop.
absl::StatusOr<std::vector<Instruction>> DescendToBudget(const Graph& graph,
                                                         std::vector<Instruction> instructions,
                                                         int64_t budget, int k,
                                                         WorkMeter* meter) {
  for (int m = k - 1; m >= 0; --m) {
    const int64_t step =
        static_cast<int64_t>(budget + static_cast<__int128>(budget) * m / 16);
    absl::StatusOr<KeptSchedule> fit =
        RecomputeToFit(graph, std::move(instructions), step, meter);
    if (!fit.ok()) return fit.status();
    instructions = std::move(fit->instructions);
    if (m > 0) {
      absl::StatusOr<KeptSchedule> traded = TradeRecomputations(graph, instructions, step, meter);
      if (!traded.ok()) return traded.status();
      instructions = std::move(traded->instructions);
    }
  }
  return instructions;
}

}  // namespace

absl::StatusOr<std::vector<Instruction>> KeepRecomputedSearch(
    const Graph& graph, int64_t budget_bytes, const std::vector<Instruction>& at_budget,
    const std::function<absl::StatusOr<std::vector<Instruction>>(int64_t)>& plan_at) {
  constexpr int kKeepTries = 8;
  WorkMeter meter(std::max<int64_t>(
      kKeepMinWork, kKeepWorkPerInstruction * static_cast<int64_t>(at_budget.size())));
  absl::StatusOr<KeptSchedule> best =
      TradeRecomputations(graph, at_budget, budget_bytes, &meter);
  if (!best.ok()) return best.status();
  // The ladder of other DP budgets only where it is affordable: each step
  // plans, emits and simulates a whole schedule.
  const bool ladder = static_cast<int64_t>(at_budget.size()) <= kKeepLadderMaxInstructions;
  for (int sign : {-1, 1}) {
    for (int k = 1; ladder && k < kKeepTries && best->recompute_cost > 0 && !meter.Exhausted();
         ++k) {
      const __int128 dp_budget =
          budget_bytes + sign * (static_cast<__int128>(budget_bytes) * k / 16);
      if (dp_budget > std::numeric_limits<int64_t>::max()) break;
      absl::StatusOr<std::vector<Instruction>> s = plan_at(static_cast<int64_t>(dp_budget));
      if (!s.ok()) {
        if (sign < 0) break;  // Below the DP's least feasible budget.
        return s.status();
      }
      // Planning and emitting it is work too.
      meter.Add(static_cast<int64_t>(s->size()) + graph.num_nodes());
      // Below B: the schedule as it is. Above B: brought under B in one
      // step, and (k >= 2) in steps of B / 16 with the trades at each.
      std::vector<std::vector<Instruction>> candidates;
      if (sign < 0) {
        candidates.push_back(*std::move(s));
      } else {
        std::vector<int> descents = {1};
        if (k >= 2) descents.push_back(k);
        for (int steps : descents) {
          absl::StatusOr<std::vector<Instruction>> fit =
              DescendToBudget(graph, *s, budget_bytes, steps, &meter);
          if (absl::IsNotFound(fit.status())) continue;
          if (!fit.ok()) return fit.status();
          candidates.push_back(*std::move(fit));
        }
      }
      for (const std::vector<Instruction>& within : candidates) {
        absl::StatusOr<KeptSchedule> kept =
            TradeRecomputations(graph, within, budget_bytes, &meter);
        if (!kept.ok()) return kept.status();
        if (kept->recompute_cost < best->recompute_cost) best = std::move(kept);
      }
    }
  }
  return std::move(best->instructions);
}

}  // namespace tbp

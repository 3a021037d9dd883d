#include "core/schedule/refine.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
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

}  // namespace

absl::StatusOr<KeptSchedule> KeepRecomputedResident(
    const Graph& graph, const std::vector<Instruction>& instructions, int64_t budget_bytes) {
  SimOptions options;
  options.record_timeline = true;
  absl::StatusOr<SimResult> sim = Simulate(graph, instructions, options);
  if (!sim.ok()) return sim.status();
  if (sim->peak_bytes > budget_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "KeepRecomputedResident: the schedule's peak %d exceeds budget_bytes = %d",
        sim->peak_bytes, budget_bytes));
  }
  if (sim->num_recomputes == 0) return KeptSchedule{instructions, sim->recompute_cost};

  // The recomputation pairs (FREE at i, FORWARD at j).
  struct Pair { int64_t cost, bytes; size_t span, i, j; };
  std::vector<Pair> pairs;
  std::vector<int64_t> last_free(graph.num_nodes(), -1);
  for (size_t k = 0; k < instructions.size(); ++k) {
    const Instruction& in = instructions[k];
    if (in.op == Op::kFree) {
      last_free[in.node] = static_cast<int64_t>(k);
    } else if (in.op == Op::kForward && last_free[in.node] >= 0) {
      const size_t i = static_cast<size_t>(last_free[in.node]);
      pairs.push_back({graph.forward_cost(in.node), graph.output_bytes(in.node), k - i, i, k});
      last_free[in.node] = -1;
    }
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

}  // namespace tbp

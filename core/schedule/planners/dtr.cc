#include "core/schedule/planners/dtr.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace tbp {
namespace {

// A run that emits more instructions than this is thrashing: refused.
constexpr int64_t kMaxInstructions = 20'000'000;

// One offline DTR run over the program "forward in order, backward in
// reverse" (dtr.h).
class DtrRun {
 public:
  DtrRun(const OrderContext& c, int64_t budget)
      : c_(c),
        g_(c.graph),
        budget_(budget),
        resident_(g_.num_nodes(), 0),
        grad_live_(g_.num_nodes(), 0),
        pins_(g_.num_nodes(), 0),
        stamp_(g_.num_nodes(), 0),
        last_access_(g_.num_nodes(), 0) {}

  absl::StatusOr<std::vector<Instruction>> Run() {
    for (int32_t p = 0; p < c_.n; ++p) {
      if (absl::Status s = Ensure(c_.node_at[p]); !s.ok()) return s;
    }
    for (int32_t p = c_.n - 1; p >= 0; --p) {
      const NodeId b = c_.node_at[p];
      if (absl::Status s = Ensure(b); !s.ok()) return s;
      ++pins_[b];
      for (NodeId u : g_.inputs(b)) {
        if (!g_.is_compute(u)) continue;
        if (absl::Status s = Ensure(u); !s.ok()) return s;
        ++pins_[u];
      }
      // The gradients BACKWARD b allocates: b's seed, and its inputs' buffers.
      int64_t new_grad = grad_live_[b] ? 0 : g_.output_bytes(b);
      for (NodeId u : g_.inputs(b)) {
        if (g_.is_compute(u) && !grad_live_[u]) new_grad += g_.output_bytes(u);
      }
      if (absl::Status s = MakeRoom(new_grad, Op::kBackward, b); !s.ok()) return s;
      Emit(Op::kBackward, b);
      grad_ += new_grad - g_.output_bytes(b);
      grad_live_[b] = 0;
      --pins_[b];
      for (NodeId u : g_.inputs(b)) {
        if (!g_.is_compute(u)) continue;
        grad_live_[u] = 1;
        --pins_[u];
      }
      Emit(Op::kFree, b);  // Dead: nothing reads b after its BACKWARD.
    }
    return std::move(out_);
  }

 private:
  // Emits `op` on v and applies it to the residency state; an instruction
  // touches v and (FORWARD, BACKWARD) v's inputs.
  void Emit(Op op, NodeId v) {
    const int64_t index = static_cast<int64_t>(out_.size());
    out_.push_back({op, v});
    const int32_t p = c_.pos_of[v];
    if (op == Op::kFree) {
      resident_[v] = 0;
      activations_ -= g_.output_bytes(v);
      resident_positions_.erase(p);
      return;
    }
    if (op == Op::kForward) {
      resident_[v] = 1;
      activations_ += g_.output_bytes(v);
      resident_positions_.insert(p);
    }
    last_access_[v] = index;
    for (NodeId u : g_.inputs(v)) {
      if (g_.is_compute(u)) last_access_[u] = index;
    }
  }

  // Makes v resident: rematerialises its missing inputs first (recursively,
  // with an explicit stack), pinning each input as soon as it is resident.
  absl::Status Ensure(NodeId target) {
    if (resident_[target]) return absl::OkStatus();
    struct Frame {
      NodeId v;
      size_t next;
    };
    std::vector<Frame> stack = {{target, 0}};
    while (!stack.empty()) {
      if (static_cast<int64_t>(out_.size()) > kMaxInstructions) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "dtr emitted more than %d instructions at budget_bytes = %d (thrashing); give a "
            "larger budget",
            kMaxInstructions, budget_));
      }
      const NodeId v = stack.back().v;
      absl::Span<const NodeId> inputs = g_.inputs(v);
      const size_t next = stack.back().next;
      if (next < inputs.size()) {
        const NodeId u = inputs[next];
        if (!g_.is_compute(u) || resident_[u]) {
          if (g_.is_compute(u)) ++pins_[u];
          ++stack.back().next;
        } else {
          stack.push_back({u, 0});  // Pinned when its frame returns (resident then).
        }
        continue;
      }
      if (absl::Status s = MakeRoom(g_.output_bytes(v), Op::kForward, v); !s.ok()) return s;
      Emit(Op::kForward, v);
      for (NodeId u : inputs) {
        if (g_.is_compute(u)) --pins_[u];
      }
      stack.pop_back();
    }
    return absl::OkStatus();
  }

  // Forward cost of v plus that of its evicted ancestors reachable through
  // evicted tensors only (what rematerialising v would recompute).
  int64_t RematCost(NodeId v) {
    ++stamp_value_;
    int64_t cost = g_.forward_cost(v);
    walk_.clear();
    walk_.push_back(v);
    while (!walk_.empty()) {
      const NodeId w = walk_.back();
      walk_.pop_back();
      for (NodeId u : g_.inputs(w)) {
        if (!g_.is_compute(u) || resident_[u] || stamp_[u] == stamp_value_) continue;
        stamp_[u] = stamp_value_;
        cost += g_.forward_cost(u);
        walk_.push_back(u);
      }
    }
    return cost;
  }

  // Frees resident, unpinned tensors, least h first, until the sample
  // (resident activations + live gradients + `extra`) fits the budget.
  absl::Status MakeRoom(int64_t extra, Op op, NodeId for_node) {
    while (activations_ + grad_ + extra > budget_) {
      const int64_t clock = static_cast<int64_t>(out_.size());
      NodeId victim = kNoNode;
      __int128 best_num = 0, best_den = 1;
      for (int32_t p : resident_positions_) {
        const NodeId v = c_.node_at[p];
        if (pins_[v] > 0 || g_.output_bytes(v) == 0) continue;
        const __int128 num = RematCost(v);
        const __int128 den =
            static_cast<__int128>(g_.output_bytes(v)) * (clock - last_access_[v]);
        if (victim == kNoNode || num * best_den < best_num * den) {
          victim = v;
          best_num = num;
          best_den = den;
        }
      }
      if (victim == kNoNode) {
        return absl::OutOfRangeError(absl::StrFormat(
            "PlannerOptions.budget_bytes = %d is too small for dtr on this order: %s '%s' "
            "(instruction %d) needs %d bytes (%d resident activation bytes, pinned or of zero "
            "size, + %d gradient bytes + %d bytes it allocates) and nothing is left to evict",
            budget_, OpName(op), g_.name(for_node), clock, activations_ + grad_ + extra,
            activations_, grad_, extra));
      }
      Emit(Op::kFree, victim);
    }
    return absl::OkStatus();
  }

  const OrderContext& c_;
  const Graph& g_;
  const int64_t budget_;
  std::vector<uint8_t> resident_, grad_live_;
  std::vector<int32_t> pins_;
  std::vector<uint32_t> stamp_;
  uint32_t stamp_value_ = 0;
  std::vector<int64_t> last_access_;
  std::set<int32_t> resident_positions_;
  std::vector<NodeId> walk_;
  int64_t activations_ = 0, grad_ = 0;
  std::vector<Instruction> out_;
};

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  absl::StatusOr<std::vector<Instruction>> instructions =
      DtrSchedule(c.positions(), o.budget_bytes());
  if (!instructions.ok()) return instructions.status();
  return c.MakeSchedule(o, *std::move(instructions));
}

}  // namespace

absl::StatusOr<std::vector<Instruction>> DtrSchedule(const OrderContext& context,
                                                    int64_t budget_bytes) {
  DtrRun run(context, budget_bytes);
  return run.Run();
}

const PlannerDef& DtrPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "dtr";
    d->summary = "Dynamic Tensor Rematerialization run offline: evict by least "
                 "cost / (bytes x staleness), rematerialise on demand";
    d->citation = "Kirisame et al. 2021, DTR";
    d->budget = BudgetUse::kRequired;
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

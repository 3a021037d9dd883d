#include "core/schedule/exhaustive.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tbp {
namespace {

using Mask = uint64_t;

struct Local {
  int n = 0;
  std::vector<NodeId> id;           // Local index -> node id.
  std::vector<int64_t> bytes, fwd;
  std::vector<Mask> inputs, consumers;  // COMPUTE neighbours as masks.
};

Local Localize(const Graph& g) {
  Local l;
  l.n = static_cast<int>(g.compute_nodes().size());
  std::vector<int> local(g.num_nodes(), -1);
  for (int i = 0; i < l.n; ++i) {
    local[g.compute_nodes()[i]] = i;
    l.id.push_back(g.compute_nodes()[i]);
  }
  for (int i = 0; i < l.n; ++i) {
    const NodeId v = l.id[i];
    l.bytes.push_back(g.output_bytes(v));
    l.fwd.push_back(g.forward_cost(v));
    Mask in = 0, out = 0;
    for (NodeId u : g.inputs(v)) if (local[u] >= 0) in |= Mask{1} << local[u];
    for (NodeId w : g.consumers(v)) out |= Mask{1} << local[w];
    l.inputs.push_back(in);
    l.consumers.push_back(out);
  }
  return l;
}

// Every COMPUTE node.
Mask AllNodes(const Local& l) { return l.n == 64 ? ~Mask{0} : (Mask{1} << l.n) - 1; }

int64_t SumOver(const std::vector<int64_t>& values, Mask m) {
  int64_t s = 0;
  for (; m != 0; m &= m - 1) s += values[__builtin_ctzll(m)];
  return s;
}
int64_t SumBytes(const Local& l, Mask m) { return SumOver(l.bytes, m); }
int64_t SumFwd(const Local& l, Mask m) { return SumOver(l.fwd, m); }

// Nodes not done with a done consumer: the live gradient buffers.
Mask LiveGrads(const Local& l, Mask done) {
  Mask g = 0;
  for (int i = 0; i < l.n; ++i) {
    if (!(done >> i & 1) && (l.consumers[i] & done)) g |= Mask{1} << i;
  }
  return g;
}

// One move from state (res, done): FORWARD v, FREE v, or BACKWARD v (then
// FREE v); `node` is v's local index.
struct Move {
  Mask res = 0, done = 0;
  int64_t cost = 0;
  Op op = Op::kFree;
  int node = 0;
};

// Calls visit(move) for every move from (res, done) whose memory sample fits
// `budget`.
template <typename Visit>
void ForEachMove(const Local& l, Mask res, Mask done, int64_t budget, Visit&& visit) {
  const Mask grads = LiveGrads(l, done);
  const int64_t act_bytes = SumBytes(l, res), grad_bytes = SumBytes(l, grads);
  for (int v = 0; v < l.n; ++v) {
    const Mask bit = Mask{1} << v;
    if (done & bit) continue;
    if (res & bit) {
      visit(Move{res & ~bit, done, 0, Op::kFree, v});
      if ((l.consumers[v] & ~done) == 0 && (l.inputs[v] & ~res) == 0 &&
          act_bytes + SumBytes(l, grads | bit | l.inputs[v]) <= budget) {
        visit(Move{res & ~bit, done | bit, 0, Op::kBackward, v});
      }
    } else if ((l.inputs[v] & ~res) == 0 && act_bytes + l.bytes[v] + grad_bytes <= budget) {
      visit(Move{res | bit, done, l.fwd[v], Op::kForward, v});
    }
  }
}

// Estimated bytes per entry of the searches' tables (a flat_hash_map slot
// of key and value with its control byte, at the table's load factor).
constexpr int64_t kBytesPerReached = 56;
constexpr int64_t kBytesPerSeen = 20;

int64_t StateBytesLimit(int64_t max_state_bytes) {
  return max_state_bytes > 0 ? max_state_bytes : kExhaustiveDefaultStateBytes;
}

struct Found {
  bool ok = false;
  int64_t cost = 0;
  std::vector<Instruction> path;
  int64_t explored = 0;
  bool timed_out = false;
  bool too_many_states = false;
  bool cost_overflow = false;  // A move was pruned because its cost overflowed.
};

// A* over the states: h(resident, done) = the forward costs of the nodes
// neither resident nor done. Each of them still needs at least one FORWARD
// (it must be resident at its BACKWARD), so h never overestimates the
// remaining cost. It is also consistent: a move's FORWARD v lowers h by
// exactly its cost, FREEs (cost 0) raise it, BACKWARD leaves it unchanged.
// With a consistent h the first goal popped is optimal, and f = d + h never
// decreases along a path; f - (sum of forward costs) is a lower bound on the
// recompute of every completion, so states whose f exceeds an upper bound
// on the optimum are never queued. options.reference: plain Dijkstra.
Found Search(const Local& l, int64_t budget, const ExhaustiveOptions& options) {
  const absl::Time deadline = options.time_limit_s > 0
                                  ? absl::Now() + absl::Seconds(options.time_limit_s)
                                  : absl::InfiniteFuture();
  const Mask all = AllNodes(l);
  int64_t base = 0;
  for (int64_t c : l.fwd) base += c;
  const int64_t f_limit = options.recompute_upper_bound >= 0
                              ? base + options.recompute_upper_bound
                              : std::numeric_limits<int64_t>::max();
  const int64_t byte_limit = StateBytesLimit(options.max_state_bytes);
  auto h = [&](Mask res, Mask done) {
    return options.reference ? int64_t{0} : SumFwd(l, all & ~res & ~done);
  };
  using State = std::pair<Mask, Mask>;  // (resident, done)
  struct Reached {
    int64_t d = 0;
    State from;
    Op op = Op::kFree;
    int node = 0;
  };
  absl::flat_hash_map<State, Reached> reached;
  // (f, -d, state): among equal f, deeper states first (fewer ties to
  // expand before a goal at the optimal f).
  using Item = std::tuple<int64_t, int64_t, State>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
  const State start = {0, 0};
  reached[start] = Reached{};
  queue.push({h(0, 0), 0, start});
  Found found;
  while (!queue.empty()) {
    const auto [f, neg_d, s] = queue.top();
    const int64_t d = -neg_d;
    queue.pop();
    if (reached[s].d != d) continue;
    ++found.explored;
    if ((found.explored & 0xffff) == 0 && absl::Now() > deadline) {
      found.timed_out = true;
      return found;
    }
    if (static_cast<int64_t>(reached.size()) * kBytesPerReached +
            static_cast<int64_t>(queue.size() * sizeof(Item)) >
        byte_limit) {
      found.too_many_states = true;
      return found;
    }
    if (s.second == all) {
      found.ok = true;
      found.cost = d;
      for (State cur = s; cur != start;) {  // Backwards, then reversed.
        const Reached& r = reached[cur];
        if (r.op == Op::kBackward) found.path.push_back({Op::kFree, l.id[r.node]});
        found.path.push_back({r.op, l.id[r.node]});
        cur = r.from;
      }
      std::reverse(found.path.begin(), found.path.end());
      return found;
    }
    ForEachMove(l, s.first, s.second, budget, [&](const Move& m) {
      const State next = {m.res, m.done};
      int64_t nd = 0, nf = 0;  // A total past int64 could never be reported.
      if (__builtin_add_overflow(d, m.cost, &nd) ||
          __builtin_add_overflow(nd, h(m.res, m.done), &nf)) {
        found.cost_overflow = true;
        return;
      }
      if (nf > f_limit) return;
      auto [it, inserted] = reached.try_emplace(next);
      if (!inserted && it->second.d <= nd) return;
      it->second = Reached{nd, s, m.op, m.node};
      queue.push({nf, -nd, next});
    });
  }
  return found;
}

// Whether any valid schedule fits `budget`: a depth-first search over the
// moves of Search, without costs (the minimum memory does not depend on
// them), each state visited once. BACKWARD moves are tried first, then
// FORWARD, then FREE, so a feasible budget is usually confirmed along one
// deep path; an infeasible one is proven by exhausting the reachable
// states, like Search.
enum class Feasibility { kYes, kNo, kTooManyStates };

Feasibility Feasible(const Local& l, int64_t budget, int64_t byte_limit) {
  const Mask all = AllNodes(l);
  using State = std::pair<Mask, Mask>;  // (resident, done)
  absl::flat_hash_set<State> seen;
  std::vector<State> stack = {{0, 0}};
  seen.insert(stack.back());
  std::vector<State> frees, forwards, backwards;
  while (!stack.empty()) {
    const auto [res, done] = stack.back();
    stack.pop_back();
    if (done == all) return Feasibility::kYes;
    if (static_cast<int64_t>(seen.size()) * kBytesPerSeen +
            static_cast<int64_t>(stack.size() * sizeof(State)) >
        byte_limit) {
      return Feasibility::kTooManyStates;
    }
    frees.clear();
    forwards.clear();
    backwards.clear();
    ForEachMove(l, res, done, budget, [&](const Move& m) {
      (m.op == Op::kBackward ? backwards : m.op == Op::kForward ? forwards : frees)
          .push_back({m.res, m.done});
    });
    // The last pushed is expanded first.
    for (const std::vector<State>* moves : {&frees, &forwards, &backwards}) {
      for (const State& next : *moves) {
        if (seen.insert(next).second) stack.push_back(next);
      }
    }
  }
  return Feasibility::kNo;
}

absl::Status CheckSize(const Graph& g) {
  if (g.compute_nodes().size() > static_cast<size_t>(kExhaustiveMaxNodes)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "exhaustive search handles at most %d COMPUTE nodes; the graph has %d",
        kExhaustiveMaxNodes, g.compute_nodes().size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExhaustiveResult> ExhaustiveSearch(const Graph& graph, int64_t budget_bytes,
                                                  const ExhaustiveOptions& options) {
  if (absl::Status s = CheckSize(graph); !s.ok()) return s;
  const Local l = Localize(graph);
  const int64_t byte_limit = StateBytesLimit(options.max_state_bytes);
  Found f;
  try {
    f = Search(l, budget_bytes, options);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "exhaustive search: out of memory before its state limit (max_state_bytes = %d); "
        "lower max_state_bytes, or use planner 'exact' (MILP) or a smaller graph",
        byte_limit));
  }
  if (f.too_many_states) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "exhaustive search: its states reached max_state_bytes = %d bytes after %d states; "
        "raise it, or use planner 'exact' (MILP) or a smaller graph",
        byte_limit, f.explored));
  }
  if (f.timed_out) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "exhaustive search: time limit of %g s reached after %d states", options.time_limit_s,
        f.explored));
  }
  if (!f.ok) {
    if (f.cost_overflow) {
      return absl::OutOfRangeError(absl::StrFormat(
          "budget_bytes = %d: no valid schedule within it has a total forward cost that fits "
          "int64 (%d); costlier ones cannot be reported (exhaustive search)",
          budget_bytes, std::numeric_limits<int64_t>::max()));
    }
    if (options.recompute_upper_bound >= 0) {
      return absl::OutOfRangeError(absl::StrFormat(
          "budget_bytes = %d: no valid schedule of this graph fits with recompute_cost <= %d "
          "(exhaustive search)",
          budget_bytes, options.recompute_upper_bound));
    }
    return absl::OutOfRangeError(absl::StrFormat(
        "budget_bytes = %d: no valid schedule of this graph fits (exhaustive search)",
        budget_bytes));
  }
  ExhaustiveResult r;
  int64_t base = 0;
  for (int64_t c : l.fwd) base += c;
  r.recompute_cost = f.cost - base;
  r.instructions = std::move(f.path);
  r.states_explored = f.explored;
  return r;
}

absl::StatusOr<int64_t> ExhaustiveMinimumMemory(const Graph& graph, int64_t max_state_bytes) {
  if (absl::Status s = CheckSize(graph); !s.ok()) return s;
  const Local l = Localize(graph);
  const int64_t byte_limit = StateBytesLimit(max_state_bytes);
  // Every activation and every gradient at once: more than any schedule
  // needs (saturated, so huge sizes cannot wrap).
  const int64_t total = SumBytes(l, AllNodes(l));
  int64_t lo = 0, hi = total > std::numeric_limits<int64_t>::max() / 2
                           ? std::numeric_limits<int64_t>::max()
                           : 2 * total;
  while (lo < hi) {  // Feasibility is monotone in the budget.
    const int64_t mid = lo + (hi - lo) / 2;
    Feasibility f = Feasibility::kTooManyStates;
    try {
      f = Feasible(l, mid, byte_limit);
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "exhaustive minimum memory: out of memory at budget %d before its state limit "
          "(max_state_bytes = %d)",
          mid, byte_limit));
    }
    if (f == Feasibility::kTooManyStates) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "exhaustive minimum memory: its states reached max_state_bytes = %d bytes at "
          "budget %d",
          byte_limit, mid));
    }
    if (f == Feasibility::kYes) hi = mid; else lo = mid + 1;
  }
  return lo;
}

}  // namespace tbp

#include "core/schedule/exhaustive.h"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  std::vector<uint8_t> output;
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
    l.output.push_back(g.is_output(v));
    Mask in = 0, out = 0;
    for (NodeId u : g.inputs(v)) if (local[u] >= 0) in |= Mask{1} << local[u];
    for (NodeId w : g.consumers(v)) out |= Mask{1} << local[w];
    l.inputs.push_back(in);
    l.consumers.push_back(out);
  }
  return l;
}

int64_t SumBytes(const Local& l, Mask m) {
  int64_t s = 0;
  for (int i = 0; i < l.n; ++i) if (m >> i & 1) s += l.bytes[i];
  return s;
}

// Nodes not done with a done consumer: the live gradient buffers.
Mask LiveGrads(const Local& l, Mask done) {
  Mask g = 0;
  for (int i = 0; i < l.n; ++i) {
    if (!(done >> i & 1) && (l.consumers[i] & done)) g |= Mask{1} << i;
  }
  return g;
}

struct Found {
  bool ok = false;
  int64_t cost = 0;
  std::vector<Instruction> path;
  int64_t explored = 0;
  bool timed_out = false;
  bool too_many_states = false;
};

Found Search(const Local& l, int64_t budget, bool want_path, double time_limit_s = 0) {
  const absl::Time deadline = time_limit_s > 0 ? absl::Now() + absl::Seconds(time_limit_s)
                                               : absl::InfiniteFuture();
  const Mask all = l.n == 64 ? ~Mask{0} : (Mask{1} << l.n) - 1;
  using State = std::pair<Mask, Mask>;  // (resident, done)
  auto pack = [](Mask r, Mask d) { return State{r, d}; };
  struct Prev { State from; Instruction in; bool fused_free; };
  absl::flat_hash_map<State, int64_t> dist;
  absl::flat_hash_map<State, Prev> prev;
  using Item = std::tuple<int64_t, State>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
  const State start = pack(0, 0);
  dist[start] = 0;
  queue.push({0, start});
  Found found;
  while (!queue.empty()) {
    auto [d, s] = queue.top();
    queue.pop();
    if (dist[s] != d) continue;
    ++found.explored;
    if ((found.explored & 0xffff) == 0 && absl::Now() > deadline) {
      found.timed_out = true;
      return found;
    }
    if (static_cast<int64_t>(dist.size()) > kExhaustiveMaxStates) {
      found.too_many_states = true;
      return found;
    }
    const Mask res = s.first, done = s.second;
    if (done == all) {
      found.ok = true;
      found.cost = d;
      if (want_path) {
        State cur = s;
        while (cur != start) {
          const Prev& p = prev[cur];
          if (p.fused_free) found.path.push_back({Op::kFree, p.in.node});
          found.path.push_back(p.in);
          cur = p.from;
        }
        std::reverse(found.path.begin(), found.path.end());
      }
      return found;
    }
    const Mask grads = LiveGrads(l, done);
    const int64_t act_bytes = SumBytes(l, res), grad_bytes = SumBytes(l, grads);
    auto relax = [&](State next, int64_t nd, Instruction in, bool fused) {
      auto it = dist.find(next);
      if (it != dist.end() && it->second <= nd) return;
      dist[next] = nd;
      if (want_path) prev[next] = Prev{s, in, fused};
      queue.push({nd, next});
    };
    for (int v = 0; v < l.n; ++v) {
      const Mask bit = Mask{1} << v;
      if (done & bit) continue;
      if (res & bit) {
        relax(pack(res & ~bit, done), d, {Op::kFree, l.id[v]}, false);
        // BACKWARD v (then FREE v).
        if ((l.consumers[v] & ~done) == 0 && (l.inputs[v] & ~res) == 0) {
          const Mask g = grads | bit | l.inputs[v];
          if (act_bytes + SumBytes(l, g) <= budget) {
            relax(pack(res & ~bit, done | bit), d, {Op::kBackward, l.id[v]}, true);
          }
        }
      } else if ((l.inputs[v] & ~res) == 0 && act_bytes + l.bytes[v] + grad_bytes <= budget) {
        relax(pack(res | bit, done), d + l.fwd[v], {Op::kForward, l.id[v]}, false);
      }
    }
  }
  return found;
}

absl::Status CheckSize(const Graph& g) {
  if (g.compute_nodes().size() > static_cast<size_t>(kExhaustiveMaxNodes)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "exhaustive search handles at most %d COMPUTE nodes; the graph has %d",
        kExhaustiveMaxNodes, g.compute_nodes().size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExhaustiveResult> ExhaustiveSearch(const Graph& graph, int64_t budget_bytes,
                                                  double time_limit_s) {
  if (absl::Status s = CheckSize(graph); !s.ok()) return s;
  const Local l = Localize(graph);
  Found f = Search(l, budget_bytes, /*want_path=*/true, time_limit_s);
  if (f.too_many_states) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "exhaustive search: more than %d states (memory); use planner 'exact' (MILP) or a "
        "smaller graph",
        kExhaustiveMaxStates));
  }
  if (f.timed_out) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "exhaustive search: time limit of %g s reached after %d states", time_limit_s,
        f.explored));
  }
  if (!f.ok) {
    return absl::InvalidArgumentError(absl::StrFormat(
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

absl::StatusOr<int64_t> ExhaustiveMinimumMemory(const Graph& graph) {
  if (absl::Status s = CheckSize(graph); !s.ok()) return s;
  const Local l = Localize(graph);
  int64_t lo = 0, hi = 2 * SumBytes(l, l.n == 64 ? ~Mask{0} : (Mask{1} << l.n) - 1);
  while (lo < hi) {  // Feasibility is monotone in the budget.
    const int64_t mid = lo + (hi - lo) / 2;
    const Found f = Search(l, mid, /*want_path=*/false);
    if (f.too_many_states) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "exhaustive minimum memory: more than %d states at budget %d", kExhaustiveMaxStates,
          mid));
    }
    if (f.ok) hi = mid; else lo = mid + 1;
  }
  return lo;
}

}  // namespace tbp

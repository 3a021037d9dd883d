#include "core/schedule/plan_tree.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/util/check.h"

namespace tbp {

OrderContext::OrderContext(const Graph& g, absl::Span<const NodeId> order)
    : graph(g), n(static_cast<int32_t>(order.size())), node_at(order.begin(), order.end()) {
  pos_of.assign(g.num_nodes(), -1);
  for (int32_t p = 0; p < n; ++p) pos_of[node_at[p]] = p;
  last_use.assign(n, -1);
  bytes.resize(n);
  prefix_bytes.assign(n + 1, 0);
  prefix_fwd.assign(n + 1, 0);
  std::vector<int64_t> diff_bytes(n + 2, 0), diff_fwd(n + 2, 0);
  for (int32_t p = 0; p < n; ++p) {
    const NodeId v = node_at[p];
    TBP_CHECK(g.is_compute(v));
    bytes[p] = g.output_bytes(v);
    prefix_bytes[p + 1] = prefix_bytes[p] + bytes[p];
    prefix_fwd[p + 1] = prefix_fwd[p] + g.forward_cost(v);
    for (NodeId w : g.consumers(v)) last_use[p] = std::max(last_use[p], pos_of[w]);
    TBP_CHECK(last_use[p] == -1 || last_use[p] > p);
    // The node is in C(b) for b in (p, last_use].
    if (last_use[p] > p) {
      diff_bytes[p + 1] += bytes[p];
      diff_bytes[last_use[p] + 1] -= bytes[p];
      diff_fwd[p + 1] += g.forward_cost(v);
      diff_fwd[last_use[p] + 1] -= g.forward_cost(v);
    }
  }
  cut_bytes.assign(n + 1, 0);
  cut_fwd.assign(n + 1, 0);
  int64_t running_bytes = 0, running_fwd = 0;
  for (int32_t b = 0; b <= n; ++b) {
    running_bytes += diff_bytes[b];
    running_fwd += diff_fwd[b];
    cut_bytes[b] = running_bytes;
    cut_fwd[b] = running_fwd;
  }
}

PlanTree::PlanTree(int32_t n) { nodes.push_back(PlanNode{0, n, -1, -1, -1}); }

PlanTree::Children PlanTree::Split(int32_t index, int32_t m) {
  TBP_CHECK(nodes[index].m < 0);
  const int32_t a = nodes[index].a, b = nodes[index].b;
  TBP_CHECK(a < m && m < b);
  const int32_t right = static_cast<int32_t>(nodes.size());
  nodes.push_back(PlanNode{m, b, -1, -1, -1});
  nodes.push_back(PlanNode{a, m, -1, -1, -1});
  nodes[index].m = m;
  nodes[index].right = right;
  nodes[index].left = right + 1;
  return {right, right + 1};
}

std::vector<Instruction> EmitPlan(const OrderContext& c, const PlanTree& tree) {
  TBP_CHECK(tree.nodes[tree.root].a == 0 && tree.nodes[tree.root].b == c.n);
  const Graph& g = c.graph;
  std::vector<Instruction> out;
  out.reserve(static_cast<size_t>(3) * c.n);
  std::vector<uint8_t> resident(c.n, 0);
  auto forward = [&](int32_t p) {
    out.push_back({Op::kForward, c.node_at[p]});
    resident[p] = 1;
  };
  auto free_pos = [&](int32_t p) {
    out.push_back({Op::kFree, c.node_at[p]});
    resident[p] = 0;
  };
  std::vector<int32_t> stack = {tree.root};
  while (!stack.empty()) {
    const PlanNode& node = tree.nodes[stack.back()];
    stack.pop_back();
    if (node.m < 0) {
      for (int32_t p = node.a; p < node.b; ++p) {
        if (!resident[p]) forward(p);
      }
      for (int32_t p = node.b - 1; p >= node.a; --p) {
        out.push_back({Op::kBackward, c.node_at[p]});
        free_pos(p);
      }
      continue;
    }
    // Forward sweep over [a, m): free what is dead within the sweep and not
    // in C(m); nodes before a (the checkpoint C(a)) are never freed here.
    for (int32_t p = node.a; p < node.m; ++p) {
      if (!resident[p]) forward(p);
      for (NodeId u : g.inputs(c.node_at[p])) {
        const int32_t q = c.pos_of[u];
        if (q >= node.a && c.last_use[q] == p && resident[q]) free_pos(q);
      }
      if (c.last_use[p] < 0) free_pos(p);  // A sink: not needed until its backward.
    }
    stack.push_back(node.left);
    stack.push_back(node.right);
  }
  return out;
}

}  // namespace tbp

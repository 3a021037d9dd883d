#include "tests/fuzz/reference_sim.h"

#include <limits>
#include <set>

namespace tbp {
namespace fuzz {

RefResult ReferenceSimulate(const proto::Graph& graph,
                            const std::vector<RefInstruction>& instructions) {
  const int64_t n = graph.nodes_size();
  std::map<std::string, const proto::Node*> by_name;
  for (const proto::Node& node : graph.nodes()) by_name[node.name()] = &node;
  auto is_compute = [](const proto::Node* node) {
    return node->kind() == proto::Node::COMPUTE;
  };
  // Distinct COMPUTE inputs and consumers, by name.
  std::map<std::string, std::set<std::string>> inputs, consumers;
  for (const proto::Node& node : graph.nodes()) {
    for (const std::string& in : node.inputs()) {
      if (is_compute(by_name.at(in))) {
        inputs[node.name()].insert(in);
        consumers[in].insert(node.name());
      }
    }
  }
  std::set<std::string> resident, backwarded, gradient;
  RefResult r;
  __int128 recompute = 0;
  bool sampled = false;
  auto sample = [&] {
    int64_t bytes = 0;
    for (const std::string& v : resident) bytes += by_name.at(v)->output_bytes();
    for (const std::string& v : gradient) bytes += by_name.at(v)->output_bytes();
    if (!sampled || bytes > r.peak_bytes) r.peak_bytes = bytes;
    sampled = true;
  };
  auto fail = [&](RefResult::Kind kind, int64_t i) {
    RefResult out;
    out.kind = kind;
    out.index = i;
    return out;
  };
  for (int64_t i = 0; i < static_cast<int64_t>(instructions.size()); ++i) {
    const RefInstruction& in = instructions[i];
    if (in.node < 0 || in.node >= n) return fail(RefResult::kInvalidAt, i);
    const proto::Node* node = &graph.nodes(static_cast<int>(in.node));
    const std::string& v = node->name();
    if (!is_compute(node)) return fail(RefResult::kInvalidAt, i);
    const std::set<std::string>& ins = inputs[v];
    auto all_resident = [&](const std::set<std::string>& names) {
      for (const std::string& u : names) {
        if (!resident.count(u)) return false;
      }
      return true;
    };
    if (in.op == RefOp::kForward) {
      if (backwarded.count(v) || resident.count(v) || !all_resident(ins)) {
        return fail(RefResult::kInvalidAt, i);
      }
      resident.insert(v);
      const int64_t previous = r.forwards[v]++;
      ++r.num_forwards;
      if (previous > 0) {
        ++r.num_recomputes;
        recompute += node->forward_cost();
        if (recompute > std::numeric_limits<int64_t>::max()) {
          return fail(RefResult::kOverflowAt, i);
        }
      }
      sample();
    } else if (in.op == RefOp::kFree) {
      if (!resident.count(v)) return fail(RefResult::kInvalidAt, i);
      resident.erase(v);
    } else {
      if (backwarded.count(v) || !resident.count(v) || !all_resident(ins)) {
        return fail(RefResult::kInvalidAt, i);
      }
      for (const std::string& w : consumers[v]) {
        if (!backwarded.count(w)) return fail(RefResult::kInvalidAt, i);
      }
      gradient.insert(v);  // the seed of an output; a no-op otherwise
      for (const std::string& u : ins) gradient.insert(u);
      sample();
      gradient.erase(v);
      backwarded.insert(v);
    }
  }
  for (const proto::Node& node : graph.nodes()) {
    if (node.kind() != proto::Node::COMPUTE) continue;
    if (!backwarded.count(node.name()) || resident.count(node.name())) {
      return fail(RefResult::kInvalidAtEnd, -1);
    }
  }
  r.recompute_cost = static_cast<int64_t>(recompute);
  return r;
}

}  // namespace fuzz
}  // namespace tbp

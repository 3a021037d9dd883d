// The schedule fuzzer: random instruction lists on random small graphs,
// judged by the simulator and by the independent reference of
// reference_sim.h, which must agree on the verdict, the failing instruction
// and, for valid schedules, the peak, the costs and the forward counts.
//
// Each execution draws a graph (tests/fixtures' RandomDagProto: shuffled
// ids, repeated inputs, extra outputs; sometimes one or two forward costs
// near 2^61 so that recomputation overflows int64) and a schedule from a
// random walk that makes progress toward a valid schedule (backward the
// next node whose consumers are done, forwarding what it needs, with random
// FREEs that force recomputation and random extra FORWARDs), then, half of
// the time, damages it (deleted, duplicated, swapped or random
// instructions, node ids out of range or of INPUT nodes, truncation).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/graph/graph.h"
#include "core/ir/instructions.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/fixtures/test_graphs.h"
#include "tests/fuzz/fuzz_lib.h"
#include "tests/fuzz/sim_compare.h"

namespace tbp {
namespace fuzz {
namespace {

struct Case {
  proto::Graph proto;
  std::vector<Instruction> instructions;
};

size_t Below(std::mt19937_64& rng, size_t n) { return static_cast<size_t>(rng() % n); }

// A walk toward a valid schedule (see the file comment).
std::vector<Instruction> RandomWalk(const Graph& g, std::mt19937_64& rng) {
  const int32_t n = g.num_nodes();
  std::vector<uint8_t> resident(n, 0), done(n, 0);
  std::vector<Instruction> out;
  const double free_prob = 0.05 * static_cast<double>(Below(rng, 5));
  const double extra_prob = 0.03 * static_cast<double>(Below(rng, 3));
  const size_t cap = 30 * static_cast<size_t>(n) + 50;
  auto uniform = [&] { return static_cast<double>(rng() >> 11) / 9007199254740992.0; };
  auto can_forward = [&](NodeId v) {
    if (!g.is_compute(v) || resident[v] || done[v]) return false;
    for (NodeId u : g.inputs(v)) {
      if (g.is_compute(u) && !resident[u]) return false;
    }
    return true;
  };
  while (out.size() < cap) {
    // The next node to backward: any whose consumers are all done.
    std::vector<NodeId> ready;
    for (NodeId v : g.compute_nodes()) {
      if (done[v]) continue;
      bool ok = true;
      for (NodeId w : g.consumers(v)) ok = ok && done[w];
      if (ok) ready.push_back(v);
    }
    if (ready.empty()) break;
    const NodeId target = ready[Below(rng, ready.size())];
    while (out.size() < cap) {
      if (uniform() < free_prob) {
        std::vector<NodeId> live;
        for (NodeId v = 0; v < n; ++v) {
          if (resident[v]) live.push_back(v);
        }
        if (!live.empty()) {
          const NodeId v = live[Below(rng, live.size())];
          resident[v] = 0;
          out.push_back({Op::kFree, v});
        }
      }
      if (uniform() < extra_prob) {
        const NodeId v = static_cast<NodeId>(Below(rng, n));
        if (can_forward(v)) {
          resident[v] = 1;
          out.push_back({Op::kForward, v});
        }
      }
      // What the target's BACKWARD needs and is missing.
      std::vector<NodeId> missing;
      if (!resident[target]) missing.push_back(target);
      for (NodeId u : g.inputs(target)) {
        if (g.is_compute(u) && !resident[u]) missing.push_back(u);
      }
      if (missing.empty()) {
        out.push_back({Op::kBackward, target});
        done[target] = 1;
        if (Below(rng, 2) == 0) {
          resident[target] = 0;
          out.push_back({Op::kFree, target});
        }
        break;
      }
      // Walk down from a missing node to one that can be forwarded now.
      NodeId v = missing[Below(rng, missing.size())];
      for (;;) {
        NodeId deeper = kNoNode;
        for (NodeId u : g.inputs(v)) {
          if (g.is_compute(u) && !resident[u]) deeper = u;
        }
        if (deeper == kNoNode) break;
        v = deeper;
      }
      resident[v] = 1;
      out.push_back({Op::kForward, v});
    }
  }
  std::vector<NodeId> live;
  for (NodeId v = 0; v < n; ++v) {
    if (resident[v]) live.push_back(v);
  }
  std::shuffle(live.begin(), live.end(), rng);
  for (NodeId v : live) out.push_back({Op::kFree, v});
  return out;
}

void Damage(const Graph& g, std::mt19937_64& rng, std::vector<Instruction>* s) {
  const int edits = 1 + static_cast<int>(Below(rng, 3));
  for (int k = 0; k < edits; ++k) {
    const size_t size = s->size();
    switch (Below(rng, 7)) {
      case 0:
        if (size > 0) s->erase(s->begin() + static_cast<int64_t>(Below(rng, size)));
        break;
      case 1:
        if (size > 0) {
          const Instruction in = (*s)[Below(rng, size)];
          s->insert(s->begin() + static_cast<int64_t>(Below(rng, size + 1)), in);
        }
        break;
      case 2:
        if (size > 1) {
          const size_t i = Below(rng, size - 1);
          std::swap((*s)[i], (*s)[i + 1]);
        }
        break;
      case 3: {
        // Ids of any node, INPUT ones included, and just out of range.
        const NodeId v = static_cast<NodeId>(Below(rng, g.num_nodes() + 2)) - 1;
        const Op op = static_cast<Op>(Below(rng, 3));
        s->insert(s->begin() + static_cast<int64_t>(Below(rng, size + 1)), {op, v});
        break;
      }
      case 4:
        if (size > 0) (*s)[Below(rng, size)].op = static_cast<Op>(Below(rng, 3));
        break;
      case 5:
        s->resize(Below(rng, size + 1));
        break;
      case 6:
        if (size > 0) {
          (*s)[Below(rng, size)].node = static_cast<NodeId>(Below(rng, g.num_nodes()));
        }
        break;
    }
  }
}

TEST(SimReferenceFuzz, SimulatorAgreesWithReference) {
  const FuzzConfig config = ConfigFromEnv(/*default_runs=*/3000);
  Case current;
  int64_t valid = 0;
  auto make_input = [&](int64_t index, std::mt19937_64& rng) {
    testing_graphs::RandomDagOptions options;
    options.max_compute = 1 + static_cast<int32_t>(Below(rng, 14));
    options.max_inputs_per_node = 1 + static_cast<int32_t>(Below(rng, 4));
    options.max_bytes = Below(rng, 4) == 0 ? (int64_t{1} << 57) : 16;
    options.window = static_cast<int32_t>(Below(rng, 4));
    for (;;) {
      current.proto = testing_graphs::RandomDagProto(rng, options);
      if (Below(rng, 4) == 0) {
        // Recomputing these a few times overflows int64; the base cost fits.
        for (int k = 0; k < 2; ++k) {
          proto::Node* node =
              current.proto.mutable_nodes(static_cast<int>(Below(rng, current.proto.nodes_size())));
          if (node->kind() == proto::Node::COMPUTE) {
            node->set_forward_cost(int64_t{1} << 61);
            node->set_backward_cost(0);
          }
        }
      }
      if (Graph::FromProto(current.proto).ok()) break;
    }
    const Graph g = *Graph::FromProto(current.proto);
    current.instructions = RandomWalk(g, rng);
    if (Below(rng, 2) == 0) Damage(g, rng, &current.instructions);
    std::string dump;
    google::protobuf::TextFormat::PrintToString(current.proto, &dump);
    for (const Instruction& in : current.instructions) {
      absl::StrAppend(&dump, OpName(in.op), " ", in.node, "\n");
    }
    (void)index;
    return dump;
  };
  auto target = [&](const std::string&) {
    const Graph g = *Graph::FromProto(current.proto);
    const bool ok = CompareWithReference(current.proto, g, current.instructions);
    valid += ok;
    return ok ? Verdict::kAccepted : Verdict::kRejected;
  };
  const FuzzStats stats = RunFuzzLoop("sim_reference", config, make_input, target);
  // The walk must reach valid schedules often and invalid ones too, or the
  // comparison says little.
  if (config.runs >= 1000) {
    EXPECT_GT(stats.accepted, config.runs / 5);
    EXPECT_GT(stats.rejected, config.runs / 5);
  }
}

}  // namespace
}  // namespace fuzz
}  // namespace tbp

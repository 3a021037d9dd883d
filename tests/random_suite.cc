#include "tests/random_suite.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "core/graph/generators.h"
#include "google/protobuf/text_format.h"

namespace tbp {

proto::GeneratorSpec RandomSuiteSpec(int64_t index, int64_t max_nodes) {
  std::mt19937_64 rng(0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(index));
  auto uniform = [&](int64_t lo, int64_t hi) {  // Inclusive; tiny bias is fine here.
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  auto prob = [&]() { return static_cast<double>(rng() >> 11) / 9007199254740992.0; };
  const proto::Family families[] = {proto::CHAIN,    proto::LAYERED,  proto::RANDOM_DAG,
                                    proto::WIDE,     proto::UNET,     proto::RESIDUAL,
                                    proto::TRANSFORMER};
  proto::GeneratorSpec s;
  s.set_family(families[index % 7]);
  s.set_seed(static_cast<uint64_t>(index));
  switch ((index / 7) % 3) {
    case 0: s.set_size_distribution(proto::SIZE_CONSTANT); break;
    case 1:
      s.set_size_distribution(proto::SIZE_UNIFORM);
      s.set_size_spread(4);
      break;
    case 2:
      s.set_size_distribution(proto::SIZE_LOGNORMAL);
      s.set_size_sigma(1.0);
      break;
  }
  s.set_base_bytes(uniform(1, 16));
  s.set_cost_per_byte(index % 2 ? 0.0 : 1.0);
  s.set_backward_factor(index % 5 == 0 ? 1.0 : 2.0);
  const int64_t n = uniform(2, std::max<int64_t>(2, max_nodes));
  switch (s.family()) {
    case proto::CHAIN: s.set_nodes(n); break;
    case proto::LAYERED:
      s.set_width(uniform(1, 4));
      s.set_layers(std::max<int64_t>(1, n / s.width()));
      s.set_edge_prob(prob());
      s.set_skip_prob(prob() * 0.5);
      break;
    case proto::RANDOM_DAG:
      s.set_nodes(n);
      s.set_fan_in(uniform(1, 3));
      s.set_window(uniform(1, 6));
      s.set_long_range_prob(prob());
      break;
    case proto::WIDE:
      s.set_nodes(n);
      s.set_wide_every(uniform(1, 5));
      s.set_wide_factor(uniform(2, 50));
      break;
    case proto::UNET: s.set_depth(std::max<int64_t>(1, std::min<int64_t>(6, n / 5))); break;
    case proto::RESIDUAL:
      s.set_block_depth(uniform(1, 3));
      s.set_blocks(std::max<int64_t>(1, n / (s.block_depth() + 1)));
      break;
    case proto::TRANSFORMER:
      s.set_layers(std::max<int64_t>(1, n / 12));
      s.set_batch(uniform(1, 2));
      s.set_seq_len(uniform(1, 8));
      s.set_heads(uniform(1, 2));
      s.set_hidden(s.heads() * uniform(1, 4));
      break;
    default: break;
  }
  return s;
}

std::string DescribeSuiteGraph(int64_t index, const proto::GeneratorSpec& spec,
                               const proto::Graph& graph) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(graph, &text);
  return "suite index " + std::to_string(index) + ", seed " + std::to_string(spec.seed()) +
         ", family " + FamilyName(spec.family()) + "\nspec: " + spec.ShortDebugString() +
         "\ngraph:\n" + text;
}

}  // namespace tbp

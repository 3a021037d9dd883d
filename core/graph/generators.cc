#include "core/graph/generators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

// Local to this file (#undef at the end).
#define RETURN_IF_NOT_OK(expr)                   \
  do {                                           \
    const absl::Status status_ = (expr);         \
    if (!status_.ok()) return status_;           \
  } while (0)

namespace tbp {
namespace {

using proto::Family;
using proto::GeneratorSpec;
using proto::SizeDistribution;

// ---------------------------------------------------------------------------
// Limits on single fields (the totals are checked separately).

constexpr int64_t kMaxBaseBytes = int64_t{1} << 40;  // 1 TiB per activation.
constexpr int64_t kMaxWideFactor = 1'000'000;
constexpr int64_t kMaxUnetDepth = 40;  // The largest level is 2^depth x base.
constexpr double kMaxSizeSpread = 1e6;
constexpr double kMaxSizeSigma = 4.0;
constexpr double kMaxCostPerByte = 1e6;
constexpr double kMaxBackwardFactor = 1e6;
// Lognormal draws clamp z to +-6 (a 2e-9 tail), so validation can bound the
// largest size a spec can produce and guarantee that totals fit in int64.
constexpr double kMaxAbsNormal = 6.0;
// Sizes and structure use separate engines, so changing size_distribution
// keeps the topology of a seed. Any odd constant would do.
constexpr uint64_t kSizeSeedMix = 0x9e3779b97f4a7c15ULL;

// ---------------------------------------------------------------------------
// Random draws from the raw output of std::mt19937_64 (whose sequence the
// standard fixes), never through <random>'s distributions.

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1), 53 random bits.
  double Uniform01() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }

  // Uniform in (0, 1], 53 random bits: safe to take the log of.
  double UniformOpen01() {
    return (static_cast<double>(engine_() >> 11) + 1.0) * 0x1p-53;
  }

  // Uniform integer in [0, n), n >= 1, without modulo bias (Lemire's
  // multiply-and-reject).
  int64_t UniformInt(int64_t n) {
    const uint64_t range = static_cast<uint64_t>(n);
    unsigned __int128 product =
        static_cast<unsigned __int128>(engine_()) * range;
    uint64_t low = static_cast<uint64_t>(product);
    if (low < range) {
      const uint64_t threshold = (0 - range) % range;
      while (low < threshold) {
        product = static_cast<unsigned __int128>(engine_()) * range;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<int64_t>(product >> 64);
  }

  // True with probability p (p in [0, 1]); always consumes one draw.
  bool Bernoulli(double p) { return Uniform01() < p; }

  // Failures before the first success of Bernoulli(p) trials, 0 < p < 1,
  // capped at `cap` (only whether it reaches `cap` matters to callers).
  int64_t Geometric(double p, int64_t cap) {
    const double failures =
        std::floor(std::log(UniformOpen01()) / std::log1p(-p));
    // Written so that a NaN (p below the double resolution) also gives cap.
    return failures < static_cast<double>(cap) ? static_cast<int64_t>(failures)
                                               : cap;
  }

  // Standard normal (Box-Muller, cosine branch), clamped to +-kMaxAbsNormal.
  double Normal() {
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double radius = std::sqrt(-2.0 * std::log(UniformOpen01()));
    const double z = radius * std::cos(kTwoPi * Uniform01());
    return std::clamp(z, -kMaxAbsNormal, kMaxAbsNormal);
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------------------
// The size and cost model shared by every family but TRANSFORMER.

int64_t EffectiveBaseBytes(const GeneratorSpec& spec) {
  return spec.base_bytes() == 0 ? 1 : spec.base_bytes();
}

SizeDistribution EffectiveDistribution(const GeneratorSpec& spec) {
  return spec.size_distribution() == proto::SIZE_UNSPECIFIED
             ? proto::SIZE_CONSTANT
             : spec.size_distribution();
}

double EffectiveBackwardFactor(const GeneratorSpec& spec) {
  return spec.backward_factor() == 0 ? 2.0 : spec.backward_factor();
}

// The largest draw the size distribution can produce (before multipliers).
double MaxDrawBytes(const GeneratorSpec& spec) {
  const double base = static_cast<double>(EffectiveBaseBytes(spec));
  switch (EffectiveDistribution(spec)) {
    case proto::SIZE_UNIFORM:
      return std::floor(spec.size_spread() * base);
    case proto::SIZE_LOGNORMAL:
      return std::round(base * std::exp(spec.size_sigma() * kMaxAbsNormal));
    default:
      return base;
  }
}

class SizeModel {
 public:
  explicit SizeModel(const GeneratorSpec& spec)
      : rng_(spec.seed() ^ kSizeSeedMix),
        distribution_(EffectiveDistribution(spec)),
        base_bytes_(EffectiveBaseBytes(spec)),
        // size_spread is only meaningful (and validated) for SIZE_UNIFORM.
        uniform_max_bytes_(distribution_ == proto::SIZE_UNIFORM
                               ? static_cast<int64_t>(MaxDrawBytes(spec))
                               : base_bytes_),
        sigma_(spec.size_sigma()),
        cost_per_byte_(spec.cost_per_byte()),
        backward_factor_(EffectiveBackwardFactor(spec)) {}

  int64_t base_bytes() const { return base_bytes_; }

  // One activation size (>= 1) from the distribution.
  int64_t DrawBytes() {
    switch (distribution_) {
      case proto::SIZE_UNIFORM:
        return base_bytes_ +
               rng_.UniformInt(uniform_max_bytes_ - base_bytes_ + 1);
      case proto::SIZE_LOGNORMAL: {
        const double bytes = static_cast<double>(base_bytes_) *
                             std::exp(sigma_ * rng_.Normal());
        return std::max<int64_t>(1, std::llround(bytes));
      }
      default:
        return base_bytes_;
    }
  }

  int64_t ForwardCost(int64_t output_bytes) const {
    if (cost_per_byte_ == 0) return 1;
    return std::max<int64_t>(
        1, std::llround(cost_per_byte_ * static_cast<double>(output_bytes)));
  }

  int64_t BackwardCost(int64_t forward_cost) const {
    return std::llround(backward_factor_ * static_cast<double>(forward_cost));
  }

 private:
  Rng rng_;
  SizeDistribution distribution_;
  int64_t base_bytes_;
  int64_t uniform_max_bytes_;
  double sigma_;
  double cost_per_byte_;
  double backward_factor_;
};

// Appends nodes to a proto::Graph; node handles are indices into nodes().
class Builder {
 public:
  Builder(const GeneratorSpec& spec, std::string label, int64_t expected_nodes)
      : sizes_(spec), structure_rng_(spec.seed()) {
    graph_.set_name(std::move(label));
    graph_.mutable_nodes()->Reserve(static_cast<int>(expected_nodes));
  }

  Rng& rng() { return structure_rng_; }
  int64_t base_bytes() const { return sizes_.base_bytes(); }

  int AddInput(std::string name, int64_t output_bytes) {
    proto::Node* node = NewNode(std::move(name), proto::Node::INPUT);
    node->set_output_bytes(output_bytes);
    return graph_.nodes_size() - 1;
  }

  // A COMPUTE node of size DrawBytes() * multiplier, costs from the spec.
  int AddCompute(std::string name, int64_t multiplier = 1) {
    const int64_t bytes = sizes_.DrawBytes() * multiplier;
    const int64_t forward_cost = sizes_.ForwardCost(bytes);
    return AddExact(std::move(name), bytes, forward_cost,
                    sizes_.BackwardCost(forward_cost));
  }

  int AddExact(std::string name, int64_t output_bytes, int64_t forward_cost,
               int64_t backward_cost) {
    proto::Node* node = NewNode(std::move(name), proto::Node::COMPUTE);
    node->set_output_bytes(output_bytes);
    node->set_forward_cost(forward_cost);
    node->set_backward_cost(backward_cost);
    return graph_.nodes_size() - 1;
  }

  void AddEdge(int consumer, int producer) {
    graph_.mutable_nodes(consumer)->add_inputs(graph_.nodes(producer).name());
  }

  void AddOutput(int node) { graph_.add_outputs(graph_.nodes(node).name()); }

  proto::Graph Release() { return std::move(graph_); }

 private:
  proto::Node* NewNode(std::string name, proto::Node::Kind kind) {
    proto::Node* node = graph_.add_nodes();
    node->set_name(std::move(name));
    node->set_kind(kind);
    return node;
  }

  proto::Graph graph_;
  SizeModel sizes_;
  Rng structure_rng_;
};

// "chain(nodes=100,seed=1)", plus the size and cost fields that differ from
// their defaults.
std::string Label(const GeneratorSpec& spec, absl::string_view params) {
  std::string label = absl::StrCat(FamilyName(spec.family()), "(", params,
                                   ",seed=", spec.seed());
  if (spec.family() != proto::TRANSFORMER) {
    if (EffectiveBaseBytes(spec) != 1) {
      absl::StrAppend(&label, ",base_bytes=", spec.base_bytes());
    }
    if (EffectiveDistribution(spec) == proto::SIZE_UNIFORM) {
      absl::StrAppend(&label, absl::StrFormat(",uniform(spread=%g)",
                                              spec.size_spread()));
    } else if (EffectiveDistribution(spec) == proto::SIZE_LOGNORMAL) {
      absl::StrAppend(&label, absl::StrFormat(",lognormal(sigma=%g)",
                                              spec.size_sigma()));
    }
    if (spec.cost_per_byte() != 0) {
      absl::StrAppend(&label, absl::StrFormat(",cost_per_byte=%g",
                                              spec.cost_per_byte()));
    }
    if (spec.backward_factor() != 0) {
      absl::StrAppend(&label, absl::StrFormat(",backward_factor=%g",
                                              spec.backward_factor()));
    }
  }
  absl::StrAppend(&label, ")");
  return label;
}

// ---------------------------------------------------------------------------
// The families.

// CHAIN: x -> n1 -> ... -> nN, output nN. Optimal checkpointing on a chain
// is solved exactly (Revolve), so this is where planners meet their oracle.
proto::Graph GenerateChain(const GeneratorSpec& spec) {
  const int64_t n = spec.nodes();
  Builder b(spec, Label(spec, absl::StrCat("nodes=", n)), n + 1);
  int prev = b.AddInput("x", b.base_bytes());
  for (int64_t k = 1; k <= n; ++k) {
    const int node = b.AddCompute(absl::StrCat("n", k));
    b.AddEdge(node, prev);
    prev = node;
  }
  b.AddOutput(prev);
  return b.Release();
}

// WIDE: the chain of CHAIN where nk is wide_factor times larger whenever k
// is a multiple of wide_every. A few huge activations dominate the peak:
// planners must not keep them, and byte-blind (count-based) ones fail.
proto::Graph GenerateWide(const GeneratorSpec& spec) {
  const int64_t n = spec.nodes();
  Builder b(spec,
            Label(spec, absl::StrCat("nodes=", n,
                                     ",wide_every=", spec.wide_every(),
                                     ",wide_factor=", spec.wide_factor())),
            n + 1);
  int prev = b.AddInput("x", b.base_bytes());
  for (int64_t k = 1; k <= n; ++k) {
    const int64_t multiplier = k % spec.wide_every() == 0 ? spec.wide_factor() : 1;
    const int node = b.AddCompute(absl::StrCat("n", k), multiplier);
    b.AddEdge(node, prev);
    prev = node;
  }
  b.AddOutput(prev);
  return b.Release();
}

// LAYERED: layers x width nodes l1_w1 .. lL_wW; layer 1 reads x; a node of
// layer l >= 2 reads each node of layer l-1 with probability edge_prob (a
// uniform one if none was drawn), and with skip_prob one uniform node of
// layers 1..l-2; a node of layer l-1 that no node of layer l read is then
// read by a uniform node of layer l; "loss" reads all of layer L. Bounded
// width makes every cut small: the graph compresses like a chain of layers.
proto::Graph GenerateLayered(const GeneratorSpec& spec) {
  const int64_t layers = spec.layers();
  const int64_t width = spec.width();
  const double edge_prob = spec.edge_prob();
  Builder b(spec,
            Label(spec, absl::StrFormat("layers=%d,width=%d,edge_prob=%g,"
                                        "skip_prob=%g",
                                        layers, width, edge_prob,
                                        spec.skip_prob())),
            layers * width + 2);
  const int x = b.AddInput("x", b.base_bytes());
  // Layer l's nodes are first + 0 .. first + width - 1.
  int prev_first = -1;
  std::vector<char> consumed(width);
  for (int64_t l = 1; l <= layers; ++l) {
    const int first = b.AddCompute(absl::StrCat("l", l, "_w1"));
    for (int64_t w = 2; w <= width; ++w) b.AddCompute(absl::StrCat("l", l, "_w", w));
    if (l == 1) {
      for (int64_t w = 0; w < width; ++w) b.AddEdge(first + w, x);
      prev_first = first;
      continue;
    }
    std::fill(consumed.begin(), consumed.end(), 0);
    for (int64_t w = 0; w < width; ++w) {
      const int node = first + w;
      bool any = false;
      // Walk layer l-1 by geometric gaps: O(edges), not O(width^2).
      auto take = [&](int64_t j) {
        b.AddEdge(node, prev_first + j);
        consumed[j] = 1;
        any = true;
      };
      if (edge_prob >= 1) {
        for (int64_t j = 0; j < width; ++j) take(j);
      } else if (edge_prob > 0) {
        for (int64_t j = b.rng().Geometric(edge_prob, width); j < width;
             j += 1 + b.rng().Geometric(edge_prob, width)) {
          take(j);
        }
      }
      if (!any) take(b.rng().UniformInt(width));
      if (l >= 3 && b.rng().Bernoulli(spec.skip_prob())) {
        // Layers 1..l-2 occupy nodes 1 .. (l-2)*width (x is node 0).
        b.AddEdge(node, 1 + b.rng().UniformInt((l - 2) * width));
      }
    }
    for (int64_t j = 0; j < width; ++j) {
      if (!consumed[j]) b.AddEdge(first + b.rng().UniformInt(width), prev_first + j);
    }
    prev_first = first;
  }
  const int loss = b.AddCompute("loss");
  for (int64_t j = 0; j < width; ++j) b.AddEdge(loss, prev_first + j);
  b.AddOutput(loss);
  return b.Release();
}

// RANDOM_DAG: n1 reads x; nk (k >= 2) reads fan_in parents drawn
// independently (so one may repeat): with long_range_prob uniform over
// n1..n(k-1), else uniform over the last min(window, k-1) nodes. Every node
// without a consumer is an output. The local window compresses (small cuts,
// like LAYERED); uniform long-range parents create cuts that do not.
proto::Graph GenerateRandomDag(const GeneratorSpec& spec) {
  const int64_t n = spec.nodes();
  const int64_t window = spec.window();
  Builder b(spec,
            Label(spec, absl::StrFormat("nodes=%d,fan_in=%d,window=%d,"
                                        "long_range_prob=%g",
                                        n, spec.fan_in(), window,
                                        spec.long_range_prob())),
            n + 1);
  const int x = b.AddInput("x", b.base_bytes());
  std::vector<char> consumed(n + 1);  // Indexed by node handle; nk is k.
  for (int64_t k = 1; k <= n; ++k) {
    const int node = b.AddCompute(absl::StrCat("n", k));
    if (k == 1) {
      b.AddEdge(node, x);
      continue;
    }
    for (int64_t i = 0; i < spec.fan_in(); ++i) {
      const bool long_range = b.rng().Bernoulli(spec.long_range_prob());
      const int64_t span = long_range ? k - 1 : std::min(window, k - 1);
      const int64_t parent = k - 1 - b.rng().UniformInt(span);
      b.AddEdge(node, static_cast<int>(parent));
      consumed[parent] = 1;
    }
  }
  for (int64_t k = 1; k <= n; ++k) {
    if (!consumed[k]) b.AddOutput(static_cast<int>(k));
  }
  return b.Release();
}

// UNET: enc1_conv, enc1_down, ..., encD_conv, encD_down, mid_conv, then
// decD_up, decD_conv, ..., dec1_up, dec1_conv, loss. Level i has size
// multiplier 2^(D+1-i) (enc_down halves it, dec_up doubles it back;
// mid_conv and loss have 1). deci_conv reads deci_up and its mirror
// enci_conv: long skips that pin the big encoder activations until the end
// of the forward pass.
proto::Graph GenerateUnet(const GeneratorSpec& spec) {
  const int64_t depth = spec.depth();
  Builder b(spec, Label(spec, absl::StrCat("depth=", depth)), 4 * depth + 3);
  int prev = b.AddInput("x", b.base_bytes());
  auto level_multiplier = [depth](int64_t i) {
    return int64_t{1} << (depth + 1 - i);
  };
  std::vector<int> encoder_conv(depth + 1);
  for (int64_t i = 1; i <= depth; ++i) {
    const int conv = b.AddCompute(absl::StrCat("enc", i, "_conv"), level_multiplier(i));
    b.AddEdge(conv, prev);
    const int down = b.AddCompute(absl::StrCat("enc", i, "_down"), level_multiplier(i) / 2);
    b.AddEdge(down, conv);
    encoder_conv[i] = conv;
    prev = down;
  }
  const int mid = b.AddCompute("mid_conv");
  b.AddEdge(mid, prev);
  prev = mid;
  for (int64_t i = depth; i >= 1; --i) {
    const int up = b.AddCompute(absl::StrCat("dec", i, "_up"), level_multiplier(i));
    b.AddEdge(up, prev);
    const int conv = b.AddCompute(absl::StrCat("dec", i, "_conv"), level_multiplier(i));
    b.AddEdge(conv, up);
    b.AddEdge(conv, encoder_conv[i]);
    prev = conv;
  }
  const int loss = b.AddCompute("loss");
  b.AddEdge(loss, prev);
  b.AddOutput(loss);
  return b.Release();
}

// RESIDUAL: stem, then per block b: blkb_conv1 .. blkb_conv<block_depth> in
// a chain from the previous block's output, and blkb_add reading that
// output and the last conv; loss reads the last add. Short skips keep cuts
// small (two live tensors per block boundary): compressible like a chain.
proto::Graph GenerateResidual(const GeneratorSpec& spec) {
  const int64_t blocks = spec.blocks();
  const int64_t block_depth = spec.block_depth();
  Builder b(spec,
            Label(spec, absl::StrCat("blocks=", blocks,
                                     ",block_depth=", block_depth)),
            blocks * (block_depth + 1) + 3);
  const int x = b.AddInput("x", b.base_bytes());
  int block_input = b.AddCompute("stem");
  b.AddEdge(block_input, x);
  for (int64_t blk = 1; blk <= blocks; ++blk) {
    int prev = block_input;
    for (int64_t d = 1; d <= block_depth; ++d) {
      const int conv = b.AddCompute(absl::StrCat("blk", blk, "_conv", d));
      b.AddEdge(conv, prev);
      prev = conv;
    }
    const int add = b.AddCompute(absl::StrCat("blk", blk, "_add"));
    b.AddEdge(add, block_input);
    b.AddEdge(add, prev);
    block_input = add;
  }
  const int loss = b.AddCompute("loss");
  b.AddEdge(loss, block_input);
  b.AddOutput(loss);
  return b.Release();
}

// One transformer op: activation elements (float32, 4 bytes each), forward
// FLOPs (elementwise ops count one per element, a matmul 2*m*n*k) and the
// backward multiplier (2 for matmuls: gradients of both operands; 1 for
// elementwise ops). T is int64_t when generating and double when bounding.
template <typename T>
struct OpShape {
  const char* suffix;
  T elements;
  T forward_flops;
  int backward_multiplier;
};

constexpr int kOpsPerBlock = 12;
// Inputs of each op of a block, as indices into the block's ops, or
// kBlockInput for the residual stream entering the block, or kNoInput.
constexpr int kBlockInput = -1;
constexpr int kNoInput = -2;
constexpr std::array<std::array<int, 2>, kOpsPerBlock> kBlockOpInputs = {{
    {kBlockInput, kNoInput},  // ln1
    {0, kNoInput},            // qkv
    {1, kNoInput},            // attn_scores = Q K^T
    {2, kNoInput},            // attn_softmax
    {3, 1},                   // attn_out = softmax V
    {4, kNoInput},            // attn_proj
    {kBlockInput, 5},         // res1
    {6, kNoInput},            // ln2
    {7, kNoInput},            // mlp_up
    {8, kNoInput},            // mlp_gelu
    {9, kNoInput},            // mlp_down
    {6, 10},                  // res2
}};

// B = batch, S = seq_len, H = hidden, A = heads, H/A = head dim.
template <typename T>
std::array<OpShape<T>, kOpsPerBlock> TransformerBlockOps(T batch, T seq_len,
                                                         T hidden, T heads) {
  const T bsh = batch * seq_len * hidden;            // [B, S, H]
  const T scores = batch * heads * seq_len * seq_len;  // [B, A, S, S]
  const T head_dim = hidden / heads;
  return {{
      {"ln1", bsh, bsh, 1},
      {"qkv", 3 * bsh, 2 * bsh * (3 * hidden), 2},             // [B,S,3H]
      {"attn_scores", scores, 2 * scores * head_dim, 2},      // Q K^T
      {"attn_softmax", scores, scores, 1},
      {"attn_out", bsh, 2 * scores * head_dim, 2},            // P V
      {"attn_proj", bsh, 2 * bsh * hidden, 2},
      {"res1", bsh, bsh, 1},
      {"ln2", bsh, bsh, 1},
      {"mlp_up", 4 * bsh, 2 * bsh * (4 * hidden), 2},         // [B,S,4H]
      {"mlp_gelu", 4 * bsh, 4 * bsh, 1},
      {"mlp_down", bsh, 2 * (4 * bsh) * hidden, 2},
      {"res2", bsh, bsh, 1},
  }};
}

// After the last block: a final layer norm and a scalar loss (a reduction).
template <typename T>
std::array<OpShape<T>, 2> TransformerHeadOps(T batch, T seq_len, T hidden) {
  const T bsh = batch * seq_len * hidden;
  return {{{"ln_f", bsh, bsh, 1}, {"loss", 1, bsh, 1}}};
}

// TRANSFORMER: x ([B,S,H] embeddings), blocks blk1..blkL of pre-norm
// attention + MLP with two residual adds each, ln_f, loss. Attention scores
// are quadratic in seq_len and dwarf everything else for long sequences,
// and the residual stream gives each block two short skips: the shape of
// the models that checkpointing is used on in practice.
proto::Graph GenerateTransformer(const GeneratorSpec& spec) {
  const int64_t layers = spec.layers();
  Builder b(spec,
            Label(spec, absl::StrCat("layers=", layers, ",batch=", spec.batch(),
                                     ",seq_len=", spec.seq_len(),
                                     ",hidden=", spec.hidden(),
                                     ",heads=", spec.heads())),
            kOpsPerBlock * layers + 3);
  const auto add_op = [&b](const std::string& name, const OpShape<int64_t>& op) {
    const int64_t forward_cost = op.forward_flops;
    return b.AddExact(name, 4 * op.elements, forward_cost,
                      op.backward_multiplier * forward_cost);
  };
  const auto ops = TransformerBlockOps<int64_t>(spec.batch(), spec.seq_len(),
                                                spec.hidden(), spec.heads());
  int stream = b.AddInput("x", 4 * spec.batch() * spec.seq_len() * spec.hidden());
  for (int64_t l = 1; l <= layers; ++l) {
    std::array<int, kOpsPerBlock> handle;
    for (int i = 0; i < kOpsPerBlock; ++i) {
      handle[i] = add_op(absl::StrCat("blk", l, "_", ops[i].suffix), ops[i]);
      for (const int in : kBlockOpInputs[i]) {
        if (in == kNoInput) continue;
        b.AddEdge(handle[i], in == kBlockInput ? stream : handle[in]);
      }
    }
    stream = handle[kOpsPerBlock - 1];
  }
  const auto head = TransformerHeadOps<int64_t>(spec.batch(), spec.seq_len(),
                                                spec.hidden());
  const int ln_f = add_op(head[0].suffix, head[0]);
  b.AddEdge(ln_f, stream);
  const int loss = add_op(head[1].suffix, head[1]);
  b.AddEdge(loss, ln_f);
  b.AddOutput(loss);
  return b.Release();
}

// ---------------------------------------------------------------------------
// Validation.

absl::Status CountError(absl::string_view field, int64_t value, int64_t max,
                        const GeneratorSpec& spec) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "GeneratorSpec.%s = %d is outside [1, %d] (%s needs it)", field, value,
      max, FamilyName(spec.family())));
}

absl::Status CheckCount(absl::string_view field, int64_t value, int64_t max,
                        const GeneratorSpec& spec) {
  if (value >= 1 && value <= max) return absl::OkStatus();
  return CountError(field, value, max, spec);
}

absl::Status CheckRange(absl::string_view field, double value, double lo,
                        double hi, absl::string_view note = "") {
  if (value >= lo && value <= hi) return absl::OkStatus();  // NaN fails.
  return absl::InvalidArgumentError(absl::StrFormat(
      "GeneratorSpec.%s = %g is outside [%g, %g]%s", field, value, lo, hi,
      note));
}

absl::Status CheckProbability(absl::string_view field, double value) {
  return CheckRange(field, value, 0, 1);
}

// Upper bounds on what a spec generates, before the limits are applied.
struct Extent {
  double compute_nodes = 0;
  double edges = 0;
  // Largest multiplier applied to a size draw (WIDE, UNET).
  double max_multiplier = 1;
};

// Checks the structural fields of the family and measures the graph.
absl::Status CheckStructure(const GeneratorSpec& spec, Extent* extent) {
  const int64_t kMaxN = kMaxGeneratedNodes;
  switch (spec.family()) {
    case proto::CHAIN:
      RETURN_IF_NOT_OK(CheckCount("nodes", spec.nodes(), kMaxN, spec));
      extent->compute_nodes = spec.nodes();
      extent->edges = spec.nodes();
      return absl::OkStatus();
    case proto::WIDE:
      RETURN_IF_NOT_OK(CheckCount("nodes", spec.nodes(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("wide_every", spec.wide_every(), kMaxN, spec));
      RETURN_IF_NOT_OK(
          CheckCount("wide_factor", spec.wide_factor(), kMaxWideFactor, spec));
      extent->compute_nodes = spec.nodes();
      extent->edges = spec.nodes();
      extent->max_multiplier = spec.wide_factor();
      return absl::OkStatus();
    case proto::RANDOM_DAG:
      RETURN_IF_NOT_OK(CheckCount("nodes", spec.nodes(), kMaxN, spec));
      RETURN_IF_NOT_OK(
          CheckCount("fan_in", spec.fan_in(), kMaxGeneratedEdges, spec));
      RETURN_IF_NOT_OK(CheckCount("window", spec.window(), kMaxN, spec));
      RETURN_IF_NOT_OK(
          CheckProbability("long_range_prob", spec.long_range_prob()));
      extent->compute_nodes = spec.nodes();
      extent->edges = static_cast<double>(spec.nodes()) * spec.fan_in();
      return absl::OkStatus();
    case proto::LAYERED: {
      RETURN_IF_NOT_OK(CheckCount("layers", spec.layers(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("width", spec.width(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckProbability("edge_prob", spec.edge_prob()));
      RETURN_IF_NOT_OK(CheckProbability("skip_prob", spec.skip_prob()));
      const double layers = spec.layers();
      const double width = spec.width();
      extent->compute_nodes = layers * width + 1;
      // Expected: sampled edges, at most one fallback, one skip and one
      // consumer repair per node, and the loss's inputs.
      extent->edges = layers * width * (spec.edge_prob() * width + 3) + width;
      return absl::OkStatus();
    }
    case proto::UNET:
      RETURN_IF_NOT_OK(CheckCount("depth", spec.depth(), kMaxUnetDepth, spec));
      extent->compute_nodes = 4.0 * spec.depth() + 2;
      extent->edges = 5.0 * spec.depth() + 2;
      extent->max_multiplier = std::ldexp(1.0, static_cast<int>(spec.depth()));
      return absl::OkStatus();
    case proto::RESIDUAL: {
      RETURN_IF_NOT_OK(CheckCount("blocks", spec.blocks(), kMaxN, spec));
      RETURN_IF_NOT_OK(
          CheckCount("block_depth", spec.block_depth(), kMaxN, spec));
      const double per_block = spec.block_depth() + 1.0;
      extent->compute_nodes = spec.blocks() * per_block + 2;
      extent->edges = spec.blocks() * (per_block + 1) + 2;
      return absl::OkStatus();
    }
    case proto::TRANSFORMER:
      RETURN_IF_NOT_OK(CheckCount("layers", spec.layers(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("batch", spec.batch(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("seq_len", spec.seq_len(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("hidden", spec.hidden(), kMaxN, spec));
      RETURN_IF_NOT_OK(CheckCount("heads", spec.heads(), kMaxN, spec));
      if (spec.hidden() % spec.heads() != 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "GeneratorSpec.hidden = %d is not divisible by "
            "GeneratorSpec.heads = %d",
            spec.hidden(), spec.heads()));
      }
      extent->compute_nodes = kOpsPerBlock * static_cast<double>(spec.layers()) + 2;
      extent->edges = 16.0 * spec.layers() + 2;
      return absl::OkStatus();
    case proto::FAMILY_UNSPECIFIED:
      return absl::InvalidArgumentError(
          "GeneratorSpec.family = FAMILY_UNSPECIFIED: set one of chain, "
          "layered, random_dag, wide, unet, residual, transformer");
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "GeneratorSpec.family = %d is not a known Family",
          static_cast<int>(spec.family())));
  }
}

// Checks the size and cost fields (all families but TRANSFORMER).
absl::Status CheckSizesAndCosts(const GeneratorSpec& spec) {
  if (spec.base_bytes() < 0 || spec.base_bytes() > kMaxBaseBytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "GeneratorSpec.base_bytes = %d is outside [0, %d] (0 means 1)",
        spec.base_bytes(), kMaxBaseBytes));
  }
  switch (spec.size_distribution()) {
    case proto::SIZE_UNSPECIFIED:
    case proto::SIZE_CONSTANT:
      break;
    case proto::SIZE_UNIFORM:
      RETURN_IF_NOT_OK(CheckRange("size_spread", spec.size_spread(), 1,
                                     kMaxSizeSpread,
                                     " (SIZE_UNIFORM needs it)"));
      break;
    case proto::SIZE_LOGNORMAL:
      RETURN_IF_NOT_OK(
          CheckRange("size_sigma", spec.size_sigma(), 0, kMaxSizeSigma));
      break;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "GeneratorSpec.size_distribution = %d is not a known "
          "SizeDistribution",
          static_cast<int>(spec.size_distribution())));
  }
  RETURN_IF_NOT_OK(CheckRange("cost_per_byte", spec.cost_per_byte(), 0,
                                 kMaxCostPerByte, " (0 means unit costs)"));
  RETURN_IF_NOT_OK(CheckRange("backward_factor", spec.backward_factor(), 0,
                                 kMaxBackwardFactor, " (0 means 2)"));
  return absl::OkStatus();
}

constexpr double kMaxTotal = static_cast<double>(kMaxGeneratedTotal);

absl::Status TotalError(absl::string_view what, double total,
                        absl::string_view fields) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "GeneratorSpec can generate %s up to %.4g, more than 2^62 = %.4g "
      "(int64 overflow); reduce %s",
      what, total, kMaxTotal, fields));
}

// Worst-case totals of bytes and costs, which Generate then cannot exceed.
absl::Status CheckTotals(const GeneratorSpec& spec, const Extent& extent) {
  if (spec.family() == proto::TRANSFORMER) {
    const auto ops = TransformerBlockOps<double>(spec.batch(), spec.seq_len(),
                                                 spec.hidden(), spec.heads());
    const auto head = TransformerHeadOps<double>(spec.batch(), spec.seq_len(),
                                                 spec.hidden());
    double block_bytes = 0, block_cost = 0, head_bytes = 0, head_cost = 0;
    for (const auto& op : ops) {
      block_bytes += 4 * op.elements;
      block_cost += (1 + op.backward_multiplier) * op.forward_flops;
    }
    for (const auto& op : head) {
      head_bytes += 4 * op.elements;
      head_cost += (1 + op.backward_multiplier) * op.forward_flops;
    }
    const double layers = spec.layers();
    const double input_bytes = 4.0 * spec.batch() * spec.seq_len() * spec.hidden();
    const double bytes = layers * block_bytes + head_bytes + input_bytes;
    const double cost = layers * block_cost + head_cost;
    const char* kFields = "layers, batch, seq_len, hidden or heads";
    if (!(bytes <= kMaxTotal)) return TotalError("output_bytes", bytes, kFields);
    if (!(cost <= kMaxTotal)) return TotalError("costs", cost, kFields);
    return absl::OkStatus();
  }
  const double max_node_bytes = MaxDrawBytes(spec) * extent.max_multiplier;
  const double bytes = extent.compute_nodes * max_node_bytes +
                       static_cast<double>(EffectiveBaseBytes(spec));
  const char* kSizeFields =
      "the node count, base_bytes, size_spread, size_sigma, wide_factor or "
      "depth";
  if (!(bytes <= kMaxTotal)) return TotalError("output_bytes", bytes, kSizeFields);
  const double max_forward =
      spec.cost_per_byte() == 0
          ? 1
          : std::max(1.0, std::round(spec.cost_per_byte() * max_node_bytes));
  const double max_backward =
      std::round(EffectiveBackwardFactor(spec) * max_forward);
  const double cost = extent.compute_nodes * (max_forward + max_backward);
  if (!(cost <= kMaxTotal)) {
    return TotalError("costs", cost,
                      absl::StrCat(kSizeFields, ", cost_per_byte or backward_factor"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateGeneratorSpec(const GeneratorSpec& spec) {
  Extent extent;
  RETURN_IF_NOT_OK(CheckStructure(spec, &extent));
  if (spec.family() != proto::TRANSFORMER) {
    RETURN_IF_NOT_OK(CheckSizesAndCosts(spec));
  }
  if (extent.compute_nodes > kMaxGeneratedNodes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "GeneratorSpec would generate %.0f COMPUTE nodes, more than %d; "
        "reduce the %s family's counts",
        extent.compute_nodes, kMaxGeneratedNodes, FamilyName(spec.family())));
  }
  if (extent.edges > kMaxGeneratedEdges) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "GeneratorSpec would generate about %.0f edges, more than %d; reduce "
        "the %s family's counts (fan_in, width or edge_prob)",
        extent.edges, kMaxGeneratedEdges, FamilyName(spec.family())));
  }
  return CheckTotals(spec, extent);
}

absl::StatusOr<proto::Graph> Generate(const GeneratorSpec& spec) {
  RETURN_IF_NOT_OK(ValidateGeneratorSpec(spec));
  switch (spec.family()) {
    case proto::CHAIN:
      return GenerateChain(spec);
    case proto::LAYERED:
      return GenerateLayered(spec);
    case proto::RANDOM_DAG:
      return GenerateRandomDag(spec);
    case proto::WIDE:
      return GenerateWide(spec);
    case proto::UNET:
      return GenerateUnet(spec);
    case proto::RESIDUAL:
      return GenerateResidual(spec);
    case proto::TRANSFORMER:
      return GenerateTransformer(spec);
    default:
      // ValidateGeneratorSpec rejects every other value.
      return absl::InternalError(absl::StrCat(
          "Generate: unhandled family ", static_cast<int>(spec.family())));
  }
}

std::string FamilyName(Family family) {
  switch (family) {
    case proto::FAMILY_UNSPECIFIED:
      return "unspecified";
    case proto::CHAIN:
      return "chain";
    case proto::LAYERED:
      return "layered";
    case proto::RANDOM_DAG:
      return "random_dag";
    case proto::WIDE:
      return "wide";
    case proto::UNET:
      return "unet";
    case proto::RESIDUAL:
      return "residual";
    case proto::TRANSFORMER:
      return "transformer";
    default:
      return absl::StrCat("unknown(", static_cast<int>(family), ")");
  }
}

absl::StatusOr<Family> ParseFamily(absl::string_view name) {
  for (Family family : {proto::CHAIN, proto::LAYERED, proto::RANDOM_DAG,
                        proto::WIDE, proto::UNET, proto::RESIDUAL,
                        proto::TRANSFORMER}) {
    if (name == FamilyName(family)) return family;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown generator family '", name,
      "'; expected one of chain, layered, random_dag, wide, unet, residual, "
      "transformer"));
}

}  // namespace tbp

#undef RETURN_IF_NOT_OK

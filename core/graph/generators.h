// Seeded synthetic graph families (proto/generator.proto).
//
// Each family exercises one structural property that the planners care
// about (chains for Revolve, bounded width, long skips, huge activations,
// transformer blocks); Generate turns a GeneratorSpec into a proto::Graph
// that always passes Graph::FromProto.
//
// Basic API: ValidateGeneratorSpec, Generate, FamilyName, ParseFamily.
//
// Defaults. proto3 cannot tell "unset" from 0, so a 0 means:
//   size_distribution  SIZE_UNSPECIFIED means SIZE_CONSTANT.
//   base_bytes         0 means 1.
//   cost_per_byte      0 means unit forward costs (forward_cost = 1).
//   backward_factor    0 means 2.
//   seed               0 is an ordinary seed.
//   edge_prob, skip_prob, long_range_prob, size_sigma: 0 is meaningful.
// Every structural count a family uses (nodes, layers, width, fan_in,
// window, wide_every, wide_factor, depth, blocks, block_depth, batch,
// seq_len, hidden, heads) and size_spread for SIZE_UNIFORM have no default:
// 0 is an error, so a forgotten field is never silently replaced. Fields a
// family does not use are ignored, whatever their value.
//
// Sizes and costs (every family but TRANSFORMER):
//   size  = draw * multiplier, where draw is base_bytes (constant), an
//           integer uniform in [base_bytes, floor(size_spread * base_bytes)]
//           (uniform) or max(1, round(base_bytes * exp(size_sigma * z)))
//           with z ~ N(0, 1) clamped to [-6, 6] (lognormal), and multiplier
//           is 1 except for WIDE's wide nodes and UNET's levels.
//   forward_cost  = 1 if cost_per_byte == 0,
//                   else max(1, round(cost_per_byte * output_bytes)).
//   backward_cost = round(backward_factor * forward_cost).
// So CHAIN with base_bytes 0 or 1, cost_per_byte 0 and backward_factor 1 is
// the unit chain (every output_bytes, forward_cost, backward_cost is 1).
// TRANSFORMER ignores the size and cost fields: its sizes follow its shapes
// (float32) and its costs are FLOPs (see the family's comment in the .cc).
//
// INPUT nodes (named "x", the data) have output_bytes = base_bytes (for
// TRANSFORMER: the [batch, seq_len, hidden] embeddings) and zero costs.
// COMPUTE node names use 1-based indices: "n17", "l3_w5", "enc2_conv",
// "blk4_attn_scores". All families but CHAIN, WIDE and RANDOM_DAG end in a
// single "loss" node, the only output; CHAIN and WIDE output their last node;
// RANDOM_DAG lists every node without a consumer as an output (a loss node
// reading all of them would force them all resident at once and hide the
// structure the family is meant to exercise).
//
// Determinism: the only randomness is std::mt19937_64 seeded with
// spec.seed (its output sequence is fixed by the C++ standard); uniform,
// Bernoulli, geometric and normal draws are computed here from its raw
// 64-bit output, never with <random>'s distributions, whose results differ
// between standard libraries. The same spec gives the same graph, bit for
// bit, on every platform whose libm agrees on exp/log/cos (the lognormal
// and geometric draws use them; a last-ulp difference could only matter at
// an exact rounding tie). The order of draws is part of the output format.
#ifndef TBP_CORE_GRAPH_GENERATORS_H_
#define TBP_CORE_GRAPH_GENERATORS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/generator.pb.h"
#include "proto/graph.pb.h"

namespace tbp {

// Limits that keep every generated graph buildable and its totals
// (sum of output_bytes, sum of forward_cost + backward_cost) inside int64.
inline constexpr int64_t kMaxGeneratedNodes = 50'000'000;   // COMPUTE nodes.
inline constexpr int64_t kMaxGeneratedEdges = 100'000'000;  // Listed inputs.
// Upper bound on the sum of output_bytes and on the sum of costs: 2^62.
inline constexpr int64_t kMaxGeneratedTotal = int64_t{1} << 62;

// Checks every field that spec.family uses, in O(1). Returns OK or
// kInvalidArgument naming the field, its value and the allowed range, e.g.
// "GeneratorSpec.edge_prob = 1.5 is outside [0, 1]". Errors: family
// unspecified or unknown; a count < 1 (or above its limit); a probability
// outside [0, 1] or NaN; hidden not divisible by heads; base_bytes < 0;
// size_spread < 1 (SIZE_UNIFORM); size_sigma outside [0, 4]
// (SIZE_LOGNORMAL); cost_per_byte or backward_factor negative or not
// finite; more than kMaxGeneratedNodes COMPUTE nodes or (expected)
// kMaxGeneratedEdges edges; worst-case totals of bytes or costs above
// kMaxGeneratedTotal.
absl::Status ValidateGeneratorSpec(const proto::GeneratorSpec& spec);

// Validates `spec` (errors as ValidateGeneratorSpec) and builds the graph.
// Deterministic in `spec` (see the file comment). Time and memory
// O(nodes + edges); a 1,000,000-node CHAIN, RANDOM_DAG or LAYERED graph
// takes about a second. The result always passes Graph::FromProto.
absl::StatusOr<proto::Graph> Generate(const proto::GeneratorSpec& spec);

// The lowercase name of `family` ("chain", "layered", "random_dag", "wide",
// "unet", "residual", "transformer"); "unspecified" for FAMILY_UNSPECIFIED
// and "unknown(<n>)" for a value outside the enum.
std::string FamilyName(proto::Family family);

// The inverse of FamilyName for the seven families. Exact, lowercase match;
// anything else (including "unspecified") is kInvalidArgument listing the
// accepted names.
absl::StatusOr<proto::Family> ParseFamily(absl::string_view name);

}  // namespace tbp

#endif  // TBP_CORE_GRAPH_GENERATORS_H_

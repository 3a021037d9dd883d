// Lower bounds on the peak memory of EVERY valid schedule of a graph in the
// model of docs/design.md section 3 (resident activations + live gradient
// buffers, sampled inside each FORWARD and BACKWARD). Planners compare
// budgets against BestLowerBound: a budget below it is infeasible for every
// schedule, recomputation or not.
//
// Each bound below carries its proof. Facts of the model used by the proofs
// (b(x) = output_bytes(x), CI(v) = the distinct COMPUTE inputs of v):
//  F1. Every COMPUTE node runs BACKWARD exactly once, and is resident with
//      every node of CI(v) at that moment; only FORWARD makes a node
//      resident, so every COMPUTE node also runs FORWARD at least once.
//  F2. The sample of BACKWARD v is taken after the gradient buffers of CI(v)
//      exist and before the gradient of v is freed; the gradient of v exists
//      then (made by a consumer's BACKWARD, or seeded for an output). A
//      gradient buffer is freed only at the end of its own node's BACKWARD
//      (FREE releases activations only).
//  F3. BACKWARD v needs every COMPUTE consumer of v backwarded. By induction
//      along paths, every strict descendant of v runs BACKWARD before v and
//      every strict ancestor of v after v. (Consumers of COMPUTE nodes are
//      COMPUTE nodes.)
//  F4. The BACKWARD of a node allocates the gradient of each node of its CI
//      that has none yet; so the gradient of w exists from the first
//      BACKWARD of a consumer of w until the end of w's BACKWARD.
//
// The bounds (name: statement):
//  forward_working_set:  max_v b(v) + sum_{u in CI(v)} b(u).
//      Proof: v runs FORWARD at least once (F1); its sample holds v and all
//      of CI(v) resident. Always <= backward_working_set; kept for reports.
//  backward_working_set: max_v 2 * (b(v) + sum_{u in CI(v)} b(u)).
//      Proof: in the sample of BACKWARD v, v and CI(v) are resident (F1) and
//      the gradients of v and of every node of CI(v) are live (F2); these
//      are distinct buffers, so the sample is at least the sum.
//  backward_skip_gradients: max_v backward_working_set(v)
//      + sum of b(w) over w in A(v) \ CI(v), where A(v) = the strict
//      ancestors w of v that have a consumer which is a strict descendant of
//      v (the sources of skip connections jumping over v).
//      Proof: let c be that consumer of w. By F3, c runs BACKWARD before v
//      (c is a strict descendant of v) and w after v (w is a strict
//      ancestor of v). By F4 the gradient of w exists from c's BACKWARD to
//      w's, hence during the sample of BACKWARD v. Adding these distinct
//      buffers to the working set of v gives the bound. Any subset of A(v)
//      also gives a valid bound; for graphs larger than
//      LowerBoundOptions::exact_reachability_max_nodes a subset found along
//      a longest-path spanning forest is used (each counted w has a real
//      path w -> ... -> v -> ... -> c, so it is in A(v)).
//  gradient_frontier: min over the orders sigma in which BACKWARD can run
//      (reverse topological orders of the COMPUTE nodes) of
//      max_k sample(sigma_k, D_k), where D_k = {sigma_1 .. sigma_{k-1}} and
//      sample(v, D) = b(v) + sum_{u in CI(v)} b(u)            (activations)
//                   + b of every node in {v} u CI(v) u
//                     {x not in D u {v} with a consumer in D} (gradients).
//      Proof: a valid schedule runs the BACKWARDs in some order sigma (F1),
//      and D_k is then exactly the set already backwarded. In the sample of
//      BACKWARD sigma_k, v = sigma_k and CI(v) are resident (F1), the
//      gradients of v and of CI(v) are live (F2), and so is the gradient of
//      every x not yet backwarded that has a backwarded consumer (F4): all
//      distinct buffers. So the schedule's peak is >= max_k sample, which
//      is >= the minimum over all sigma. Computed exactly by a search over
//      the consumer-closed sets D (layer by layer, keeping for each D the
//      least max sample of any prefix reaching it) when the graph has at
//      most 64 COMPUTE nodes and the search stays within
//      LowerBoundOptions::gradient_frontier_max_states sets; otherwise the
//      valid relaxation max_v of the terms that every sigma has at v, which
//      is backward_skip_gradients (each D_k at v contains every descendant
//      of v and no ancestor). Always >= backward_skip_gradients.
//
// Upper bounds (the peak frontier of some order, the peak of store-all) are
// NOT lower bounds and are never reported here.
#ifndef TBP_CORE_ANALYSIS_LOWER_BOUNDS_H_
#define TBP_CORE_ANALYSIS_LOWER_BOUNDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace tbp {

struct LowerBound {
  // "forward_working_set", "backward_working_set", "backward_skip_gradients",
  // "gradient_frontier".
  std::string name;
  // Every valid schedule has peak memory >= bytes.
  int64_t bytes = 0;
  // Plain-language instance of the proof: which node attains it and why.
  std::string argument;
};

struct LowerBoundOptions {
  // backward_skip_gradients computes A(v) exactly (transitive closure as
  // bitsets: n^2 / 4 bytes, O(n * E / 64 + n^2) time over the n COMPUTE
  // nodes and E edges between them) when n <= this and E * n / 64 <= 2^27;
  // otherwise the O(V + E) spanning-forest subset.
  int32_t exact_reachability_max_nodes = 4096;
  // gradient_frontier searches at most this many consumer-closed sets (over
  // all layers) before it falls back to its relaxation.
  int64_t gradient_frontier_max_states = 1 << 14;
};

// All bounds above, in the order listed. Sums saturate at INT64_MAX (a
// smaller number is still a lower bound). Time: O((V + E) log V) (a Kahn
// order) plus the reachability work of LowerBoundOptions. No errors: every
// Graph built by FromProto is acceptable.
std::vector<LowerBound> AllLowerBounds(const Graph& graph,
                                       const LowerBoundOptions& options = {});

// max over AllLowerBounds(graph, options) of bytes.
int64_t BestLowerBound(const Graph& graph,
                       const LowerBoundOptions& options = {});

}  // namespace tbp

#endif  // TBP_CORE_ANALYSIS_LOWER_BOUNDS_H_

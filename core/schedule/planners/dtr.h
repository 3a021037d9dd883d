// dtr: Dynamic Tensor Rematerialization run offline over this model.
//
// Paper: M. Kirisame, S. Lyubomirsky, A. Haan, J. Brennan, M. He,
// J. Roesch, T. Chen, Z. Tatlock, "Dynamic Tensor Rematerialization",
// International Conference on Learning Representations (ICLR), 2021
// (arXiv:2006.09616).
//
// What it does. DTR is an online, cache-like runtime: it runs a fixed
// program and, before an allocation that would exceed the budget, evicts
// resident tensors chosen by a heuristic; an evicted tensor that is read
// again is rematerialised on demand, recursively. Here the program is
// FORWARD of every node in the context's order, then BACKWARD of every node
// in the reverse order, and the planner records the instructions the
// runtime would issue (FORWARD, FREE, BACKWARD) as the schedule:
//   - before an instruction, every COMPUTE tensor it reads that is not
//     resident is rematerialised (its missing inputs first, recursively);
//     each tensor the instruction reads is pinned as soon as it is resident;
//   - before a FORWARD (the sample: resident + output + live gradients) or a
//     BACKWARD (resident + live gradients + the gradients it allocates) that
//     would exceed budget_bytes, resident tensors that are not pinned are
//     freed (FREE), least score first, until it fits;
//   - after BACKWARD v, v is dead and freed at once.
// If the sample still exceeds the budget with nothing left to evict (every
// resident tensor pinned, or of zero bytes), the budget is infeasible for
// DTR: kOutOfRange naming the instruction and the bytes. A run longer than
// 20,000,000 instructions (thrashing) is refused with kResourceExhausted.
//
// The heuristic (variant h_DTR with the ancestor side of the evicted
// neighbourhood, computed exactly):
//     h(t) = (c(t) + sum of c(u) over u in E(t)) / (m(t) * s(t))
// where c is forward_cost, m is output_bytes, s(t) = clock - last access of
// t, and E(t) is the set of evicted tensors reachable from t through the
// inputs of evicted tensors only: exactly what rematerialising t would
// recompute now. It is found by a depth-first walk at every choice, so it
// is not the union-find "equivalence class" approximation (h_DTR^eq) nor
// h_DTR^local (c(t) alone); it differs from the paper's full h_DTR in
// leaving out the evicted descendants of t (whose rematerialisation would
// also grow). The clock is logical: the index of the next instruction of
// the schedule (never wall time), so staleness is at least 1 for every
// candidate. Zero-byte tensors are never evicted (infinite score, as in the
// paper's simulator). Ties: the lower position in the order. Everything is
// deterministic.
//
// Adaptation to this model (docs/design.md section 3): gradient buffers
// are not tensors DTR may evict (they are pinned in memory and counted);
// INPUT nodes are always resident; a tensor is never rematerialised after
// its BACKWARD (it is dead then); the BACKWARD order is fixed to the
// reverse of the order. The thrashing limit of the paper's simulator
// (simrd's remat_limit) becomes the instruction cap above.
//
// Time: each eviction scores every resident, unpinned tensor (a walk over
// its evicted ancestors), so a run costs O(evictions x resident x evicted
// region); a 1,000-node random DAG plans in 0.2 s at a tenth of store-all's
// peak.
//
// What it cannot express: look-ahead (it is online: it may evict a tensor
// just before its next reader), choosing a different program order, or
// freeing a tensor early because it will not be read for a while. DTR is
// not monotone in the budget: a larger budget can recompute more.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_DTR_H_
#define TBP_CORE_SCHEDULE_PLANNERS_DTR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& DtrPlanner();

// DTR's schedule on one order at `budget_bytes` (what Plan does): the
// budget planner offers it as a candidate. Errors as the planner.
absl::StatusOr<std::vector<Instruction>> DtrSchedule(const OrderContext& context,
                                                    int64_t budget_bytes);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_DTR_H_

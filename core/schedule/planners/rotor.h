// rotor: the dynamic program of Beaumont et al. for heterogeneous chains,
// applied to the chain of the order's positions (stage = position,
// checkpoint = frontier cut), with the "already held" flag that makes it
// exact in this model.
//
// Paper: O. Beaumont, L. Eyraud-Dubois, J. Herrmann, A. Joly, A. Shilova,
// "Optimal checkpointing for heterogeneous chains: how to train deep neural
// networks with limited memory", Inria research report RR-9302, 2019
// (arXiv:1911.13214); journal version in ACM Transactions on Mathematical
// Software, 2024 (HAL hal-02352969). The persistent solver: a table
// C[m][s][t] over memory m and stage intervals [s, t].
//
// The DP (positions s <= t of the order; every position is a stage).
// Sub-problem P(s, t, h): reverse positions s..t when every position > t is
// backwarded, the cut C(s) is held by the enclosing sub-problems (not
// counted in m), and, if h = 1, the part of the cut C(t + 1) inside [s, t]
// is already resident (counted in m; on a chain that is v_t, rotor's
// record of stage t). C[m][s][t][h] = least total forward cost within m
// bytes. Options, as in the paper, plus the flag:
//   - base (s = t): FORWARD v_s unless held, BACKWARD v_s, FREE v_s;
//   - "F_all" (record stage s): FORWARD v_s (unless held), keep it, solve
//     P(s + 1, t, h) with m - bytes(v_s), then BACKWARD v_s, FREE v_s;
//   - "F_ck" (checkpoint) with a split j in (s, t]: a forward sweep over
//     [s, j) keeping only the checkpoint C(j) ∩ [s, j) (the rest freed as
//     soon as dead: F_n), solve P(j, t, h) with m minus the checkpoint, then
//     solve P(s, j - 1, 1) with m: the checkpoint is the held top of the
//     left part. In the published DP the left part re-runs stage j - 1 to
//     rebuild its record; here the record of stage j - 1 is v_{j-1}, which
//     the checkpoint already holds, so that forward would be wasted; the
//     flag h says it is held, and the left part starts with it;
//   - drop (h = 1 only): FREE the held top first and solve P(s, t, 0)
//     (rotor's persistent model with the record not held).
// Ties prefer base, then F_ck (smallest j), then F_all, then drop.
// Memory terms, exact in this model for every order (docs/design.md
// section 3): with positions > t backwarded, the live gradients are those
// of C(t + 1); a FORWARD v_p in a sweep samples the cut C(p) ∩ [s, p), v_p,
// the held top beyond p, and those gradients; a BACKWARD v_s samples v_s
// and the gradients of C(s + 1), v_s and its COMPUTE inputs. Nodes held by
// enclosing sub-problems are charged there (each tensor once, to the
// innermost checkpoint that first holds it), so the DP's need of a plan is
// its simulated peak, and what it finds within budget_bytes fits.
//
// Adaptation to this model. On a chain (each position reads only the
// previous one) this is the paper's chain with stage i = v_i, x_{i+1} =
// x̄_{i+1} = v_i, ftmp = 0, btmp = the input gradient BACKWARD allocates,
// the output as the loss stage (research notes, section 5.5). On a general
// DAG the same recurrence runs over the chain of frontier cuts: a stage is
// a position and its checkpoint is the cut, which may hold several tensors
// (some from far back); the plan space is then the frontier-cut plans of
// the `budget` planner's DP plus the drop option, for this order. The
// BACKWARD order is the reverse of the order.
//
// Memory discretisation (the paper divides the budget into slots): the DP
// works in units u = g x ceil((budget / g) / memory_slots), g the gcd of the
// activation sizes, and rounds each checkpoint up to whole units, so a plan
// it finds always fits; when budget / g <= memory_slots, u = g and the DP
// is exact (the default makes it exact whenever the table has at most 2^22
// cells). Time O(K n^3), memory O(K n^2) for K = budget / u units and n
// positions; more than 2^26 table cells or 2^33 steps (K n^3 / 3) is
// kResourceExhausted. At the default the table stays within 2^22 cells,
// so beyond a few hundred positions the units grow coarse (1,000 positions:
// 8 units, about 16 s) and the plans lose much of their quality: rotor is
// meant for chains and graphs of up to a few hundred positions.
//
// What it cannot express: non-persistent schedules (dropping a checkpoint
// of an enclosing sub-problem, e.g. v_0, and recomputing it later from the
// INPUT), partial drops of a held top, and a BACKWARD order other than the
// reverse of the order. kOutOfRange when no plan fits the budget, naming
// the least need of its plan space on this order.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_ROTOR_H_
#define TBP_CORE_SCHEDULE_PLANNERS_ROTOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/planner_def.h"

namespace tbp {

const PlannerDef& RotorPlanner();

// The DP and its schedule on one order (what Plan does), with the drop
// option switchable: without it the plan space is exactly the frontier-cut
// plan trees of the `budget` planner's DP (for tests). memory_slots >= 1.
// kOutOfRange and kResourceExhausted as the planner.
absl::StatusOr<std::vector<Instruction>> RotorSchedule(const OrderContext& context,
                                                      int64_t budget_bytes,
                                                      int64_t memory_slots, bool allow_drop);

// Rotor's DP solved once, in the units RotorSchedule uses at
// max_budget_bytes, for every budget up to it: Schedule(b) is the plan of
// least recomputation within floor(b / unit) units. Its recomputation never
// increases with b (the space only grows), which RotorSchedule, whose units
// scale with the budget, does not promise; the budget planner offers it at
// every budget. Errors as RotorSchedule.
class RotorAllBudgets {
 public:
  static absl::StatusOr<std::unique_ptr<RotorAllBudgets>> Solve(const OrderContext& context,
                                                                int64_t max_budget_bytes,
                                                                int64_t memory_slots,
                                                                bool allow_drop);
  ~RotorAllBudgets();
  absl::StatusOr<std::vector<Instruction>> Schedule(int64_t budget_bytes) const;

 private:
  RotorAllBudgets();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default memory_slots for n positions: the most units whose table has
// at most 2^22 cells, at least 8.
int64_t DefaultRotorSlots(int64_t n);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_ROTOR_H_

// A post-pass for schedules that recompute: keep a tensor resident instead
// of freeing it and computing it again, wherever the budget allows.
//
// The budget planner (budget_planner.h) only checkpoints whole frontier
// cuts of one order, and its memory accounting rounds each interval's need
// up to a frontier point, so its schedules often leave part of the budget
// unused. KeepRecomputedResident spends that slack: each recomputation is a
// pair (FREE v at i, FORWARD v at j > i, v not resident in between);
// deleting both keeps v resident over [i, j), which raises every memory
// sample in that range by output_bytes(v) and changes nothing else (v was
// not resident there, so no instruction in between touches it; the
// deleted FORWARD recomputed bits that are still there). A pair is taken
// when the simulated samples of [i, j), plus output_bytes(v), stay within
// the budget. Pairs are tried greedily: most forward_cost saved per byte
// kept first, then the shorter span, then the earlier FORWARD
// (deterministic). The result is
// simulated again; recompute_cost never increases and the peak stays
// within the budget.
//
// Greedy is not monotone in the budget: a larger budget can make the DP
// pick a schedule whose refinement recomputes more than the refinement at
// a smaller budget. So this is an option of the budget planner
// (PlannerOptions.keep_recomputed), off by default, and the budget
// planner's monotonicity guarantee is for the DP alone.
#ifndef TBP_CORE_SCHEDULE_REFINE_H_
#define TBP_CORE_SCHEDULE_REFINE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"

namespace tbp {

// Bounds the work of the passes below, so that they scale with the
// schedule: every simulation and scan counts the instructions (and nodes)
// it visits,
// and a pass that finds the meter exhausted stops with the best valid
// schedule it has (deterministic: the count, not the clock, decides).
class WorkMeter {
 public:
  explicit WorkMeter(int64_t limit) : limit_(limit) {}
  void Add(int64_t units) { used_ += units; }
  bool Exhausted() const { return used_ > limit_; }
  int64_t used() const { return used_; }

 private:
  int64_t limit_;
  int64_t used_ = 0;
};

struct KeptSchedule {
  std::vector<Instruction> instructions;
  int64_t recompute_cost = 0;  // The simulator's, of `instructions`.
};

// `instructions` must be a valid schedule of `graph` within budget_bytes
// (else the simulator's error, or kInvalidArgument naming the peak). O(L +
// R log L) besides two simulations, for L instructions and R
// recomputations.
absl::StatusOr<KeptSchedule> KeepRecomputedResident(
    const Graph& graph, const std::vector<Instruction>& instructions, int64_t budget_bytes);

// The opposite trade: bring a valid schedule whose peak exceeds
// budget_bytes under it by recomputing, greedily. While some memory sample
// exceeds the budget, take the first such instruction k and the tensors t
// resident at k that k does not read; for each, with i the last
// instruction before k and j the first after k that reads or frees t:
//   - j is FREE t: move that FREE to just after i (no cost);
//   - i is t's own FORWARD (t unread until j): move that FORWARD to just
//     before j (no cost);
//   - else FREE t after i and FORWARD t again before j, after FORWARDs of
//     the ancestors of t that are not resident there (its inputs not
//     resident before j, theirs, and so on, inputs first), which are
//     FREEd again right after t's FORWARD (cost: forward_cost of t and of
//     those ancestors). The ancestors let a drop reach back through a run
//     of freed tensors: on a transformer block the optimum keeps the
//     expensive QKV projection and recomputes the cheap attention chain
//     after it.
// Moves are tried cheapest first, then most bytes, then the node id; the
// first that the simulator accepts and that lowers the total excess over
// the budget (the sum over samples) is applied. This is how an optimum
// drops a large tensor across a peak and recomputes it afterwards, which
// no nesting of checkpointed cuts expresses. kNotFound if no move lowers
// the excess; O(steps * resident * L) simulations' worth of work, so meant
// for graphs of hundreds of nodes at most.
// With a meter: kNotFound also once the meter is exhausted.
absl::StatusOr<KeptSchedule> RecomputeToFit(const Graph& graph,
                                            std::vector<Instruction> instructions,
                                            int64_t budget_bytes, WorkMeter* meter = nullptr);

// A local search over the two passes above: trade expensive
// recomputations for cheaper ones. Starting from KeepRecomputedResident's
// result, for each recomputation pair (FREE v at i, FORWARD v at j), most
// expensive forward_cost first (then the earlier FORWARD), and then, if
// the schedule has at most 24 pairs, for every two pairs (in that order,
// lexicographically): delete the pair(s) (keep v resident over [i, j),
// which may exceed the budget), bring the schedule back under
// budget_bytes with RecomputeToFit (which drops something else across the
// peak instead, cheapest first), then KeepRecomputedResident; the first
// trade that lowers recompute_cost is taken and the search starts over,
// until no trade lowers it. `instructions` must be valid within
// budget_bytes (errors as KeepRecomputedResident). The result is valid,
// within the budget, and recomputes no more than KeepRecomputedResident's.
// A round costs up to R + R (R - 1) / 2 RecomputeToFit calls for R pairs
// (R alone above 24 pairs), and each accepted trade lowers the (integer)
// recompute_cost, so there are at most as many rounds as the initial
// recompute_cost.
// With a meter: stops with the best schedule so far once it is exhausted.
absl::StatusOr<KeptSchedule> TradeRecomputations(const Graph& graph,
                                                 const std::vector<Instruction>& instructions,
                                                 int64_t budget_bytes,
                                                 WorkMeter* meter = nullptr);

// The budget planner's keep_recomputed search (PlannerOptions.
// keep_recomputed). `plan_at(B')` is the DP's schedule for budget B' (an
// error below the DP's least feasible budget). The DP's schedules at
// budgets below B are also within B, and one that recomputes more can
// leave more room for the keep pass; those at budgets above B recompute
// less, and RecomputeToFit may bring them under B by dropping tensors
// across their peaks and recomputing them (in one step, and for k >= 2
// also in steps of B / 16 with TradeRecomputations at each intermediate
// budget, a descent that can keep what one step drops). Candidates: the
// DP's schedule at B, then at B (1 - k / 16), then at B (1 + k / 16) for
// k = 1..7; each goes through TradeRecomputations, and the least
// recompute wins (the first on ties). Stops early once nothing is
// recomputed. `at_budget` is plan_at(B), already computed. Errors: those
// of plan_at above B, and of the passes. The passes share one WorkMeter of
// max(kKeepMinWork, kKeepWorkPerInstruction x |at_budget|) instruction
// visits: small schedules search to the end, large ones stop early with
// the best found, so the search scales near-linearly with the schedule
// (the planner benchmark measures it); schedules of more than
// kKeepLadderMaxInstructions skip the ladder of other DP budgets.
// At least this much work: more than any graph of the lower_bound_gap_exact
// experiment (at most 20 nodes) uses, so the cap never binds on them.
inline constexpr int64_t kKeepMinWork = 50'000'000;
inline constexpr int64_t kKeepWorkPerInstruction = 16;
// Schedules longer than this skip the ladder of other DP budgets (the
// trades at the budget itself still run, within the meter).
inline constexpr int64_t kKeepLadderMaxInstructions = 1'000'000;

absl::StatusOr<std::vector<Instruction>> KeepRecomputedSearch(
    const Graph& graph, int64_t budget_bytes, const std::vector<Instruction>& at_budget,
    const std::function<absl::StatusOr<std::vector<Instruction>>(int64_t)>& plan_at);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_REFINE_H_

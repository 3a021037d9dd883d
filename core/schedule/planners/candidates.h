// Candidate schedules judged once and chosen by budget: the planners whose
// candidate set does not depend on the budget (chen_greedy's thresholds,
// mincut's knapsack caps) simulate each candidate and return the least
// recompute within budget_bytes; the budget planner keeps the same
// candidates (and the peers' schedules at its ladder of budgets) per order
// and offers the best one that fits.
#ifndef TBP_CORE_SCHEDULE_PLANNERS_CANDIDATES_H_
#define TBP_CORE_SCHEDULE_PLANNERS_CANDIDATES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/graph/graph.h"
#include "core/ir/instructions.h"

namespace tbp {

struct JudgedCandidate {
  std::string source;  // Which planner or step produced it.
  std::vector<Instruction> instructions;
  int64_t peak_bytes = 0;
  int64_t recompute_cost = 0;
};

// Simulates `instructions`; an invalid schedule is kInternal naming
// `source` (a planner bug), an overflow of the simulator's sums its error.
absl::StatusOr<JudgedCandidate> JudgeCandidate(const Graph& graph, std::string source,
                                               std::vector<Instruction> instructions);

// The least recompute among the candidates with peak_bytes <= budget_bytes
// (ties: the lower peak, then the earlier); nullptr if none fits.
const JudgedCandidate* BestWithin(const std::vector<JudgedCandidate>& candidates,
                                  int64_t budget_bytes);

// The least peak of any candidate (-1 if there are none).
int64_t LeastPeak(const std::vector<JudgedCandidate>& candidates);

// Drops every candidate that another one dominates (peak and recompute no
// larger, one of them smaller; of equal pairs the later): BestWithin
// answers the same at every budget. The survivors keep their order.
void KeepParetoFront(std::vector<JudgedCandidate>* candidates);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNERS_CANDIDATES_H_

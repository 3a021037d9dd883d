// Testing only: the budget planner's DP as a straightforward reference —
// the recurrence exactly as it was first written (every interval, every
// allowed split in increasing order, a linear Pareto merge after each
// split), without the pruning and interval skipping of budget_planner.cc.
// Tests compare the real DP against it (tests/budget_dp_reference_test.cc).
#ifndef TBP_CORE_SCHEDULE_BUDGET_REFERENCE_H_
#define TBP_CORE_SCHEDULE_BUDGET_REFERENCE_H_

#include <cstdint>
#include <vector>

#include "core/schedule/budget_planner.h"
#include "core/schedule/plan_tree.h"

namespace tbp {

// The root frontier (need bytes increasing, cost decreasing) of the
// reference DP over `context` at max_blocks, thinned to memory_levels
// points, with points needing more than max_need_bytes dropped.
// O(L^3 K) time; for tests on small graphs.
std::vector<ModelledPoint> ReferenceRootFrontier(const OrderContext& context, int64_t max_blocks,
                                                 int64_t memory_levels, int64_t max_need_bytes,
                                                 const SplitGrid& grid);

// The least cost of the reference's root frontier within budget_bytes, or
// -1 when no point fits.
int64_t ReferenceLeastCost(const std::vector<ModelledPoint>& root, int64_t budget_bytes);

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_BUDGET_REFERENCE_H_

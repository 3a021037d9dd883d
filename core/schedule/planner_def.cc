#include "core/schedule/planner_def.h"

#include <algorithm>
#include <utility>

#include "core/analysis/order.h"

namespace tbp {

absl::StatusOr<std::unique_ptr<PlanContext>> PlanContext::Create(const Graph& graph,
                                                                  std::vector<NodeId> order) {
  if (absl::Status s = ValidateOrder(graph, order); !s.ok()) return s;
  return std::unique_ptr<PlanContext>(new PlanContext(graph, std::move(order)));
}

PlanContext::PlanContext(const Graph& graph, std::vector<NodeId> order)
    : graph_(graph),
      order_(std::move(order)),
      positions_(std::make_unique<OrderContext>(graph, order_)) {}

const std::vector<LowerBound>& PlanContext::lower_bounds() {
  if (!lower_bounds_.has_value()) lower_bounds_ = AllLowerBounds(graph_);
  return *lower_bounds_;
}

int64_t PlanContext::best_lower_bound() {
  int64_t best = 0;
  for (const LowerBound& b : lower_bounds()) best = std::max(best, b.bytes);
  return best;
}

Schedule PlanContext::MakeSchedule(const proto::PlannerOptions& options,
                                   std::vector<Instruction> instructions) const {
  Schedule s;
  s.options = options;
  s.order = order_;
  s.instructions = std::move(instructions);
  return s;
}

}  // namespace tbp

// What a planner is, to the registry (registry.h): a name, its knobs (fields
// of proto::PlannerOptions, with ranges and defaults), how it uses the
// budget, and two functions, ResolveDefaults and Plan. Every planner of
// tiny-backprop is one PlannerDef in its own file pair under planners/ and
// one line in registry.cc; docs/design.md ("Adding a planner") walks
// through the smallest, planners/store_all.cc.
//
// PlanContext is what a planner may read: one graph, one topological order
// of its COMPUTE nodes, the order's position facts (OrderContext), the
// graph's lower bounds, and a cache for per-order state that is expensive to
// build and shared by many plans on the same order (the budget DP answers
// every budget from one table). Experiments plan dozens of times per order;
// the CLI once.
//
// A planner returns instructions (and, for exact planners, what it proved).
// It never reports a peak or a cost: PlanAndJudge (planner.h) runs every
// schedule through the simulator, the single judge.
#ifndef TBP_CORE_SCHEDULE_PLANNER_DEF_H_
#define TBP_CORE_SCHEDULE_PLANNER_DEF_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/analysis/lower_bounds.h"
#include "core/graph/graph.h"
#include "core/schedule/plan_tree.h"
#include "core/schedule/schedule.h"
#include "proto/planner.pb.h"

namespace tbp {

// One graph and one topological order of its COMPUTE nodes, with what
// planners share about them. Not copyable; planners take it by reference.
class PlanContext {
 public:
  // kInvalidArgument (naming the position) unless `order` is a topological
  // permutation of the graph's COMPUTE nodes. `graph` must outlive the
  // context. O(V + E).
  static absl::StatusOr<std::unique_ptr<PlanContext>> Create(const Graph& graph,
                                                             std::vector<NodeId> order);

  PlanContext(const PlanContext&) = delete;
  PlanContext& operator=(const PlanContext&) = delete;

  const Graph& graph() const { return graph_; }
  const std::vector<NodeId>& order() const { return order_; }
  const OrderContext& positions() const { return *positions_; }
  int32_t n() const { return positions_->n; }

  // Every lower bound of core/analysis/lower_bounds.h, computed on first
  // use; the largest of them.
  const std::vector<LowerBound>& lower_bounds();
  int64_t best_lower_bound();

  // A schedule on this order: `instructions` with the order and `options`
  // recorded.
  Schedule MakeSchedule(const proto::PlannerOptions& options,
                        std::vector<Instruction> instructions) const;

  // Per-order state a planner builds once and reuses (the budget DP),
  // owned by the context and keyed by a string the planner chooses (its
  // name and parameters). Find returns nullptr when absent; Put stores
  // (replacing) and returns the stored pointer. The type must match the
  // one stored under the key.
  template <typename T>
  T* Find(const std::string& key) const {
    auto it = cache_.find(key);
    return it == cache_.end() ? nullptr : static_cast<T*>(it->second.get());
  }
  template <typename T>
  T* Put(const std::string& key, std::unique_ptr<T> value) {
    T* raw = value.get();
    cache_[key] = std::shared_ptr<void>(std::move(value));
    return raw;
  }

 private:
  PlanContext(const Graph& graph, std::vector<NodeId> order);

  const Graph& graph_;
  std::vector<NodeId> order_;
  std::unique_ptr<OrderContext> positions_;
  std::optional<std::vector<LowerBound>> lower_bounds_;
  std::map<std::string, std::shared_ptr<void>> cache_;
};

// How a planner uses PlannerOptions.budget_bytes. Whatever it is, the judge
// (PlanAndJudge) checks that the simulated peak fits a given budget.
enum class BudgetUse {
  kChecked,   // Optional; the planner ignores it, the judge checks it.
  kDerives,   // Optional; the planner derives its shape from it (revolve).
  kRequired,  // Required (> 0); the plan fits it by construction.
};

enum class KnobType { kInt, kDouble, kBool };

// PlannerKnob::max_value of a knob without an upper limit.
inline constexpr double kNoMax = std::numeric_limits<double>::infinity();

// One knob: a field of proto::PlannerOptions that the planner reads. The
// field's zero value means "not given" (the default applies).
struct PlannerKnob {
  std::string field;       // PlannerOptions field name, e.g. "segment_length".
  KnobType type = KnobType::kInt;
  double min_value = 1;    // Smallest value allowed when given (kInt, kDouble).
  double max_value = kNoMax;
  std::string default_text;  // The default, as documented ("ceil(sqrt(n))").
  // The repeated field of proto::PlannerSweep (experiment.proto) that
  // sweeps this knob in experiment specs, or "" if none.
  std::string sweep_field;
  std::string help;          // One line.
};

struct PlannerDef {
  std::string name;      // PlannerOptions.planner.
  std::string summary;   // One line, for tbp --help and docs.
  std::string citation;  // The paper the planner follows, or "" for ours.
  BudgetUse budget = BudgetUse::kChecked;
  std::vector<PlannerKnob> knobs;  // Besides planner, order and budget_bytes.
  // Largest graph (COMPUTE nodes) the planner accepts; 0 = any.
  // PlanAndJudge refuses larger graphs with kFailedPrecondition.
  int64_t max_compute_nodes = 0;
  // The planner searches all schedules; the order is recorded, not obeyed.
  bool order_free = false;

  // Rules across knobs, beyond each knob's range (may be empty): e.g.
  // revolve needs slots or budget_bytes. kInvalidArgument naming the fields.
  std::function<absl::Status(const proto::PlannerOptions&)> validate;
  // Fills knobs left at zero with their defaults for this context (may be
  // empty: no defaults depend on the graph). Deterministic.
  std::function<void(PlanContext&, proto::PlannerOptions*)> resolve_defaults;
  // Plans on the context's order. `options` are valid and resolved. The
  // schedule records them (MakeSchedule), amended by what the planner
  // derived (revolve's slots). Errors: kOutOfRange if no schedule of the
  // planner's space fits the budget (the message gives the least budget it
  // reaches where known), kResourceExhausted if the plan is too large to
  // emit or the search ran out of its state limit, kDeadlineExceeded if a
  // time limit passed before any schedule was found.
  std::function<absl::StatusOr<Schedule>(PlanContext&, const proto::PlannerOptions&)> plan;
};

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_PLANNER_DEF_H_

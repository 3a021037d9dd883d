// The planner registry: the one list of planners (registry.cc), and what is
// derived from it: option validation, default resolution and the usage
// text of `tbp --help`. The CLI, the experiment runner, the replay bench and
// the paper's tables ask the registry; none lists planner names of its own.
// To add a planner: a PlannerDef in a new file pair under planners/ and one
// line in registry.cc (docs/design.md, "Adding a planner").
#ifndef TBP_CORE_SCHEDULE_REGISTRY_H_
#define TBP_CORE_SCHEDULE_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/schedule/planner_def.h"
#include "proto/planner.pb.h"

namespace tbp {

// Every registered planner, in registration order (the order of --help and
// of the paper's tables). Each knob names a PlannerOptions field of its
// type (checked once, at first use).
const std::vector<const PlannerDef*>& Planners();

// The planner registered as `name`, or nullptr.
const PlannerDef* FindPlanner(absl::string_view name);

// The registered names, in registration order.
std::vector<std::string> PlannerNames();

// The knob of `planner` whose PlannerOptions field is `field`, or nullptr.
const PlannerKnob* FindKnob(const PlannerDef& planner, absl::string_view field);

// Checks `options` against the registry, independent of any graph:
// planner registered; budget_bytes >= 0, and > 0 where the planner
// requires it; every other field that is set (non-zero) a knob of the
// planner, finite and within the knob's range; the planner's own
// cross-field rules. kInvalidArgument naming the field and value (and,
// for a field the planner does not read, the planner's knobs). O(fields).
absl::Status ValidatePlannerOptions(const proto::PlannerOptions& options);

// `options` (valid) with the planner's defaults filled in for `context`.
proto::PlannerOptions ResolvePlannerOptions(PlanContext& context,
                                            const proto::PlannerOptions& options);

// The value of knob `field` in `options` as a double (bools as 0/1).
double KnobValue(const proto::PlannerOptions& options, absl::string_view field);

// The value of integer knob `field` in `options`, exactly.
int64_t IntKnobValue(const proto::PlannerOptions& options, absl::string_view field);

// Sets knob `field` of `options` to `value` (rounded toward zero for
// integer knobs; non-zero is true for bools). kInvalidArgument if `field`
// is not a PlannerOptions knob field.
absl::Status SetKnobValue(absl::string_view field, double value,
                          proto::PlannerOptions* options);

// The planners section of `tbp --help`: each planner, what it does, its
// knobs with their ranges and defaults.
std::string PlannerUsage();

}  // namespace tbp

#endif  // TBP_CORE_SCHEDULE_REGISTRY_H_

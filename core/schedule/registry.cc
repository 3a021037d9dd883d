#include "core/schedule/registry.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/schedule/planners/budget.h"
#include "core/schedule/planners/checkmate_lp.h"
#include "core/schedule/planners/checkmate_milp.h"
#include "core/schedule/planners/chen_greedy.h"
#include "core/schedule/planners/dtr.h"
#include "core/schedule/planners/exact.h"
#include "core/schedule/planners/exhaustive.h"
#include "core/schedule/planners/interval_tree.h"
#include "core/schedule/planners/mincut.h"
#include "core/schedule/planners/periodic.h"
#include "core/schedule/planners/revolve.h"
#include "core/schedule/planners/rotor.h"
#include "core/schedule/planners/store_all.h"
#include "core/util/check.h"
#include "google/protobuf/descriptor.h"

namespace tbp {
namespace {

using google::protobuf::FieldDescriptor;

// The fields every planner accepts (not knobs).
bool IsCommonField(absl::string_view name) {
  return name == "planner" || name == "order" || name == "budget_bytes";
}

const FieldDescriptor* Field(absl::string_view name) {
  return proto::PlannerOptions::descriptor()->FindFieldByName(std::string(name));
}

FieldDescriptor::CppType CppTypeOf(KnobType type) {
  switch (type) {
    case KnobType::kInt: return FieldDescriptor::CPPTYPE_INT64;
    case KnobType::kDouble: return FieldDescriptor::CPPTYPE_DOUBLE;
    case KnobType::kBool: return FieldDescriptor::CPPTYPE_BOOL;
  }
  return FieldDescriptor::CPPTYPE_STRING;
}

// The value of a scalar field as a double, and as text for messages.
double ValueOf(const proto::PlannerOptions& o, const FieldDescriptor* f) {
  const auto* r = o.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT64: return static_cast<double>(r->GetInt64(o, f));
    case FieldDescriptor::CPPTYPE_DOUBLE: return r->GetDouble(o, f);
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(o, f) ? 1 : 0;
    default: return 0;
  }
}

std::string TextOf(const proto::PlannerOptions& o, const FieldDescriptor* f) {
  const auto* r = o.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT64: return absl::StrCat(r->GetInt64(o, f));
    case FieldDescriptor::CPPTYPE_DOUBLE: return absl::StrFormat("%g", r->GetDouble(o, f));
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(o, f) ? "true" : "false";
    default: return "?";
  }
}

std::string RangeText(const PlannerKnob& k) {
  if (k.type == KnobType::kBool) return "true or false";
  std::string s = absl::StrFormat(">= %g", k.min_value);
  if (k.max_value != kNoMax) s = absl::StrFormat("in [%g, %g]", k.min_value, k.max_value);
  return s;
}

std::string KnobNames(const PlannerDef& p) {
  std::vector<std::string> names = {"budget_bytes"};
  for (const PlannerKnob& k : p.knobs) names.push_back(k.field);
  return absl::StrJoin(names, ", ");
}

void CheckRegistry(const std::vector<const PlannerDef*>& planners) {
  for (const PlannerDef* p : planners) {
    TBP_CHECK(p->plan != nullptr);
    for (const PlannerKnob& k : p->knobs) {
      const FieldDescriptor* f = Field(k.field);
      TBP_CHECK(f != nullptr && !IsCommonField(k.field));
      TBP_CHECK(f->cpp_type() == CppTypeOf(k.type));
    }
  }
}

}  // namespace

const std::vector<const PlannerDef*>& Planners() {
  static const auto* planners = [] {
    // The registry: one line per planner (the order of --help and tables).
    auto* list = new std::vector<const PlannerDef*>{
        &StoreAllPlanner(),
        &PeriodicPlanner(),
        &RevolvePlanner(),
        &IntervalTreePlanner(),
        &BudgetPlannerDef(),
        &ExactPlanner(),
        &ExhaustivePlanner(),
        &ChenGreedyPlanner(),
        &DtrPlanner(),
        &MinCutPlanner(),
        &RotorPlanner(),
        &CheckmateMilpPlanner(),
        &CheckmateLpPlanner(),
    };
    CheckRegistry(*list);
    return list;
  }();
  return *planners;
}

const PlannerDef* FindPlanner(absl::string_view name) {
  for (const PlannerDef* p : Planners()) {
    if (p->name == name) return p;
  }
  return nullptr;
}

std::vector<std::string> PlannerNames() {
  std::vector<std::string> names;
  for (const PlannerDef* p : Planners()) names.push_back(p->name);
  return names;
}

const PlannerKnob* FindKnob(const PlannerDef& planner, absl::string_view field) {
  for (const PlannerKnob& k : planner.knobs) {
    if (k.field == field) return &k;
  }
  return nullptr;
}

absl::Status ValidatePlannerOptions(const proto::PlannerOptions& o) {
  const PlannerDef* p = FindPlanner(o.planner());
  if (p == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.planner = '%s' is not a planner; choose one of: %s", o.planner(),
        absl::StrJoin(PlannerNames(), ", ")));
  }
  if (o.budget_bytes() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: must be >= 0 (0 = not given)", o.budget_bytes()));
  }
  const google::protobuf::Descriptor* d = proto::PlannerOptions::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (IsCommonField(f->name())) continue;
    const double v = ValueOf(o, f);
    if (v == 0) continue;  // Not given: the default applies.
    const PlannerKnob* k = FindKnob(*p, f->name());
    if (k == nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PlannerOptions.%s = %s: planner '%s' has no such knob (its knobs: %s)", f->name(),
          TextOf(o, f), p->name, KnobNames(*p)));
    }
    if (k->type != KnobType::kBool &&
        (!std::isfinite(v) || v < k->min_value || v > k->max_value)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PlannerOptions.%s = %s: must be %s (0 = default: %s)", f->name(), TextOf(o, f),
          RangeText(*k), k->default_text));
    }
  }
  if (p->budget == BudgetUse::kRequired && o.budget_bytes() == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes is missing: planner '%s' needs a budget > 0", p->name));
  }
  if (p->validate) return p->validate(o);
  return absl::OkStatus();
}

proto::PlannerOptions ResolvePlannerOptions(PlanContext& context,
                                            const proto::PlannerOptions& options) {
  proto::PlannerOptions o = options;
  const PlannerDef* p = FindPlanner(o.planner());
  TBP_CHECK(p != nullptr);
  if (p->resolve_defaults) p->resolve_defaults(context, &o);
  return o;
}

double KnobValue(const proto::PlannerOptions& options, absl::string_view field) {
  const FieldDescriptor* f = Field(field);
  TBP_CHECK(f != nullptr);
  return ValueOf(options, f);
}

int64_t IntKnobValue(const proto::PlannerOptions& options, absl::string_view field) {
  const FieldDescriptor* f = Field(field);
  TBP_CHECK(f != nullptr && f->cpp_type() == FieldDescriptor::CPPTYPE_INT64);
  return options.GetReflection()->GetInt64(options, f);
}

absl::Status SetKnobValue(absl::string_view field, double value,
                          proto::PlannerOptions* options) {
  const FieldDescriptor* f = Field(field);
  if (f == nullptr || IsCommonField(field) && field != "budget_bytes") {
    return absl::InvalidArgumentError(
        absl::StrCat("'", field, "' is not a knob field of PlannerOptions"));
  }
  const auto* r = options->GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(options, f, static_cast<int64_t>(value));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetDouble(options, f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_BOOL:
      r->SetBool(options, f, value != 0);
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("'", field, "' is not a knob field of PlannerOptions"));
  }
}

std::string PlannerUsage() {
  std::string out = "planners (--planner=NAME; its knobs as --FIELD=VALUE):\n";
  for (const PlannerDef* p : Planners()) {
    absl::StrAppendFormat(&out, "  %-14s %s", p->name, p->summary);
    if (!p->citation.empty()) absl::StrAppend(&out, " [", p->citation, "]");
    absl::StrAppend(&out, "\n");
    const char* budget = p->budget == BudgetUse::kRequired  ? "required"
                         : p->budget == BudgetUse::kDerives ? "optional, shapes the plan"
                                                            : "optional, checked";
    absl::StrAppendFormat(&out, "  %-14s   --budget_bytes: %s", "", budget);
    if (p->max_compute_nodes > 0) {
      absl::StrAppendFormat(&out, "; graphs of at most %d COMPUTE nodes", p->max_compute_nodes);
    }
    if (p->order_free) absl::StrAppend(&out, "; searches every order");
    absl::StrAppend(&out, "\n");
    for (const PlannerKnob& k : p->knobs) {
      absl::StrAppendFormat(&out, "  %-14s   --%s: %s; %s, default %s\n", "", k.field, k.help,
                            RangeText(k), k.default_text);
    }
  }
  return out;
}

}  // namespace tbp

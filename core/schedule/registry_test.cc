#include "core/schedule/registry.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "proto/experiment.pb.h"
#include "proto/planner.pb.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;
using google::protobuf::FieldDescriptor;

// Every planner has a name, a summary and a Plan; names are unique; every
// knob is a field of PlannerOptions (Planners() checks the type at first
// use); a knob that experiments sweep names a repeated field of
// PlannerSweep of the knob's type.
TEST(RegistryTest, EveryPlannerIsWellFormed) {
  std::set<std::string> names;
  for (const PlannerDef* p : Planners()) {
    EXPECT_TRUE(names.insert(p->name).second) << p->name;
    EXPECT_FALSE(p->summary.empty()) << p->name;
    EXPECT_TRUE(p->plan != nullptr) << p->name;
    EXPECT_EQ(FindPlanner(p->name), p);
    for (const PlannerKnob& k : p->knobs) {
      EXPECT_NE(proto::PlannerOptions::descriptor()->FindFieldByName(k.field), nullptr)
          << p->name << "." << k.field;
      EXPECT_FALSE(k.default_text.empty()) << p->name << "." << k.field;
      EXPECT_LE(k.min_value, k.max_value) << p->name << "." << k.field;
      if (k.sweep_field.empty()) continue;
      const FieldDescriptor* f =
          proto::PlannerSweep::descriptor()->FindFieldByName(k.sweep_field);
      ASSERT_NE(f, nullptr) << k.sweep_field;
      EXPECT_TRUE(f->is_repeated()) << k.sweep_field;
      EXPECT_EQ(f->cpp_type(), k.type == KnobType::kInt ? FieldDescriptor::CPPTYPE_INT64
                                                        : FieldDescriptor::CPPTYPE_DOUBLE);
    }
  }
  EXPECT_EQ(FindPlanner("no_such_planner"), nullptr);
  EXPECT_EQ(PlannerNames().size(), Planners().size());
}

// Every repeated numeric field of PlannerSweep sweeps some registered knob
// (or is budget_fractions): a sweep field without a knob would be a spec
// field nothing reads.
TEST(RegistryTest, EverySweepFieldBelongsToAKnob) {
  std::set<std::string> swept = {"budget_fractions"};
  for (const PlannerDef* p : Planners()) {
    for (const PlannerKnob& k : p->knobs) {
      if (!k.sweep_field.empty()) swept.insert(k.sweep_field);
    }
  }
  const google::protobuf::Descriptor* d = proto::PlannerSweep::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!f->is_repeated()) continue;
    EXPECT_TRUE(swept.count(f->name())) << "PlannerSweep." << f->name();
  }
}

// Every field of PlannerOptions is common (planner, order, budget_bytes)
// or a knob of some planner: a field no planner reads would be accepted by
// no planner.
TEST(RegistryTest, EveryOptionFieldIsReadBySomePlanner) {
  const google::protobuf::Descriptor* d = proto::PlannerOptions::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const std::string name = d->field(i)->name();
    if (name == "planner" || name == "order" || name == "budget_bytes") continue;
    bool read = false;
    for (const PlannerDef* p : Planners()) read |= FindKnob(*p, name) != nullptr;
    EXPECT_TRUE(read) << "PlannerOptions." << name;
  }
}

TEST(RegistryTest, UsageListsEveryPlannerAndKnob) {
  const std::string usage = PlannerUsage();
  for (const PlannerDef* p : Planners()) {
    EXPECT_THAT(usage, HasSubstr("  " + p->name + " ")) << p->name;
    for (const PlannerKnob& k : p->knobs) EXPECT_THAT(usage, HasSubstr("--" + k.field + ":"));
  }
}

TEST(RegistryTest, KnobValuesRoundTrip) {
  proto::PlannerOptions o;
  ASSERT_TRUE(SetKnobValue("segment_length", 7, &o).ok());
  ASSERT_TRUE(SetKnobValue("time_limit_s", 2.5, &o).ok());
  ASSERT_TRUE(SetKnobValue("keep_recomputed", 1, &o).ok());
  EXPECT_EQ(o.segment_length(), 7);
  EXPECT_EQ(IntKnobValue(o, "segment_length"), 7);
  EXPECT_EQ(KnobValue(o, "time_limit_s"), 2.5);
  EXPECT_EQ(KnobValue(o, "keep_recomputed"), 1);
  absl::Status bad = SetKnobValue("planner", 1, &o);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SetKnobValue("nonsense", 1, &o).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RegistryTest, ValidationNamesTheFieldAndTheRule) {
  proto::PlannerOptions o;
  o.set_planner("periodic");
  EXPECT_TRUE(ValidatePlannerOptions(o).ok());
  o.set_budget_bytes(100);  // Checked by the judge for every planner.
  EXPECT_TRUE(ValidatePlannerOptions(o).ok());
  o.set_max_blocks(8);
  absl::Status s = ValidatePlannerOptions(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("PlannerOptions.max_blocks = 8: planner 'periodic' has no such knob "
                        "(its knobs: budget_bytes, segment_length)"));
  o.clear_max_blocks();
  o.set_segment_length(-4);
  EXPECT_THAT(std::string(ValidatePlannerOptions(o).message()),
              HasSubstr("PlannerOptions.segment_length = -4: must be >= 1 (0 = default: "
                        "ceil(sqrt(n)))"));
}

}  // namespace
}  // namespace tbp

#include "core/schedule/planners/chen_greedy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schedule/planners/candidates.h"

namespace tbp {
namespace {

// The paper's grid: this many steps over [B0 / sqrt(2), sqrt(2) B0].
constexpr int kGridSteps = 6;
// The ladder's ratio between consecutive thresholds.
constexpr double kLadderRatio = 1.189207115002721;  // 2^(1/4)

PlanTree TreeOf(int32_t n, const std::vector<int32_t>& splits) {
  PlanTree tree(n);
  int32_t index = tree.root;
  for (int32_t m : splits) index = tree.Split(index, m).right;
  return tree;
}

absl::StatusOr<Schedule> Plan(PlanContext& c, const proto::PlannerOptions& o) {
  const int64_t budget = o.budget_bytes();
  absl::StatusOr<std::vector<JudgedCandidate>> candidates = ChenGreedyCandidates(c.positions());
  if (!candidates.ok()) return candidates.status();
  const JudgedCandidate* best = BestWithin(*candidates, budget);
  if (best == nullptr) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d is below every chen_greedy candidate on this order: "
        "the least simulated peak over its thresholds is %d bytes",
        budget, LeastPeak(*candidates)));
  }
  return c.MakeSchedule(o, best->instructions);
}

}  // namespace

absl::StatusOr<std::vector<JudgedCandidate>> ChenGreedyCandidates(const OrderContext& c) {
  std::vector<JudgedCandidate> out;
  std::set<std::vector<int32_t>> seen;
  for (int64_t threshold : ChenGreedyThresholds(c)) {
    ChenSegmentation seg = ChenGreedySegments(c, threshold);
    if (!seen.insert(seg.splits).second) continue;  // Same plan as an earlier threshold.
    absl::StatusOr<JudgedCandidate> j =
        JudgeCandidate(c.graph, "chen_greedy", EmitPlan(c, TreeOf(c.n, seg.splits)));
    if (!j.ok()) return j.status();
    out.push_back(*std::move(j));
  }
  return out;
}

ChenSegmentation ChenGreedySegments(const OrderContext& c, int64_t threshold_bytes) {
  ChenSegmentation s;
  int64_t running = 0;
  for (int32_t p = 0; p < c.n; ++p) {
    running += c.bytes[p];
    if (running > threshold_bytes && p + 1 < c.n) {
      s.splits.push_back(p + 1);
      s.checkpoint_bytes += c.cut_bytes[p + 1];
      s.largest_segment_bytes = std::max(s.largest_segment_bytes, running);
      running = 0;
    }
  }
  s.largest_segment_bytes = std::max(s.largest_segment_bytes, running);
  return s;
}

std::vector<int64_t> ChenGreedyThresholds(const OrderContext& c) {
  std::vector<int64_t> out;
  auto add = [&](int64_t t) {
    t = std::max<int64_t>(0, t);
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  add(0);
  const ChenSegmentation first = ChenGreedySegments(c, 0);
  const double b0 = std::floor(std::sqrt(static_cast<double>(first.checkpoint_bytes) *
                                         static_cast<double>(first.largest_segment_bytes)));
  const double lo = b0 / std::sqrt(2.0), hi = b0 * std::sqrt(2.0);
  for (int i = 0; i <= kGridSteps; ++i) {
    add(static_cast<int64_t>(std::floor(lo + (hi - lo) * i / kGridSteps)));
  }
  const int64_t total = c.prefix_bytes[c.n];
  int64_t smallest = total;
  for (int64_t b : c.bytes) {
    if (b > 0) smallest = std::min(smallest, b);
  }
  for (double t = static_cast<double>(std::max<int64_t>(1, smallest));
       t < static_cast<double>(total); t *= kLadderRatio) {
    add(static_cast<int64_t>(std::floor(t)));
  }
  add(total);  // Never splits: store-all.
  return out;
}

const PlannerDef& ChenGreedyPlanner() {
  static const PlannerDef* def = [] {
    auto* d = new PlannerDef;
    d->name = "chen_greedy";
    d->summary = "Chen's memory-threshold greedy segmentation on frontier cuts, threshold "
                 "searched by simulation (one level of segments)";
    d->citation = "Chen et al. 2016, greedy memory planning with budget";
    d->budget = BudgetUse::kRequired;
    d->plan = Plan;
    return d;
  }();
  return *def;
}

}  // namespace tbp

#include "core/schedule/planners/candidates.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/sim/simulator.h"

namespace tbp {

absl::StatusOr<JudgedCandidate> JudgeCandidate(const Graph& graph, std::string source,
                                               std::vector<Instruction> instructions) {
  absl::StatusOr<SimResult> sim = Simulate(graph, instructions);
  if (!sim.ok()) {
    if (absl::IsOutOfRange(sim.status())) return sim.status();  // Sums past int64.
    return absl::InternalError(
        absl::StrCat(source, " emitted an invalid schedule: ", sim.status().message()));
  }
  JudgedCandidate c;
  c.source = std::move(source);
  c.instructions = std::move(instructions);
  c.peak_bytes = sim->peak_bytes;
  c.recompute_cost = sim->recompute_cost;
  return c;
}

const JudgedCandidate* BestWithin(const std::vector<JudgedCandidate>& candidates,
                                  int64_t budget_bytes) {
  const JudgedCandidate* best = nullptr;
  for (const JudgedCandidate& c : candidates) {
    if (c.peak_bytes > budget_bytes) continue;
    if (best == nullptr || c.recompute_cost < best->recompute_cost ||
        (c.recompute_cost == best->recompute_cost && c.peak_bytes < best->peak_bytes)) {
      best = &c;
    }
  }
  return best;
}

int64_t LeastPeak(const std::vector<JudgedCandidate>& candidates) {
  int64_t least = -1;
  for (const JudgedCandidate& c : candidates) {
    if (least < 0 || c.peak_bytes < least) least = c.peak_bytes;
  }
  return least;
}

void KeepParetoFront(std::vector<JudgedCandidate>* candidates) {
  // By peak, then recompute, then position: a candidate survives iff its
  // recompute is below every one before it.
  std::vector<size_t> by(candidates->size());
  for (size_t i = 0; i < by.size(); ++i) by[i] = i;
  const std::vector<JudgedCandidate>& c = *candidates;
  std::sort(by.begin(), by.end(), [&](size_t a, size_t b) {
    if (c[a].peak_bytes != c[b].peak_bytes) return c[a].peak_bytes < c[b].peak_bytes;
    if (c[a].recompute_cost != c[b].recompute_cost) {
      return c[a].recompute_cost < c[b].recompute_cost;
    }
    return a < b;
  });
  std::vector<uint8_t> keep(c.size(), 0);
  bool any = false;
  int64_t least = 0;
  for (size_t i : by) {
    if (!any || c[i].recompute_cost < least) {
      keep[i] = 1;
      least = c[i].recompute_cost;
      any = true;
    }
  }
  std::vector<JudgedCandidate> kept;
  for (size_t i = 0; i < c.size(); ++i) {
    if (keep[i]) kept.push_back(std::move((*candidates)[i]));
  }
  *candidates = std::move(kept);
}

}  // namespace tbp

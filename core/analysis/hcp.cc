#include "core/analysis/hcp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/analysis/frontier.h"
#include "core/analysis/lower_bounds.h"
#include "core/analysis/order.h"
#include "core/graph/graph.h"
#include "core/util/check.h"

namespace tbp {
namespace {

std::string Bytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " bytes");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%d bytes (%.1f %s)", bytes, value, units[unit]);
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.3g%%", 100.0 * fraction);
}

double Fraction(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0
                    : static_cast<double>(part) / static_cast<double>(whole);
}

// Largest r with r * r <= n.
int32_t FloorSqrt(int32_t n) {
  int64_t r = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return static_cast<int32_t>(r);
}

// Nearest-rank 95th percentile of a non-empty vector (reorders it).
int32_t P95(std::vector<int32_t>* values) {
  const int64_t n = static_cast<int64_t>(values->size());
  const int64_t rank = (95 * n + 99) / 100;
  std::nth_element(values->begin(), values->begin() + (rank - 1),
                   values->end());
  return (*values)[rank - 1];
}

HcpStats ComputeStats(const Graph& graph, absl::Span<const NodeId> order,
                      absl::string_view order_name) {
  HcpStats s;
  s.num_compute_nodes = static_cast<int32_t>(order.size());
  s.total_activation_bytes = graph.total_compute_bytes();
  s.order_name = std::string(order_name);

  const FrontierProfile profile = ComputeFrontier(graph, order);
  s.peak_frontier_bytes = profile.peak_bytes;
  s.mean_frontier_bytes = profile.mean_bytes;
  s.p95_frontier_bytes = profile.p95_bytes;
  s.peak_frontier_cut = profile.argmax;
  s.peak_frontier_fraction =
      Fraction(profile.peak_bytes, s.total_activation_bytes);

  const std::vector<int32_t> position = OrderPositions(graph, order);
  const int32_t n = s.num_compute_nodes;
  s.long_skip_threshold = FloorSqrt(n);
  std::vector<int32_t> skips;
  int64_t skip_sum = 0;
  std::vector<int32_t> depth(graph.num_nodes(), 0);
  for (NodeId v : order) {
    const int32_t fan_out = static_cast<int32_t>(graph.consumers(v).size());
    if (fan_out > s.max_fan_out ||
        (fan_out == s.max_fan_out &&
         (s.max_fan_out_node == kNoNode || v < s.max_fan_out_node))) {
      s.max_fan_out = fan_out;
      s.max_fan_out_node = v;
    }
    int32_t last = position[v];
    for (NodeId c : graph.consumers(v)) {
      const int32_t length = position[c] - position[v];
      ++s.num_compute_edges;
      if (length > s.long_skip_threshold) ++s.long_skip_edges;
      last = std::max(last, position[c]);
    }
    if (last > position[v]) {
      skips.push_back(last - position[v]);
      skip_sum += last - position[v];
    }
    depth[v] = 1;
    for (NodeId u : graph.inputs(v)) {
      if (graph.is_compute(u)) depth[v] = std::max(depth[v], depth[u] + 1);
    }
    s.depth = std::max(s.depth, depth[v]);
    const int64_t bytes = graph.output_bytes(v);
    if (bytes > s.max_activation_bytes ||
        (bytes == s.max_activation_bytes &&
         (s.max_activation_node == kNoNode || v < s.max_activation_node))) {
      s.max_activation_bytes = bytes;
      s.max_activation_node = v;
    }
  }
  if (!skips.empty()) {
    s.max_skip = *std::max_element(skips.begin(), skips.end());
    s.mean_skip = static_cast<double>(skip_sum) / skips.size();
    s.p95_skip = P95(&skips);
  }
  s.long_skip_fraction = Fraction(s.long_skip_edges, s.num_compute_edges);
  s.mean_level_width =
      s.depth == 0 ? 0.0 : static_cast<double>(n) / s.depth;
  s.max_activation_fraction =
      Fraction(s.max_activation_bytes, s.total_activation_bytes);
  s.lower_bound_bytes = BestLowerBound(graph);
  return s;
}

// x <= total * fraction, exact for the default power-of-two fractions.
bool AtMostFraction(int64_t x, int64_t total, double fraction) {
  return static_cast<long double>(x) <=
         static_cast<long double>(total) * static_cast<long double>(fraction);
}

HcpCriterion Frontier(const HcpStats& s, const HcpThresholds& t) {
  HcpCriterion c;
  c.name = "frontier";
  c.key = true;
  c.value = s.peak_frontier_fraction;
  c.threshold = t.max_frontier_fraction;
  c.pass = AtMostFraction(s.peak_frontier_bytes, s.total_activation_bytes,
                          t.max_frontier_fraction);
  const double estimate =
      2.0 * std::sqrt(static_cast<double>(s.peak_frontier_bytes) *
                      static_cast<double>(s.total_activation_bytes));
  if (c.pass) {
    c.explanation = absl::StrFormat(
        "The widest cut of the %s order holds %s, %s of the %s of "
        "activations (at most %s allowed), so checkpoints are cheap: "
        "checkpointing every few positions needs about 2*sqrt(W*T) = %s "
        "instead of %s.",
        s.order_name, Bytes(s.peak_frontier_bytes),
        Percent(s.peak_frontier_fraction), Bytes(s.total_activation_bytes),
        Percent(t.max_frontier_fraction),
        Bytes(static_cast<int64_t>(estimate)),
        Bytes(s.total_activation_bytes));
  } else {
    c.explanation = absl::StrFormat(
        "The widest cut of the %s order (cut %d) holds %s, %s of the %s of "
        "activations (more than %s): checkpointing its cuts needs about "
        "2*sqrt(W*T) = %s, %s, so checkpointing saves little.",
        s.order_name, s.peak_frontier_cut, Bytes(s.peak_frontier_bytes),
        Percent(s.peak_frontier_fraction), Bytes(s.total_activation_bytes),
        Percent(t.max_frontier_fraction),
        Bytes(static_cast<int64_t>(estimate)),
        estimate >= static_cast<double>(s.total_activation_bytes)
            ? "no less than storing everything"
            : "more than half of storing everything");
  }
  return c;
}

HcpCriterion Skips(const HcpStats& s, const HcpThresholds& t) {
  HcpCriterion c;
  c.name = "skips";
  c.key = false;
  c.value = s.long_skip_fraction;
  c.threshold = t.max_long_skip_fraction;
  c.pass = static_cast<long double>(s.long_skip_edges) <=
           static_cast<long double>(s.num_compute_edges) *
               static_cast<long double>(t.max_long_skip_fraction);
  c.explanation = absl::StrFormat(
      "%s: %d of %d edges (%s) span more than %d positions (sqrt(n)), at "
      "most %s allowed; the longest skip spans %d positions, mean %.1f, "
      "p95 %d.%s",
      c.pass ? "Long skips are rare" : "Long skips are common",
      s.long_skip_edges, s.num_compute_edges, Percent(s.long_skip_fraction),
      s.long_skip_threshold, Percent(t.max_long_skip_fraction), s.max_skip,
      s.mean_skip, s.p95_skip,
      c.pass ? ""
             : " Each long skip keeps its source alive across many cuts, "
               "widening every checkpoint on the way.");
  return c;
}

HcpCriterion FanOut(const Graph& graph, const HcpStats& s,
                    const HcpThresholds& t) {
  HcpCriterion c;
  c.name = "fan_out";
  c.key = false;
  c.value = s.max_fan_out;
  c.threshold = t.max_fan_out;
  c.pass = s.max_fan_out <= t.max_fan_out;
  const std::string node =
      s.max_fan_out_node == kNoNode
          ? std::string("no node")
          : absl::StrCat("'", graph.name(s.max_fan_out_node), "'");
  if (c.pass) {
    c.explanation = absl::StrFormat(
        "Fan-out is bounded: no node feeds more than %d operators (%s "
        "feeds the most; at most %d allowed).",
        s.max_fan_out, node, t.max_fan_out);
  } else {
    c.explanation = absl::StrFormat(
        "Node %s feeds %d operators (more than %d): a hub stays live until "
        "its last reader, across every cut in between.",
        node, s.max_fan_out, t.max_fan_out);
  }
  return c;
}

HcpCriterion Depth(const HcpStats& s) {
  HcpCriterion c;
  c.name = "depth";
  c.key = false;
  c.value = s.depth;
  c.threshold = std::sqrt(static_cast<double>(s.num_compute_nodes));
  c.pass = static_cast<int64_t>(s.depth) * s.depth >= s.num_compute_nodes;
  c.explanation = absl::StrFormat(
      "%s: the longest path has %d of the %d operators (needs at least "
      "sqrt(n) = %.1f), about %.1f operators per level.%s",
      c.pass ? "The graph is deep, not wide" : "The graph is wide, not deep",
      s.depth, s.num_compute_nodes, c.threshold, s.mean_level_width,
      c.pass ? ""
             : " Many operators sit side by side, and side-by-side "
               "activations tend to be live across the same cuts.");
  return c;
}

HcpCriterion Dominance(const Graph& graph, const HcpStats& s,
                       const HcpThresholds& t) {
  HcpCriterion c;
  c.name = "dominance";
  c.key = true;
  c.value = s.max_activation_fraction;
  c.threshold = t.max_activation_fraction;
  c.pass = AtMostFraction(s.max_activation_bytes, s.total_activation_bytes,
                          t.max_activation_fraction);
  const std::string node =
      s.max_activation_node == kNoNode
          ? std::string("none")
          : absl::StrCat("'", graph.name(s.max_activation_node), "'");
  if (c.pass) {
    c.explanation = absl::StrFormat(
        "No activation dominates: the largest, %s, is %s, %s of the total "
        "(at most %s allowed).",
        node, Bytes(s.max_activation_bytes),
        Percent(s.max_activation_fraction), Percent(t.max_activation_fraction));
  } else {
    c.explanation = absl::StrFormat(
        "Activation %s alone is %s, %s of all activation bytes (more than "
        "%s): its BACKWARD needs at least twice that, so no schedule gets "
        "far below storing everything.",
        node, Bytes(s.max_activation_bytes),
        Percent(s.max_activation_fraction), Percent(t.max_activation_fraction));
  }
  return c;
}

}  // namespace

HcpReport DiagnoseHcpForOrder(const Graph& graph,
                              absl::Span<const NodeId> order,
                              absl::string_view order_name,
                              const HcpThresholds& thresholds) {
  TBP_CHECK(ValidateOrder(graph, order).ok());
  HcpReport report;
  report.stats = ComputeStats(graph, order, order_name);
  const HcpStats& s = report.stats;
  report.criteria.push_back(Frontier(s, thresholds));
  report.criteria.push_back(Skips(s, thresholds));
  report.criteria.push_back(FanOut(graph, s, thresholds));
  report.criteria.push_back(Depth(s));
  report.criteria.push_back(Dominance(graph, s, thresholds));

  std::vector<const HcpCriterion*> failed_key;
  std::vector<const HcpCriterion*> failed_advisory;
  for (const HcpCriterion& c : report.criteria) {
    if (c.pass) continue;
    (c.key ? failed_key : failed_advisory).push_back(&c);
  }
  report.compressible = failed_key.empty();
  std::string verdict;
  if (report.compressible) {
    verdict = absl::StrFormat(
        "Compressible: both key criteria (frontier, dominance) pass. Cuts of "
        "the %s order hold at most %s of the %s of activations, and no "
        "single activation sets a floor near store-all (lower bound %s), so "
        "checkpointing these cuts trades a little recomputation for much "
        "less memory.",
        s.order_name, Bytes(s.peak_frontier_bytes),
        Bytes(s.total_activation_bytes), Bytes(s.lower_bound_bytes));
  } else {
    verdict = "Not compressible: ";
    for (size_t i = 0; i < failed_key.size(); ++i) {
      absl::StrAppend(&verdict, i == 0 ? "" : " Also, ",
                      failed_key[i]->explanation);
    }
  }
  if (!failed_advisory.empty()) {
    absl::StrAppend(&verdict, " Advisory: ");
    for (size_t i = 0; i < failed_advisory.size(); ++i) {
      absl::StrAppend(&verdict, i == 0 ? "" : " ",
                      failed_advisory[i]->explanation);
    }
  }
  report.verdict = std::move(verdict);
  return report;
}

HcpReport DiagnoseHcp(const Graph& graph, const HcpThresholds& thresholds) {
  const BestOrderResult best = BestOrder(graph);
  return DiagnoseHcpForOrder(graph, best.order,
                             OrderHeuristicName(best.heuristic), thresholds);
}

std::string FormatHcpReport(const HcpReport& report) {
  const HcpStats& s = report.stats;
  std::string out = absl::StrCat(report.verdict, "\n");
  for (const HcpCriterion& c : report.criteria) {
    absl::StrAppend(&out, c.pass ? "[PASS] " : "[FAIL] ", c.name,
                    c.key ? " (key): " : " (advisory): ", c.explanation, "\n");
  }
  absl::StrAppendFormat(
      &out,
      "n=%d edges=%d total=%d order=%s peak_frontier=%d (cut %d) "
      "mean_frontier=%.1f p95_frontier=%d max_skip=%d mean_skip=%.2f "
      "p95_skip=%d long_skips=%d (>%d) max_fan_out=%d depth=%d "
      "max_activation=%d lower_bound=%d\n",
      s.num_compute_nodes, s.num_compute_edges, s.total_activation_bytes,
      s.order_name, s.peak_frontier_bytes, s.peak_frontier_cut,
      s.mean_frontier_bytes, s.p95_frontier_bytes, s.max_skip, s.mean_skip,
      s.p95_skip, s.long_skip_edges, s.long_skip_threshold, s.max_fan_out,
      s.depth, s.max_activation_bytes, s.lower_bound_bytes);
  return out;
}

}  // namespace tbp

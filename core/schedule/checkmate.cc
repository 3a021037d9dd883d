#include "core/schedule/checkmate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "CbcModel.hpp"
#include "CbcSolver.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"

namespace tbp {
namespace {

// Sizes above this many memory units are rounded (up) to coarser units.
constexpr int64_t kMaxUnits = 10'000'000;

// The order as positions: sizes, costs, inputs and consumers by position,
// and the stages' shapes and gradient constants.
struct Stages {
  int n = 0;
  int T = 0;
  std::vector<NodeId> node;
  std::vector<int64_t> bytes, fwd;                  // By position, exact.
  std::vector<std::vector<int>> inputs, consumers;  // COMPUTE only, distinct.
  std::vector<int> limit;     // L_t.
  std::vector<int> backward;  // Position backwarded by stage t, -1 if forward.
  std::vector<int64_t> g_pre, g_bwd;  // Gradient bytes (exact), by stage.

  bool IsBackward(int t) const { return backward[t] >= 0; }
  // S[t][p] exists for p < KeepLimit(t) (a forward stage's own position is
  // computed there, never held).
  int KeepLimit(int t) const { return IsBackward(t) ? limit[t] : limit[t] - 1; }
  // Read by stage t's BACKWARD (never freed before it).
  bool ReadByBackward(int t, int p) const {
    if (!IsBackward(t)) return false;
    const int j = backward[t];
    if (p == j) return true;
    return std::find(inputs[j].begin(), inputs[j].end(), p) != inputs[j].end();
  }
};

Stages MakeStages(const Graph& g, const std::vector<NodeId>& order) {
  Stages s;
  s.n = static_cast<int>(order.size());
  s.T = 2 * s.n;
  s.node = order;
  std::vector<int> pos(g.num_nodes(), -1);
  for (int p = 0; p < s.n; ++p) pos[order[p]] = p;
  s.inputs.resize(s.n);
  s.consumers.resize(s.n);
  for (int p = 0; p < s.n; ++p) {
    const NodeId v = order[p];
    s.bytes.push_back(g.output_bytes(v));
    s.fwd.push_back(g.forward_cost(v));
    for (NodeId u : g.inputs(v)) {
      if (pos[u] >= 0) s.inputs[p].push_back(pos[u]);
    }
    for (NodeId w : g.consumers(v)) s.consumers[p].push_back(pos[w]);
    std::sort(s.consumers[p].begin(), s.consumers[p].end());
  }
  std::vector<int> last_consumer(s.n, -1);
  for (int p = 0; p < s.n; ++p) {
    for (int c : s.consumers[p]) last_consumer[p] = std::max(last_consumer[p], c);
  }
  for (int t = 0; t < s.T; ++t) {
    const bool bwd = t >= s.n;
    const int j = bwd ? s.T - 1 - t : -1;
    s.backward.push_back(j);
    s.limit.push_back(bwd ? j + 1 : t + 1);
    int64_t pre = 0, during = 0;
    if (bwd) {
      for (int p = 0; p <= j; ++p) {
        if (last_consumer[p] > j) pre += s.bytes[p];
        if (p < j && last_consumer[p] >= j) during += s.bytes[p];
      }
      during += s.bytes[j];
    }
    s.g_pre.push_back(pre);
    s.g_bwd.push_back(during);
  }
  return s;
}

// Memory units: the gcd of the sizes, coarsened (sizes up, budget down)
// until the largest size is at most kMaxUnits units.
struct Units {
  int64_t unit = 1;
  int64_t Up(int64_t bytes) const { return (bytes + unit - 1) / unit; }
  int64_t Down(int64_t bytes) const { return bytes / unit; }
};

Units UnitsOf(const Stages& s) {
  int64_t gcd = 0, largest = 0;
  for (int64_t b : s.bytes) {
    gcd = std::gcd(gcd, b);
    largest = std::max(largest, b);
  }
  Units u;
  u.unit = std::max<int64_t>(1, gcd);
  if (largest / u.unit > kMaxUnits) u.unit = (largest + kMaxUnits - 1) / kMaxUnits;
  return u;
}

class Program {
 public:
  // The program for `budget` (> 0); `relax` drops integrality.
  Program(const Stages& s, int64_t budget, bool relax) : s_(s), relax_(relax) {
    const Units units = UnitsOf(s);
    std::vector<double> b(s.n);
    for (int p = 0; p < s.n; ++p) b[p] = static_cast<double>(units.Up(s.bytes[p]));
    const double m = static_cast<double>(units.Down(budget));
    // Columns: R and S by stage, then FREE, then U.
    r_off_.resize(s.T);
    s_off_.resize(s.T);
    for (int t = 0; t < s.T; ++t) {
      r_off_[t] = AddColumns(s.limit[t], /*binary=*/true);
      s_off_[t] = AddColumns(s.KeepLimit(t), /*binary=*/true);
    }
    binaries_ = num_cols_;
    free_.resize(s.T);
    for (int t = 0; t < s.T; ++t) {
      for (int p = 0; p < s.limit[t]; ++p) {
        auto add = [&](int i) {
          if (!s.ReadByBackward(t, i)) free_[t].push_back({i, p, AddColumns(1, false)});
        };
        add(p);
        for (int i : s.inputs[p]) add(i);
      }
    }
    u_off_.resize(s.T);
    for (int t = 0; t < s.T; ++t) u_off_[t] = AddColumns(s.limit[t] + 1, false);
    for (int t = 0; t < s.T; ++t) {
      for (int q = 0; q <= s.limit[t]; ++q) hi_[u_off_[t] + q] = kInf;
    }
    for (int t = 0; t < s.T; ++t) {
      const int L = s.limit[t];
      for (int p = 0; p < L; ++p) obj_[R(t, p)] = static_cast<double>(s.fwd[p]);
      if (!s.IsBackward(t)) lo_[R(t, L - 1)] = 1;  // (3) the stage's FORWARD.
      for (int p = 0; p < L; ++p) {
        for (int u : s.inputs[p]) {  // (1)
          Add(R(t, p), 1);
          Add(R(t, u), -1);
          if (u < s.KeepLimit(t)) Add(S(t, u), -1);
          Close(-kInf, 0);
        }
        if (p < s.KeepLimit(t)) {  // (2) no FORWARD of a resident tensor.
          Add(R(t, p), 1);
          Add(S(t, p), 1);
          Close(-kInf, 1);
        }
      }
      if (t + 1 < s.T) {  // (2) checkpoints come from the stage before.
        for (int p = 0; p < s.KeepLimit(t + 1); ++p) {
          Add(S(t + 1, p), 1);
          Add(R(t, p), -1);
          if (p < s.KeepLimit(t)) Add(S(t, p), -1);
          Close(-kInf, 0);
        }
      }
      if (s.IsBackward(t)) {  // (3) the BACKWARD's reads are resident.
        const int j = s.backward[t];
        std::vector<int> reads = s.inputs[j];
        reads.push_back(j);
        for (int i : reads) {
          Add(R(t, i), 1);
          if (i < s.KeepLimit(t)) Add(S(t, i), 1);
          Close(1, kInf);
        }
      }
      for (const Free& f : free_[t]) {  // (4)
        Add(f.col, 1);
        Add(R(t, f.at), -1);
        Close(-kInf, 0);
        if (t + 1 < s.T && f.tensor < s.KeepLimit(t + 1)) {
          Add(f.col, 1);
          Add(S(t + 1, f.tensor), 1);
          Close(-kInf, 1);
        }
        for (int c : s.consumers[f.tensor]) {
          if (c > f.at && c < L) {
            Add(f.col, 1);
            Add(R(t, c), 1);
            Close(-kInf, 1);
          }
        }
      }
      // (5) and (6).
      Add(U(t, 0), 1);
      for (int p = 0; p < s.KeepLimit(t); ++p) Add(S(t, p), -b[p]);
      Close(0, 0);
      const double g_pre = static_cast<double>(units.Up(s.g_pre[t]));
      size_t next_free = 0;
      for (int p = 0; p < L; ++p) {
        Add(U(t, p + 1), 1);
        Add(U(t, p), -1);
        Add(R(t, p), -b[p]);
        for (; next_free < free_[t].size() && free_[t][next_free].at == p; ++next_free) {
          Add(free_[t][next_free].col, b[free_[t][next_free].tensor]);
        }
        Close(0, 0);
        Add(U(t, p), 1);
        Add(R(t, p), b[p]);
        Close(-kInf, m - g_pre);
      }
      if (s.IsBackward(t)) {
        Add(U(t, L), 1);
        Close(-kInf, m - static_cast<double>(units.Up(s.g_bwd[t])));
      }
    }
  }

  int64_t columns() const { return num_cols_; }
  int64_t binaries() const { return binaries_; }
  int64_t rows() const { return static_cast<int64_t>(row_lo_.size()); }

  int R(int t, int p) const { return r_off_[t] + p; }
  int S(int t, int p) const { return s_off_[t] + p; }
  int U(int t, int q) const { return u_off_[t] + q; }

  StagePlan PlanOf(const double* x) const {
    StagePlan plan;
    for (int t = 0; t < s_.T; ++t) {
      plan.compute.emplace_back(s_.limit[t], 0);
      plan.keep.emplace_back(s_.limit[t], 0);
      for (int p = 0; p < s_.limit[t]; ++p) plan.compute[t][p] = x[R(t, p)] > 0.5;
      for (int p = 0; p < s_.KeepLimit(t); ++p) plan.keep[t][p] = x[S(t, p)] > 0.5;
    }
    return plan;
  }

  std::vector<std::vector<double>> KeepOf(const double* x) const {
    std::vector<std::vector<double>> keep;
    for (int t = 0; t < s_.T; ++t) {
      keep.emplace_back(s_.limit[t], 0.0);
      for (int p = 0; p < s_.KeepLimit(t); ++p) keep[t][p] = x[S(t, p)];
    }
    return keep;
  }

  void Load(OsiClpSolverInterface* solver) const {
    CoinPackedMatrix matrix(/*colordered=*/false, rows_.data(), cols_.data(), vals_.data(),
                            static_cast<CoinBigIndex>(vals_.size()));
    matrix.setDimensions(static_cast<int>(row_lo_.size()), num_cols_);
    std::vector<double> lo = lo_, hi = hi_;
    for (double& h : hi) {
      if (h == kInf) h = COIN_DBL_MAX;
    }
    solver->loadProblem(matrix, lo.data(), hi.data(), obj_.data(), row_lo_.data(),
                        row_hi_.data());
    if (!relax_) {
      for (int c = 0; c < binaries_; ++c) solver->setInteger(c);
    }
    solver->messageHandler()->setLogLevel(0);
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  struct Free {
    int tensor, at, col;
  };

  int AddColumns(int count, bool binary) {
    const int first = num_cols_;
    num_cols_ += count;
    lo_.resize(num_cols_, 0.0);
    hi_.resize(num_cols_, 1.0);
    obj_.resize(num_cols_, 0.0);
    (void)binary;  // Binaries come first: columns [0, binaries_).
    return first;
  }
  void Add(int col, double value) {
    rows_.push_back(static_cast<int>(row_lo_.size()));
    cols_.push_back(col);
    vals_.push_back(value);
  }
  void Close(double lo, double hi) {
    row_lo_.push_back(lo == -kInf ? -COIN_DBL_MAX : lo);
    row_hi_.push_back(hi == kInf ? COIN_DBL_MAX : hi);
  }

  const Stages& s_;
  bool relax_;
  int num_cols_ = 0;
  int binaries_ = 0;
  std::vector<int> r_off_, s_off_, u_off_;
  std::vector<std::vector<Free>> free_;
  std::vector<double> lo_, hi_, obj_;
  std::vector<int> rows_, cols_;
  std::vector<double> vals_, row_lo_, row_hi_;
};

int64_t ForwardPass(const Stages& s) {
  int64_t total = 0;
  for (int64_t c : s.fwd) total += c;
  return total;
}

// The columns of the program, counted without building it.
CheckmateSize SizeOf(const Stages& s) {
  CheckmateSize size;
  for (int t = 0; t < s.T; ++t) {
    size.binaries += s.limit[t] + s.KeepLimit(t);
    size.columns += s.limit[t] + s.KeepLimit(t) + s.limit[t] + 1;
    for (int p = 0; p < s.limit[t]; ++p) {
      const int64_t frees = 1 + static_cast<int64_t>(s.inputs[p].size());
      size.columns += frees;
      size.rows += 2 * frees + static_cast<int64_t>(s.inputs[p].size()) + 3;
    }
  }
  return size;
}

absl::Status CheckProgram(const Stages& s, int64_t budget, const char* planner) {
  if (budget <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: planner '%s' needs a budget > 0", budget, planner));
  }
  const CheckmateSize size = SizeOf(s);
  if (size.columns > kCheckmateMaxColumns) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "planner '%s': the stage program of this order has %d columns (%d binaries); at most "
        "%d are built",
        planner, size.columns, size.binaries, kCheckmateMaxColumns));
  }
  for (int t = 0; t < s.T; ++t) {
    if (s.g_bwd[t] > budget) {
      return absl::OutOfRangeError(absl::StrFormat(
          "PlannerOptions.budget_bytes = %d is below the gradient buffers live during the "
          "BACKWARD of position %d on this order (%d bytes): no stage plan fits",
          budget, s.backward[t], s.g_bwd[t]));
    }
  }
  return absl::OkStatus();
}

int CbcCallback(CbcModel*, int) { return 0; }

}  // namespace

CheckmateSize CheckmateProgramSize(const Graph& graph, const std::vector<NodeId>& order) {
  return SizeOf(MakeStages(graph, order));
}

std::vector<Instruction> EmitStagePlan(const Graph& graph, const std::vector<NodeId>& order,
                                       const StagePlan& plan) {
  const Stages s = MakeStages(graph, order);
  std::vector<Instruction> out;
  std::vector<char> resident(s.n, 0);
  for (int t = 0; t < s.T; ++t) {
    const int L = s.limit[t];
    auto kept = [&](int p) {
      return t + 1 < s.T && p < s.KeepLimit(t + 1) && plan.keep[t + 1][p];
    };
    // The stage's instructions: its FORWARDs by position, then its BACKWARD.
    std::vector<int> forwards;
    for (int p = 0; p < L; ++p) {
      if (plan.compute[t][p]) forwards.push_back(p);
    }
    const int steps = static_cast<int>(forwards.size()) + (s.IsBackward(t) ? 1 : 0);
    // last[p]: the last step of the stage that reads or makes p, or -1.
    std::vector<int> last(s.n, -1);
    for (int k = 0; k < static_cast<int>(forwards.size()); ++k) {
      const int p = forwards[k];
      last[p] = std::max(last[p], k);
      for (int u : s.inputs[p]) last[u] = std::max(last[u], k);
    }
    if (s.IsBackward(t)) {
      const int j = s.backward[t];
      last[j] = steps - 1;
      for (int u : s.inputs[j]) last[u] = steps - 1;
    }
    auto release = [&](int after_step) {
      for (int p = 0; p < s.n; ++p) {
        if (resident[p] && last[p] <= after_step && !kept(p)) {
          out.push_back({Op::kFree, s.node[p]});
          resident[p] = 0;
        }
      }
    };
    release(-1);  // Held but neither read here nor kept.
    for (int k = 0; k < steps; ++k) {
      if (k < static_cast<int>(forwards.size())) {
        out.push_back({Op::kForward, s.node[forwards[k]]});
        resident[forwards[k]] = 1;
      } else {
        out.push_back({Op::kBackward, s.node[s.backward[t]]});
      }
      release(k);
    }
  }
  for (int p = 0; p < s.n; ++p) {
    if (resident[p]) out.push_back({Op::kFree, s.node[p]});
  }
  return out;
}

StagePlan ComputeForKeep(const Graph& graph, const std::vector<NodeId>& order,
                         std::vector<std::vector<char>> keep) {
  const Stages s = MakeStages(graph, order);
  StagePlan plan;
  keep.resize(s.T);
  for (int t = 0; t < s.T; ++t) {
    keep[t].resize(s.limit[t], 0);
    for (int p = s.KeepLimit(t); p < s.limit[t]; ++p) keep[t][p] = 0;
  }
  // A checkpoint held into stage t but not present at its start (neither
  // held nor computed in t - 1) is computed in t - 1: walk the stages
  // backwards so that need propagates.
  plan.compute.resize(s.T);
  for (int t = s.T - 1; t >= 0; --t) {
    const int L = s.limit[t];
    std::vector<char> need(L, 0);
    if (s.IsBackward(t)) {
      need[s.backward[t]] = 1;
      for (int u : s.inputs[s.backward[t]]) need[u] = 1;
    } else {
      need[L - 1] = 1;
    }
    if (t + 1 < s.T) {
      for (int p = 0; p < s.KeepLimit(t + 1); ++p) need[p] |= keep[t + 1][p];
    }
    plan.compute[t].assign(L, 0);
    for (int p = L - 1; p >= 0; --p) {
      if (!need[p] || keep[t][p]) continue;
      plan.compute[t][p] = 1;
      for (int u : s.inputs[p]) need[u] = 1;
    }
  }
  plan.keep = std::move(keep);
  return plan;
}

std::optional<StagePlan> StagePlanOf(const Graph& graph, const std::vector<NodeId>& order,
                                     const std::vector<Instruction>& instructions) {
  const Stages s = MakeStages(graph, order);
  std::vector<int> pos(graph.num_nodes(), -1);
  for (int p = 0; p < s.n; ++p) pos[order[p]] = p;
  StagePlan plan;
  for (int t = 0; t < s.T; ++t) {
    plan.compute.emplace_back(s.limit[t], 0);
    plan.keep.emplace_back(s.limit[t], 0);
  }
  std::vector<char> resident(s.n, 0);
  // starts[t]: residents when stage t's first instruction runs.
  std::vector<std::vector<char>> starts(s.T);
  std::vector<std::vector<char>> reads(s.T);
  int t = 0, last_forward = -1;
  bool started = false;
  for (const Instruction& in : instructions) {
    const int p = in.node >= 0 && in.node < graph.num_nodes() ? pos[in.node] : -1;
    if (p < 0) return std::nullopt;
    if (in.op == Op::kFree) {
      resident[p] = 0;
      continue;
    }
    if (t >= s.T) return std::nullopt;
    if (!started) {
      starts[t] = resident;
      reads[t].assign(s.n, 0);
      started = true;
    }
    if (in.op == Op::kForward) {
      if (p >= s.limit[t] || p <= last_forward || resident[p]) return std::nullopt;
      plan.compute[t][p] = 1;
      last_forward = p;
      resident[p] = 1;
      for (int u : s.inputs[p]) reads[t][u] = 1;
      if (!s.IsBackward(t) && p == s.limit[t] - 1) {
        ++t, last_forward = -1, started = false;
      }
    } else {
      if (!s.IsBackward(t) || p != s.backward[t]) return std::nullopt;
      reads[t][p] = 1;
      for (int u : s.inputs[p]) reads[t][u] = 1;
      ++t, last_forward = -1, started = false;
    }
  }
  if (t != s.T) return std::nullopt;
  // S[t][p]: resident at the start and read in the stage or held further.
  for (int u = s.T - 1; u >= 0; --u) {
    for (int p = 0; p < s.KeepLimit(u); ++p) {
      const bool further = u + 1 < s.T && p < s.KeepLimit(u + 1) && plan.keep[u + 1][p] &&
                           !plan.compute[u][p];
      plan.keep[u][p] = starts[u][p] && (reads[u][p] || further);
    }
  }
  return plan;
}

absl::StatusOr<CheckmateMilpResult> SolveCheckmateMilp(const Graph& graph,
                                                       const std::vector<NodeId>& order,
                                                       const CheckmateMilpOptions& options) {
  const Stages s = MakeStages(graph, order);
  if (absl::Status st = CheckProgram(s, options.budget_bytes, "checkmate_milp"); !st.ok()) {
    return st;
  }
  const Program program(s, options.budget_bytes, /*relax=*/false);
  OsiClpSolverInterface solver;
  program.Load(&solver);
  CbcModel model(solver);
  model.messageHandler()->setLogLevel(0);
  if (options.start != nullptr) {
    std::vector<std::pair<std::string, double>> mip_start;
    for (int c = 0; c < program.binaries(); ++c) {
      model.solver()->setColName(c, absl::StrFormat("x%d", c));
    }
    for (int t = 0; t < s.T; ++t) {
      for (int p = 0; p < s.limit[t]; ++p) {
        mip_start.emplace_back(absl::StrFormat("x%d", program.R(t, p)),
                               options.start->compute[t][p] ? 1.0 : 0.0);
      }
      for (int p = 0; p < s.KeepLimit(t); ++p) {
        mip_start.emplace_back(absl::StrFormat("x%d", program.S(t, p)),
                               options.start->keep[t][p] ? 1.0 : 0.0);
      }
    }
    model.setMIPStart(mip_start);
  }
  CbcSolverUsefulData data;
  CbcMain0(model, data);
  data.noPrinting_ = true;
  data.useSignalHandler_ = false;
  const std::string seconds = absl::StrFormat("%.3f", options.time_limit_s);
  // Wall-clock time (CBC counts CPU time by default: on a loaded machine the
  // contained child's deadline would kill it first, losing its incumbent).
  // The objective is integral: a gap below 1 is closed.
  const char* argv[] = {"tbp",           "-log", "0",       "-timeMode", "elapsed",
                        "-seconds",      seconds.c_str(),   "-allowableGap", "0.99",
                        "-threads",      "0",    "-solve",  "-quit"};
  CbcMain1(static_cast<int>(sizeof(argv) / sizeof(argv[0])), argv, model, CbcCallback, data);
  const bool limit_hit = model.isSecondsLimitReached();
  if (model.isProvenInfeasible() && !limit_hit) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: CBC proved that no stage plan of this order fits "
        "(checkmate_milp)",
        options.budget_bytes));
  }
  if (model.bestSolution() == nullptr) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "planner 'checkmate_milp': the time limit (%g s) passed before CBC found a stage plan "
        "within budget_bytes = %d",
        options.time_limit_s, options.budget_bytes));
  }
  CheckmateMilpResult r;
  r.plan = program.PlanOf(model.bestSolution());
  const int64_t pass = ForwardPass(s);
  r.recompute_cost = std::llround(model.getObjValue()) - pass;
  r.proven_optimal = !limit_hit && model.isProvenOptimal();
  r.recompute_lower_bound =
      r.proven_optimal
          ? r.recompute_cost
          : std::max<int64_t>(0, static_cast<int64_t>(
                                     std::ceil(model.getBestPossibleObjValue() - 1e-6)) - pass);
  r.recompute_lower_bound = std::min(r.recompute_lower_bound, r.recompute_cost);
  return r;
}

absl::StatusOr<CheckmateRelaxation> SolveCheckmateLp(const Graph& graph,
                                                     const std::vector<NodeId>& order,
                                                     int64_t budget_bytes, double time_limit_s) {
  const Stages s = MakeStages(graph, order);
  if (absl::Status st = CheckProgram(s, budget_bytes, "checkmate_lp"); !st.ok()) return st;
  const Program program(s, budget_bytes, /*relax=*/true);
  OsiClpSolverInterface solver;
  program.Load(&solver);
  solver.getModelPtr()->setMaximumSeconds(time_limit_s);
  solver.initialSolve();
  if (solver.isProvenPrimalInfeasible()) {
    return absl::OutOfRangeError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: the LP relaxation of checkmate's stage program is "
        "infeasible on this order (no stage plan fits)",
        budget_bytes));
  }
  if (!solver.isProvenOptimal()) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "planner 'checkmate_lp': CLP did not solve the LP relaxation within %g s",
        time_limit_s));
  }
  CheckmateRelaxation r;
  r.keep = program.KeepOf(solver.getColSolution());
  r.recompute_lower_bound = solver.getObjValue() - static_cast<double>(ForwardPass(s));
  return r;
}

namespace {

// Stage t's length, from n alone.
int LimitOf(int n, int t) { return t < n ? t + 1 : 2 * n - t; }

void PutInt64(int64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
  }
}

int64_t GetInt64(const std::string& in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return static_cast<int64_t>(v);
}

int64_t Cells(int n) {
  int64_t cells = 0;
  for (int t = 0; t < 2 * n; ++t) cells += LimitOf(n, t);
  return cells;
}

}  // namespace

std::string EncodeCheckmateMilpResult(const CheckmateMilpResult& r) {
  std::string out;
  PutInt64(r.recompute_cost, &out);
  PutInt64(r.recompute_lower_bound, &out);
  PutInt64(r.proven_optimal ? 1 : 0, &out);
  for (size_t t = 0; t < r.plan.keep.size(); ++t) {
    for (size_t p = 0; p < r.plan.keep[t].size(); ++p) {
      out.push_back(static_cast<char>((r.plan.keep[t][p] ? 1 : 0) |
                                      (r.plan.compute[t][p] ? 2 : 0)));
    }
  }
  return out;
}

std::optional<CheckmateMilpResult> DecodeCheckmateMilpResult(const std::string& in, int n) {
  if (n < 0 || in.size() != 24 + static_cast<size_t>(Cells(n))) return std::nullopt;
  CheckmateMilpResult r;
  r.recompute_cost = GetInt64(in, 0);
  r.recompute_lower_bound = GetInt64(in, 8);
  r.proven_optimal = GetInt64(in, 16) != 0;
  size_t at = 24;
  for (int t = 0; t < 2 * n; ++t) {
    r.plan.keep.emplace_back(LimitOf(n, t), 0);
    r.plan.compute.emplace_back(LimitOf(n, t), 0);
    for (int p = 0; p < LimitOf(n, t); ++p, ++at) {
      r.plan.keep[t][p] = (in[at] & 1) != 0;
      r.plan.compute[t][p] = (in[at] & 2) != 0;
    }
  }
  return r;
}

std::string EncodeCheckmateRelaxation(const CheckmateRelaxation& r) {
  std::string out;
  PutInt64(static_cast<int64_t>(std::floor(r.recompute_lower_bound * 1024)), &out);
  for (const std::vector<double>& stage : r.keep) {
    for (double x : stage) {
      const double percent = std::floor(std::clamp(x, 0.0, 1.0) * 100 + 1e-9);
      out.push_back(static_cast<char>(static_cast<int>(percent)));
    }
  }
  return out;
}

std::optional<CheckmateRelaxation> DecodeCheckmateRelaxation(const std::string& in, int n) {
  if (n < 0 || in.size() != 8 + static_cast<size_t>(Cells(n))) return std::nullopt;
  CheckmateRelaxation r;
  r.recompute_lower_bound = static_cast<double>(GetInt64(in, 0)) / 1024;
  size_t at = 8;
  for (int t = 0; t < 2 * n; ++t) {
    r.keep.emplace_back(LimitOf(n, t), 0.0);
    for (int p = 0; p < LimitOf(n, t); ++p, ++at) {
      r.keep[t][p] = static_cast<double>(static_cast<unsigned char>(in[at])) / 100;
    }
  }
  return r;
}

}  // namespace tbp

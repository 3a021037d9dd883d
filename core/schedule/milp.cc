#include "core/schedule/milp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/strings/str_format.h"
#include "CbcModel.hpp"
#include "CbcSolver.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"

namespace tbp {
namespace {

// The COMPUTE nodes of a graph with local indices 0..n-1.
struct Local {
  int n = 0;
  std::vector<NodeId> id;
  std::vector<int64_t> bytes, fwd;
  std::vector<std::vector<int>> inputs, consumers;  // Distinct, COMPUTE only.
};

Local Localize(const Graph& g) {
  Local l;
  l.n = static_cast<int>(g.compute_nodes().size());
  std::vector<int> local(g.num_nodes(), -1);
  for (int i = 0; i < l.n; ++i) local[g.compute_nodes()[i]] = i;
  l.id = g.compute_nodes();
  l.inputs.resize(l.n);
  l.consumers.resize(l.n);
  for (int i = 0; i < l.n; ++i) {
    const NodeId v = l.id[i];
    l.bytes.push_back(g.output_bytes(v));
    l.fwd.push_back(g.forward_cost(v));
    for (NodeId u : g.inputs(v)) {
      if (local[u] >= 0) l.inputs[i].push_back(local[u]);
    }
    for (NodeId w : g.consumers(v)) l.consumers[i].push_back(local[w]);
  }
  return l;
}

int64_t BaseForward(const Local& l) {
  int64_t s = 0;
  for (int64_t c : l.fwd) s += c;
  return s;
}

// The program for a horizon of T steps. Column blocks f, b, r, d, G (each
// T x n, index (block * T + t) * n + v, t 0-based), then the peak variable
// M when minimising memory.
class Program {
 public:
  enum Block { kF = 0, kB, kR, kD, kG, kNumBlocks };

  // Schedules with between min_forwards and max_forwards FORWARDs (T =
  // max_forwards + n steps) and total forward cost in [min_cost, max_cost]
  // (max_cost < 0: no cap).
  Program(const Local& l, int64_t min_forwards, int64_t max_forwards, bool min_memory,
          int64_t budget, int64_t min_cost = 0, int64_t max_cost = -1)
      : l_(l), T_(static_cast<int>(max_forwards + l.n)), min_memory_(min_memory) {
    const int n = l.n;
    num_cols_ = kNumBlocks * T_ * n + (min_memory ? 1 : 0);
    lo_.assign(num_cols_, 0.0);
    hi_.assign(num_cols_, 1.0);
    obj_.assign(num_cols_, 0.0);
    integer_.assign(num_cols_, false);
    for (int blk : {kF, kB, kR}) {
      for (int t = 0; t < T_; ++t) {
        for (int v = 0; v < n; ++v) integer_[Col(blk, t, v)] = true;
      }
    }
    int64_t total_bytes = 0;
    for (int64_t b : l.bytes) total_bytes += b;
    if (min_memory) {
      hi_[MCol()] = 2.0 * static_cast<double>(total_bytes);
      obj_[MCol()] = 1.0;
    } else {
      for (int t = 0; t < T_; ++t) {
        for (int v = 0; v < n; ++v) obj_[Col(kF, t, v)] = static_cast<double>(l.fwd[v]);
      }
    }
    for (int t = 0; t < T_; ++t) {
      // (1) One instruction per step; used steps first.
      Row();
      for (int v = 0; v < n; ++v) { Add(Col(kF, t, v), 1); Add(Col(kB, t, v), 1); }
      Close(-kInf, 1);
      if (t + 1 < T_) {
        Row();
        for (int v = 0; v < n; ++v) {
          Add(Col(kF, t, v), 1); Add(Col(kB, t, v), 1);
          Add(Col(kF, t + 1, v), -1); Add(Col(kB, t + 1, v), -1);
        }
        Close(0, kInf);
      }
      for (int v = 0; v < n; ++v) {
        // (3) r[t] <= r[t-1] + f[t].
        Row(); Add(Col(kR, t, v), 1); Add(Col(kF, t, v), -1);
        if (t > 0) Add(Col(kR, t - 1, v), -1);
        Close(-kInf, 0);
        // (4) f <= r, f + r[t-1] <= 1.
        Row(); Add(Col(kF, t, v), 1); Add(Col(kR, t, v), -1); Close(-kInf, 0);
        if (t > 0) {
          Row(); Add(Col(kF, t, v), 1); Add(Col(kR, t - 1, v), 1); Close(-kInf, 1);
        }
        // (5) inputs resident for FORWARD and BACKWARD; v for BACKWARD.
        for (int u : l.inputs[v]) {
          Row(); Add(Col(kF, t, v), 1); Add(Col(kR, t, u), -1); Close(-kInf, 0);
          Row(); Add(Col(kB, t, v), 1); Add(Col(kR, t, u), -1); Close(-kInf, 0);
        }
        Row(); Add(Col(kB, t, v), 1); Add(Col(kR, t, v), -1); Close(-kInf, 0);
        // (6) consumers backwarded before, in the cumulative form
        // d[t][v] <= d[t-1][w] (it implies b[t][v] <= d[t-1][w] and is
        // tighter in the relaxation).
        for (int w : l.consumers[v]) {
          Row(); Add(Col(kD, t, v), 1);
          if (t > 0) Add(Col(kD, t - 1, w), -1);
          Close(-kInf, 0);
        }
        // (7) nothing of v after its BACKWARD.
        if (t > 0) {
          Row(); Add(Col(kR, t, v), 1); Add(Col(kD, t - 1, v), 1); Close(-kInf, 1);
        }
        // d[t] = d[t-1] + b[t].
        Row(); Add(Col(kD, t, v), 1); Add(Col(kB, t, v), -1);
        if (t > 0) Add(Col(kD, t - 1, v), -1);
        Close(0, 0);
        // (8) gradient liveness.
        for (int w : l.consumers[v]) {
          Row(); Add(Col(kG, t, v), 1); Add(Col(kD, t, w), -1);
          if (t > 0) Add(Col(kD, t - 1, v), 1);
          Close(0, kInf);
        }
        Row(); Add(Col(kG, t, v), 1); Add(Col(kB, t, v), -1); Close(0, kInf);
      }
      // (9) memory of the step.
      Row();
      for (int v = 0; v < n; ++v) {
        const double b = static_cast<double>(l.bytes[v]);
        Add(Col(kR, t, v), b);
        Add(Col(kG, t, v), b);
      }
      if (min_memory) {
        Add(MCol(), -1);
        Close(-kInf, 0);
      } else {
        Close(-kInf, static_cast<double>(budget));
      }
    }
    // (2) every node backwarded once; forwarded at least once (implied,
    // but it tightens the relaxation).
    for (int v = 0; v < n; ++v) {
      Row(); for (int t = 0; t < T_; ++t) Add(Col(kB, t, v), 1); Close(1, 1);
      Row(); for (int t = 0; t < T_; ++t) Add(Col(kF, t, v), 1); Close(1, kInf);
    }
    // The FORWARD count and the cost cap of this program.
    if (min_forwards > n) {
      Row();
      for (int t = 0; t < T_; ++t) {
        for (int v = 0; v < n; ++v) Add(Col(kF, t, v), 1);
      }
      Close(static_cast<double>(min_forwards), kInf);
    }
    if (min_cost > 0 || max_cost >= 0) {
      Row();
      for (int t = 0; t < T_; ++t) {
        for (int v = 0; v < n; ++v) Add(Col(kF, t, v), static_cast<double>(l.fwd[v]));
      }
      Close(static_cast<double>(min_cost), max_cost >= 0 ? static_cast<double>(max_cost) : kInf);
    }
  }

  int Col(int block, int t, int v) const { return (block * T_ + t) * l_.n + v; }
  int MCol() const { return kNumBlocks * T_ * l_.n; }
  int steps() const { return T_; }

  // Column values of a valid schedule (for the MIP start); the schedule
  // must have at most T_ FORWARD/BACKWARD instructions.
  std::vector<double> FromInstructions(const std::vector<Instruction>& ins,
                                       const std::vector<int>& local_of) const {
    std::vector<double> x(num_cols_, 0.0);
    const int n = l_.n;
    std::vector<char> resident(n, 0), done(n, 0);
    int t = 0;
    int64_t peak = 0;
    for (const Instruction& in : ins) {
      const int v = local_of[in.node];
      if (in.op == Op::kFree) { resident[v] = 0; continue; }
      if (in.op == Op::kForward) {
        resident[v] = 1;
        x[Col(kF, t, v)] = 1;
      } else {
        x[Col(kB, t, v)] = 1;
      }
      std::vector<char> now_done = done;
      if (in.op == Op::kBackward) now_done[v] = 1;
      int64_t mem = 0;
      for (int u = 0; u < n; ++u) {
        x[Col(kD, t, u)] = now_done[u];
        if (resident[u] && !done[u]) { x[Col(kR, t, u)] = 1; mem += l_.bytes[u]; }
        bool live = in.op == Op::kBackward && u == v;
        for (int w : l_.consumers[u]) live |= now_done[w] && !done[u];
        if (live) { x[Col(kG, t, u)] = 1; mem += l_.bytes[u]; }
      }
      peak = std::max(peak, mem);
      if (in.op == Op::kBackward) { done[v] = 1; resident[v] = 0; }
      ++t;
    }
    for (; t < T_; ++t) {
      for (int u = 0; u < n; ++u) x[Col(kD, t, u)] = done[u];
    }
    if (min_memory_) x[MCol()] = static_cast<double>(peak);
    return x;
  }

  // The instructions of a solution.
  std::vector<Instruction> ToInstructions(const double* x) const {
    std::vector<Instruction> out;
    const int n = l_.n;
    std::vector<char> resident(n, 0);
    auto on = [&](int blk, int t, int v) { return x[Col(blk, t, v)] > 0.5; };
    for (int t = 0; t < T_; ++t) {
      for (int v = 0; v < n; ++v) {
        if (resident[v] && !on(kR, t, v)) {
          out.push_back({Op::kFree, l_.id[v]});
          resident[v] = 0;
        }
      }
      for (int v = 0; v < n; ++v) {
        if (on(kF, t, v)) {
          out.push_back({Op::kForward, l_.id[v]});
          resident[v] = 1;
        } else if (on(kB, t, v)) {
          out.push_back({Op::kBackward, l_.id[v]});
          out.push_back({Op::kFree, l_.id[v]});
          resident[v] = 0;
        }
      }
    }
    for (int v = 0; v < n; ++v) {
      if (resident[v]) out.push_back({Op::kFree, l_.id[v]});
    }
    return out;
  }

  struct Solved {
    bool feasible = false, proven = false, limit_hit = false;
    double objective = 0, bound = 0;
    std::vector<Instruction> instructions;
  };

  Solved Solve(double time_limit_s, const std::vector<double>* start) const {
    OsiClpSolverInterface solver;
    CoinPackedMatrix matrix(/*colordered=*/false, rows_.data(), cols_.data(), vals_.data(),
                            static_cast<CoinBigIndex>(vals_.size()));
    matrix.setDimensions(static_cast<int>(row_lo_.size()), num_cols_);
    solver.loadProblem(matrix, lo_.data(), hi_.data(), obj_.data(), row_lo_.data(),
                       row_hi_.data());
    for (int c = 0; c < num_cols_; ++c) {
      if (integer_[c]) solver.setInteger(c);
    }
    solver.messageHandler()->setLogLevel(0);
    CbcModel model(solver);
    model.messageHandler()->setLogLevel(0);
    if (start != nullptr) {
      std::vector<std::pair<std::string, double>> mip_start;
      for (int c = 0; c < num_cols_; ++c) {
        model.solver()->setColName(c, absl::StrFormat("x%d", c));
      }
      for (int c = 0; c < num_cols_; ++c) {
        if (integer_[c]) mip_start.emplace_back(absl::StrFormat("x%d", c), (*start)[c]);
      }
      model.setMIPStart(mip_start);
    }
    CbcSolverUsefulData data;
    CbcMain0(model, data);
    data.noPrinting_ = true;
    data.useSignalHandler_ = false;
    const std::string seconds = absl::StrFormat("%.3f", time_limit_s > 0 ? time_limit_s : 1e9);
    // The objective is integral (integer costs or bytes): a gap below 1 is
    // closed.
    // Wall-clock time: CBC counts CPU time by default, and on a loaded
    // machine the contained child's deadline would stop it first.
    const char* argv[] = {"tbp",      "-log",          "0",    "-timeMode", "elapsed",
                          "-seconds", seconds.c_str(), "-allowableGap", "0.99",
                          "-threads", "0",             "-solve", "-quit"};
    CbcMain1(static_cast<int>(sizeof(argv) / sizeof(argv[0])), argv, model, Callback, data);
    Solved s;
    s.limit_hit = model.isSecondsLimitReached();
    // Proven: optimal, or no schedule in this program (infeasible).
    s.proven = !s.limit_hit && (model.isProvenOptimal() || model.isProvenInfeasible());
    if (model.bestSolution() != nullptr && !model.isProvenInfeasible()) {
      s.feasible = true;
      s.objective = model.getObjValue();
      s.instructions = ToInstructions(model.bestSolution());
    }
    s.bound = model.getBestPossibleObjValue();
    return s;
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static int Callback(CbcModel*, int) { return 0; }

  void Row() {}
  void Add(int col, double value) {
    rows_.push_back(static_cast<int>(row_lo_.size()));
    cols_.push_back(col);
    vals_.push_back(value);
  }
  void Close(double lo, double hi) {
    row_lo_.push_back(lo == -kInf ? -COIN_DBL_MAX : lo);
    row_hi_.push_back(hi == kInf ? COIN_DBL_MAX : hi);
  }

  const Local& l_;
  int T_;
  bool min_memory_;
  int num_cols_ = 0;
  std::vector<double> lo_, hi_, obj_;
  std::vector<bool> integer_;
  std::vector<int> rows_, cols_;
  std::vector<double> vals_, row_lo_, row_hi_;
};

absl::Status CheckSize(const Local& l) {
  if (l.n > kMilpMaxNodes) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "planner 'exact' (MILP) handles at most %d COMPUTE nodes; the graph has %d",
        kMilpMaxNodes, l.n));
  }
  return absl::OkStatus();
}

int64_t DefaultMaxForwards(const Local& l, const MilpOptions& o) {
  if (o.max_forwards > 0) return std::max<int64_t>(o.max_forwards, l.n);
  return l.n + static_cast<int64_t>(l.n) * (l.n + 1) / 2;
}

std::vector<int> LocalOf(const Graph& g, const Local& l) {
  std::vector<int> local(g.num_nodes(), -1);
  for (int i = 0; i < l.n; ++i) local[l.id[i]] = i;
  return local;
}

int64_t Forwards(const std::vector<Instruction>& ins) {
  return std::count_if(ins.begin(), ins.end(),
                       [](const Instruction& i) { return i.op == Op::kForward; });
}

// The total forward cost of a schedule; -1 if it overflows int64.
int64_t ForwardCost(const Graph& g, const std::vector<Instruction>& ins) {
  int64_t s = 0;
  for (const Instruction& i : ins) {
    if (i.op == Op::kForward && __builtin_add_overflow(s, g.forward_cost(i.node), &s)) return -1;
  }
  return s;
}

}  // namespace

absl::StatusOr<MilpResult> MilpSolve(const Graph& graph, const MilpOptions& options) {
  const Local l = Localize(graph);
  if (absl::Status s = CheckSize(l); !s.ok()) return s;
  if (options.budget_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PlannerOptions.budget_bytes = %d: planner 'exact' needs a budget > 0",
        options.budget_bytes));
  }
  const int64_t cap = DefaultMaxForwards(l, options);
  const int64_t base = BaseForward(l);
  const int64_t c_min = l.n == 0 ? 0 : *std::min_element(l.fwd.begin(), l.fwd.end());
  const absl::Time deadline = options.time_limit_s > 0
                                  ? absl::Now() + absl::Seconds(options.time_limit_s)
                                  : absl::InfiniteFuture();
  MilpResult result;
  std::vector<Instruction> best;
  int64_t best_recompute = -1;  // -1: no schedule yet.
  if (options.incumbent != nullptr && ForwardCost(graph, *options.incumbent) >= 0) {
    best = *options.incumbent;
    best_recompute = ForwardCost(graph, best) - base;
  }
  // The ladder of milp.h: FORWARD counts n..done are settled (no schedule
  // with that many FORWARDs recomputes less than best_recompute); each
  // program covers the counts (done, hi].
  int64_t done = l.n - 1;
  int64_t bound_open = std::numeric_limits<int64_t>::max();  // Of unsettled counts.
  bool interrupted = false;  // A program ended unproven (time limit).
  while (true) {
    const int64_t next = done + 1;
    if (best_recompute >= 0 && (best_recompute <= options.known_lower_bound ||
                                (next - l.n) * c_min >= best_recompute)) {
      result.horizon_certified = true;
      break;
    }
    if (next > cap) break;
    const double left = absl::ToDoubleSeconds(deadline - absl::Now());
    if (left <= 0) {
      result.time_limit_hit = interrupted = true;
      break;
    }
    // Each program covers as many new counts as all before it (1, 1, 2,
    // 4, ...), and no count the certificate already excludes.
    int64_t hi = std::min(cap, done + std::max<int64_t>(1, done - l.n + 1));
    if (best_recompute >= 0 && c_min > 0) {
      hi = std::min(hi, l.n + (best_recompute - 1) / c_min);
    }
    Program program(l, next, hi, /*min_memory=*/false, options.budget_bytes,
                    base + std::max<int64_t>(0, options.known_lower_bound),
                    best_recompute >= 0 ? base + best_recompute - 1 : -1);
    Program::Solved s = program.Solve(std::isinf(left) ? 0 : left, nullptr);
    ++result.solves;
    result.max_forwards = hi;
    if (s.feasible) {
      best = std::move(s.instructions);
      best_recompute = std::llround(s.objective) - base;
      if (options.on_incumbent) {
        // Counts up to `done` are settled; every schedule with more
        // FORWARDs recomputes at least (done + 1 - n) * c_min.
        MilpResult partial;
        partial.instructions = best;
        partial.recompute_cost = best_recompute;
        partial.recompute_lower_bound = std::max(
            std::min(best_recompute, options.known_lower_bound),
            std::min(best_recompute, std::max<int64_t>(0, (done + 1 - l.n) * c_min)));
        partial.max_forwards = hi;
        options.on_incumbent(partial);
      }
    }
    if (!s.proven) {
      interrupted = true;
      result.time_limit_hit = s.limit_hit;
      if (std::isfinite(s.bound)) {
        bound_open = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(s.bound - 1e-6)) - base);
      } else {
        bound_open = 0;
      }
      break;
    }
    done = hi;
  }
  if (best_recompute < 0) {
    if (interrupted) {
      return absl::DeadlineExceededError(absl::StrFormat(
          "planner 'exact': the time limit (time_limit_s = %g) passed before any schedule "
          "within budget_bytes = %d was found",
          options.time_limit_s, options.budget_bytes));
    }
    return absl::OutOfRangeError(absl::StrFormat(
        "budget_bytes = %d: no schedule with at most %d FORWARDs fits (the MILP horizon; "
        "max_forwards raises it)",
        options.budget_bytes, cap));
  }
  result.proven_optimal = !interrupted;
  int64_t lower = best_recompute;
  if (interrupted) {
    // Unsettled counts: the interrupted program's bound, and every count
    // above it needs at least (count - n) * c_min.
    lower = std::min(lower, bound_open);
    lower = std::min(lower, std::max<int64_t>(0, (result.max_forwards + 1 - l.n) * c_min));
    // The caller's proven bound holds whatever the programs reached.
    lower = std::max(lower, std::min(best_recompute, options.known_lower_bound));
  }
  result.recompute_lower_bound = std::max<int64_t>(0, lower);
  result.max_forwards = std::max<int64_t>(result.max_forwards, std::max<int64_t>(done, l.n));
  result.instructions = std::move(best);
  result.recompute_cost = best_recompute;
  return result;
}

absl::StatusOr<MilpMemoryResult> MilpMinimumMemory(const Graph& graph,
                                                   const MilpOptions& options) {
  const Local l = Localize(graph);
  if (absl::Status s = CheckSize(l); !s.ok()) return s;
  const int64_t horizon = DefaultMaxForwards(l, options);
  Program program(l, l.n, horizon, /*min_memory=*/true, 0);
  std::vector<double> start;
  const std::vector<int> local_of = LocalOf(graph, l);
  if (options.incumbent != nullptr && Forwards(*options.incumbent) <= horizon) {
    start = program.FromInstructions(*options.incumbent, local_of);
  }
  Program::Solved s = program.Solve(options.time_limit_s, start.empty() ? nullptr : &start);
  if (!s.feasible) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "minimum memory (MILP): the time limit (time_limit_s = %g) passed before any schedule "
        "was found",
        options.time_limit_s));
  }
  MilpMemoryResult r;
  r.min_memory_bytes = std::llround(s.objective);
  r.proven_optimal = s.proven;
  r.memory_lower_bound =
      s.proven ? r.min_memory_bytes : static_cast<int64_t>(std::ceil(s.bound - 1e-6));
  r.max_forwards = horizon;
  r.instructions = std::move(s.instructions);
  return r;
}

}  // namespace tbp

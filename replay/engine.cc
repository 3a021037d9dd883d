#include "replay/engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/check.h"
#include "replay/init.h"

namespace tbp {
namespace replay {
namespace {

// Live activation + gradient bytes and their high-water mark.
class TensorAccounting {
 public:
  void AddActivation(int64_t bytes) { activation_ += bytes; Update(); }
  void AddGradient(int64_t bytes) { gradient_ += bytes; Update(); }
  void RemoveActivation(int64_t bytes) { activation_ -= bytes; }
  void RemoveGradient(int64_t bytes) { gradient_ -= bytes; }
  void Sample() { sampled_peak_ = std::max(sampled_peak_, activation_ + gradient_); }

  int64_t live() const { return activation_ + gradient_; }
  int64_t peak() const { return peak_; }
  int64_t peak_activation() const { return peak_activation_; }
  int64_t peak_gradient() const { return peak_gradient_; }
  int64_t sampled_peak() const { return sampled_peak_; }

 private:
  void Update() {
    if (activation_ + gradient_ > peak_) {
      peak_ = activation_ + gradient_;
      peak_activation_ = activation_;
      peak_gradient_ = gradient_;
    }
  }
  int64_t activation_ = 0, gradient_ = 0;
  int64_t peak_ = 0, peak_activation_ = 0, peak_gradient_ = 0, sampled_peak_ = 0;
};

// FNV-style 64-bit hash over 32-bit words, mixed with splitmix64.
class Fingerprint {
 public:
  void Add(const std::vector<float>& values) {
    for (float f : values) {
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      h_ = Mix64(h_ ^ bits);
    }
    h_ = Mix64(h_ ^ static_cast<uint64_t>(values.size()));
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReplaySession>> ReplaySession::Create(const Graph& graph,
                                                                     Backend* backend,
                                                                     const ModelOptions& options) {
  TBP_CHECK(backend != nullptr);
  absl::StatusOr<ReplayModel> model = ReplayModel::Build(graph, options);
  if (!model.ok()) return model.status();
  std::unique_ptr<ReplaySession> session(new ReplaySession(*std::move(model), backend));
  if (absl::Status s = session->Initialize(); !s.ok()) return s;
  return session;
}

absl::Status ReplaySession::Initialize() {
  const ReplayModel& m = model_;
  const Graph& g = m.tensor_graph();
  const int32_t n = g.num_nodes();
  if (absl::Status s = backend_->Prepare(m.batch()); !s.ok()) return s;
  input_.assign(n, nullptr);
  bias_.assign(n, nullptr);
  bias_grad_.assign(n, nullptr);
  weight_.assign(m.num_terms(), nullptr);
  weight_grad_.assign(m.num_terms(), nullptr);
  // On failure the destructor frees what was allocated.
  for (NodeId v = 0; v < n; ++v) {
    const int64_t elements = m.batch() * m.width(v);
    if (g.is_compute(v)) {
      absl::StatusOr<float*> b = backend_->Allocate(4 * m.width(v), "bias of '" + g.name(v) + "'");
      if (!b.ok()) return b.status();
      bias_[v] = *b;
      backend_->FillUniform(bias_[v], m.width(v), InitKey(m.seed(), kInitBias, v, 0), 0.1f);
      absl::StatusOr<float*> db =
          backend_->Allocate(4 * m.width(v), "bias gradient of '" + g.name(v) + "'");
      if (!db.ok()) return db.status();
      bias_grad_[v] = *db;
    } else {
      absl::StatusOr<float*> x = backend_->Allocate(4 * elements, "input '" + g.name(v) + "'");
      if (!x.ok()) return x.status();
      input_[v] = *x;
      backend_->FillUniform(input_[v], elements, InitKey(m.seed(), kInitInput, v, 0), 1.0f);
    }
  }
  for (int64_t t = 0; t < m.num_terms(); ++t) {
    const NodeId v = m.term_node(t);
    const std::string what = absl::StrFormat("W('%s' -> '%s')", g.name(m.term_input(t)), g.name(v));
    absl::StatusOr<float*> w = backend_->Allocate(4 * m.weight_elements(t), what);
    if (!w.ok()) return w.status();
    weight_[t] = *w;
    backend_->FillUniform(weight_[t], m.weight_elements(t),
                          InitKey(m.seed(), kInitWeight, v, t - m.term_begin(v)),
                          m.weight_scale(v));
    absl::StatusOr<float*> dw = backend_->Allocate(4 * m.weight_elements(t), "gradient of " + what);
    if (!dw.ok()) return dw.status();
    weight_grad_[t] = *dw;
  }
  backend_->Synchronize();
  return backend_->status();
}

ReplaySession::~ReplaySession() {
  for (auto* list : {&input_, &weight_, &bias_, &weight_grad_, &bias_grad_}) {
    for (float* p : *list) {
      if (p != nullptr) backend_->Free(p);
    }
  }
}

absl::StatusOr<ReplayResult> ReplaySession::Run(absl::Span<const Instruction> instructions,
                                                const RunOptions& options) {
  const ReplayModel& m = model_;
  const Graph& g = m.tensor_graph();
  const int32_t n = g.num_nodes();
  ReplayResult r;
  {
    absl::StatusOr<SimResult> sim = Simulate(g, instructions);
    if (!sim.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid schedule: ", sim.status().message()));
    }
    r.simulation = *std::move(sim);
  }
  has_gradients_ = false;
  r.parameter_bytes = m.parameter_bytes();
  r.parameter_gradient_bytes = m.parameter_bytes();
  r.input_bytes = m.input_bytes();
  r.workspace_bytes = backend_->workspace_bytes();
  r.forward_executions.assign(n, 0);

  std::vector<float*> act(n, nullptr), grad(n, nullptr);
  std::vector<uint8_t> resident(n, 0), grad_live(n, 0), grad_written(n, 0);
  TensorAccounting acc;
  auto release_all = [&]() {
    for (NodeId v = 0; v < n; ++v) {
      if (resident[v] && act[v] != nullptr) backend_->Free(act[v]);
      if (grad_live[v] && grad[v] != nullptr) backend_->Free(grad[v]);
    }
  };
  const int64_t batch = m.batch();
  auto x_of = [&](NodeId u) -> const float* { return g.is_compute(u) ? act[u] : input_[u]; };

  backend_->Synchronize();
  const bool check_device = options.check_device_memory && backend_->DeviceUsedBytes() >= 0;
  const int64_t device_baseline = check_device ? backend_->DeviceUsedBytes() : 0;
  int64_t device_peak = 0;
  auto sample = [&]() {
    acc.Sample();
    if (check_device) {
      device_peak = std::max(device_peak, backend_->DeviceUsedBytes() - device_baseline);
    }
  };
  backend_->ResetCounters();
  backend_->TakeTimestamps();  // Drop stale stamps.
  const auto host_start = std::chrono::steady_clock::now();
  backend_->RecordTimestamp();

  for (size_t i = 0; i < instructions.size(); ++i) {
    const Instruction& in = instructions[i];
    const NodeId v = in.node;
    const int64_t wv = m.width(v);
    switch (in.op) {
      case Op::kForward: {
        TBP_CHECK(!resident[v]);
        absl::StatusOr<float*> y = backend_->Allocate(
            m.tensor_bytes(v),
            absl::StrFormat("activation of '%s' (instruction %d)", g.name(v), i));
        if (!y.ok()) {
          release_all();
          return y.status();
        }
        act[v] = *y;
        resident[v] = 1;
        acc.AddActivation(m.tensor_bytes(v));
        sample();
        bool written = false;
        for (int64_t t = m.term_begin(v); t < m.term_end(v); ++t) {
          const NodeId u = m.term_input(t);
          TBP_CHECK(!g.is_compute(u) || resident[u]);
          backend_->Gemm(false, false, batch, wv, m.width(u), x_of(u), weight_[t],
                         written ? 1.0f : 0.0f, act[v]);
          written = true;
        }
        if (!written) backend_->Fill(act[v], batch * wv, 0.0f);
        backend_->BiasTanh(act[v], bias_[v], batch, wv);
        ++r.forward_executions[v];
        break;
      }
      case Op::kFree: {
        TBP_CHECK(resident[v]);
        if (act[v] != nullptr) backend_->Free(act[v]);
        act[v] = nullptr;
        resident[v] = 0;
        acc.RemoveActivation(m.tensor_bytes(v));
        break;
      }
      case Op::kBackward: {
        TBP_CHECK(resident[v]);
        auto alloc_grad = [&](NodeId u) -> absl::Status {
          absl::StatusOr<float*> d = backend_->Allocate(
              m.tensor_bytes(u),
              absl::StrFormat("gradient of '%s' (instruction %d)", g.name(u), i));
          if (!d.ok()) return d.status();
          grad[u] = *d;
          grad_live[u] = 1;
          grad_written[u] = 0;
          acc.AddGradient(m.tensor_bytes(u));
          return absl::OkStatus();
        };
        if (g.is_output(v)) {
          if (!grad_live[v]) {
            if (absl::Status s = alloc_grad(v); !s.ok()) {
              release_all();
              return s;
            }
            backend_->Fill(grad[v], batch * wv, 1.0f);
          } else {
            backend_->AddScalar(grad[v], batch * wv, 1.0f);
          }
          grad_written[v] = 1;
        }
        TBP_CHECK(grad_live[v] && grad_written[v]);
        for (NodeId u : g.inputs(v)) {
          if (g.is_compute(u) && !grad_live[u]) {
            if (absl::Status s = alloc_grad(u); !s.ok()) {
              release_all();
              return s;
            }
          }
        }
        sample();
        float* gv = grad[v];
        backend_->TanhGrad(gv, act[v], batch * wv);
        backend_->ColumnSum(gv, batch, wv, bias_grad_[v]);
        for (int64_t t = m.term_begin(v); t < m.term_end(v); ++t) {
          const NodeId u = m.term_input(t);
          const int64_t wu = m.width(u);
          backend_->Gemm(true, false, wu, wv, batch, x_of(u), gv, 0.0f, weight_grad_[t]);
          if (g.is_compute(u)) {
            backend_->Gemm(false, true, batch, wu, wv, gv, weight_[t],
                           grad_written[u] ? 1.0f : 0.0f, grad[u]);
            grad_written[u] = 1;
          }
        }
        if (gv != nullptr) backend_->Free(gv);
        grad[v] = nullptr;
        grad_live[v] = 0;
        acc.RemoveGradient(m.tensor_bytes(v));
        break;
      }
    }
    backend_->RecordTimestamp();
    if (absl::Status s = backend_->status(); !s.ok()) {
      release_all();
      return absl::Status(s.code(), absl::StrFormat("instruction %d (%s '%s'): %s", i,
                                                    OpName(in.op), g.name(v), s.message()));
    }
  }
  const std::vector<double> stamps = backend_->TakeTimestamps();
  r.host_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
  if (absl::Status s = backend_->status(); !s.ok()) return s;
  TBP_CHECK(acc.live() == 0);
  TBP_CHECK(stamps.size() == instructions.size() + 1);

  r.measured_peak_bytes = acc.peak();
  r.peak_activation_bytes = acc.peak_activation();
  r.peak_gradient_bytes = acc.peak_gradient();
  r.sampled_peak_bytes = acc.sampled_peak();
  r.device_peak_bytes = check_device ? device_peak : -1;
  r.seconds = stamps.back() - stamps.front();
  if (options.record_instruction_seconds) r.instruction_seconds.reserve(instructions.size());
  std::vector<int32_t> seen(n, 0);
  for (size_t i = 0; i < instructions.size(); ++i) {
    const double dt = stamps[i + 1] - stamps[i];
    const Instruction& in = instructions[i];
    OpProfile* p = nullptr;
    switch (in.op) {
      case Op::kForward: p = seen[in.node]++ == 0 ? &r.forward : &r.recompute; break;
      case Op::kFree: p = &r.free; break;
      case Op::kBackward: p = &r.backward; break;
    }
    ++p->count;
    p->seconds += dt;
    if (options.record_instruction_seconds) r.instruction_seconds.push_back(dt);
  }
  r.counters = backend_->counters();
  has_gradients_ = true;
  if (options.fingerprint_gradients) r.gradient_fingerprint = GradientFingerprint();
  return r;
}

absl::StatusOr<ParameterGradients> ReplaySession::FetchGradients() {
  if (!has_gradients_) {
    return absl::FailedPreconditionError("no parameter gradients: no successful Run yet");
  }
  const ReplayModel& m = model_;
  const Graph& g = m.tensor_graph();
  ParameterGradients out;
  out.weight.resize(m.num_terms());
  for (int64_t t = 0; t < m.num_terms(); ++t) {
    out.weight[t].resize(m.weight_elements(t));
    backend_->CopyToHost(weight_grad_[t], m.weight_elements(t), out.weight[t].data());
  }
  out.bias.resize(g.num_nodes());
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    if (!g.is_compute(v)) continue;
    out.bias[v].resize(m.width(v));
    backend_->CopyToHost(bias_grad_[v], m.width(v), out.bias[v].data());
  }
  if (absl::Status s = backend_->status(); !s.ok()) return s;
  return out;
}

uint64_t ReplaySession::GradientFingerprint() {
  const ReplayModel& m = model_;
  const Graph& g = m.tensor_graph();
  Fingerprint f;
  std::vector<float> host;
  for (int64_t t = 0; t < m.num_terms(); ++t) {
    host.resize(m.weight_elements(t));
    backend_->CopyToHost(weight_grad_[t], m.weight_elements(t), host.data());
    f.Add(host);
  }
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    if (!g.is_compute(v)) continue;
    host.resize(m.width(v));
    backend_->CopyToHost(bias_grad_[v], m.width(v), host.data());
    f.Add(host);
  }
  return f.value();
}

}  // namespace replay
}  // namespace tbp

// The replay engine: executes a schedule (docs/design.md section 3) on real
// float32 tensors through a Backend, and measures what the simulator
// predicts.
//
// Semantics, instruction by instruction (the network is model.h's):
//   FORWARD v   allocates y_v, computes it from the resident inputs (a
//               recomputation really recomputes: same kernels again).
//   FREE v      frees y_v's allocation.
//   BACKWARD v  if v is an output: allocates dy_v filled with ones, or adds
//               ones to it when a consumer already made it (the loss is the
//               sum of the outputs' elements); allocates a zeroed-on-first-
//               write gradient for each COMPUTE input that has none; then
//               g = dy_v * (1 - y_v^2) (in place in dy_v), db_v = colsum(g),
//               and for each term t of v in term order: dW_t = x_u^T g and,
//               for a COMPUTE input u, dx_u += g W_t^T; finally frees dy_v.
//
// Memory accounting. Every activation and every activation gradient is one
// allocation of exactly tensor_bytes(v) through Backend::Allocate (no
// arena, no pooling, no scratch: the tanh derivative is applied in place in
// dy_v, which section 3 frees right after). The engine keeps the live
// activation and gradient bytes; measured_peak_bytes is their high-water
// mark over the run, taken at every allocation. Because nothing else is
// allocated during an instruction, the high-water mark falls exactly on the
// simulator's sample points (FORWARD with inputs and output live; BACKWARD
// after the input gradients are allocated, before dy_v is freed), and for
// a valid schedule it equals Simulate(tensor_graph).peak_bytes exactly.
// Inputs, parameters, parameter gradients and backend workspace are
// allocated once per session and reported separately.
//
// Gradient determinism. dx_u is accumulated in the order in which u's
// consumers run their BACKWARD, so float results depend on that order and
// on nothing else: the forward values of a node are the same bits however
// often it is recomputed (same kernels, same inputs), and every parameter
// gradient is written exactly once (beta = 0) from y, g and x. Hence two
// valid schedules with the same sequence of BACKWARD instructions give
// bitwise-equal parameter gradients on one backend. The reference for a
// schedule S is therefore store-all on S's backward order:
// StoreAllForBackwardOrder(S) (replay_command.h). Every plan-tree planner
// backwards in reverse order of the topological order it planned on, so
// for them that reference is exactly the store_all planner on the same
// order. (Making dx_u independent of the consumer order would need one
// buffer per consumer-input pair, which is not section 3's model.)
#ifndef TBP_REPLAY_ENGINE_H_
#define TBP_REPLAY_ENGINE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/graph/graph.h"
#include "core/schedule/schedule.h"
#include "core/sim/simulator.h"
#include "replay/backend.h"
#include "replay/model.h"

namespace tbp {
namespace replay {

struct RunOptions {
  // Keep ReplayResult::instruction_seconds.
  bool record_instruction_seconds = false;
  // Sample Backend::DeviceUsedBytes at every memory sample point (CUDA:
  // cudaMemGetInfo) into device_peak_bytes. A host call per instruction.
  bool check_device_memory = true;
  // Compute gradient_fingerprint after the run (downloads all parameter
  // gradients; outside the timed region).
  bool fingerprint_gradients = true;
};

// Time spent in one kind of instruction.
struct OpProfile {
  int64_t count = 0;
  double seconds = 0;
};

struct ReplayResult {
  // Activation + gradient memory, bytes.
  int64_t measured_peak_bytes = 0;     // High-water mark of the live allocations.
  int64_t peak_activation_bytes = 0;   // Split of the first high-water mark.
  int64_t peak_gradient_bytes = 0;
  int64_t sampled_peak_bytes = 0;      // Max at section 3's sample points.
  // What the device reports (CUDA): max over the sample points of
  // DeviceUsedBytes() minus its value at the start of the run; includes the
  // driver's allocation rounding. -1 when unavailable (CPU) or not checked.
  int64_t device_peak_bytes = -1;
  // The simulator on tensor_graph: validity, peak, costs.
  SimResult simulation;

  // Allocated once per session, outside the above.
  int64_t parameter_bytes = 0;           // W and b.
  int64_t parameter_gradient_bytes = 0;  // dW and db.
  int64_t input_bytes = 0;               // INPUT node data.
  int64_t workspace_bytes = 0;           // Backend's own (e.g. cuBLAS).

  // Time. seconds: from the first to the last instruction boundary on the
  // backend's clock (CUDA events on the GPU). host_seconds: host wall clock
  // around the run, device synchronised at both ends.
  double seconds = 0;
  double host_seconds = 0;
  OpProfile forward;    // First FORWARD of a node.
  OpProfile recompute;  // Later FORWARDs.
  OpProfile free;
  OpProfile backward;
  std::vector<double> instruction_seconds;  // With record_instruction_seconds.

  // Work actually done.
  std::vector<int32_t> forward_executions;  // Per node id.
  BackendCounters counters;
  // 64-bit hash of the bits of every parameter gradient (dW by term, then db
  // by node); equal fingerprints <=> (up to hash collisions) bitwise-equal
  // gradients. 0 when not computed.
  uint64_t gradient_fingerprint = 0;
};

// Host copies of the parameter gradients of the last run.
struct ParameterGradients {
  std::vector<std::vector<float>> weight;  // By term id (ReplayModel).
  std::vector<std::vector<float>> bias;    // By node id; empty for INPUT.
};

// One network on one backend: inputs, parameters and parameter gradients
// stay allocated across runs, so several schedules can be compared on the
// same values.
class ReplaySession {
 public:
  // Builds the model (errors as ReplayModel::Build), prepares the backend
  // and allocates and initialises inputs and parameters (kResourceExhausted
  // when the device is too small). `backend` must outlive the session.
  static absl::StatusOr<std::unique_ptr<ReplaySession>> Create(const Graph& graph,
                                                               Backend* backend,
                                                               const ModelOptions& options);
  ~ReplaySession();
  ReplaySession(const ReplaySession&) = delete;
  ReplaySession& operator=(const ReplaySession&) = delete;

  const ReplayModel& model() const { return model_; }
  Backend& backend() { return *backend_; }

  // Validates `instructions` with the simulator on model().tensor_graph()
  // (an invalid schedule is kInvalidArgument with the simulator's message,
  // nothing executed), then executes them. Out of device memory is
  // kResourceExhausted naming the instruction; every buffer of the run is
  // freed on any error. Time O(schedule work); memory as measured.
  absl::StatusOr<ReplayResult> Run(absl::Span<const Instruction> instructions,
                                   const RunOptions& options = {});

  // The parameter gradients written by the last successful Run.
  absl::StatusOr<ParameterGradients> FetchGradients();
  // Fingerprint of the current parameter gradients (see ReplayResult).
  uint64_t GradientFingerprint();

 private:
  ReplaySession(ReplayModel model, Backend* backend)
      : model_(std::move(model)), backend_(backend) {}
  absl::Status Initialize();

  ReplayModel model_;
  Backend* backend_;
  std::vector<float*> input_;   // By node id (INPUT nodes).
  std::vector<float*> weight_;  // By term id.
  std::vector<float*> bias_;    // By node id (COMPUTE nodes).
  std::vector<float*> weight_grad_;
  std::vector<float*> bias_grad_;
  bool has_gradients_ = false;
};

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_ENGINE_H_

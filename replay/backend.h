// The compute backend of the replay engine (docs/design.md section 6): the few
// primitives the engine needs to execute FORWARD / FREE / BACKWARD on real
// float32 tensors, behind one abstract interface with a CPU implementation
// (cpu_backend.h, the reference) and a CUDA one (cuda_backend.h, cuBLAS).
//
// Contracts shared by every implementation:
// - Memory: Allocate returns one allocation for one tensor (the engine never
//   sub-allocates), so the engine's byte accounting is the real allocation
//   sizes. Allocate(0) returns nullptr and OK. Out of memory is
//   kResourceExhausted naming the request; nothing else is allocated then.
// - Determinism: every primitive gives the same bits for the same inputs,
//   shapes and (buffer-independent) arguments, run after run: fixed loop
//   orders on the CPU; on CUDA one stream, fixed cuBLAS math mode, atomics
//   disallowed, a fixed workspace, and no atomics in our own kernels.
// - Errors: primitives are void (they are enqueued on CUDA); the first
//   failure is kept and returned by status() (sticky), which the engine
//   checks after every instruction.
// - All matrices are dense row-major; pointers come from Allocate.
#ifndef TBP_REPLAY_BACKEND_H_
#define TBP_REPLAY_BACKEND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tbp {
namespace replay {

// Work done since the last ResetCounters(): kernel launches by kind. Tests
// use them to check that a recomputation really recomputes.
struct BackendCounters {
  int64_t gemm_calls = 0;
  int64_t elementwise_calls = 0;  // Fill, AddScalar, BiasTanh, TanhGrad.
  int64_t reduction_calls = 0;    // ColumnSum.
  int64_t allocations = 0;
  int64_t frees = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // "cpu" or "cuda".
  virtual std::string name() const = 0;
  // A human-readable device description, e.g. "NVIDIA H100 80GB HBM3
  // (sm_90, 79.1 GiB)" or "CPU (reference backend, 1 thread)".
  virtual std::string device_description() const = 0;

  // --- Memory ------------------------------------------------------------
  // One allocation of `bytes` (a multiple of 4). kResourceExhausted when the
  // device has no room; the message names `what` (e.g. "activation of
  // 'n3'").
  virtual absl::StatusOr<float*> Allocate(int64_t bytes, const std::string& what) = 0;
  virtual void Free(float* buffer) = 0;
  virtual void CopyToHost(const float* device, int64_t count, float* host) = 0;

  // Bytes the backend allocated for itself (cuBLAS workspace, constant
  // vectors); 0 on the CPU. Valid after Prepare.
  virtual int64_t workspace_bytes() const = 0;
  // Sets up what the primitives need for matrices of up to `max_rows` rows
  // (e.g. the ones vector of ColumnSum on CUDA). Called once before use.
  virtual absl::Status Prepare(int64_t max_rows) = 0;
  // Device memory in use according to the device (cudaMemGetInfo: total -
  // free), or -1 when the backend has no such measure (CPU).
  virtual int64_t DeviceUsedBytes() = 0;
  // Free device memory (cudaMemGetInfo), or -1 (CPU).
  virtual int64_t DeviceFreeBytes() = 0;

  // --- Compute (enqueued in order) ---------------------------------------
  // x[i] = value.
  virtual void Fill(float* x, int64_t count, float value) = 0;
  // x[i] = scale * U(key, i), U the portable hash-uniform of init.h.
  virtual void FillUniform(float* x, int64_t count, uint64_t key, float scale) = 0;
  // x[i] += value.
  virtual void AddScalar(float* x, int64_t count, float value) = 0;
  // C[m x n] = op(A) op(B) + beta * C, beta in {0, 1}; op(A) is m x k (A is
  // stored k x m when trans_a), op(B) is k x n (B stored n x k when
  // trans_b). beta = 0 never reads C. k = 0 gives C = beta * C.
  virtual void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                    const float* b, float beta, float* c) = 0;
  // y[r, j] = tanh(y[r, j] + bias[j]) for a rows x cols y.
  virtual void BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) = 0;
  // dy[i] *= 1 - y[i]^2 (the tanh derivative, in place).
  virtual void TanhGrad(float* dy, const float* y, int64_t count) = 0;
  // out[j] = sum over r of x[r, j], in a fixed order (no atomics).
  virtual void ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) = 0;

  // --- Timing ------------------------------------------------------------
  // Records a timestamp in stream order (CPU: the host clock; CUDA: an
  // event). TakeTimestamps waits for the device and returns the seconds of
  // every timestamp since the first one recorded after the last Take.
  virtual void RecordTimestamp() = 0;
  virtual std::vector<double> TakeTimestamps() = 0;
  virtual void Synchronize() = 0;

  // The first error of any primitive since construction, or OK.
  virtual absl::Status status() = 0;

  const BackendCounters& counters() const { return counters_; }
  void ResetCounters() { counters_ = BackendCounters(); }

 protected:
  BackendCounters counters_;
};

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_BACKEND_H_

// The CUDA backend (built only with --config=cuda): an adapter from the
// Backend interface to cuda::Device (cuda_device.h, compiled by nvcc),
// which holds every CUDA and cuBLAS call.
//
// Memory: one cudaMalloc per tensor, cudaFree when the engine frees it
// (cudaFree waits for the device: store-all and every schedule pay that
// per tensor alike). DeviceUsedBytes is cudaMemGetInfo's total - free, the
// engine's cross-check of its exact accounting; it includes the driver's
// rounding of each allocation (page granularity), so it is >= the exact
// measured peak.
//
// Determinism: cuBLAS is bitwise reproducible run to run on one GPU model
// for the same shapes when used from one stream with a fixed workspace and
// atomics disallowed (cuBLAS documentation, "Results reproducibility");
// every buffer has cudaMalloc's 256-byte alignment, so algorithm choices
// cannot depend on addresses. ColumnSum is an SGEMV against a ones vector;
// the elementwise kernels have no reductions.
#ifndef TBP_REPLAY_CUDA_BACKEND_H_
#define TBP_REPLAY_CUDA_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "replay/backend.h"
#include "replay/cuda_device.h"

namespace tbp {
namespace replay {

struct CudaOptions {
  int device = 0;
  // CUBLAS_PEDANTIC_MATH instead of CUBLAS_DEFAULT_MATH (both plain FP32).
  bool pedantic_math = false;
  // cuBLAS workspace (cublasSetWorkspace), allocated once.
  int64_t cublas_workspace_bytes = int64_t{32} << 20;
};

// OK when a CUDA device and driver are usable; otherwise kFailedPrecondition
// "no usable CUDA device: cudaGetDeviceCount returned
// cudaErrorInsufficientDriver (...)" or similar.
absl::Status CudaDeviceAvailable();

class CudaBackend : public Backend {
 public:
  // Errors as CudaDeviceAvailable, a bad device index (kInvalidArgument),
  // setup failures (kFailedPrecondition).
  static absl::StatusOr<std::unique_ptr<CudaBackend>> Create(const CudaOptions& options);

  std::string name() const override { return "cuda"; }
  std::string device_description() const override { return device_->description(); }

  absl::StatusOr<float*> Allocate(int64_t bytes, const std::string& what) override;
  void Free(float* buffer) override;
  void CopyToHost(const float* device, int64_t count, float* host) override;
  int64_t workspace_bytes() const override { return device_->workspace_bytes(); }
  absl::Status Prepare(int64_t max_rows) override;
  int64_t DeviceUsedBytes() override { return device_->UsedBytes(); }
  int64_t DeviceFreeBytes() override { return device_->FreeBytes(); }

  void Fill(float* x, int64_t count, float value) override;
  void FillUniform(float* x, int64_t count, uint64_t key, float scale) override;
  void AddScalar(float* x, int64_t count, float value) override;
  void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
            const float* b, float beta, float* c) override;
  void BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) override;
  void TanhGrad(float* dy, const float* y, int64_t count) override;
  void ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) override;

  void RecordTimestamp() override { device_->RecordEvent(); }
  std::vector<double> TakeTimestamps() override { return device_->TakeEventSeconds(); }
  void Synchronize() override { device_->Synchronize(); }
  absl::Status status() override;

 private:
  explicit CudaBackend(std::unique_ptr<cuda::Device> device) : device_(std::move(device)) {}
  std::unique_ptr<cuda::Device> device_;
};

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_CUDA_BACKEND_H_

#include "replay/cuda_backend.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/check.h"

namespace tbp {
namespace replay {

absl::Status CudaDeviceAvailable() {
  const std::string reason = cuda::DeviceUnavailableReason();
  if (reason.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("no usable CUDA device: ", reason));
}

absl::StatusOr<std::unique_ptr<CudaBackend>> CudaBackend::Create(const CudaOptions& options) {
  if (absl::Status s = CudaDeviceAvailable(); !s.ok()) return s;
  cuda::DeviceOptions d;
  d.device = options.device;
  d.pedantic_math = options.pedantic_math;
  d.cublas_workspace_bytes = options.cublas_workspace_bytes;
  std::string error;
  std::unique_ptr<cuda::Device> device = cuda::Device::Create(d, &error);
  if (device == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("CUDA backend setup: ", error));
  }
  return std::unique_ptr<CudaBackend>(new CudaBackend(std::move(device)));
}

absl::StatusOr<float*> CudaBackend::Allocate(int64_t bytes, const std::string& what) {
  TBP_CHECK(bytes >= 0 && bytes % 4 == 0);
  ++counters_.allocations;
  float* p = nullptr;
  bool oom = false;
  const std::string error = device_->Allocate(bytes, &p, &oom);
  if (!error.empty()) {
    const std::string message = absl::StrFormat("%d bytes for %s: %s", bytes, what, error);
    return oom ? absl::ResourceExhaustedError(message) : absl::InternalError(message);
  }
  return p;
}

void CudaBackend::Free(float* buffer) {
  ++counters_.frees;
  device_->Free(buffer);
}

void CudaBackend::CopyToHost(const float* device, int64_t count, float* host) {
  device_->CopyToHost(device, count, host);
}

absl::Status CudaBackend::Prepare(int64_t max_rows) {
  const std::string error = device_->EnsureOnes(max_rows);
  if (!error.empty()) {
    return absl::ResourceExhaustedError(absl::StrCat("CUDA backend workspace: ", error));
  }
  return absl::OkStatus();
}

void CudaBackend::Fill(float* x, int64_t count, float value) {
  ++counters_.elementwise_calls;
  device_->Fill(x, count, value);
}

void CudaBackend::FillUniform(float* x, int64_t count, uint64_t key, float scale) {
  ++counters_.elementwise_calls;
  device_->FillUniform(x, count, key, scale);
}

void CudaBackend::AddScalar(float* x, int64_t count, float value) {
  ++counters_.elementwise_calls;
  device_->AddScalar(x, count, value);
}

void CudaBackend::Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                       const float* a, const float* b, float beta, float* c) {
  TBP_CHECK(beta == 0.0f || beta == 1.0f);
  TBP_CHECK(!(trans_a && trans_b));
  ++counters_.gemm_calls;
  device_->Gemm(trans_a, trans_b, m, n, k, a, b, beta, c);
}

void CudaBackend::BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) {
  ++counters_.elementwise_calls;
  device_->BiasTanh(y, bias, rows, cols);
}

void CudaBackend::TanhGrad(float* dy, const float* y, int64_t count) {
  ++counters_.elementwise_calls;
  device_->TanhGrad(dy, y, count);
}

void CudaBackend::ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) {
  ++counters_.reduction_calls;
  device_->ColumnSum(x, rows, cols, out);
}

absl::Status CudaBackend::status() {
  const std::string error = device_->Error();
  if (error.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("CUDA backend: ", error));
}

}  // namespace replay
}  // namespace tbp

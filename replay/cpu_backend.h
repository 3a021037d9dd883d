// The CPU reference backend: plain single-threaded C++, deterministic by
// construction (every loop has a fixed order; no threads, no fast-math).
// Each tensor is one malloc'ed block. GEMMs are simple cache-blocked loops:
// adequate for tests and small graphs, not a BLAS.
#ifndef TBP_REPLAY_CPU_BACKEND_H_
#define TBP_REPLAY_CPU_BACKEND_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "replay/backend.h"

namespace tbp {
namespace replay {

class CpuBackend : public Backend {
 public:
  CpuBackend() = default;

  std::string name() const override { return "cpu"; }
  std::string device_description() const override;

  absl::StatusOr<float*> Allocate(int64_t bytes, const std::string& what) override;
  void Free(float* buffer) override;
  void CopyToHost(const float* device, int64_t count, float* host) override;
  int64_t workspace_bytes() const override { return 0; }
  absl::Status Prepare(int64_t max_rows) override { return absl::OkStatus(); }
  int64_t DeviceUsedBytes() override { return -1; }
  int64_t DeviceFreeBytes() override { return -1; }

  void Fill(float* x, int64_t count, float value) override;
  void FillUniform(float* x, int64_t count, uint64_t key, float scale) override;
  void AddScalar(float* x, int64_t count, float value) override;
  void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
            const float* b, float beta, float* c) override;
  void BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) override;
  void TanhGrad(float* dy, const float* y, int64_t count) override;
  void ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) override;

  void RecordTimestamp() override;
  std::vector<double> TakeTimestamps() override;
  void Synchronize() override {}
  absl::Status status() override { return absl::OkStatus(); }

 private:
  std::vector<std::chrono::steady_clock::time_point> stamps_;
};

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_CPU_BACKEND_H_

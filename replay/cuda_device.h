// The CUDA side of the CUDA backend, compiled by nvcc (cuda_device.cu, in a
// genrule) behind a plain C++ interface: no CUDA, cuBLAS or Abseil types
// here, so the Bazel-compiled adapter (cuda_backend.cc) needs no CUDA
// headers and nvcc needs no Abseil.
//
// What it does: cuBLAS SGEMM/SGEMV on one stream with a fixed workspace,
// atomics disallowed and CUBLAS_DEFAULT_MATH (FP32, no TF32) or
// CUBLAS_PEDANTIC_MATH; small elementwise kernels (grid-stride loops, one
// thread per element, no atomics, explicit _rn intrinsics so no FMA
// contraction changes bits); cudaMalloc/cudaFree per buffer; CUDA events.
//
// Errors: setup calls return "" on success or the error text. Enqueued work
// records the first failure (sticky), returned by TakeError().
#ifndef TBP_REPLAY_CUDA_DEVICE_H_
#define TBP_REPLAY_CUDA_DEVICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tbp {
namespace replay {
namespace cuda {

struct DeviceOptions {
  int device = 0;
  bool pedantic_math = false;
  int64_t cublas_workspace_bytes = int64_t{32} << 20;
};

// "" when a device and driver are usable, else e.g. "cudaGetDeviceCount
// returned cudaErrorInsufficientDriver (CUDA driver version is insufficient
// for CUDA runtime version)".
std::string DeviceUnavailableReason();

class Device {
 public:
  // nullptr and *error set on failure.
  static std::unique_ptr<Device> Create(const DeviceOptions& options, std::string* error);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  std::string description() const;
  int64_t workspace_bytes() const;

  // "" on success; an out-of-memory failure sets *out_of_memory.
  std::string Allocate(int64_t bytes, float** out, bool* out_of_memory);
  void Free(float* p);
  void CopyToHost(const float* device, int64_t count, float* host);
  // Ensures a ones vector of at least `count` floats (ColumnSum).
  std::string EnsureOnes(int64_t count);
  // total - free from cudaMemGetInfo, or -1.
  int64_t UsedBytes();
  // free from cudaMemGetInfo, or -1.
  int64_t FreeBytes();

  void Fill(float* x, int64_t count, float value);
  void FillUniform(float* x, int64_t count, uint64_t key, float scale);
  void AddScalar(float* x, int64_t count, float value);
  void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
            const float* b, float beta, float* c);
  void BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols);
  void TanhGrad(float* dy, const float* y, int64_t count);
  void ColumnSum(const float* x, int64_t rows, int64_t cols, float* out);

  void RecordEvent();
  // Seconds of each event since the first, after waiting for the last;
  // clears the list.
  std::vector<double> TakeEventSeconds();
  void Synchronize();
  // The first error so far ("" if none); also polls cudaGetLastError.
  std::string Error();

 private:
  struct Impl;
  explicit Device(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cuda
}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_CUDA_DEVICE_H_

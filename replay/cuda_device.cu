#include "replay/cuda_device.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "replay/init.h"

namespace tbp {
namespace replay {
namespace cuda {
namespace {

constexpr int kThreads = 256;

std::string ErrorText(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

// Enough blocks to fill any current GPU; grid-stride loops cover the rest.
unsigned int Blocks(int64_t count) {
  const int64_t blocks = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned int>(std::min<int64_t>(std::max<int64_t>(blocks, 1), 65536));
}

#define TBP_GRID_STRIDE(i, count)                                              \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; \
       i < (count); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__global__ void FillKernel(float* x, int64_t count, float value) {
  TBP_GRID_STRIDE(i, count) { x[i] = value; }
}

__global__ void FillUniformKernel(float* x, int64_t count, uint64_t key, float scale) {
  TBP_GRID_STRIDE(i, count) { x[i] = __fmul_rn(scale, HashUniform(key, static_cast<uint64_t>(i))); }
}

__global__ void AddScalarKernel(float* x, int64_t count, float value) {
  TBP_GRID_STRIDE(i, count) { x[i] = __fadd_rn(x[i], value); }
}

__global__ void BiasTanhKernel(float* y, const float* bias, int64_t rows, int64_t cols) {
  TBP_GRID_STRIDE(i, rows * cols) { y[i] = tanhf(__fadd_rn(y[i], bias[i % cols])); }
}

__global__ void TanhGradKernel(float* dy, const float* y, int64_t count) {
  TBP_GRID_STRIDE(i, count) {
    dy[i] = __fmul_rn(dy[i], __fsub_rn(1.0f, __fmul_rn(y[i], y[i])));
  }
}

}  // namespace

struct Device::Impl {
  DeviceOptions options;
  std::string description;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  void* workspace = nullptr;
  float* ones = nullptr;
  int64_t ones_count = 0;
  std::vector<cudaEvent_t> events;
  size_t events_used = 0;
  std::string error;

  void Check(cudaError_t e, const char* what) {
    if (e != cudaSuccess && error.empty()) error = std::string(what) + ": " + ErrorText(e);
  }
  void CheckBlas(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS && error.empty()) {
      error = std::string(what) + ": " + cublasGetStatusString(s);
    }
  }
  void Launched(const char* what) { Check(cudaGetLastError(), what); }
};

std::string DeviceUnavailableReason() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return "cudaGetDeviceCount returned " + ErrorText(e);
  }
  if (count == 0) return "cudaGetDeviceCount found 0 devices";
  return "";
}

Device::Device(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Device> Device::Create(const DeviceOptions& options, std::string* error) {
  *error = DeviceUnavailableReason();
  if (!error->empty()) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::unique_ptr<Device> d(new Device(std::move(impl)));
  Impl& m = *d->impl_;
  int count = 0;
  cudaGetDeviceCount(&count);
  if (options.device < 0 || options.device >= count) {
    *error = "device " + std::to_string(options.device) + " does not exist (" +
             std::to_string(count) + " devices)";
    return nullptr;
  }
  auto fail = [&](const std::string& what) {
    *error = what;
    return std::unique_ptr<Device>();
  };
  if (cudaError_t e = cudaSetDevice(options.device); e != cudaSuccess) {
    return fail("cudaSetDevice: " + ErrorText(e));
  }
  cudaDeviceProp prop;
  if (cudaError_t e = cudaGetDeviceProperties(&prop, options.device); e != cudaSuccess) {
    return fail("cudaGetDeviceProperties: " + ErrorText(e));
  }
  char text[512];
  std::snprintf(text, sizeof(text), "%s (sm_%d%d, %.1f GiB, %d SMs)", prop.name, prop.major,
                prop.minor, static_cast<double>(prop.totalGlobalMem) / (1 << 30),
                prop.multiProcessorCount);
  m.description = text;
  if (cudaError_t e = cudaStreamCreate(&m.stream); e != cudaSuccess) {
    m.stream = nullptr;
    return fail("cudaStreamCreate: " + ErrorText(e));
  }
  if (cublasStatus_t s = cublasCreate(&m.blas); s != CUBLAS_STATUS_SUCCESS) {
    m.blas = nullptr;
    return fail(std::string("cublasCreate: ") + cublasGetStatusString(s));
  }
  const cublasMath_t math = options.pedantic_math ? CUBLAS_PEDANTIC_MATH : CUBLAS_DEFAULT_MATH;
  for (cublasStatus_t s : {cublasSetStream(m.blas, m.stream), cublasSetMathMode(m.blas, math),
                           cublasSetAtomicsMode(m.blas, CUBLAS_ATOMICS_NOT_ALLOWED),
                           cublasSetPointerMode(m.blas, CUBLAS_POINTER_MODE_HOST)}) {
    if (s != CUBLAS_STATUS_SUCCESS) {
      return fail(std::string("cuBLAS setup: ") + cublasGetStatusString(s));
    }
  }
  if (options.cublas_workspace_bytes > 0) {
    if (cudaError_t e = cudaMalloc(&m.workspace, options.cublas_workspace_bytes);
        e != cudaSuccess) {
      cudaGetLastError();
      m.workspace = nullptr;
      return fail("cudaMalloc of the cuBLAS workspace: " + ErrorText(e));
    }
    if (cublasStatus_t s =
            cublasSetWorkspace(m.blas, m.workspace, options.cublas_workspace_bytes);
        s != CUBLAS_STATUS_SUCCESS) {
      return fail(std::string("cublasSetWorkspace: ") + cublasGetStatusString(s));
    }
  }
  return d;
}

Device::~Device() {
  Impl& m = *impl_;
  if (m.stream != nullptr) cudaStreamSynchronize(m.stream);
  for (cudaEvent_t e : m.events) cudaEventDestroy(e);
  if (m.ones != nullptr) cudaFree(m.ones);
  if (m.blas != nullptr) cublasDestroy(m.blas);
  if (m.workspace != nullptr) cudaFree(m.workspace);
  if (m.stream != nullptr) cudaStreamDestroy(m.stream);
}

std::string Device::description() const { return impl_->description; }

int64_t Device::workspace_bytes() const {
  return (impl_->workspace != nullptr ? impl_->options.cublas_workspace_bytes : 0) +
         4 * impl_->ones_count;
}

std::string Device::Allocate(int64_t bytes, float** out, bool* out_of_memory) {
  *out = nullptr;
  *out_of_memory = false;
  if (bytes == 0) return "";
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, static_cast<size_t>(bytes));
  if (e != cudaSuccess) {
    cudaGetLastError();  // Allocation errors are not sticky: clear.
    *out_of_memory = e == cudaErrorMemoryAllocation;
    size_t free_bytes = 0, total_bytes = 0;
    cudaMemGetInfo(&free_bytes, &total_bytes);
    return "cudaMalloc: " + ErrorText(e) + "; device free " + std::to_string(free_bytes) +
           " of " + std::to_string(total_bytes) + " bytes";
  }
  *out = static_cast<float*>(p);
  return "";
}

void Device::Free(float* p) {
  if (p == nullptr) return;
  // cudaFree waits for the device anyway; syncing our stream first makes the
  // order with the enqueued work explicit.
  impl_->Check(cudaStreamSynchronize(impl_->stream), "cudaStreamSynchronize");
  impl_->Check(cudaFree(p), "cudaFree");
}

void Device::CopyToHost(const float* device, int64_t count, float* host) {
  if (count <= 0) return;
  impl_->Check(cudaMemcpyAsync(host, device, static_cast<size_t>(count) * sizeof(float),
                               cudaMemcpyDeviceToHost, impl_->stream),
               "cudaMemcpyAsync");
  impl_->Check(cudaStreamSynchronize(impl_->stream), "cudaStreamSynchronize");
}

std::string Device::EnsureOnes(int64_t count) {
  Impl& m = *impl_;
  if (count <= m.ones_count) return "";
  if (m.ones != nullptr) {
    Free(m.ones);
    m.ones = nullptr;
    m.ones_count = 0;
  }
  bool oom = false;
  float* p = nullptr;
  std::string e = Allocate(4 * count, &p, &oom);
  if (!e.empty()) return e;
  m.ones = p;
  m.ones_count = count;
  Fill(p, count, 1.0f);
  Synchronize();
  return Error();
}

int64_t Device::UsedBytes() {
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
    cudaGetLastError();
    return -1;
  }
  return static_cast<int64_t>(total_bytes - free_bytes);
}

int64_t Device::FreeBytes() {
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
    cudaGetLastError();
    return -1;
  }
  return static_cast<int64_t>(free_bytes);
}

void Device::Fill(float* x, int64_t count, float value) {
  if (count <= 0) return;
  FillKernel<<<Blocks(count), kThreads, 0, impl_->stream>>>(x, count, value);
  impl_->Launched("Fill kernel");
}

void Device::FillUniform(float* x, int64_t count, uint64_t key, float scale) {
  if (count <= 0) return;
  FillUniformKernel<<<Blocks(count), kThreads, 0, impl_->stream>>>(x, count, key, scale);
  impl_->Launched("FillUniform kernel");
}

void Device::AddScalar(float* x, int64_t count, float value) {
  if (count <= 0) return;
  AddScalarKernel<<<Blocks(count), kThreads, 0, impl_->stream>>>(x, count, value);
  impl_->Launched("AddScalar kernel");
}

void Device::Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                  const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.0f) Fill(c, m * n, 0.0f);
    return;
  }
  // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
  const float alpha = 1.0f;
  impl_->CheckBlas(cublasSgemm_64(impl_->blas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b,
                                  trans_b ? k : n, a, trans_a ? m : k, &beta, c, n),
                   "cublasSgemm_64");
}

void Device::BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) {
  if (rows <= 0 || cols <= 0) return;
  BiasTanhKernel<<<Blocks(rows * cols), kThreads, 0, impl_->stream>>>(y, bias, rows, cols);
  impl_->Launched("BiasTanh kernel");
}

void Device::TanhGrad(float* dy, const float* y, int64_t count) {
  if (count <= 0) return;
  TanhGradKernel<<<Blocks(count), kThreads, 0, impl_->stream>>>(dy, y, count);
  impl_->Launched("TanhGrad kernel");
}

void Device::ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) {
  if (cols <= 0) return;
  if (rows <= 0) {
    Fill(out, cols, 0.0f);
    return;
  }
  if (rows > impl_->ones_count) {
    if (impl_->error.empty()) impl_->error = "ColumnSum: ones vector too short (EnsureOnes)";
    return;
  }
  // Row-major x [rows, cols] is column-major [cols, rows]: out = X * ones.
  const float alpha = 1.0f, beta = 0.0f;
  impl_->CheckBlas(cublasSgemv_64(impl_->blas, CUBLAS_OP_N, cols, rows, &alpha, x, cols,
                                  impl_->ones, 1, &beta, out, 1),
                   "cublasSgemv_64");
}

void Device::RecordEvent() {
  Impl& m = *impl_;
  if (m.events_used == m.events.size()) {
    cudaEvent_t e;
    m.Check(cudaEventCreate(&e), "cudaEventCreate");
    m.events.push_back(e);
  }
  m.Check(cudaEventRecord(m.events[m.events_used++], m.stream), "cudaEventRecord");
}

std::vector<double> Device::TakeEventSeconds() {
  Impl& m = *impl_;
  std::vector<double> seconds;
  if (m.events_used == 0) return seconds;
  m.Check(cudaEventSynchronize(m.events[m.events_used - 1]), "cudaEventSynchronize");
  seconds.reserve(m.events_used);
  for (size_t i = 0; i < m.events_used; ++i) {
    float ms = 0;
    m.Check(cudaEventElapsedTime(&ms, m.events[0], m.events[i]), "cudaEventElapsedTime");
    seconds.push_back(static_cast<double>(ms) / 1e3);
  }
  m.events_used = 0;
  return seconds;
}

void Device::Synchronize() {
  impl_->Check(cudaStreamSynchronize(impl_->stream), "cudaStreamSynchronize");
}

std::string Device::Error() {
  impl_->Check(cudaGetLastError(), "asynchronous CUDA error");
  return impl_->error;
}

}  // namespace cuda
}  // namespace replay
}  // namespace tbp

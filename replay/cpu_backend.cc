#include "replay/cpu_backend.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_format.h"
#include "core/util/check.h"
#include "replay/init.h"

namespace tbp {
namespace replay {
namespace {

// Cache blocks of the GEMM loops. Blocking never changes the order in which
// the k products of one output element are added (always k ascending), so
// results do not depend on these constants.
constexpr int64_t kBlockN = 256;
constexpr int64_t kBlockK = 128;

void ZeroIfOverwrite(float beta, int64_t count, float* c) {
  if (beta == 0.0f) std::fill(c, c + count, 0.0f);
}

// C += A B, A m x k, B k x n.
void GemmNN(int64_t m, int64_t n, int64_t k, const float* __restrict a,
            const float* __restrict b, float* __restrict c) {
  for (int64_t j0 = 0; j0 < n; j0 += kBlockN) {
    const int64_t j1 = std::min(n, j0 + kBlockN);
    for (int64_t p0 = 0; p0 < k; p0 += kBlockK) {
      const int64_t p1 = std::min(k, p0 + kBlockK);
      for (int64_t i = 0; i < m; ++i) {
        float* __restrict crow = c + i * n;
        for (int64_t p = p0; p < p1; ++p) {
          const float av = a[i * k + p];
          const float* __restrict brow = b + p * n;
          for (int64_t j = j0; j < j1; ++j) crow[j] += av * brow[j];
        }
      }
    }
  }
}

// C += A^T B, A stored k x m, B k x n.
void GemmTN(int64_t m, int64_t n, int64_t k, const float* __restrict a,
            const float* __restrict b, float* __restrict c) {
  for (int64_t j0 = 0; j0 < n; j0 += kBlockN) {
    const int64_t j1 = std::min(n, j0 + kBlockN);
    for (int64_t p0 = 0; p0 < k; p0 += kBlockK) {
      const int64_t p1 = std::min(k, p0 + kBlockK);
      for (int64_t i = 0; i < m; ++i) {
        float* __restrict crow = c + i * n;
        for (int64_t p = p0; p < p1; ++p) {
          const float av = a[p * m + i];
          const float* __restrict brow = b + p * n;
          for (int64_t j = j0; j < j1; ++j) crow[j] += av * brow[j];
        }
      }
    }
  }
}

// C = A B^T + beta C, A m x k, B stored n x k: one dot product per element,
// k ascending, added to C at the end.
void GemmNT(int64_t m, int64_t n, int64_t k, const float* __restrict a,
            const float* __restrict b, float beta, float* __restrict c) {
  for (int64_t i = 0; i < m; ++i) {
    const float* __restrict arow = a + i * k;
    for (int64_t j = 0; j < n; ++j) {
      const float* __restrict brow = b + j * k;
      float s = 0.0f;
      for (int64_t p = 0; p < k; ++p) s += arow[p] * brow[p];
      c[i * n + j] = beta == 0.0f ? s : c[i * n + j] + s;
    }
  }
}

}  // namespace

std::string CpuBackend::device_description() const {
  return "CPU (reference backend, 1 thread, float32)";
}

absl::StatusOr<float*> CpuBackend::Allocate(int64_t bytes, const std::string& what) {
  TBP_CHECK(bytes >= 0 && bytes % 4 == 0);
  ++counters_.allocations;
  if (bytes == 0) return nullptr;
  void* p = std::malloc(static_cast<size_t>(bytes));
  if (p == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("malloc of %d bytes for %s failed", bytes, what));
  }
  return static_cast<float*>(p);
}

void CpuBackend::Free(float* buffer) {
  ++counters_.frees;
  std::free(buffer);
}

void CpuBackend::CopyToHost(const float* device, int64_t count, float* host) {
  if (count > 0) std::memcpy(host, device, static_cast<size_t>(count) * sizeof(float));
}

void CpuBackend::Fill(float* x, int64_t count, float value) {
  ++counters_.elementwise_calls;
  std::fill(x, x + count, value);
}

void CpuBackend::FillUniform(float* x, int64_t count, uint64_t key, float scale) {
  ++counters_.elementwise_calls;
  for (int64_t i = 0; i < count; ++i) {
    x[i] = scale * HashUniform(key, static_cast<uint64_t>(i));
  }
}

void CpuBackend::AddScalar(float* x, int64_t count, float value) {
  ++counters_.elementwise_calls;
  for (int64_t i = 0; i < count; ++i) x[i] += value;
}

void CpuBackend::Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                      const float* a, const float* b, float beta, float* c) {
  TBP_CHECK(beta == 0.0f || beta == 1.0f);
  TBP_CHECK(!(trans_a && trans_b));
  ++counters_.gemm_calls;
  if (m == 0 || n == 0) return;
  if (trans_b) {
    GemmNT(m, n, k, a, b, beta, c);
    return;
  }
  ZeroIfOverwrite(beta, m * n, c);
  if (k == 0) return;
  if (trans_a) {
    GemmTN(m, n, k, a, b, c);
  } else {
    GemmNN(m, n, k, a, b, c);
  }
}

void CpuBackend::BiasTanh(float* y, const float* bias, int64_t rows, int64_t cols) {
  ++counters_.elementwise_calls;
  for (int64_t r = 0; r < rows; ++r) {
    float* row = y + r * cols;
    for (int64_t j = 0; j < cols; ++j) row[j] = std::tanh(row[j] + bias[j]);
  }
}

void CpuBackend::TanhGrad(float* dy, const float* y, int64_t count) {
  ++counters_.elementwise_calls;
  for (int64_t i = 0; i < count; ++i) dy[i] *= 1.0f - y[i] * y[i];
}

void CpuBackend::ColumnSum(const float* x, int64_t rows, int64_t cols, float* out) {
  ++counters_.reduction_calls;
  std::fill(out, out + cols, 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (int64_t j = 0; j < cols; ++j) out[j] += row[j];
  }
}

void CpuBackend::RecordTimestamp() { stamps_.push_back(std::chrono::steady_clock::now()); }

std::vector<double> CpuBackend::TakeTimestamps() {
  std::vector<double> seconds;
  seconds.reserve(stamps_.size());
  for (const auto& t : stamps_) {
    seconds.push_back(std::chrono::duration<double>(t - stamps_.front()).count());
  }
  stamps_.clear();
  return seconds;
}

}  // namespace replay
}  // namespace tbp

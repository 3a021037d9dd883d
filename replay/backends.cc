#include "replay/backends.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "replay/cpu_backend.h"

#if defined(TBP_WITH_CUDA)
#include "replay/cuda_backend.h"
#endif

namespace tbp {
namespace replay {

bool BuiltWithCuda() {
#if defined(TBP_WITH_CUDA)
  return true;
#else
  return false;
#endif
}

std::vector<std::string> BackendNames() {
  std::vector<std::string> names = {"cpu"};
  if (BuiltWithCuda()) names.push_back("cuda");
  return names;
}

absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(const std::string& name) {
  if (name == "cpu") return std::unique_ptr<Backend>(new CpuBackend());
  if (name == "cuda") {
#if defined(TBP_WITH_CUDA)
    absl::StatusOr<std::unique_ptr<CudaBackend>> cuda = CudaBackend::Create(CudaOptions());
    if (!cuda.ok()) return cuda.status();
    return std::unique_ptr<Backend>(std::move(*cuda));
#else
    return absl::FailedPreconditionError(
        "backend 'cuda': built without CUDA: rebuild with --config=cuda");
#endif
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "backend = '%s' is not a replay backend; choose one of: %s", name,
      absl::StrJoin(BackendNames(), ", ")));
}

}  // namespace replay
}  // namespace tbp

// Backend selection by name. "cpu" is always available; "cuda" only in a
// build with --config=cuda (which defines TBP_WITH_CUDA for this library
// and links the CUDA backend), and then only when a device and driver are
// present.
#ifndef TBP_REPLAY_BACKENDS_H_
#define TBP_REPLAY_BACKENDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "replay/backend.h"

namespace tbp {
namespace replay {

// True in a build with --config=cuda.
bool BuiltWithCuda();

// The names MakeBackend accepts in this build ("cpu", plus "cuda" when
// built with CUDA).
std::vector<std::string> BackendNames();

// Errors: an unknown name (kInvalidArgument listing the names); "cuda" in a
// build without CUDA (kFailedPrecondition: "built without CUDA: rebuild
// with --config=cuda"); "cuda" without a usable device or driver
// (kFailedPrecondition with the CUDA runtime's error, e.g.
// cudaErrorInsufficientDriver).
absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(const std::string& name);

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_BACKENDS_H_

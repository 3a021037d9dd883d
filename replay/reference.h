// A float64 reference of the replay's network (model.h): store-all forward
// and backward in double precision, straight loops, for tests that check
// the float32 backends' accuracy. Uses the same float32 input and parameter
// values (widened exactly to double).
#ifndef TBP_REPLAY_REFERENCE_H_
#define TBP_REPLAY_REFERENCE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "replay/model.h"

namespace tbp {
namespace replay {

struct ReferenceGradients {
  std::vector<std::vector<double>> weight;  // By term id.
  std::vector<std::vector<double>> bias;    // By node id; empty for INPUT.
  double loss = 0;                          // Sum of the outputs' elements.
};

// O(batch * sum over terms of width_u * width_v) time; keeps every
// activation (meant for small graphs).
ReferenceGradients ComputeReferenceGradients(const ReplayModel& model);

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_REFERENCE_H_

// FLOP rules of the ONNX importer (core/onnx/onnx_import.h): how much one
// ONNX operator costs, from the shapes that shape inference gave its inputs
// and outputs. The rules, per operator class (docs/model.md repeats them):
//
//   Conv           2 * |Y| * prod(W.dims[1:])      (+ |Y| with a bias)
//   ConvTranspose  2 * |X| * prod(W.dims[1:])      (+ |Y| with a bias)
//   Gemm           2 * M * N * K                   (+ M * N with C)
//   MatMul         2 * |Y| * K, K = the last dim of A (attention's Q K^T and
//                  A V are MatMuls)
//   normalisations BatchNormalization, LayerNormalization,
//                  InstanceNormalization, GroupNormalization,
//                  LpNormalization, MeanVarianceNormalization:
//                  8 per input element (mean, variance, normalise, scale,
//                  shift)
//   Softmax, LogSoftmax, Hardmax: 5 per element (max, subtract, exp, sum,
//                  divide)
//   elementwise    1 per output element, and per extra operand of the
//                  variadic Sum/Max/Min/Mean (activations, arithmetic,
//                  comparisons, Where, Cast, Clip, Erf, Pow, ...)
//   Dropout        2 per element (mask, scale)
//   pooling        MaxPool/AveragePool/LpPool: |Y| * prod(kernel_shape);
//                  GlobalAveragePool/GlobalMaxPool and Reduce*: |X|
//                  (ReduceSumSquare/ReduceL2/ReduceLogSumExp: 2 |X|)
//   Resize/Upsample "nearest": data movement; "linear": 8, "cubic": 32 per
//                  output element
//   data movement  0 FLOPs (the output still holds its bytes): Identity,
//                  Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
//                  Split, Slice, Gather, GatherElements, GatherND, Expand,
//                  Tile, Pad, DepthToSpace, SpaceToDepth, Trilu,
//                  ScatterND, ScatterElements
//
// |T| is the number of elements of T. Multiply-adds count 2 FLOPs. Scaling
// factors (Gemm alpha/beta) are not counted. Any other operator is not
// costed: OnnxForwardFlops returns an error naming the node and operator
// (the importer never costs an unknown operator as zero).
#ifndef TBP_CORE_ONNX_OP_COSTS_H_
#define TBP_CORE_ONNX_OP_COSTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "onnx/onnx_pb.h"

namespace tbp::onnx_import {

// A tensor as shape inference left it: element type (onnx::TensorProto
// DataType) and concrete dimensions.
struct TensorInfo {
  int32_t elem_type = 0;
  std::vector<int64_t> dims;
};

// True for the zero-FLOP data-movement operators listed above (Resize is
// decided per node: see OnnxForwardFlops).
bool IsDataMovementOp(const std::string& op_type);

// Every operator type that OnnxForwardFlops costs, sorted (for messages).
const std::vector<std::string>& CostedOpTypes();

// Forward FLOPs of `node` (default ONNX domain). inputs[i] / outputs[i] are
// the node's i-th input / output, nullptr where the optional slot is empty.
// O(rank). Errors (kInvalidArgument naming the node and operator): an
// operator not in the table, another domain, a missing input the rule
// needs, an element count overflowing int64.
absl::StatusOr<int64_t> OnnxForwardFlops(const onnx::NodeProto& node,
                                         const std::vector<const TensorInfo*>& inputs,
                                         const std::vector<const TensorInfo*>& outputs);

// Number of elements; an error (naming `what`) on overflow or a negative
// dimension.
absl::StatusOr<int64_t> NumElements(const TensorInfo& t, const std::string& what);

}  // namespace tbp::onnx_import

#endif  // TBP_CORE_ONNX_OP_COSTS_H_

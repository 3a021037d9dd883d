#include "core/onnx/op_costs.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tbp::onnx_import {
namespace {

const std::set<std::string>& DataMovementOps() {
  static const auto* ops = new std::set<std::string>{
      "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat",
      "Split", "Slice", "Gather", "GatherElements", "GatherND", "Expand", "Tile", "Pad",
      "DepthToSpace", "SpaceToDepth", "Trilu", "ScatterND", "ScatterElements"};
  return *ops;
}

const std::set<std::string>& ElementwiseOps() {
  static const auto* ops = new std::set<std::string>{
      "Abs", "Add", "And", "Ceil", "Celu", "Clip", "Cos", "Cast", "CastLike", "Div", "Elu",
      "Equal", "Erf", "Exp", "Floor", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish",
      "LeakyRelu", "Less", "LessOrEqual", "Log", "Max", "Mean", "Min", "Mish", "Mod", "Mul",
      "Neg", "Not", "Or", "Pow", "PRelu", "Reciprocal", "Relu", "Round", "Selu", "Sigmoid",
      "Sign", "Sin", "Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tan", "Tanh",
      "ThresholdedRelu", "Where", "Xor"};
  return *ops;
}

const std::set<std::string>& VariadicOps() {
  static const auto* ops = new std::set<std::string>{"Sum", "Max", "Min", "Mean"};
  return *ops;
}

const std::set<std::string>& NormalizationOps() {
  static const auto* ops = new std::set<std::string>{
      "BatchNormalization", "LayerNormalization", "InstanceNormalization",
      "GroupNormalization", "LpNormalization", "MeanVarianceNormalization"};
  return *ops;
}

const std::set<std::string>& SoftmaxOps() {
  static const auto* ops = new std::set<std::string>{"Softmax", "LogSoftmax", "Hardmax"};
  return *ops;
}

const std::set<std::string>& PoolOps() {
  static const auto* ops = new std::set<std::string>{"MaxPool", "AveragePool", "LpPool"};
  return *ops;
}

// Reductions over the input: 1 FLOP per input element, 2 for the squared ones.
const std::set<std::string>& ReduceOps() {
  static const auto* ops = new std::set<std::string>{
      "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "ReduceMean", "ReduceSum",
      "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceLogSum", "CumSum",
      "ReduceSumSquare", "ReduceL2", "ReduceLogSumExp"};
  return *ops;
}

const std::set<std::string>& MatrixOps() {
  static const auto* ops =
      new std::set<std::string>{"Conv", "ConvTranspose", "Gemm", "MatMul"};
  return *ops;
}

std::string NodeLabel(const onnx::NodeProto& node) {
  return absl::StrCat("node '", node.name(), "' (op ", node.op_type(), ")");
}

// a * b, or an error on int64 overflow.
absl::StatusOr<int64_t> Mul(int64_t a, int64_t b, const onnx::NodeProto& node) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) {
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(node), ": FLOP count overflows int64"));
  }
  return out;
}

const TensorInfo* Slot(const std::vector<const TensorInfo*>& v, size_t i) {
  return i < v.size() ? v[i] : nullptr;
}

int64_t IntAttr(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

std::string StringAttr(const onnx::NodeProto& node, const std::string& name,
                       const std::string& fallback) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name) return a.s();
  }
  return fallback;
}

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

// Product of dims[from:].
absl::StatusOr<int64_t> TailProduct(const TensorInfo& t, size_t from,
                                    const onnx::NodeProto& node) {
  int64_t p = 1;
  for (size_t i = from; i < t.dims.size(); ++i) {
    absl::StatusOr<int64_t> q = Mul(p, t.dims[i], node);
    if (!q.ok()) return q.status();
    p = *q;
  }
  return p;
}

}  // namespace

bool IsDataMovementOp(const std::string& op_type) {
  return DataMovementOps().count(op_type) > 0;
}

const std::vector<std::string>& CostedOpTypes() {
  static const auto* all = [] {
    std::set<std::string> s = {"Dropout", "Resize", "Upsample"};
    for (const auto* set : {&DataMovementOps(), &ElementwiseOps(), &NormalizationOps(),
                            &SoftmaxOps(), &PoolOps(), &ReduceOps(), &MatrixOps()}) {
      s.insert(set->begin(), set->end());
    }
    return new std::vector<std::string>(s.begin(), s.end());
  }();
  return *all;
}

absl::StatusOr<int64_t> NumElements(const TensorInfo& t, const std::string& what) {
  int64_t n = 1;
  for (int64_t d : t.dims) {
    if (d < 0) return absl::InvalidArgumentError(absl::StrCat(what, ": negative dimension ", d));
    if (__builtin_mul_overflow(n, d, &n)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": element count overflows int64"));
    }
  }
  return n;
}

absl::StatusOr<int64_t> OnnxForwardFlops(const onnx::NodeProto& node,
                                         const std::vector<const TensorInfo*>& inputs,
                                         const std::vector<const TensorInfo*>& outputs) {
  const std::string& op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    return absl::InvalidArgumentError(absl::StrCat(
        NodeLabel(node), ": operator domain '", node.domain(),
        "' is not supported (only the default ONNX domain is costed)"));
  }
  auto need = [&](const std::vector<const TensorInfo*>& v, size_t i,
                  const char* which) -> absl::StatusOr<const TensorInfo*> {
    const TensorInfo* t = Slot(v, i);
    if (t == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(node), ": ", which, " ", i, " is missing or has no inferred shape"));
    }
    return t;
  };
  auto elements = [&](const TensorInfo* t) {
    return NumElements(*t, NodeLabel(node));
  };
#define TBP_ASSIGN(lhs, expr)          \
  auto lhs##_or = (expr);              \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = *lhs##_or;

  if (IsDataMovementOp(op)) return 0;
  if (op == "Conv" || op == "ConvTranspose") {
    TBP_ASSIGN(x, need(inputs, 0, "input"));
    TBP_ASSIGN(w, need(inputs, 1, "input"));
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    if (w->dims.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(node), ": weight of rank ", w->dims.size(), " (need >= 2)"));
    }
    TBP_ASSIGN(per, TailProduct(*w, 1, node));
    TBP_ASSIGN(ny, elements(y));
    TBP_ASSIGN(nx, elements(x));
    TBP_ASSIGN(macs, Mul(op == "Conv" ? ny : nx, per, node));
    TBP_ASSIGN(flops, Mul(2, macs, node));
    return flops + (Slot(inputs, 2) != nullptr ? ny : 0);
  }
  if (op == "Gemm") {
    TBP_ASSIGN(a, need(inputs, 0, "input"));
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    if (a->dims.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(node), ": A of rank ", a->dims.size(), " (need 2)"));
    }
    const int64_t k = IntAttr(node, "transA", 0) != 0 ? a->dims[0] : a->dims[1];
    TBP_ASSIGN(ny, elements(y));
    TBP_ASSIGN(macs, Mul(ny, k, node));
    TBP_ASSIGN(flops, Mul(2, macs, node));
    return flops + (Slot(inputs, 2) != nullptr ? ny : 0);
  }
  if (op == "MatMul") {
    TBP_ASSIGN(a, need(inputs, 0, "input"));
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    if (a->dims.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(NodeLabel(node), ": A is a scalar"));
    }
    TBP_ASSIGN(ny, elements(y));
    TBP_ASSIGN(macs, Mul(ny, a->dims.back(), node));
    return Mul(2, macs, node);
  }
  if (NormalizationOps().count(op) || SoftmaxOps().count(op) || ReduceOps().count(op)) {
    TBP_ASSIGN(x, need(inputs, 0, "input"));
    TBP_ASSIGN(nx, elements(x));
    int64_t per = 1;
    if (NormalizationOps().count(op)) per = 8;
    if (SoftmaxOps().count(op)) per = 5;
    if (op == "ReduceSumSquare" || op == "ReduceL2" || op == "ReduceLogSumExp") per = 2;
    return Mul(per, nx, node);
  }
  if (op == "Dropout") {
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    TBP_ASSIGN(ny, elements(y));
    return Mul(2, ny, node);
  }
  if (PoolOps().count(op)) {
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    const onnx::AttributeProto* k = FindAttr(node, "kernel_shape");
    if (k == nullptr || k->ints_size() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(node), ": attribute kernel_shape is missing"));
    }
    TBP_ASSIGN(ny, elements(y));
    int64_t window = 1;
    for (int64_t d : k->ints()) {
      TBP_ASSIGN(w, Mul(window, d, node));
      window = w;
    }
    return Mul(ny, window, node);
  }
  if (op == "Resize" || op == "Upsample") {
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    TBP_ASSIGN(ny, elements(y));
    const std::string mode = StringAttr(node, "mode", "nearest");
    if (mode == "nearest") return 0;
    if (mode == "linear" || mode == "bilinear") return Mul(8, ny, node);
    if (mode == "cubic") return Mul(32, ny, node);
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(node), ": unknown mode '", mode, "'"));
  }
  if (ElementwiseOps().count(op)) {
    TBP_ASSIGN(y, need(outputs, 0, "output"));
    TBP_ASSIGN(ny, elements(y));
    int64_t operands = 1;
    if (VariadicOps().count(op)) {
      operands = std::max<int64_t>(1, static_cast<int64_t>(node.input_size()) - 1);
    }
    return Mul(operands, ny, node);
  }
#undef TBP_ASSIGN
  return absl::InvalidArgumentError(absl::StrCat(
      NodeLabel(node), ": operator not supported by the importer (no FLOP rule); costed "
      "operators: ", absl::StrJoin(CostedOpTypes(), ", ")));
}

}  // namespace tbp::onnx_import

#include "core/onnx/onnx_import.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/graph/graph.h"
#include "core/io/proto_io.h"
#include "core/onnx/op_costs.h"
#include "core/util/contained.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace tbp {
namespace {

using onnx_import::TensorInfo;

std::string NodeLabel(const onnx::NodeProto& node, int index) {
  return absl::StrCat("node ", index, " '", node.name(), "' (op ", node.op_type(), ")");
}

// Bytes per element, 0 for types without a fixed size (string, undefined).
int64_t ElementBytes(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::BOOL:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      return 1;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::FLOAT:
      return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    default:
      return 0;
  }
}

bool IsFloating(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
    case onnx::TensorProto::COMPLEX128:
      return true;
    default:
      return false;
  }
}

// The concrete shape of a ValueInfo, if it has one.
bool InfoFromType(const onnx::TypeProto& type, TensorInfo* out) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return false;
  out->elem_type = type.tensor_type().elem_type();
  out->dims.clear();
  for (const auto& d : type.tensor_type().shape().dim()) {
    if (!d.has_dim_value()) return false;
    out->dims.push_back(d.dim_value());
  }
  return true;
}

bool IsAlwaysFolded(const std::string& op) {
  return op == "Constant" || op == "ConstantOfShape" || op == "Shape" || op == "Size";
}

// The concrete shape of each tensor after shape inference, by name.
using TensorMap = std::unordered_map<std::string, TensorInfo>;

// Where each tensor of the ONNX graph comes from, and the node order.
struct Dataflow {
  std::set<std::string> initializers;
  // Tensors defined outside the nodes: graph inputs then initializers.
  std::vector<std::string> source_tensors;
  std::unordered_set<std::string> is_source;
  std::unordered_map<std::string, int> producer;  // tensor -> ONNX node index
  std::vector<int> topo;  // ONNX node indices, file order among ready nodes
};

// The imported nodes before pruning: one per source tensor, then one per
// ONNX node in topological order.
struct Draft {
  std::vector<proto::Node> nodes;
  std::vector<int> onnx_of;  // ONNX node index, -1 for source tensors
  std::unordered_map<std::string, int> tensor_node;  // tensor -> index into nodes
  std::unordered_set<std::string> used_names;
  // Nodes of source tensors that do not carry the batch: initializers and
  // batch-free graph inputs (weights, wherever the model stores them).
  std::unordered_set<int> parameters;
};

// Phase 1: rejects what is not an importable model (bad --batch, no graph,
// no nodes, no default-domain opset) before any work is done.
absl::Status CheckModel(const onnx::ModelProto& model, const OnnxImportOptions& options) {
  if (options.batch < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch = ", options.batch, ": must be >= 1"));
  }
  if (!model.has_graph()) {
    return absl::InvalidArgumentError("not an ONNX model: ModelProto.graph is missing");
  }
  if (model.graph().node_size() == 0) {
    return absl::InvalidArgumentError("ONNX graph has no nodes");
  }
  bool has_default_opset = false;
  for (const auto& o : model.opset_import()) {
    has_default_opset |= o.domain().empty() || o.domain() == "ai.onnx";
  }
  if (!has_default_opset) {
    return absl::InvalidArgumentError(
        "ModelProto.opset_import has no entry for the default ONNX domain");
  }
  return absl::OkStatus();
}

// Phase 2a: who defines each tensor; a node may not overwrite a source
// tensor or another node's output (single assignment, or sizes would lie).
absl::Status IndexTensors(const onnx::GraphProto& g, Dataflow* df) {
  for (const auto& t : g.initializer()) df->initializers.insert(t.name());
  for (const auto& in : g.input()) {
    if (df->is_source.insert(in.name()).second) df->source_tensors.push_back(in.name());
  }
  for (const auto& t : g.initializer()) {
    if (df->is_source.insert(t.name()).second) df->source_tensors.push_back(t.name());
  }
  for (int i = 0; i < g.node_size(); ++i) {
    for (const std::string& out : g.node(i).output()) {
      if (out.empty()) continue;
      if (df->is_source.count(out)) {
        return absl::InvalidArgumentError(absl::StrCat(
            NodeLabel(g.node(i), i), " writes tensor '", out,
            "', which is also a graph input or initializer"));
      }
      auto [it, inserted] = df->producer.emplace(out, i);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tensor '", out, "' is written by both ", NodeLabel(g.node(it->second), it->second),
            " and ", NodeLabel(g.node(i), i)));
      }
    }
  }
  return absl::OkStatus();
}

// Phase 2b, on failure: names a cycle among the nodes Kahn's algorithm left
// unsorted, so the user can find it in the model.
absl::Status CycleError(const onnx::GraphProto& g, const Dataflow& df) {
  // Walk back along unsorted producers from an unsorted node until a
  // node repeats: those nodes form a cycle.
  const int n = g.node_size();
  std::vector<char> sorted(n, 0);
  for (int v : df.topo) sorted[v] = 1;
  int v = 0;
  while (sorted[v]) ++v;
  std::vector<int> seen_at(n, -1), path;
  while (seen_at[v] < 0) {
    seen_at[v] = static_cast<int>(path.size());
    path.push_back(v);
    for (const std::string& in : g.node(v).input()) {
      auto it = df.producer.find(in);
      if (!in.empty() && it != df.producer.end() && !sorted[it->second]) {
        v = it->second;
        break;
      }
    }
  }
  std::vector<std::string> names;
  for (size_t k = seen_at[v]; k < path.size(); ++k) {
    names.push_back(absl::StrCat("'", g.node(path[k]).name(), "' (",
                                 g.node(path[k]).op_type(), ")"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the ONNX graph has a cycle through nodes ", absl::StrJoin(names, " <- ")));
}

// Phase 2b: every read tensor must be defined; then Kahn's algorithm puts
// the nodes in topological order (file order among ready nodes, so the
// result is deterministic), which shape inference needs.
absl::Status SortNodes(const onnx::GraphProto& g, Dataflow* df) {
  const int n = g.node_size();
  std::vector<std::vector<int>> consumers(n);
  std::vector<int> pending(n, 0);
  for (int i = 0; i < n; ++i) {
    for (const std::string& in : g.node(i).input()) {
      if (in.empty() || df->is_source.count(in)) continue;
      auto it = df->producer.find(in);
      if (it == df->producer.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            NodeLabel(g.node(i), i), " reads tensor '", in,
            "', which no node, graph input or initializer defines"));
      }
      consumers[it->second].push_back(i);
      ++pending[i];
    }
  }
  df->topo.reserve(n);
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.push(i);
  }
  while (!ready.empty()) {
    const int v = ready.top();
    ready.pop();
    df->topo.push_back(v);
    for (int c : consumers[v]) {
      if (--pending[c] == 0) ready.push(c);
    }
  }
  if (static_cast<int>(df->topo.size()) != n) return CycleError(g, *df);
  return absl::OkStatus();
}

// Phase 3a: checks one data input's shape and collects its symbolic
// dimensions, which only --batch can bind.
absl::Status ScanInputShape(const onnx::ValueInfoProto& in, int64_t batch,
                            std::set<std::string>* symbols, bool* symbolic) {
  if (!in.type().has_tensor_type() || !in.type().tensor_type().has_shape()) {
    return absl::InvalidArgumentError(
        absl::StrCat("graph input '", in.name(), "' has no tensor shape"));
  }
  *symbolic = false;
  const auto& dims = in.type().tensor_type().shape().dim();
  for (int d = 0; d < dims.size(); ++d) {
    if (dims[d].has_dim_value()) {
      if (dims[d].dim_value() < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "graph input '", in.name(), "' dimension ", d, " = ", dims[d].dim_value()));
      }
      continue;
    }
    *symbolic = true;
    const std::string sym = dims[d].dim_param().empty() ? "?" : dims[d].dim_param();
    symbols->insert(sym);
    if (batch == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "graph input '", in.name(), "' dimension ", d, " is symbolic ('", sym,
          "'): give --batch to bind it"));
    }
  }
  return absl::OkStatus();
}

// Phase 3b: the one symbolic dimension --batch binds, and the tensors that
// carry the batch (the data inputs), which decide what may be folded. A
// model with fixed input shapes is re-batched instead: the first graph
// input that is not an initializer is a data input, its leading dimension
// the exported batch (*fixed_batch; 0 when the model has a symbolic batch
// or no --batch is given), and the data inputs are the graph inputs with
// that leading dimension (*rebatched; weights stored as graph inputs keep
// theirs).
absl::StatusOr<std::unordered_set<std::string>> BindBatchSymbol(
    const onnx::GraphProto& g, const Dataflow& df, int64_t batch, std::string* batch_symbol,
    int64_t* fixed_batch, std::unordered_set<std::string>* rebatched) {
  *fixed_batch = 0;
  rebatched->clear();
  std::set<std::string> symbols;
  std::vector<std::string> symbolic_inputs;
  for (const auto& in : g.input()) {
    if (df.initializers.count(in.name())) continue;
    bool symbolic = false;
    if (absl::Status s = ScanInputShape(in, batch, &symbols, &symbolic); !s.ok()) return s;
    if (symbolic) symbolic_inputs.push_back(in.name());
  }
  if (symbols.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the graph inputs have ", symbols.size(), " different symbolic dimensions (",
        absl::StrJoin(symbols, ", "),
        "): only one, the batch, can be bound by --batch; fix the others in the model"));
  }
  if (symbols.empty() && batch > 0) {
    for (const auto& in : g.input()) {
      if (df.initializers.count(in.name())) continue;
      const auto& dims = in.type().tensor_type().shape().dim();
      if (rebatched->empty()) {
        if (dims.empty() || dims[0].dim_value() < 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              "batch = ", batch, " given for a model with fixed input shapes, but its first data "
              "input '", in.name(), "' has no leading dimension >= 1 to re-batch"));
        }
        *fixed_batch = dims[0].dim_value();
      } else if (dims.empty() || dims[0].dim_value() != *fixed_batch) {
        continue;
      }
      rebatched->insert(in.name());
    }
    return *rebatched;
  }
  if (!symbols.empty()) *batch_symbol = *symbols.begin();
  std::unordered_set<std::string> carries_batch;
  if (!symbolic_inputs.empty()) {
    carries_batch.insert(symbolic_inputs.begin(), symbolic_inputs.end());
  } else {
    for (const auto& in : g.input()) {
      if (!df.initializers.count(in.name())) carries_batch.insert(in.name());
    }
  }
  return carries_batch;
}

// Phase 4a: which nodes become INPUT nodes, decided before shapes: static
// ops and nodes reading only batch-free INPUT tensors hold no activation.
std::vector<char> FoldNodes(const onnx::GraphProto& g, const Dataflow& df,
                            const std::unordered_set<std::string>& carries_batch) {
  std::unordered_set<std::string> input_tensors(df.is_source.begin(), df.is_source.end());
  std::vector<char> folded(g.node_size(), 0);
  for (int v : df.topo) {
    const onnx::NodeProto& node = g.node(v);
    bool fold = IsAlwaysFolded(node.op_type());
    if (!fold) {
      fold = true;
      for (const std::string& in : node.input()) {
        if (in.empty()) continue;
        if (!input_tensors.count(in) || carries_batch.count(in)) fold = false;
      }
    }
    folded[v] = fold;
    for (const std::string& out : node.output()) {
      if (out.empty()) continue;
      if (fold) {
        input_tensors.insert(out);
      }
    }
  }
  return folded;
}

// Phase 4b: every COMPUTE node needs a FLOP rule; say so before shape
// inference, whose errors on an unknown operator would be less clear.
absl::Status CheckCostedOps(const onnx::GraphProto& g, const std::vector<int>& topo,
                            const std::vector<char>& folded) {
  const std::vector<std::string>& costed = onnx_import::CostedOpTypes();
  for (int v : topo) {
    if (folded[v]) continue;
    const onnx::NodeProto& node = g.node(v);
    const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!default_domain ||
        !std::binary_search(costed.begin(), costed.end(), node.op_type())) {
      return absl::InvalidArgumentError(absl::StrCat(
          NodeLabel(node, v), ": operator ",
          default_domain ? "" : absl::StrCat("of domain '", node.domain(), "' "),
          "not supported by the importer (no FLOP rule); costed operators: ",
          absl::StrJoin(costed, ", ")));
    }
  }
  return absl::OkStatus();
}

// Phase 4c: attributes that ONNX's shape inference divides by or sizes
// with (strides, dilations, kernel_shape, blocksize, group) must be
// positive: Debian's libonnx 1.12 divides by a zero stride without a check
// (SIGFPE in convPoolShapeInference; found by tests/fuzz:onnx_fuzz_test).
absl::Status CheckPositiveAttributes(const onnx::GraphProto& g) {
  for (int v = 0; v < g.node_size(); ++v) {
    const onnx::NodeProto& node = g.node(v);
    for (const onnx::AttributeProto& a : node.attribute()) {
      const std::string& name = a.name();
      if (name != "strides" && name != "dilations" && name != "kernel_shape" &&
          name != "blocksize" && name != "group") {
        continue;
      }
      std::vector<int64_t> values(a.ints().begin(), a.ints().end());
      if (a.has_i()) values.push_back(a.i());
      for (int64_t x : values) {
        if (x < 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              NodeLabel(node, v), ": attribute ", name, " = ", x, " must be >= 1"));
        }
      }
    }
  }
  return absl::OkStatus();
}

// The int64 values of a constant tensor: an initializer or the output of
// a Constant node (its `value` tensor or `value_ints`); nullopt if `tensor`
// is neither or is not INT64.
std::optional<std::vector<int64_t>> ConstantInt64s(const onnx::GraphProto& g,
                                                   const std::string& tensor) {
  const onnx::TensorProto* t = nullptr;
  for (const auto& init : g.initializer()) {
    if (init.name() == tensor) t = &init;
  }
  for (const auto& node : g.node()) {
    if (t != nullptr) break;
    if (node.op_type() != "Constant" || node.output_size() != 1 || node.output(0) != tensor) {
      continue;
    }
    for (const auto& a : node.attribute()) {
      if (a.name() == "value" && a.has_t()) t = &a.t();
      if (a.name() == "value_ints") return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    }
  }
  if (t == nullptr || t->data_type() != onnx::TensorProto::INT64) return std::nullopt;
  std::vector<int64_t> values(t->int64_data().begin(), t->int64_data().end());
  if (values.empty() && !t->raw_data().empty()) {
    if (t->raw_data().size() % sizeof(int64_t) != 0) return std::nullopt;
    values.resize(t->raw_data().size() / sizeof(int64_t));
    std::memcpy(values.data(), t->raw_data().data(), t->raw_data().size());  // little-endian
  }
  return values;
}

// Phase 4d (re-batching only): a constant shape that starts with the
// exported batch pins it (a Reshape to [1, -1] exported at batch 1 stays
// [1, -1] at batch 8, and ONNX shape inference would silently accept the
// wrong shape); such a node is an error that names it. Conservative: a
// constant whose first entry merely equals the exported batch is refused
// too.
absl::Status CheckNoPinnedBatch(const onnx::GraphProto& g, int64_t fixed_batch, int64_t batch) {
  if (fixed_batch == 0 || fixed_batch == batch) return absl::OkStatus();
  for (int v = 0; v < g.node_size(); ++v) {
    const onnx::NodeProto& node = g.node(v);
    const std::string& op = node.op_type();
    // The shape operand: ConstantOfShape's first input, Reshape's and
    // Expand's second.
    const int operand = op == "ConstantOfShape" ? 0 : (op == "Reshape" || op == "Expand") ? 1 : -1;
    if (operand < 0 || node.input_size() <= operand) continue;
    const std::string& shape = node.input(operand);
    const std::optional<std::vector<int64_t>> values = ConstantInt64s(g, shape);
    if (!values || values->empty() || (*values)[0] != fixed_batch) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        NodeLabel(node, v), ": its constant shape '", shape, "' = [",
        absl::StrJoin(*values, ", "), "] starts with the exported batch ", fixed_batch,
        ", which pins it: batch = ", batch,
        " cannot re-batch this model (export it with a dynamic batch axis)"));
  }
  return absl::OkStatus();
}

// BatchNormalization in training mode at opsets <= 13 has up to five
// outputs; ONNX shape inference (libonnx 1.12) shapes only Y. The others
// (running and saved mean and variance) are per channel: the shape and
// element type of the scale input. Fills those that inference left out.
void ShapeBatchNormStatistics(const onnx::GraphProto& g, TensorMap* info) {
  for (const auto& node : g.node()) {
    if (node.op_type() != "BatchNormalization" || node.input_size() < 2) continue;
    auto scale = info->find(node.input(1));
    if (scale == info->end()) continue;
    for (int i = 1; i < node.output_size(); ++i) {
      if (!node.output(i).empty() && !info->count(node.output(i))) {
        (*info)[node.output(i)] = scale->second;
      }
    }
  }
}

// Phase 5: binds the batch and runs ONNX shape inference on a copy with the
// nodes in topological order (it needs them so); returns every concrete
// shape, initializers included.
absl::StatusOr<TensorMap> InferShapes(const onnx::ModelProto& model_in, const Dataflow& df,
                                      int64_t batch,
                                      const std::unordered_set<std::string>& rebatched) {
  const onnx::GraphProto& g = model_in.graph();
  onnx::ModelProto model = model_in;
  onnx::GraphProto* mg = model.mutable_graph();
  mg->clear_value_info();
  for (auto& out : *mg->mutable_output()) {
    if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
  }
  for (auto& in : *mg->mutable_input()) {
    if (df.initializers.count(in.name()) || !in.type().has_tensor_type()) continue;
    auto* dims = in.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim();
    for (auto& d : *dims) {
      if (!d.has_dim_value()) d.set_dim_value(batch);
    }
    // Re-batching a fixed-shape model: its leading dimension is the batch.
    if (rebatched.count(in.name())) (*dims)[0].set_dim_value(batch);
  }
  mg->clear_node();
  for (int v : df.topo) *mg->add_node() = g.node(v);
  // libonnx's inference can crash on a model it should reject (a
  // segmentation fault on swin_t re-batched from a fixed-batch export, a
  // division by zero on a zero stride): it runs in a child process, which
  // sends back only the inferred shapes (inputs, value_info, outputs).
  const ContainedOutcome outcome = RunContained(
      [&model](const EmitFn& emit) -> absl::Status {
        try {
          onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                             onnx::ShapeInferenceOptions(false, 1, true));
        } catch (const std::exception& e) {
          return absl::InvalidArgumentError(
              absl::StrCat("ONNX shape inference failed: ", e.what()));
        }
        onnx::GraphProto shapes;
        *shapes.mutable_input() = model.graph().input();
        *shapes.mutable_value_info() = model.graph().value_info();
        *shapes.mutable_output() = model.graph().output();
        emit(shapes.SerializeAsString());
        return absl::OkStatus();
      },
      /*deadline_s=*/0, "ONNX shape inference (libonnx)");
  if (absl::IsAborted(outcome.status)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ONNX shape inference crashed on this model (", outcome.status.message(), ")",
        rebatched.empty() ? ""
                          : "; the model was re-batched from its fixed export batch, and a "
                            "constant that pins that batch is the usual cause: export it with "
                            "a dynamic batch axis"));
  }
  if (!outcome.status.ok()) return outcome.status;
  onnx::GraphProto shapes;
  if (!outcome.last_message || !shapes.ParseFromString(*outcome.last_message)) {
    return absl::InternalError("ONNX shape inference returned no shapes");
  }
  *mg->mutable_input() = shapes.input();
  *mg->mutable_value_info() = shapes.value_info();
  *mg->mutable_output() = shapes.output();
  TensorMap info;
  for (const auto* list : {&mg->input(), &mg->value_info(), &mg->output()}) {
    for (const auto& vi : *list) {
      TensorInfo t;
      if (InfoFromType(vi.type(), &t)) info[vi.name()] = t;
    }
  }
  for (const auto& t : mg->initializer()) {
    TensorInfo ti;
    ti.elem_type = t.data_type();
    ti.dims.assign(t.dims().begin(), t.dims().end());
    info[t.name()] = ti;
  }
  return info;
}

// The size of `tensor` in bytes; an error if its shape or element size is
// unknown or the product overflows (never a silent zero).
absl::Status BytesOf(const TensorMap& info, const std::string& tensor, int64_t* bytes) {
  auto it = info.find(tensor);
  if (it == info.end()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", tensor,
                                                   "' has no inferred shape"));
  }
  const int64_t elem = ElementBytes(it->second.elem_type);
  if (elem == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor '", tensor, "' has element type ", it->second.elem_type,
        " (no fixed size; supported: float, double, float16, bfloat16, complex, ints, bool)"));
  }
  absl::StatusOr<int64_t> count =
      onnx_import::NumElements(it->second, absl::StrCat("tensor '", tensor, "'"));
  if (!count.ok()) return count.status();
  if (__builtin_mul_overflow(*count, elem, bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", tensor, "': byte size overflows int64"));
  }
  return absl::OkStatus();
}

// `base` (or node_<index> if empty), suffixed _1, _2, ... until unused:
// Graph node names must be unique, ONNX node names need not be.
std::string UniqueName(std::string base, int index, std::unordered_set<std::string>* used) {
  if (base.empty()) base = absl::StrCat("node_", index);
  std::string name = base;
  for (int k = 1; !used->insert(name).second; ++k) name = absl::StrCat(base, "_", k);
  return name;
}

// Phase 6a: one INPUT node per graph input and initializer, sized from its
// shape (resident, but the planners report it).
absl::Status AddSourceNodes(const Dataflow& df, const TensorMap& info,
                            const std::unordered_set<std::string>& carries_batch,
                            Draft* draft) {
  for (const std::string& t : df.source_tensors) {
    proto::Node node;
    node.set_name(UniqueName(t, -1, &draft->used_names));
    node.set_kind(proto::Node::INPUT);
    int64_t bytes = 0;
    if (absl::Status s = BytesOf(info, t, &bytes); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("graph input: ", s.message()));
    }
    node.set_output_bytes(bytes);
    if (!carries_batch.count(t)) draft->parameters.insert(static_cast<int>(draft->nodes.size()));
    draft->tensor_node[t] = static_cast<int>(draft->nodes.size());
    draft->nodes.push_back(std::move(node));
    draft->onnx_of.push_back(-1);
  }
  return absl::OkStatus();
}

// Phase 6b: output_bytes of ONNX node `on` = the sum over its outputs (a
// multi-output node keeps them all); `outs` gets their shapes for the FLOP
// rule. A folded node's unknown sizes are skipped: INPUT sizes are not counted.
absl::Status SumOutputBytes(const onnx::NodeProto& on, int v, bool folded, const TensorMap& info,
                            int64_t* total_bytes, bool* any_float,
                            std::vector<const TensorInfo*>* outs) {
  for (int k = 0; k < on.output_size(); ++k) {
    const std::string& t = on.output(k);
    if (t.empty()) continue;
    int64_t bytes = 0;
    absl::Status s = BytesOf(info, t, &bytes);
    if (!s.ok()) {
      if (folded) continue;  // INPUT sizes are not counted
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(on, v), ": output ", k, ": ", s.message()));
    }
    (*outs)[k] = &info.at(t);
    *any_float |= IsFloating((*outs)[k]->elem_type);
    if (__builtin_add_overflow(*total_bytes, bytes, total_bytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(on, v), ": output bytes overflow int64"));
    }
  }
  return absl::OkStatus();
}

// Phase 6c: a COMPUTE node's edges and costs: forward = the FLOP rule of
// op_costs.h, backward = 2x forward, or 0 when no float output carries a
// gradient.
absl::Status CostComputeNode(const onnx::NodeProto& on, int v, const TensorMap& info,
                             const std::vector<const TensorInfo*>& outs, bool any_float,
                             const Draft& draft, proto::Node* node) {
  std::vector<const TensorInfo*> ins(on.input_size(), nullptr);
  for (int k = 0; k < on.input_size(); ++k) {
    const std::string& t = on.input(k);
    if (t.empty()) continue;
    auto it = info.find(t);
    if (it != info.end()) ins[k] = &it->second;
    node->add_inputs(draft.nodes[draft.tensor_node.at(t)].name());
  }
  absl::StatusOr<int64_t> flops = onnx_import::OnnxForwardFlops(on, ins, outs);
  if (!flops.ok()) return flops.status();
  int64_t backward = 0;
  if (any_float && __builtin_mul_overflow(*flops, int64_t{2}, &backward)) {
    return absl::InvalidArgumentError(
        absl::StrCat(NodeLabel(on, v), ": backward FLOPs overflow int64"));
  }
  node->set_forward_cost(*flops);
  node->set_backward_cost(backward);
  return absl::OkStatus();
}

// Phase 6: one node per ONNX node `on` (index v): an INPUT node if folded
// (no edges, no costs), else a COMPUTE node with bytes and FLOPs.
absl::Status AddOnnxNode(const onnx::NodeProto& on, int v, bool folded, const TensorMap& info,
                         Draft* draft, OnnxImportStats* stats) {
  proto::Node node;
  node.set_name(UniqueName(on.name().empty() ? absl::StrCat(on.op_type(), "_", v) : on.name(),
                           v, &draft->used_names));
  int64_t total_bytes = 0;
  bool any_float = false;
  std::vector<const TensorInfo*> outs(on.output_size(), nullptr);
  if (absl::Status s = SumOutputBytes(on, v, folded, info, &total_bytes, &any_float, &outs);
      !s.ok()) {
    return s;
  }
  node.set_output_bytes(total_bytes);
  if (folded) {
    node.set_kind(proto::Node::INPUT);
    ++stats->folded_nodes;
  } else {
    node.set_kind(proto::Node::COMPUTE);
    if (absl::Status s = CostComputeNode(on, v, info, outs, any_float, *draft, &node); !s.ok()) {
      return s;
    }
  }
  for (const std::string& t : on.output()) {
    if (!t.empty()) draft->tensor_node[t] = static_cast<int>(draft->nodes.size());
  }
  draft->nodes.push_back(std::move(node));
  draft->onnx_of.push_back(v);
  return absl::OkStatus();
}

// Phase 7a: the outputs are the graph outputs that can seed a gradient
// (float, computed from the data); the rest are dropped, not errors.
absl::StatusOr<std::vector<int>> SelectOutputs(const onnx::GraphProto& g, const Draft& draft,
                                               const TensorMap& info) {
  std::vector<int> outputs;
  std::set<int> output_set;
  for (const auto& out : g.output()) {
    auto it = draft.tensor_node.find(out.name());
    if (it == draft.tensor_node.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("graph output '", out.name(), "' is not defined by any node or input"));
    }
    const proto::Node& node = draft.nodes[it->second];
    auto ti = info.find(out.name());
    if (node.kind() != proto::Node::COMPUTE || ti == info.end() ||
        !IsFloating(ti->second.elem_type)) {
      continue;  // constant, integer or pass-through outputs carry no gradient
    }
    if (output_set.insert(it->second).second) outputs.push_back(it->second);
  }
  if (outputs.empty()) {
    return absl::InvalidArgumentError(
        "no graph output is a floating-point tensor computed from the data inputs: "
        "nothing to differentiate");
  }
  return outputs;
}

// Phase 7b: marks the nodes some output reads (iteratively, no recursion on
// deep models); the rest are dead and pruned, as Graph::FromProto requires.
std::vector<char> LiveNodes(const std::vector<proto::Node>& nodes,
                            const std::vector<int>& outputs) {
  std::vector<char> live(nodes.size(), 0);
  std::unordered_map<std::string, int> by_name;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) by_name[nodes[i].name()] = i;
  std::vector<int> stack(outputs.begin(), outputs.end());
  for (int v : stack) live[v] = 1;
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    for (const std::string& in : nodes[v].inputs()) {
      const int u = by_name.at(in);
      if (!live[u]) {
        live[u] = 1;
        stack.push_back(u);
      }
    }
  }
  return live;
}

// Phase 8: emits the live nodes, INPUT nodes first, then COMPUTE nodes in
// topological order, and counts what was kept and dropped.
proto::Graph EmitGraph(const onnx::GraphProto& g, const Draft& draft,
                       const std::vector<char>& live, const std::vector<int>& outputs,
                       const OnnxImportOptions& options, OnnxImportStats* stats) {
  proto::Graph graph;
  graph.set_name(options.graph_name.empty() ? absl::StrCat("onnx:", g.name())
                                            : options.graph_name);
  const std::vector<proto::Node>& nodes = draft.nodes;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const bool is_input = nodes[i].kind() == proto::Node::INPUT;
      if (is_input != (pass == 0)) continue;
      if (!live[i]) {
        ++(is_input ? stats->unused_inputs : stats->pruned_nodes);
        continue;
      }
      if (is_input) {
        ++stats->input_nodes;
        if (draft.parameters.count(static_cast<int>(i))) {
          stats->parameter_bytes += nodes[i].output_bytes();
        }
      } else {
        ++stats->compute_nodes;
        auto& op = stats->ops[g.node(draft.onnx_of[i]).op_type()];
        ++op.first;
        op.second += nodes[i].forward_cost();
      }
      *graph.add_nodes() = nodes[i];
    }
  }
  for (int v : outputs) graph.add_outputs(nodes[v].name());
  return graph;
}

}  // namespace

absl::StatusOr<proto::Graph> ImportOnnxModel(const onnx::ModelProto& model_in,
                                             const OnnxImportOptions& options,
                                             OnnxImportStats* stats_out) {
  OnnxImportStats stats;
  if (absl::Status s = CheckModel(model_in, options); !s.ok()) return s;
  const onnx::GraphProto& g = model_in.graph();
  stats.onnx_nodes = g.node_size();

  Dataflow df;
  if (absl::Status s = IndexTensors(g, &df); !s.ok()) return s;
  if (absl::Status s = SortNodes(g, &df); !s.ok()) return s;
  std::unordered_set<std::string> rebatched;
  absl::StatusOr<std::unordered_set<std::string>> carries_batch = BindBatchSymbol(
      g, df, options.batch, &stats.batch_symbol, &stats.fixed_batch, &rebatched);
  if (!carries_batch.ok()) return carries_batch.status();
  if (absl::Status s = CheckNoPinnedBatch(g, stats.fixed_batch, options.batch); !s.ok()) {
    return s;
  }
  const std::vector<char> folded = FoldNodes(g, df, *carries_batch);
  if (absl::Status s = CheckCostedOps(g, df.topo, folded); !s.ok()) return s;
  if (absl::Status s = CheckPositiveAttributes(g); !s.ok()) return s;
  absl::StatusOr<TensorMap> info = InferShapes(model_in, df, options.batch, rebatched);
  if (!info.ok()) return info.status();
  ShapeBatchNormStatistics(g, &*info);

  Draft draft;
  if (absl::Status s = AddSourceNodes(df, *info, *carries_batch, &draft); !s.ok()) return s;
  for (int v : df.topo) {
    if (absl::Status s = AddOnnxNode(g.node(v), v, folded[v], *info, &draft, &stats); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<std::vector<int>> outputs = SelectOutputs(g, draft, *info);
  if (!outputs.ok()) return outputs.status();
  const std::vector<char> live = LiveNodes(draft.nodes, *outputs);
  proto::Graph graph = EmitGraph(g, draft, live, *outputs, options, &stats);
  absl::StatusOr<Graph> check = Graph::FromProto(graph);
  if (!check.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the imported graph is invalid: ", check.status().message()));
  }
  if (stats_out != nullptr) *stats_out = std::move(stats);
  return graph;
}

absl::StatusOr<proto::Graph> ImportOnnxBytes(const std::string& bytes,
                                             const OnnxImportOptions& options,
                                             OnnxImportStats* stats) {
  onnx::ModelProto model;
  if (bytes.empty()) return absl::InvalidArgumentError("the ONNX file is empty");
  if (!model.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        "not a valid ONNX ModelProto (malformed or truncated protobuf)");
  }
  return ImportOnnxModel(model, options, stats);
}

absl::StatusOr<proto::Graph> ImportOnnxFile(const std::string& path,
                                            const OnnxImportOptions& options,
                                            OnnxImportStats* stats) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<proto::Graph> graph = ImportOnnxBytes(*bytes, options, stats);
  if (!graph.ok()) {
    return absl::Status(graph.status().code(),
                        absl::StrCat(path, ": ", graph.status().message()));
  }
  return graph;
}

}  // namespace tbp

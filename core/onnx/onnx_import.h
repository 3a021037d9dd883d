// The ONNX importer: an ONNX model (Debian's libonnx-dev 1.12, its protobuf
// schema and shape inference) -> the graph IR of docs/design.md section 3.
//
// What becomes what (docs/model.md, "Importing ONNX", says the same):
//   - Graph inputs and initializers become INPUT nodes (always resident,
//     not counted), named after the tensor.
//   - Folded into INPUT nodes (no activation, no gradient): Constant,
//     ConstantOfShape, Shape and Size nodes (with every shape bound, their
//     values are static), and every node whose inputs are all INPUT nodes
//     none of which carries the batch (parameter-only expressions: weight
//     transposes, shape arithmetic, masks). Their edges are dropped.
//   - Every other ONNX node becomes one COMPUTE node. output_bytes = the
//     sum over its outputs of elements x element size (a multi-output node
//     such as Dropout keeps its mask, BatchNormalization in training mode
//     its running statistics). forward_cost = the FLOPs of op_costs.h.
//     backward_cost = 2 x forward_cost (the gradient with respect to the
//     inputs and to the weights each cost about one forward), and 0 for a
//     node whose outputs are all integer or boolean (no gradient flows).
//   - Every float graph output produced by a COMPUTE node is an output
//     (its gradient is seeded). COMPUTE nodes that reach no output, and
//     INPUT nodes nothing reads, are pruned (docs/design.md: importers prune
//     dead nodes first).
//   - The data inputs are the graph inputs (not initializers) with a
//     symbolic dimension; if none has one, every non-initializer graph
//     input. A tensor carries the batch if it depends on a data input.
//
// Symbolic dimensions. Every symbolic dimension of the graph inputs
// (dim_param, or a dimension with neither value nor parameter) must be the
// same one, the batch; OnnxImportOptions::batch binds it, and the bound
// model goes through ONNX shape inference (strict mode, data propagation
// on). Then every tensor a COMPUTE node reads or writes must have a
// concrete shape. A model with fixed input shapes is re-batched by a
// given batch: the first graph input that is not an initializer has the
// exported batch as its leading dimension; every such input with that
// leading dimension is a data input and gets the batch instead (others,
// e.g. weights stored as graph inputs, keep their shapes); shapes are
// inferred anew;
// a Reshape, Expand or ConstantOfShape whose constant shape starts with
// the exported batch pins it and is an error naming the node (when the
// batch differs from the exported one). BatchNormalization's training
// statistics (outputs 1-4 at opsets <= 13, which libonnx's inference
// leaves unshaped) take the shape of its scale input, [C].
//
// Errors (kInvalidArgument, never a crash, never a silent zero): bytes that
// are not an ONNX model; no graph; a node reading an undefined tensor; two
// producers of one tensor; a cycle (names nodes on it); a symbolic
// dimension with no --batch, or --batch <= 0, or two different symbols;
// --batch for a fixed-shape model whose first data input has no leading
// dimension, or with a constant pinning the batch; shape inference failures
// (libonnx's inference runs in a child process: a crash in it is such an
// error, naming the signal); an
// unknown shape or element type (naming node and tensor); an operator
// without a FLOP rule (naming node and operator); no differentiable output.
// ImportOnnxFile: a file that cannot be read is kNotFound (kDataLoss for an
// I/O error while reading), as ReadFile in core/io/proto_io.h.
#ifndef TBP_CORE_ONNX_ONNX_IMPORT_H_
#define TBP_CORE_ONNX_ONNX_IMPORT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "onnx/onnx_pb.h"
#include "proto/graph.pb.h"

namespace tbp {

struct OnnxImportOptions {
  // Binds the model's symbolic (batch) dimension; 0 = not given (then the
  // model must have none). Negative is an error.
  int64_t batch = 0;
  // Graph.name of the result; empty = "onnx:<ONNX graph name>".
  std::string graph_name;
};

struct OnnxImportStats {
  int64_t onnx_nodes = 0;
  int64_t compute_nodes = 0;
  int64_t input_nodes = 0;
  int64_t folded_nodes = 0;  // ONNX nodes folded into INPUT nodes
  int64_t pruned_nodes = 0;   // dead COMPUTE nodes removed (reach no output)
  int64_t unused_inputs = 0;  // INPUT nodes nothing reads, dropped
  // Bytes of the kept INPUT nodes whose tensors do not carry the batch:
  // initializers and graph inputs without the batch dimension (weights and
  // buffers such as running statistics, wherever the model stores them;
  // the zoo moves its weights to graph inputs). Data inputs and constants
  // folded from nodes are not counted.
  int64_t parameter_bytes = 0;
  std::string batch_symbol;  // the symbol bound, "" if none
  // A model with fixed input shapes and a batch given: the exported batch
  // (the data inputs' common leading dimension) that `batch` replaced; 0 if
  // the model has a symbolic batch or no batch was given.
  int64_t fixed_batch = 0;
  // Per operator type of the COMPUTE nodes: count and forward FLOPs.
  std::map<std::string, std::pair<int64_t, int64_t>> ops;
};

// Imports `model` (not modified). O(V + E) plus ONNX shape inference. The
// result passes Graph::FromProto. `stats` may be null.
absl::StatusOr<proto::Graph> ImportOnnxModel(const onnx::ModelProto& model,
                                             const OnnxImportOptions& options,
                                             OnnxImportStats* stats = nullptr);

// Parses serialized ModelProto bytes (an error if they do not parse, e.g.
// a truncated file) and imports them.
absl::StatusOr<proto::Graph> ImportOnnxBytes(const std::string& bytes,
                                             const OnnxImportOptions& options,
                                             OnnxImportStats* stats = nullptr);

// Reads and imports an .onnx file (errors name the path).
absl::StatusOr<proto::Graph> ImportOnnxFile(const std::string& path,
                                            const OnnxImportOptions& options,
                                            OnnxImportStats* stats = nullptr);

}  // namespace tbp

#endif  // TBP_CORE_ONNX_ONNX_IMPORT_H_

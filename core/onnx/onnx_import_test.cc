// The importer on small ModelProtos built here; every expected byte and FLOP
// count is derived by hand in the comments (op_costs.h has the rules).
#include "core/onnx/onnx_import.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/status/status.h"
#include "core/graph/graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/graph.pb.h"

namespace tbp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

void AddValueInfo(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list,
                  const std::string& name, int32_t elem_type,
                  const std::vector<std::string>& dims) {
  onnx::ValueInfoProto* v = list->Add();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem_type);
  auto* shape = t->mutable_shape();
  for (const std::string& d : dims) {
    auto* dim = shape->add_dim();
    if (!d.empty() && (d[0] == '-' || (d[0] >= '0' && d[0] <= '9'))) {
      dim->set_dim_value(std::stoll(d));
    } else {
      dim->set_dim_param(d);
    }
  }
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& name, const std::string& op,
                         const std::vector<std::string>& in,
                         const std::vector<std::string>& out) {
  onnx::NodeProto* n = g->add_node();
  n->set_name(name);
  n->set_op_type(op);
  for (const std::string& s : in) n->add_input(s);
  for (const std::string& s : out) n->add_output(s);
  return n;
}

onnx::ModelProto NewModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  m.mutable_graph()->set_name("test");
  return m;
}

// x[N,3,8,8] -> Conv(W[4,3,3,3], b[4]) -> Relu -> Mul(scale: Constant) ->
// Flatten -> Gemm(W2[144,10], b2[10]) -> y[N,10]; weights are graph inputs
// without data, as in the zoo.
onnx::ModelProto ConvNet() {
  onnx::ModelProto m = NewModel();
  onnx::GraphProto* g = m.mutable_graph();
  const int32_t f = onnx::TensorProto::FLOAT;
  AddValueInfo(g->mutable_input(), "x", f, {"N", "3", "8", "8"});
  AddValueInfo(g->mutable_input(), "W", f, {"4", "3", "3", "3"});
  AddValueInfo(g->mutable_input(), "b", f, {"4"});
  AddValueInfo(g->mutable_input(), "W2", f, {"144", "10"});
  AddValueInfo(g->mutable_input(), "b2", f, {"10"});
  AddNode(g, "conv", "Conv", {"x", "W", "b"}, {"c"});
  AddNode(g, "relu", "Relu", {"c"}, {"r"});
  onnx::NodeProto* k = AddNode(g, "scale", "Constant", {}, {"s"});
  onnx::AttributeProto* a = k->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(f);
  a->mutable_t()->add_float_data(0.5f);
  AddNode(g, "mul", "Mul", {"r", "s"}, {"m"});
  AddNode(g, "flat", "Flatten", {"m"}, {"fl"});
  AddNode(g, "fc", "Gemm", {"fl", "W2", "b2"}, {"y"});
  AddValueInfo(g->mutable_output(), "y", f, {"N", "10"});
  return m;
}

std::map<std::string, proto::Node> ByName(const proto::Graph& g) {
  std::map<std::string, proto::Node> out;
  for (const proto::Node& n : g.nodes()) out[n.name()] = n;
  return out;
}

TEST(OnnxImportTest, ConvNetBytesAndFlopsByHand) {
  OnnxImportOptions options;
  options.batch = 2;
  OnnxImportStats stats;
  absl::StatusOr<proto::Graph> g = ImportOnnxModel(ConvNet(), options, &stats);
  ASSERT_TRUE(g.ok()) << g.status();
  std::map<std::string, proto::Node> n = ByName(*g);
  // conv: Y [2,4,6,6] = 288 floats = 1152 bytes; 2*288*27 + 288 = 15840.
  EXPECT_EQ(n["conv"].kind(), proto::Node::COMPUTE);
  EXPECT_EQ(n["conv"].output_bytes(), 1152);
  EXPECT_EQ(n["conv"].forward_cost(), 15840);
  EXPECT_EQ(n["conv"].backward_cost(), 31680);
  EXPECT_THAT(n["conv"].inputs(), ElementsAre("x", "W", "b"));
  // relu, mul: 288 elements, 1 FLOP each.
  EXPECT_EQ(n["relu"].forward_cost(), 288);
  EXPECT_EQ(n["mul"].forward_cost(), 288);
  EXPECT_EQ(n["mul"].backward_cost(), 576);
  // The Constant is folded into an INPUT node the Mul reads.
  EXPECT_EQ(n["scale"].kind(), proto::Node::INPUT);
  EXPECT_THAT(n["mul"].inputs(), ElementsAre("relu", "scale"));
  // Flatten: a view, 0 FLOPs, but [2,144] still holds 1152 bytes.
  EXPECT_EQ(n["flat"].output_bytes(), 1152);
  EXPECT_EQ(n["flat"].forward_cost(), 0);
  // fc: [2,10] = 80 bytes; 2*20*144 + 20 = 5780.
  EXPECT_EQ(n["fc"].output_bytes(), 80);
  EXPECT_EQ(n["fc"].forward_cost(), 5780);
  // INPUT nodes: x = 2*3*8*8 floats.
  EXPECT_EQ(n["x"].kind(), proto::Node::INPUT);
  EXPECT_EQ(n["x"].output_bytes(), 1536);
  EXPECT_EQ(n["W"].output_bytes(), 432);
  EXPECT_THAT(g->outputs(), ElementsAre("fc"));
  EXPECT_EQ(stats.compute_nodes, 5);
  EXPECT_EQ(stats.input_nodes, 6);  // x, W, b, W2, b2, scale
  EXPECT_EQ(stats.folded_nodes, 1);
  EXPECT_EQ(stats.pruned_nodes, 0);
  EXPECT_EQ(stats.batch_symbol, "N");
  // Parameters: the batch-free graph inputs W [4,3,3,3], b [4], W2 [144,10]
  // and b2 [10]: (108 + 4 + 1440 + 10) floats.
  EXPECT_EQ(stats.parameter_bytes, 4 * (108 + 4 + 1440 + 10));
  EXPECT_TRUE(Graph::FromProto(*g).ok());
}

// ONNX's shape inference divides by strides without a check (SIGFPE in
// Debian's libonnx 1.12): a zero or negative stride, dilation, kernel size,
// block size or group is an error naming the node, checked before it
// (found by tests/fuzz:onnx_fuzz_test, a MaxPool with strides [2, 0]).
TEST(OnnxImportTest, NonPositiveStridesAndKernelsAreNamedErrors) {
  for (const char* attr : {"strides", "dilations", "kernel_shape", "group"}) {
    for (int64_t bad : {int64_t{0}, int64_t{-1}}) {
      onnx::ModelProto m = ConvNet();
      onnx::NodeProto* conv = m.mutable_graph()->mutable_node(0);
      ASSERT_EQ(conv->op_type(), "Conv");
      onnx::AttributeProto* a = conv->add_attribute();
      a->set_name(attr);
      if (std::string(attr) == "group") {
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(bad);
      } else {
        a->set_type(onnx::AttributeProto::INTS);
        a->add_ints(1);
        a->add_ints(bad);
      }
      OnnxImportOptions options;
      options.batch = 2;
      absl::StatusOr<proto::Graph> g = ImportOnnxModel(m, options);
      ASSERT_FALSE(g.ok()) << attr;
      EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(g.status().message()),
                  HasSubstr(absl::StrCat("node 0 'conv' (op Conv): attribute ", attr, " = ", bad,
                                         " must be >= 1")));
    }
  }
}

TEST(OnnxImportTest, BytesAndFlopsScaleWithTheBatch) {
  OnnxImportOptions options;
  options.batch = 5;
  absl::StatusOr<proto::Graph> g = ImportOnnxModel(ConvNet(), options);
  ASSERT_TRUE(g.ok()) << g.status();
  std::map<std::string, proto::Node> n = ByName(*g);
  // 5/2 of the batch-2 numbers: 1152 * 5/2, (15840 * 5/2).
  EXPECT_EQ(n["conv"].output_bytes(), 2880);
  EXPECT_EQ(n["conv"].forward_cost(), 39600);
  EXPECT_EQ(n["W"].output_bytes(), 432);  // parameters do not scale
}

TEST(OnnxImportTest, MultiOutputNodeSumsItsOutputsAndDeadNodesArePruned) {
  // Fixed shapes (no --batch): x[2,8] -> Dropout(ratio, training) -> (d, mask)
  // -> Relu -> y; a Sigmoid on x reaches no output and is pruned.
  onnx::ModelProto m = NewModel();
  onnx::GraphProto* g = m.mutable_graph();
  AddValueInfo(g->mutable_input(), "x", onnx::TensorProto::FLOAT, {"2", "8"});
  onnx::TensorProto* ratio = g->add_initializer();
  ratio->set_name("ratio");
  ratio->set_data_type(onnx::TensorProto::FLOAT);
  ratio->add_float_data(0.1f);
  onnx::TensorProto* training = g->add_initializer();
  training->set_name("training");
  training->set_data_type(onnx::TensorProto::BOOL);
  training->add_int32_data(1);
  AddNode(g, "drop", "Dropout", {"x", "ratio", "training"}, {"d", "mask"});
  AddNode(g, "relu", "Relu", {"d"}, {"y"});
  AddNode(g, "dead", "Sigmoid", {"x"}, {"z"});
  AddValueInfo(g->mutable_output(), "y", onnx::TensorProto::FLOAT, {"2", "8"});
  OnnxImportStats stats;
  absl::StatusOr<proto::Graph> out = ImportOnnxModel(m, {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status();
  std::map<std::string, proto::Node> n = ByName(*out);
  // 16 floats (64 bytes) + a 16-byte boolean mask; 2 FLOPs per element.
  EXPECT_EQ(n["drop"].output_bytes(), 80);
  EXPECT_EQ(n["drop"].forward_cost(), 32);
  EXPECT_EQ(n.count("dead"), 0u);
  EXPECT_EQ(stats.pruned_nodes, 1);
  EXPECT_EQ(stats.batch_symbol, "");
  // Fixed shapes: x carries the batch; the two initializers, ratio (one
  // float) and training (one bool), are parameters.
  EXPECT_EQ(stats.parameter_bytes, 5);
}

TEST(OnnxImportTest, IntegerShapeArithmeticIsFoldedButBatchDataIsNot) {
  // x[N,4]: Shape(x) is static once N is bound (folded); Reshape(x, shape)
  // reads x, which carries the batch, so it is a COMPUTE node.
  onnx::ModelProto m = NewModel();
  onnx::GraphProto* g = m.mutable_graph();
  AddValueInfo(g->mutable_input(), "x", onnx::TensorProto::FLOAT, {"N", "4"});
  AddNode(g, "shape", "Shape", {"x"}, {"sh"});
  AddNode(g, "relu", "Relu", {"x"}, {"r"});
  AddNode(g, "reshape", "Reshape", {"r", "sh"}, {"y"});
  AddValueInfo(g->mutable_output(), "y", onnx::TensorProto::FLOAT, {"N", "4"});
  OnnxImportOptions options;
  options.batch = 3;
  absl::StatusOr<proto::Graph> out = ImportOnnxModel(m, options);
  ASSERT_TRUE(out.ok()) << out.status();
  std::map<std::string, proto::Node> n = ByName(*out);
  EXPECT_EQ(n["shape"].kind(), proto::Node::INPUT);
  EXPECT_EQ(n["shape"].inputs_size(), 0);
  EXPECT_EQ(n["reshape"].kind(), proto::Node::COMPUTE);
  EXPECT_EQ(n["reshape"].output_bytes(), 48);  // 3 x 4 floats
  EXPECT_THAT(n["reshape"].inputs(), ElementsAre("relu", "shape"));
}

absl::Status ImportError(const onnx::ModelProto& m, int64_t batch) {
  OnnxImportOptions options;
  options.batch = batch;
  return ImportOnnxModel(m, options).status();
}

TEST(OnnxImportTest, SymbolicBatchNeedsBatchAndOnlyOneSymbol) {
  absl::Status s = ImportError(ConvNet(), 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("graph input 'x' dimension 0 is symbolic ('N')"));
  EXPECT_THAT(s.message(), HasSubstr("--batch"));
  s = ImportError(ConvNet(), -4);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("batch = -4"));
  onnx::ModelProto two = ConvNet();
  two.mutable_graph()->mutable_input(3)->mutable_type()->mutable_tensor_type()
      ->mutable_shape()->mutable_dim(0)->set_dim_param("K");
  s = ImportError(two, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("2 different symbolic dimensions (K, N)"));
}

// ConvNet exported at a fixed batch of 2 (x is [2,3,8,8]).
onnx::ModelProto FixedConvNet() {
  onnx::ModelProto m = ConvNet();
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()
      ->mutable_shape()->mutable_dim(0)->set_dim_value(2);
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()
      ->mutable_shape()->mutable_dim(0)->set_dim_value(2);
  return m;
}

TEST(OnnxImportTest, BatchRebatchesAFixedModel) {
  EXPECT_TRUE(ImportError(FixedConvNet(), 0).ok());
  OnnxImportOptions options;
  options.batch = 8;
  OnnxImportStats stats;
  absl::StatusOr<proto::Graph> g = ImportOnnxModel(FixedConvNet(), options, &stats);
  ASSERT_TRUE(g.ok()) << g.status();
  std::map<std::string, proto::Node> n = ByName(*g);
  // conv: Y [8,4,6,6] = 1152 floats = 4608 bytes; x: 8*3*8*8 floats.
  EXPECT_EQ(n["conv"].output_bytes(), 4608);
  EXPECT_EQ(n["x"].output_bytes(), 6144);
  // fc: [8,10] = 320 bytes.
  EXPECT_EQ(n["fc"].output_bytes(), 320);
  EXPECT_EQ(stats.fixed_batch, 2);
  EXPECT_EQ(stats.batch_symbol, "");
  // The weights stored as graph inputs keep their shapes and are
  // parameters, as with a symbolic batch.
  EXPECT_EQ(n["W"].output_bytes(), 432);
  EXPECT_EQ(stats.parameter_bytes, 4 * (108 + 4 + 1440 + 10));
  // The exported batch itself: the same graph as without --batch.
  options.batch = 2;
  absl::StatusOr<proto::Graph> same = ImportOnnxModel(FixedConvNet(), options, nullptr);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(ByName(*same)["conv"].output_bytes(), 1152);
}

TEST(OnnxImportTest, RebatchRefusesAConstantThatPinsTheBatch) {
  // Flatten replaced by Reshape(m, [2, 144]): the exported batch is baked in.
  onnx::ModelProto m = FixedConvNet();
  onnx::GraphProto* g = m.mutable_graph();
  onnx::TensorProto* shape = g->add_initializer();
  shape->set_name("target");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(2);
  shape->add_int64_data(2);
  shape->add_int64_data(144);
  onnx::NodeProto* flat = g->mutable_node(4);
  ASSERT_EQ(flat->op_type(), "Flatten");
  flat->set_name("reshape");
  flat->set_op_type("Reshape");
  flat->add_input("target");
  EXPECT_TRUE(ImportError(m, 2).ok());
  absl::Status s = ImportError(m, 8);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'reshape'"));
  EXPECT_THAT(s.message(), HasSubstr("[2, 144] starts with the exported batch 2"));
  // A shape of [-1, 144] re-batches.
  shape->set_int64_data(0, -1);
  EXPECT_TRUE(ImportError(m, 8).ok());
  // The same pin from a Constant node's value_ints.
  onnx::NodeProto* k = AddNode(g, "pin", "Constant", {}, {"target2"});
  onnx::AttributeProto* a = k->add_attribute();
  a->set_name("value_ints");
  a->set_type(onnx::AttributeProto::INTS);
  a->add_ints(2);
  a->add_ints(144);
  g->mutable_node(4)->set_input(1, "target2");
  s = ImportError(m, 8);
  EXPECT_THAT(s.message(), HasSubstr("'target2' = [2, 144] starts with the exported batch 2"));
}

TEST(OnnxImportTest, BatchNormTrainingStatisticsArePerChannel) {
  // x[N,4,6,6] -> BatchNormalization (opset 13, training: five outputs) ->
  // y; scale, bias, mean and var are [4] graph inputs (weights).
  onnx::ModelProto m = NewModel();
  m.mutable_opset_import(0)->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  const int32_t f = onnx::TensorProto::FLOAT;
  AddValueInfo(g->mutable_input(), "x", f, {"N", "4", "6", "6"});
  for (const char* p : {"scale", "bias", "mean", "var"}) AddValueInfo(g->mutable_input(), p, f, {"4"});
  AddNode(g, "bn", "BatchNormalization", {"x", "scale", "bias", "mean", "var"},
          {"y", "running_mean", "running_var", "saved_mean", "saved_var"});
  AddValueInfo(g->mutable_output(), "y", f, {"N", "4", "6", "6"});
  OnnxImportOptions options;
  options.batch = 2;
  absl::StatusOr<proto::Graph> imported = ImportOnnxModel(m, options, nullptr);
  ASSERT_TRUE(imported.ok()) << imported.status();
  // Y: 2*4*6*6 = 288 floats = 1152 bytes; four statistics of 4 floats.
  EXPECT_EQ(ByName(*imported)["bn"].output_bytes(), 1152 + 4 * 16);
}

TEST(OnnxImportTest, UnknownOperatorNamesNodeAndOperator) {
  onnx::ModelProto m = ConvNet();
  m.mutable_graph()->mutable_node(1)->set_op_type("FancyActivation");
  absl::Status s = ImportError(m, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'relu' (op FancyActivation)"));
  EXPECT_THAT(s.message(), HasSubstr("not supported"));
}

TEST(OnnxImportTest, UndefinedTensorDuplicateProducerAndCycle) {
  onnx::ModelProto undefined = ConvNet();
  undefined.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  absl::Status s = ImportError(undefined, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'relu' (op Relu) reads tensor 'nowhere'"));

  onnx::ModelProto dup = ConvNet();
  dup.mutable_graph()->mutable_node(1)->set_output(0, "c");
  s = ImportError(dup, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("tensor 'c' is written by both"));

  // relu reads m (the Mul's output) and mul reads r: relu -> mul -> relu.
  onnx::ModelProto cyc = ConvNet();
  cyc.mutable_graph()->mutable_node(1)->set_input(0, "m");
  s = ImportError(cyc, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("cycle"));
  EXPECT_THAT(s.message(), HasSubstr("'relu'"));
  EXPECT_THAT(s.message(), HasSubstr("'mul'"));
}

TEST(OnnxImportTest, NodesOutOfOrderAreSortedBeforeShapeInference) {
  onnx::ModelProto m = ConvNet();
  m.mutable_graph()->mutable_node()->SwapElements(0, 4);  // conv <-> flat
  OnnxImportOptions options;
  options.batch = 2;
  absl::StatusOr<proto::Graph> g = ImportOnnxModel(m, options);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(ByName(*g)["fc"].forward_cost(), 5780);
}

TEST(OnnxImportTest, ShapeInferenceErrorsAreReported) {
  // Flatten of a rank-4 tensor at axis 9.
  onnx::ModelProto m = ConvNet();
  onnx::AttributeProto* axis = m.mutable_graph()->mutable_node(4)->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(9);
  absl::Status s = ImportError(m, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("shape inference failed"));
}

TEST(OnnxImportTest, MissingInputShapeNamesTheInput) {
  onnx::ModelProto m = ConvNet();
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  absl::Status s = ImportError(m, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("graph input 'x' has no tensor shape"));
}

TEST(OnnxImportTest, NoDifferentiableOutput) {
  onnx::ModelProto m = ConvNet();
  m.mutable_graph()->mutable_output(0)->set_name("s");  // the Constant
  absl::Status s = ImportError(m, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("nothing to differentiate"));
}

TEST(OnnxImportTest, MalformedTruncatedAndEmptyBytes) {
  OnnxImportOptions options;
  options.batch = 2;
  std::string bytes;
  ASSERT_TRUE(ConvNet().SerializeToString(&bytes));
  ASSERT_TRUE(ImportOnnxBytes(bytes, options).ok());
  for (size_t cut : {bytes.size() / 2, bytes.size() - 3, size_t{7}}) {
    absl::Status s = ImportOnnxBytes(bytes.substr(0, cut), options).status();
    EXPECT_FALSE(s.ok()) << "cut at " << cut;
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "cut at " << cut << ": " << s;
  }
  absl::Status s = ImportOnnxBytes("", options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("empty"));
  s = ImportOnnxBytes("\xff\xff\xff garbage", options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("not a valid ONNX ModelProto"));
  // An unreadable file keeps ReadFile's code (core/io/proto_io.h): it is not
  // bad input bytes.
  s = ImportOnnxFile("/nonexistent/m.onnx", options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("/nonexistent/m.onnx"));
}

}  // namespace
}  // namespace tbp

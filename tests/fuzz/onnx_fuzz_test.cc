// Fuzz target for the ONNX importer: bytes -> ImportOnnxBytes (the first
// byte picks --batch: absent, 0, 1, 3, -1 or 2^40) -> Graph::FromProto,
// which must accept every graph the importer returns (onnx_import.h's
// promise). Errors must be kInvalidArgument with a message; never a crash
// inside the importer or ONNX's shape inference.
//
// Seeds: core/onnx/testdata's tiny_mlp.onnx and unknown_op.onnx, and small
// models built here (a conv block with batch norm, pooling and a residual
// add; an attention-like MatMul/Softmax/Transpose block; a model without a
// symbolic dimension). Half of the executions mutate bytes, half mutate
// the ModelProto through reflection (op types, attributes, dims, names).
// The zoo models (tools/zoo) are not seeds: shape inference on them takes
// milliseconds per execution.
#include <random>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/onnx/onnx_import.h"
#include "gtest/gtest.h"
#include "onnx/onnx_pb.h"
#include "tests/fuzz/fuzz_lib.h"

namespace tbp {
namespace fuzz {
namespace {

void AddValue(onnx::ValueInfoProto* v, const std::string& name,
              const std::vector<std::string>& dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (const std::string& d : dims) {
    auto* dim = t->mutable_shape()->add_dim();
    if (!d.empty() && std::isdigit(static_cast<unsigned char>(d[0]))) {
      dim->set_dim_value(std::stoll(d));
    } else {
      dim->set_dim_param(d);
    }
  }
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op,
                         const std::vector<std::string>& in, const std::vector<std::string>& out) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out[0]);
  for (const std::string& s : in) n->add_input(s);
  for (const std::string& s : out) n->add_output(s);
  return n;
}

void IntsAttr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

onnx::ModelProto Model(const std::string& name) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  m.mutable_graph()->set_name(name);
  return m;
}

std::vector<onnx::ModelProto> BuiltSeeds() {
  std::vector<onnx::ModelProto> out;
  {
    onnx::ModelProto m = Model("conv_block");
    onnx::GraphProto* g = m.mutable_graph();
    AddValue(g->add_input(), "x", {"N", "3", "8", "8"});
    AddValue(g->add_input(), "w", {"4", "3", "3", "3"});
    for (const char* p : {"s", "b", "mean", "var"}) AddValue(g->add_input(), p, {"4"});
    onnx::NodeProto* conv = AddNode(g, "Conv", {"x", "w"}, {"c"});
    IntsAttr(conv, "pads", {1, 1, 1, 1});
    IntsAttr(conv, "kernel_shape", {3, 3});
    AddNode(g, "BatchNormalization", {"c", "s", "b", "mean", "var"}, {"bn"});
    AddNode(g, "Relu", {"bn"}, {"r"});
    AddNode(g, "Add", {"r", "c"}, {"sum"});
    onnx::NodeProto* pool = AddNode(g, "MaxPool", {"sum"}, {"p"});
    IntsAttr(pool, "kernel_shape", {2, 2});
    IntsAttr(pool, "strides", {2, 2});
    AddNode(g, "GlobalAveragePool", {"p"}, {"gap"});
    AddNode(g, "Flatten", {"gap"}, {"f"});
    AddNode(g, "Softmax", {"f"}, {"y"});
    AddValue(g->add_output(), "y", {"N", "4"});
    out.push_back(m);
  }
  {
    onnx::ModelProto m = Model("attention");
    onnx::GraphProto* g = m.mutable_graph();
    AddValue(g->add_input(), "x", {"B", "4", "8"});
    AddValue(g->add_input(), "wq", {"8", "8"});
    AddValue(g->add_input(), "wk", {"8", "8"});
    AddNode(g, "MatMul", {"x", "wq"}, {"q"});
    AddNode(g, "MatMul", {"x", "wk"}, {"k"});
    onnx::NodeProto* t = AddNode(g, "Transpose", {"k"}, {"kt"});
    IntsAttr(t, "perm", {0, 2, 1});
    AddNode(g, "MatMul", {"q", "kt"}, {"s"});
    AddNode(g, "Softmax", {"s"}, {"a"});
    AddNode(g, "MatMul", {"a", "q"}, {"o"});
    AddNode(g, "LayerNormalization", {"o", "wq"}, {"y"});
    AddValue(g->add_output(), "y", {"B", "4", "8"});
    out.push_back(m);
  }
  {
    onnx::ModelProto m = Model("static");
    onnx::GraphProto* g = m.mutable_graph();
    AddValue(g->add_input(), "x", {"2", "6"});
    AddValue(g->add_input(), "w", {"6", "5"});
    AddNode(g, "Gemm", {"x", "w"}, {"h"});
    AddNode(g, "Tanh", {"h"}, {"t"});
    AddNode(g, "Mul", {"t", "h"}, {"y"});
    AddValue(g->add_output(), "y", {"2", "5"});
    out.push_back(m);
  }
  return out;
}

TEST(OnnxFuzz, Import) {
  const FuzzConfig config = ConfigFromEnv(/*default_runs=*/1500);
  std::vector<onnx::ModelProto> seeds = BuiltSeeds();
  for (const char* path : {"core/onnx/testdata/tiny_mlp.onnx", "core/onnx/testdata/unknown_op.onnx"}) {
    onnx::ModelProto m;
    ASSERT_TRUE(m.ParseFromString(ReadTestFile(path))) << path;
    seeds.push_back(m);
  }
  std::vector<std::string> corpus;
  for (const onnx::ModelProto& m : seeds) corpus.push_back(m.SerializeAsString());
  // Whole serialized fields (tag + short payload) make useful splices.
  const std::vector<std::string> dictionary = {
      std::string("\x08\x08", 2), std::string("\x42\x02\x10\x11", 4), "\x22\x04Relu",
      "\x22\x04Conv", "\x22\x06MatMul", "\x22\x07Reshape", "\x22\x06Concat", "\x22\x05Split",
      std::string("\x10\x00", 2), std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10),
      "\x1a\x01N", "\x0a\x01x", "\x12\x01y"};
  const int64_t batches[] = {0, 0, 1, 3, -1, int64_t{1} << 40};
  auto make_input = [&](int64_t, std::mt19937_64& rng) {
    const size_t pick = rng() % corpus.size();
    const char batch_tag = static_cast<char>('0' + rng() % 6);
    if (rng() % 2 == 0) {
      return batch_tag + MutateBytes(corpus[pick], corpus, dictionary, rng, 1 << 14);
    }
    onnx::ModelProto m = seeds[pick];
    MutateMessage(&m, rng);
    return batch_tag + m.SerializeAsString();
  };
  auto target = [&](const std::string& data) {
    if (data.empty()) return Verdict::kRejected;
    OnnxImportOptions options;
    options.batch = batches[static_cast<unsigned char>(data[0]) % 6];
    absl::StatusOr<proto::Graph> g = ImportOnnxBytes(data.substr(1), options);
    if (!g.ok()) {
      EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument) << g.status();
      EXPECT_FALSE(g.status().message().empty());
      return Verdict::kRejected;
    }
    absl::StatusOr<Graph> graph = Graph::FromProto(*g);
    EXPECT_TRUE(graph.ok()) << "the importer returned a graph the validator rejects: "
                            << graph.status();
    return Verdict::kAccepted;
  };
  RunFuzzLoop("onnx", config, make_input, target);
}

}  // namespace
}  // namespace fuzz
}  // namespace tbp

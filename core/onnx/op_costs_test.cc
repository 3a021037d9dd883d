// Every FLOP rule of op_costs.h on small shapes, the expected counts derived
// by hand in the comments.
#include "core/onnx/op_costs.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp::onnx_import {
namespace {

using ::testing::HasSubstr;

TensorInfo F(std::vector<int64_t> dims) {
  return TensorInfo{onnx::TensorProto::FLOAT, std::move(dims)};
}

onnx::NodeProto Node(const std::string& op, int inputs) {
  onnx::NodeProto n;
  n.set_name("n");
  n.set_op_type(op);
  for (int i = 0; i < inputs; ++i) n.add_input("in" + std::to_string(i));
  n.add_output("out");
  return n;
}

void AddInts(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void AddString(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

int64_t Flops(const onnx::NodeProto& n, std::vector<TensorInfo> in, std::vector<TensorInfo> out) {
  std::vector<const TensorInfo*> ip, op;
  for (const TensorInfo& t : in) ip.push_back(&t);
  for (const TensorInfo& t : out) op.push_back(&t);
  absl::StatusOr<int64_t> f = OnnxForwardFlops(n, ip, op);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *f : -1;
}

TEST(OpCostsTest, ConvWithBias) {
  // Y = 2*4*6*6 = 288 outputs, each 3*3*3 = 27 MACs: 2*288*27 + 288 (bias).
  EXPECT_EQ(Flops(Node("Conv", 3), {F({2, 3, 8, 8}), F({4, 3, 3, 3}), F({4})},
                  {F({2, 4, 6, 6})}),
            15840);
}

TEST(OpCostsTest, GroupedConvCountsOnlyItsGroupsChannels) {
  // group 2: W [4, 2, 3, 3]: 18 MACs per output, Y = 36 outputs, no bias.
  EXPECT_EQ(Flops(Node("Conv", 2), {F({1, 4, 5, 5}), F({4, 2, 3, 3})}, {F({1, 4, 3, 3})}),
            1296);
}

TEST(OpCostsTest, ConvTransposeCountsPerInputElement) {
  // X = 18 elements, each scatters W[1:] = 5*2*2 = 20 MACs: 2*18*20.
  EXPECT_EQ(Flops(Node("ConvTranspose", 2), {F({1, 2, 3, 3}), F({2, 5, 2, 2})},
                  {F({1, 5, 6, 6})}),
            720);
}

TEST(OpCostsTest, GemmAndTransA) {
  // M=3, N=7, K=5: 2*21*5 + 21 (C).
  EXPECT_EQ(Flops(Node("Gemm", 3), {F({3, 5}), F({5, 7}), F({7})}, {F({3, 7})}), 231);
  onnx::NodeProto t = Node("Gemm", 2);
  onnx::AttributeProto* a = t.add_attribute();
  a->set_name("transA");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(1);
  // A^T: A is [K, M] = [5, 3]; no C: 2*21*5.
  EXPECT_EQ(Flops(t, {F({5, 3}), F({5, 7})}, {F({3, 7})}), 210);
}

TEST(OpCostsTest, BatchedMatMulAsInAttention) {
  // Q K^T of 2 batches x 4 heads, 3 x 8 by 8 x 6: |Y| = 144, K = 8.
  EXPECT_EQ(Flops(Node("MatMul", 2), {F({2, 4, 3, 8}), F({2, 4, 8, 6})}, {F({2, 4, 3, 6})}),
            2304);
}

TEST(OpCostsTest, NormalisationSoftmaxElementwise) {
  EXPECT_EQ(Flops(Node("BatchNormalization", 5),
                  {F({2, 3, 4, 4}), F({3}), F({3}), F({3}), F({3})}, {F({2, 3, 4, 4})}),
            8 * 96);
  EXPECT_EQ(Flops(Node("LayerNormalization", 3), {F({2, 5}), F({5}), F({5})}, {F({2, 5})}),
            80);
  EXPECT_EQ(Flops(Node("Softmax", 1), {F({2, 10})}, {F({2, 10})}), 100);
  EXPECT_EQ(Flops(Node("Add", 2), {F({2, 3}), F({3})}, {F({2, 3})}), 6);
  // Variadic Sum of 3 operands: 2 additions per element.
  EXPECT_EQ(Flops(Node("Sum", 3), {F({4}), F({4}), F({4})}, {F({4})}), 8);
  EXPECT_EQ(Flops(Node("Dropout", 1), {F({10})}, {F({10})}), 20);
}

TEST(OpCostsTest, Pooling) {
  onnx::NodeProto pool = Node("MaxPool", 1);
  AddInts(&pool, "kernel_shape", {3, 3});
  // 32 outputs x 9-element windows.
  EXPECT_EQ(Flops(pool, {F({1, 2, 8, 8})}, {F({1, 2, 4, 4})}), 288);
  EXPECT_EQ(Flops(Node("GlobalAveragePool", 1), {F({1, 2, 4, 4})}, {F({1, 2, 1, 1})}), 32);
  EXPECT_EQ(Flops(Node("ReduceSumSquare", 1), {F({6})}, {F({1})}), 12);
}

TEST(OpCostsTest, DataMovementIsFreeAndResizeDependsOnMode) {
  EXPECT_EQ(Flops(Node("Reshape", 2), {F({2, 6}), F({2})}, {F({3, 4})}), 0);
  EXPECT_EQ(Flops(Node("Transpose", 1), {F({2, 6})}, {F({6, 2})}), 0);
  EXPECT_TRUE(IsDataMovementOp("Concat"));
  EXPECT_FALSE(IsDataMovementOp("Conv"));
  onnx::NodeProto nearest = Node("Resize", 1);
  EXPECT_EQ(Flops(nearest, {F({1, 1, 2, 2})}, {F({1, 1, 4, 4})}), 0);
  onnx::NodeProto linear = Node("Resize", 1);
  AddString(&linear, "mode", "linear");
  EXPECT_EQ(Flops(linear, {F({1, 1, 2, 2})}, {F({1, 1, 4, 4})}), 8 * 16);
}

TEST(OpCostsTest, UnknownOperatorIsAnErrorNamingNodeAndOperator) {
  TensorInfo x = F({2});
  absl::StatusOr<int64_t> f = OnnxForwardFlops(Node("FancyOp", 1), {&x}, {&x});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("node 'n' (op FancyOp)"));
  EXPECT_THAT(f.status().message(), HasSubstr("not supported"));
  onnx::NodeProto ms = Node("Relu", 1);
  ms.set_domain("com.microsoft");
  f = OnnxForwardFlops(ms, {&x}, {&x});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("com.microsoft"));
}

TEST(OpCostsTest, MissingShapeAndOverflowAreErrors) {
  TensorInfo y = F({2, 4, 6, 6});
  absl::StatusOr<int64_t> f = OnnxForwardFlops(Node("Conv", 2), {nullptr, nullptr}, {&y});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("input 0"));
  TensorInfo huge = F({int64_t{1} << 40, int64_t{1} << 20});
  f = OnnxForwardFlops(Node("MatMul", 2), {&huge, &huge}, {&huge});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("overflows"));
}

}  // namespace
}  // namespace tbp::onnx_import

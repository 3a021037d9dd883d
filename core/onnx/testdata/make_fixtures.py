#!/usr/bin/python3
"""Writes the tiny ONNX fixtures of tests/import_cli_test.sh (committed;
rerun only to change them): tiny_mlp.onnx, x[N,4] -> Gemm(W[4,3], b[3]) ->
Relu -> y[N,3] with a symbolic batch N, and unknown_op.onnx, the same with
the Relu replaced by an operator the importer has no FLOP rule for.
Needs python3-onnx."""
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def mlp(activation):
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["h"], name="fc"),
             helper.make_node(activation, ["h"], ["y"], name="act")]
    graph = helper.make_graph(
        nodes, "tiny_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("W", TensorProto.FLOAT, [4, 3]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
    model = helper.make_model(graph, producer_name="make_fixtures.py",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


onnx.save(mlp("Relu"), os.path.join(HERE, "tiny_mlp.onnx"))
onnx.save(mlp("FancyActivation"), os.path.join(HERE, "unknown_op.onnx"))

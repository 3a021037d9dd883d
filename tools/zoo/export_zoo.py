#!/usr/bin/python3
"""Regenerates the ONNX model zoo in tools/zoo/ (for regeneration
only: the generated files are committed, and neither README command runs
this script).

Each model is defined by its architecture (torchvision or plain torch
below), exported in training mode (BatchNormalization computes batch
statistics, Dropout keeps its mask) with a symbolic batch dimension named
"batch", and then stripped of its weights: every initializer with more
than MAX_KEPT_ELEMENTS elements becomes a graph input with the same name,
element type and shape, so the file keeps every shape and stays small.
Small integer initializers (the shape constants Reshape reads) are kept,
because shape inference needs their values.

Needs Debian's python3-torch (1.13), python3-torchvision (0.14) and
python3-onnx (1.12):

    apt-get install python3-torch python3-torchvision python3-onnx
    /usr/bin/python3 tools/zoo/export_zoo.py [--out_dir=tools/zoo] [model ...]

Deterministic: no weights are written and the graph structure does not
depend on the random initialisation, so a rerun gives the same files on
the same package versions.
"""
import argparse
import io
import math
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision

OPSET = 17            # libonnx 1.12's shape inference handles opsets <= 17
MAX_KEPT_ELEMENTS = 64  # larger initializers are weights: moved to inputs


class UNet(nn.Module):
    """The U-Net of Ronneberger et al. (2015) with padded convolutions and
    batch norm: 4 down levels (64..1024 channels), transposed-convolution
    upsampling, skip concatenations, 1x1 output convolution."""

    def __init__(self, in_channels=3, classes=2, base=64, levels=4):
        super().__init__()

        def double_conv(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True),
                nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True))

        widths = [base * 2 ** i for i in range(levels + 1)]
        self.down = nn.ModuleList()
        cin = in_channels
        for w in widths:
            self.down.append(double_conv(cin, w))
            cin = w
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.up_conv = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(2 * w, w, 2, stride=2))
            self.up_conv.append(double_conv(2 * w, w))
        self.head = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x)
            if i + 1 < len(self.down):
                skips.append(x)
                x = self.pool(x)
        for up, conv in zip(self.up, self.up_conv):
            x = conv(torch.cat([skips.pop(), up(x)], dim=1))
        return self.head(x)


class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads, seq, dropout):
        super().__init__()
        self.d, self.heads, self.seq = d, heads, seq
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.attn_drop = nn.Dropout(dropout)
        self.resid_drop = nn.Dropout(dropout)
        self.register_buffer("mask", torch.tril(torch.ones(seq, seq, dtype=torch.bool))
                             .view(1, 1, seq, seq))
        self.scale = 1.0 / math.sqrt(d // heads)

    def forward(self, x):
        t, h, hd = self.seq, self.heads, self.d // self.heads
        q, k, v = self.qkv(x).split(self.d, dim=2)
        # Python ints (not x.size()) so the exported Reshapes read constants;
        # -1 is the symbolic batch.
        q = q.reshape(-1, t, h, hd).transpose(1, 2)
        k = k.reshape(-1, t, h, hd).transpose(1, 2)
        v = v.reshape(-1, t, h, hd).transpose(1, 2)
        att = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        att = att.masked_fill(~self.mask, float("-inf"))  # causal
        att = self.attn_drop(torch.softmax(att, dim=-1))
        y = torch.matmul(att, v).transpose(1, 2).reshape(-1, t, self.d)
        return self.resid_drop(self.proj(y))


class Block(nn.Module):
    def __init__(self, d, heads, seq, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, heads, seq, dropout)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d),
                                 nn.Dropout(dropout))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt2Small(nn.Module):
    """A GPT-2-small-style decoder (Radford et al. 2019): 12 pre-LN blocks,
    d = 768, 12 heads, causal attention by a masked softmax, sequence 1024,
    vocabulary 50257, tied input/output embeddings not modelled (the output
    projection is its own Linear)."""

    def __init__(self, layers=12, d=768, heads=12, seq=1024, vocab=50257, dropout=0.1):
        super().__init__()
        self.seq = seq
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(seq, d)
        self.register_buffer("positions", torch.arange(seq).view(1, seq))
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.Sequential(*[Block(d, heads, seq, dropout) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, tokens):
        x = self.drop(self.wte(tokens) + self.wpe(self.positions))
        return self.head(self.ln_f(self.blocks(x)))


# name -> (constructor, example input builder)
MODELS = {
    "resnet50": (lambda: torchvision.models.resnet50(), lambda: torch.zeros(2, 3, 224, 224)),
    "vgg16": (lambda: torchvision.models.vgg16(), lambda: torch.zeros(2, 3, 224, 224)),
    "vgg19": (lambda: torchvision.models.vgg19(), lambda: torch.zeros(2, 3, 224, 224)),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(),
                     lambda: torch.zeros(2, 3, 224, 224)),
    "unet": (lambda: UNet(), lambda: torch.zeros(2, 3, 256, 256)),
    "gpt2_small": (lambda: Gpt2Small(), lambda: torch.zeros(2, 1024, dtype=torch.long)),
}


def strip_weights(model):
    g = model.graph
    kept = []
    moved = []
    for init in g.initializer:
        n = 1
        for d in init.dims:
            n *= d
        (moved if n > MAX_KEPT_ELEMENTS else kept).append(init)
    existing_inputs = {i.name for i in g.input}
    for init in moved:
        if init.name not in existing_inputs:
            g.input.append(onnx.helper.make_tensor_value_info(
                init.name, init.data_type, list(init.dims)))
    del g.initializer[:]
    g.initializer.extend(kept)
    return len(moved)


def export(name, out_dir):
    torch.manual_seed(0)
    build, example = MODELS[name]
    module = build()
    module.train()
    buf = io.BytesIO()
    torch.onnx.export(module, (example(),), buf, opset_version=OPSET,
                      training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    model = onnx.load_from_string(buf.getvalue())
    moved = strip_weights(model)
    model.producer_name = "tiny-backprop tools/zoo/export_zoo.py"
    model.producer_version = ""
    onnx.checker.check_model(model)
    path = os.path.join(out_dir, name + ".onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    print(f"{name}: {len(model.graph.node)} nodes, {moved} weights moved to inputs, "
          f"{os.path.getsize(path)} bytes -> {path}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out_dir", default="tools/zoo")
    parser.add_argument("models", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.models:
        if name not in MODELS:
            sys.exit(f"unknown model {name!r}; known: {', '.join(MODELS)}")
        export(name, args.out_dir)


if __name__ == "__main__":
    main()

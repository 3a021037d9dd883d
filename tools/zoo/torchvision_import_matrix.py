#!/usr/bin/python3
"""Exports torchvision classification models to ONNX and imports each with
`tbp import`, to check the importer on what users actually export.

Opt-in (needs Debian's python3-torch and python3-torchvision; not part of
CI): writes a CSV with one row per (model, opset, mode, batch kind):
whether `tbp import --batch=8` succeeded, the store-all activation bytes it
reports, and the first line of its error otherwise. Weights are random (no
download); the model is exported with torch.onnx.export's defaults except
for the opset, the training mode (TrainingMode.TRAINING with constant
folding off, as torch requires, or eval) and, for "dynamic", a symbolic
batch axis on the input.

  tools/zoo/torchvision_import_matrix.py --tbp=bazel-bin/cli/tbp \
      --out=experiments/results/torchvision_import.csv [--variants=corners|all]

--variants=corners exports every model at (opset 13, train, fixed) and
(opset 17, eval, dynamic) and the first model of each family at every
opset 13..17 x train/eval x fixed/dynamic; --variants=all does every
combination for every model. Models over 2 GiB of float32 parameters
cannot be exported to one protobuf (its size limit) and are recorded as
skipped.
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

import torch
import torchvision
from torchvision import models

PROTOBUF_LIMIT_PARAMS = (2 ** 31 - 2 ** 26) // 4  # float32, with room for the graph


def family(name):
    return re.split(r"\d|_", name)[0]


def variants(names, kind):
    full = [(o, m, b) for o in range(13, 18) for m in ("train", "eval") for b in ("fixed", "dynamic")]
    seen = set()
    for name in names:
        if kind == "all" or family(name) not in seen:
            yield from ((name,) + v for v in full)
        else:
            yield (name, 13, "train", "fixed")
            yield (name, 17, "eval", "dynamic")
        seen.add(family(name))


def export(model, name, opset, mode, batch_kind, path):
    size = 299 if name == "inception_v3" else 224
    x = torch.randn(2, 3, size, size)
    kw = dict(opset_version=opset, input_names=["input"], output_names=["logits"])
    if mode == "train":
        model.train()
        kw["training"] = torch.onnx.TrainingMode.TRAINING
        kw["do_constant_folding"] = False
    else:
        model.eval()
    if batch_kind == "dynamic":
        kw["dynamic_axes"] = {"input": {0: "N"}, "logits": {0: "N"}}
    torch.onnx.export(model, x, path, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tbp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--variants", choices=("corners", "all"), default="corners")
    ap.add_argument("--models", default="", help="comma-separated subset (default: all)")
    args = ap.parse_args()
    names = models.list_models(module=models)
    if args.models:
        names = [n for n in names if n in args.models.split(",")]
    torch.manual_seed(0)
    rows = []
    built = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, opset, mode, batch_kind in variants(names, args.variants):
            row = dict(model=name, opset=opset, mode=mode, batch=batch_kind)
            if name not in built:
                built[name] = models.get_model(name, weights=None)
            model = built[name]
            params = sum(p.numel() for p in model.parameters())
            if params > PROTOBUF_LIMIT_PARAMS:
                row.update(status="skipped", detail=f"{params} parameters: over the 2 GiB protobuf limit")
                rows.append(row)
                print(name, opset, mode, batch_kind, "skipped", flush=True)
                continue
            path = os.path.join(tmp, "m.onnx")
            try:
                export(model, name, opset, mode, batch_kind, path)
            except Exception as e:  # an export failure is torch's, recorded as such
                row.update(status="export_failed", detail=str(e).splitlines()[0][:200])
                rows.append(row)
                print(name, opset, mode, batch_kind, "export_failed", flush=True)
                continue
            r = subprocess.run([args.tbp, "import", f"--onnx={path}", "--batch=8",
                                f"--out={os.path.join(tmp, 'g.pb')}"],
                               capture_output=True, text=True)
            if r.returncode == 0:
                m = re.search(r"store-all activation bytes (\d+)", r.stdout)
                row.update(status="ok", store_all_bytes=m.group(1) if m else "")
            else:
                line = (r.stderr.strip().splitlines() or [""])[0]
                row.update(status="import_failed", detail=line.replace(path, "MODEL")[:300])
            rows.append(row)
            print(name, opset, mode, batch_kind, row["status"], row.get("detail", ""), flush=True)
    with open(args.out, "w", newline="") as f:
        f.write(f"# tools/zoo/torchvision_import_matrix.py --variants={args.variants}: torch "
                f"{torch.__version__}, torchvision {torchvision.__version__}; tbp import --batch=8\n")
        w = csv.DictWriter(f, fieldnames=["model", "opset", "mode", "batch", "status",
                                          "store_all_bytes", "detail"], lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)
    bad = sum(r["status"] == "import_failed" for r in rows)
    print(f"{len(rows)} exports, {bad} import failures", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The replay's networks in PyTorch: store-all vs torch.utils.checkpoint.

Reads the <family>.graph.json files that replay_bench writes with
--export_dir (nodes with their width and the input of each term, outputs, the
planners' topological order, rows) and builds the same network as the replay
engine (replay/model.h):

    y_v = tanh(sum over terms t of x_{u_t} @ W_{v,t} + b_v),  loss = sum of outputs

as a chain of torch.addmm calls per node. Two modes:

  store_all   plain autograd: every activation autograd needs stays alive.
  checkpoint  torch.utils.checkpoint (non-reentrant) over segments of
              ceil(sqrt(n)) consecutive nodes of the same order: the frontier
              tensors entering a segment are its only saved inputs, the
              segment is recomputed during backward (the analogue of the
              replay's `periodic` planner, Chen et al. 2016).

Measured per mode: peak of torch.cuda.max_memory_allocated() minus what was
allocated before the forward pass (inputs, parameters and their
pre-allocated gradients), i.e. activations + activation gradients + transient
buffers, comparable to the replay's measured_peak_bytes (PyTorch's allocator
rounds blocks to 512 bytes and AccumulateGrad adds one transient parameter
gradient); the fastest of --repeats forward+backward passes timed with CUDA
events. Values come from torch's RNG with the replay's shapes and scales (the
replay's hash-based values are not reproduced; time and memory do not depend
on them). TF32 is off (FP32 GEMMs like the replay's cuBLAS calls).

Writes torch.csv and torch.md (side by side with replay_bench.csv when
--replay_csv is given).

  python3 torch_replay.py --graphs DIR --out DIR [--replay_csv FILE]
                          [--repeats N] [--device cuda|cpu]
"""

import argparse
import csv
import glob
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.utils.checkpoint

# --- The replay's portable values (replay/init.h), for --init=replay -------

_M64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_STEP = np.uint64(0xD1B54A32D192ED03)
INIT_INPUT, INIT_WEIGHT, INIT_BIAS = 1, 2, 3


def _mix64_int(z):
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def init_key(seed, tag, node, index):
    return _mix64_int(_mix64_int(_mix64_int(_mix64_int(seed) ^ tag) ^ node) ^ index)


def hash_uniform(key, count, scale):
    """scale * HashUniform(key, i) for i < count, float32, bit-exact."""
    out = np.empty(count, dtype=np.float32)
    chunk = 1 << 22
    with np.errstate(over="ignore"):
        for lo in range(0, count, chunk):
            i = np.arange(lo, min(count, lo + chunk), dtype=np.uint64)
            z = np.uint64(key) + i * _STEP + _GOLDEN
            z = (z ^ (z >> np.uint64(30))) * _C1
            z = (z ^ (z >> np.uint64(27))) * _C2
            z = z ^ (z >> np.uint64(31))
            k = (z >> np.uint64(40)).astype(np.float32)
            u = k * np.float32(1.0 / 8388608.0) - np.float32(1.0)
            out[lo:lo + len(i)] = np.float32(scale) * u
    return out


def load_graph(path):
    with open(path) as f:
        g = json.load(f)
    g["family"] = os.path.basename(path).split(".")[0]
    return g


class Network:
    """Parameters and inputs of one graph on one device."""

    def __init__(self, g, device, seed, replay_init):
        self.g = g
        self.device = device
        self.rows = g["rows"]
        nodes = g["nodes"]
        gen = torch.Generator(device="cpu")
        gen.manual_seed(seed)

        seed_replay = g["seed"]

        def uniform(shape, scale, key):
            if replay_init:  # The replay's exact values.
                count = int(np.prod(shape))
                t = torch.from_numpy(hash_uniform(key, count, scale)).reshape(*shape)
                return t.to(device)
            # torch's RNG on the CPU generator (reproducible), then moved.
            t = torch.rand(*shape, generator=gen, dtype=torch.float32) * 2 - 1
            return (t * np.float32(scale)).to(device)

        self.inputs = {}
        self.weights = {}
        self.biases = {}
        for v, n in enumerate(nodes):
            if n["kind"] == "INPUT":
                self.inputs[v] = uniform((self.rows, n["width"]), 1.0,
                                         init_key(seed_replay, INIT_INPUT, v, 0))
                continue
            fan_in = sum(nodes[u]["width"] for u in n["terms"])
            scale = float(np.float32(1.0 / math.sqrt(fan_in))) if fan_in > 0 else 1.0
            self.weights[v] = [
                uniform((nodes[u]["width"], n["width"]), scale,
                        init_key(seed_replay, INIT_WEIGHT, v, t)).requires_grad_()
                for t, u in enumerate(n["terms"])
            ]
            self.biases[v] = uniform((n["width"],), 0.1,
                                     init_key(seed_replay, INIT_BIAS, v, 0)).requires_grad_()
        self.order = g["order"]
        self.pos = {v: p for p, v in enumerate(self.order)}
        n_pos = len(self.order)
        # Last position that reads each node (outputs are read by the loss
        # inside their own segment).
        self.last_use = {}
        for v in self.order:
            for u in nodes[v]["terms"]:
                if nodes[u]["kind"] == "COMPUTE":
                    self.last_use[u] = max(self.last_use.get(u, -1), self.pos[v])
        self.n = n_pos

    def parameters(self):
        for v in self.weights:
            yield from self.weights[v]
            yield self.biases[v]

    def node(self, v, env):
        """y_v from the tensors in env (COMPUTE inputs) and the inputs."""
        n = self.g["nodes"][v]
        z = None
        for t, u in enumerate(n["terms"]):
            x = env[u] if u in env else self.inputs[u]
            base = self.biases[v] if z is None else z
            z = torch.addmm(base, x, self.weights[v][t])
        if z is None:
            z = self.biases[v].expand(self.rows, n["width"])
        return torch.tanh(z)

    def loss_store_all(self):
        env = {}
        nodes = self.g["nodes"]
        loss = None
        for p, v in enumerate(self.order):
            y = self.node(v, env)
            env[v] = y
            if nodes[v]["output"]:
                s = y.sum()
                loss = s if loss is None else loss + s
            for u in nodes[v]["terms"]:
                if u in env and self.last_use.get(u, -1) <= p:
                    del env[u]  # Autograd keeps what backward needs.
            if v in env and self.last_use.get(v, -1) < 0:
                del env[v]
        return loss

    def loss_checkpoint(self, segment):
        nodes = self.g["nodes"]
        live = {}  # Frontier tensors held outside the segments.
        loss = None
        for lo in range(0, self.n, segment):
            hi = min(self.n, lo + segment)
            reads = sorted({u for p in range(lo, hi) for u in nodes[self.order[p]]["terms"]
                            if nodes[u]["kind"] == "COMPUTE" and self.pos[u] < lo})
            keeps = [self.order[p] for p in range(lo, hi)
                     if self.last_use.get(self.order[p], -1) >= hi]

            def run(*args, lo=lo, hi=hi, reads=reads, keeps=keeps):
                env = dict(zip(reads, args))
                part = None
                for p in range(lo, hi):
                    v = self.order[p]
                    y = self.node(v, env)
                    env[v] = y
                    if nodes[v]["output"]:
                        s = y.sum()
                        part = s if part is None else part + s
                if part is None:
                    part = torch.zeros((), device=self.device)
                return tuple(env[v] for v in keeps) + (part,)

            out = torch.utils.checkpoint.checkpoint(
                run, *[live[u] for u in reads], use_reentrant=False)
            for v, t in zip(keeps, out[:-1]):
                live[v] = t
            loss = out[-1] if loss is None else loss + out[-1]
            for u in list(live):
                if self.last_use.get(u, -1) < hi:
                    del live[u]
        return loss


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def measure(net, mode, repeats, device, segment):
    params = list(net.parameters())
    for p in params:
        p.grad = torch.zeros_like(p)

    def step():
        loss = net.loss_store_all() if mode == "store_all" else net.loss_checkpoint(segment)
        loss.backward()
        return loss

    loss = float(step().detach())  # Warm-up (cuBLAS handles, kernels, allocator).
    best = None
    peak = 0
    for _ in range(repeats):
        for p in params:
            p.grad.zero_()
        sync(device)
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats()
            base = torch.cuda.memory_allocated()
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            step()
            end.record()
            torch.cuda.synchronize()
            seconds = start.elapsed_time(end) / 1e3
            peak = max(peak, torch.cuda.max_memory_allocated() - base)
        else:
            t0 = time.perf_counter()
            step()
            seconds = time.perf_counter() - t0
            peak = -1
        best = seconds if best is None else min(best, seconds)
    grads = [p.grad.detach().to("cpu", copy=True) for p in params]
    return {"seconds": best, "peak_bytes": peak, "loss": loss}, grads


def read_replay_csv(path):
    rows = {}
    if not path or not os.path.exists(path):
        return rows
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok":
                rows[(r["family"], r["planner"])] = r
    return rows


def gib(b):
    return "%.3f" % (float(b) / 2**30) if b is not None and float(b) >= 0 else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graphs", required=True, help="directory of <family>.graph.json")
    ap.add_argument("--out", required=True, help="where torch.csv and torch.md go")
    ap.add_argument("--replay_csv", default="", help="replay_bench.csv for the side-by-side table")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--seed", type=int, default=1, help="torch RNG seed (--init=torch)")
    ap.add_argument("--init", choices=["auto", "replay", "torch"], default="auto",
                    help="replay: the replay's exact hash-based values (numpy, slow for "
                    "large graphs); torch: torch's RNG; auto: replay below 20M parameters")
    args = ap.parse_args()

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_replay: CUDA is not available to torch")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    paths = sorted(glob.glob(os.path.join(args.graphs, "*.graph.json")))
    if not paths:
        sys.exit("torch_replay: no *.graph.json in %s" % args.graphs)
    replay = read_replay_csv(args.replay_csv)
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"

    results = []
    for path in paths:
        g = load_graph(path)
        nodes = g["nodes"]
        n_params = sum(nodes[u]["width"] * n["width"] for n in nodes for u in n["terms"])
        replay_init = args.init == "replay" or (args.init == "auto" and n_params <= 20_000_000)
        net = Network(g, device, args.seed, replay_init)
        segment = max(1, math.ceil(math.sqrt(net.n)))
        row = {"family": g["family"], "rows": g["rows"], "nodes": net.n, "segment": segment,
               "init": "replay" if replay_init else "torch"}
        for mode in ("store_all", "checkpoint"):
            print("torch_replay: %s %s" % (g["family"], mode), file=sys.stderr, flush=True)
            wall = time.perf_counter()
            try:
                m, grads = measure(net, mode, args.repeats, device, segment)
                row[mode] = m
                row[mode + "_grads"] = grads
            except RuntimeError as e:  # e.g. CUDA out of memory.
                row[mode] = {"error": str(e).splitlines()[0]}
            if device.type == "cuda":
                torch.cuda.empty_cache()
            print("torch_replay: %s %s took %.1f s wall" % (g["family"], mode,
                  time.perf_counter() - wall), file=sys.stderr, flush=True)
        ref = g.get("reference_loss")
        if replay_init and ref is not None and "loss" in row["store_all"]:
            row["loss_rel_err"] = abs(row["store_all"]["loss"] - ref) / max(abs(ref), 1e-30)
            print("torch_replay: %s loss %.9g, the replay's float64 reference %.9g (relative "
                  "difference %.2e)" % (g["family"], row["store_all"]["loss"], ref,
                                        row["loss_rel_err"]), file=sys.stderr)
        if "store_all_grads" in row and "checkpoint_grads" in row:
            row["grads_equal"] = all(torch.equal(a, b) for a, b in
                                     zip(row.pop("store_all_grads"), row.pop("checkpoint_grads")))
        results.append(row)
        del net
        if device.type == "cuda":
            torch.cuda.empty_cache()

    with open(os.path.join(args.out, "torch.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["family", "rows", "compute_nodes", "mode", "peak_bytes", "seconds",
                    "segment", "grads_equal_store_all", "init", "loss", "loss_rel_err_vs_replay",
                    "error", "torch", "device"])
        for r in results:
            for mode in ("store_all", "checkpoint"):
                m = r[mode]
                w.writerow([r["family"], r["rows"], r["nodes"], mode, m.get("peak_bytes", ""),
                            "%.6f" % m["seconds"] if "seconds" in m else "",
                            r["segment"] if mode == "checkpoint" else "",
                            r.get("grads_equal", "") if mode == "checkpoint" else "",
                            r["init"], m.get("loss", ""),
                            r.get("loss_rel_err", "") if mode == "store_all" else "",
                            m.get("error", ""), torch.__version__, device_name])

    lines = [
        "PyTorch %s on %s (CUDA %s), FP32, TF32 off; checkpoint = torch.utils.checkpoint "
        "(non-reentrant) over ceil(sqrt(n))-node segments of the same order. Peaks in GiB "
        "(activations + gradients), times in seconds per forward+backward." % (
            torch.__version__, device_name, torch.version.cuda),
        "",
        "| family | rows | replay store-all peak | torch store-all peak | replay store-all s "
        "| torch store-all s | replay periodic peak | torch checkpoint peak | replay periodic s "
        "| torch checkpoint s | torch checkpoint grads == store-all |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ours_sa = replay.get((r["family"], "store_all"), {})
        ours_p = replay.get((r["family"], "periodic"), {})
        sa, ck = r["store_all"], r["checkpoint"]

        def sec(m):
            return "%.3f" % m["seconds"] if "seconds" in m else m.get("error", "-")

        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["family"], r["rows"],
            gib(ours_sa.get("measured_peak_bytes")), gib(sa.get("peak_bytes")),
            "%.3f" % float(ours_sa["seconds"]) if ours_sa else "-", sec(sa),
            gib(ours_p.get("measured_peak_bytes")), gib(ck.get("peak_bytes")),
            "%.3f" % float(ours_p["seconds"]) if ours_p else "-", sec(ck),
            {True: "yes", False: "no"}.get(r.get("grads_equal"), "-")))
    lines.append("")
    for r in results:
        if "loss_rel_err" in r:
            lines.append("- %s: PyTorch with the replay's exact values gives loss %.9g, the "
                         "replay's float64 reference differs by %.1e (relative): the same "
                         "network." % (r["family"], r["store_all"]["loss"], r["loss_rel_err"]))
        else:
            lines.append("- %s: values from torch's RNG (%s init), same shapes and scales." % (
                r["family"], r["init"]))
    with open(os.path.join(args.out, "torch.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

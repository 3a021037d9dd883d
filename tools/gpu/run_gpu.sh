#!/usr/bin/env bash
# The whole GPU measurement in one call, on a machine with an NVIDIA GPU,
# its driver, CUDA 13 (cuBLAS) and optionally PyTorch; no Bazel, protobuf,
# Abseil or network needed (the bundle of build_bundle.sh carries them).
#
#   1. replay_bench: transformer-like, residual and random-DAG graphs sized to
#      fill the GPU (store-all peak = 0.6 of the free memory left after
#      parameters; --target_fraction),
#      every planner vs store-all on real tensors (cuBLAS): measured vs
#      simulated peak, cudaMemGetInfo cross-check, CUDA-event times,
#      bitwise gradient check.
#   2. torch_replay.py: the same networks in PyTorch, store-all and
#      torch.utils.checkpoint (sqrt(n) segments of the same order).
#   3. One Markdown table with the device name and date:
#      results/gpu_replay_<date>_<gpu>.md (+ the raw CSVs beside it).
#
# Usage: run_gpu.sh [--bundle DIR] [--results DIR] [--quick] [-- replay_bench flags]
#   --bundle   the bundle (default: this script's directory if it holds
#              bin/replay_bench, else <repo>/bazel-gpu-bundle)
#   --results  where to write (default: <repo>/results when run from the
#              repository, else ./results)
#   --quick    small sizes and one repeat (a smoke test, ~1 minute)
# Environment: CUDA_HOME (default /usr/local/cuda), PYTHON (default python3),
# TBP_TORCH_DEVICE (default cuda; cpu only to test the script off-GPU).
# Exit status: 0 when every measured row matched the simulator and
# store-all bit for bit and the CUDA tests passed, 2 when a row or a test
# did not, 1 on errors.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bundle=""
results=""
quick=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="$(cd "$2" && pwd)"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "run_gpu: unknown argument $1 (see --help)" >&2; exit 1 ;;
  esac
done
repo=""  # A repository checkout holding this script (tools/gpu/) or the bundle.
if [ -f "$here/../../WORKSPACE" ]; then repo="$(cd "$here/../.." && pwd)"
elif [ -f "$here/../WORKSPACE" ]; then repo="$(cd "$here/.." && pwd)"; fi
if [ -z "$bundle" ]; then
  if [ -x "$here/bin/replay_bench" ]; then bundle="$here"
  elif [ -n "$repo" ] && [ -x "$repo/bazel-gpu-bundle/bin/replay_bench" ]; then bundle="$repo/bazel-gpu-bundle"
  else echo "run_gpu: no bundle found: build it with tools/gpu/build_bundle.sh, or pass --bundle" >&2; exit 1
  fi
fi
if [ -z "$results" ]; then
  if [ -n "$repo" ]; then results="$repo/results"; else results="$PWD/results"; fi
fi
mkdir -p "$results"
results="$(cd "$results" && pwd)"

# --- The device --------------------------------------------------------------
gpu_name="unknown GPU"; gpu_mem=""; driver=""
if command -v nvidia-smi >/dev/null 2>&1; then
  IFS=, read -r gpu_name gpu_mem driver < <(nvidia-smi --query-gpu=name,memory.total,driver_version \
      --format=csv,noheader 2>/dev/null | head -1) || true
  gpu_name="$(echo "$gpu_name" | sed 's/^ *//;s/ *$//')"
fi
date_utc="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
slug="$(echo "$gpu_name" | tr -c 'A-Za-z0-9' '_' | sed 's/__*/_/g;s/^_//;s/_$//')"
stamp="$(date -u +%Y%m%d-%H%M%S)"
run="$results/gpu_replay_${stamp}_${slug:-gpu}"
mkdir -p "$run/graphs"
summary="$run.md"
echo "run_gpu: $gpu_name ($gpu_mem, driver $driver), writing $run/ and $summary"

# --- How to start the binary -------------------------------------------------
cuda_home="${CUDA_HOME:-/usr/local/cuda}"
cuda_libs="$cuda_home/lib64"
if [ ! -e "$cuda_libs/libcublas.so.13" ] && [ ! -e "$bundle/lib/libcublas.so.13" ]; then
  # No cuBLAS 13 in CUDA_HOME: take one from another install (e.g. PyTorch's
  # nvidia-cublas wheel) and say so.
  alt="$(find /usr/local /opt /usr/lib -name libcublas.so.13 2>/dev/null | sort | head -1)"
  if [ -n "$alt" ]; then
    cuda_libs="$cuda_libs:$(dirname "$alt")"
    echo "run_gpu: no libcublas.so.13 in $cuda_home/lib64; using $alt"
  fi
fi
libpath="$bundle/lib:$cuda_libs:${LD_LIBRARY_PATH:-}"
launch=(env "LD_LIBRARY_PATH=$libpath" "$bundle/bin/replay_bench")
if ! "${launch[@]}" --self_check >"$run/self_check.log" 2>&1; then
  # Usually: this machine's glibc is older than the build machine's. Use the
  # bundled glibc and loader; libcuda still comes from the system paths.
  sys_dirs="/usr/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/local/nvidia/lib64:/usr/lib/wsl/lib"
  launch=("$bundle/lib/glibc/ld-linux-x86-64.so.2" --library-path
          "$bundle/lib/glibc:$bundle/lib:$cuda_libs:$sys_dirs" "$bundle/bin/replay_bench")
  if ! "${launch[@]}" --self_check >>"$run/self_check.log" 2>&1; then
    echo "run_gpu: the replay binary does not start; see $run/self_check.log" >&2
    cat "$run/self_check.log" >&2
    exit 1
  fi
  echo "run_gpu: using the bundled glibc loader"
fi

# --- 0. The CUDA replay tests (replay/cuda_backend_test.cc) -----------------
tests_status="not in the bundle"
tests_failed=0
if [ -x "$bundle/bin/cuda_backend_test" ]; then
  test_launch=("${launch[@]}")
  test_launch[${#test_launch[@]}-1]="$bundle/bin/cuda_backend_test"
  "${test_launch[@]}" >"$run/cuda_backend_test.log" 2>&1
  test_rc=$?
  passed="$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$run/cuda_backend_test.log")"
  skipped="$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$run/cuda_backend_test.log")"
  failed="$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$run/cuda_backend_test.log")"
  tests_status="exit $test_rc: ${passed:-0} passed, ${skipped:-0} skipped, ${failed:-0} failed"
  if [ "$test_rc" -ne 0 ]; then tests_failed=1; fi
  echo "run_gpu: cuda_backend_test: $tests_status"
fi

# --- 1. Replay --------------------------------------------------------------
bench_flags=(--backend=cuda --out_dir="$run" --export_dir="$run/graphs")
if [ "$quick" = 1 ]; then
  bench_flags+=(--target_fraction=0.1 --repeats=1 --warmup_runs=1)
fi
bench_flags+=(${extra[@]+"${extra[@]}"})
echo "run_gpu: replay_bench ${bench_flags[*]}"
t0=$(date +%s)
"${launch[@]}" "${bench_flags[@]}" 2> >(tee "$run/replay_bench.log" >&2)
bench_status=$?
t1=$(date +%s)

# --- 2. PyTorch --------------------------------------------------------------
torch_status="not run"
py="${PYTHON:-python3}"
torch_device="${TBP_TORCH_DEVICE:-cuda}"  # cpu only to test this script off-GPU.
if "$py" -c "import torch, sys; sys.exit(0 if '$torch_device' == 'cpu' or torch.cuda.is_available() else 1)" >/dev/null 2>&1; then
  torch_flags=(--graphs "$run/graphs" --out "$run" --replay_csv "$run/replay_bench.csv" --device "$torch_device")
  if [ "$quick" = 1 ]; then torch_flags+=(--repeats 1); fi
  if "$py" "$bundle/torch_replay.py" "${torch_flags[@]}" 2> >(tee "$run/torch.log" >&2); then
    torch_status="ok"
  else
    torch_status="failed (see torch.log)"
  fi
else
  torch_status="skipped: python3 with CUDA-enabled torch not found"
fi
t2=$(date +%s)

# --- 3. Summary --------------------------------------------------------------
{
  echo "# GPU replay: $gpu_name"
  echo
  echo "- date: $date_utc"
  echo "- device: $gpu_name, $gpu_mem, driver $driver"
  echo "- host: $(uname -srm), $(nproc) CPUs"
  echo "- bundle: $(sed -n 's/^commit: //p' "$bundle/MANIFEST.txt" 2>/dev/null), built $(sed -n 's/^built: //p' "$bundle/MANIFEST.txt" 2>/dev/null)"
  echo "- cuda_backend_test: $tests_status"
  echo "- replay_bench: exit $bench_status, $((t1 - t0)) s; PyTorch: $torch_status, $((t2 - t1)) s"
  echo "- quick mode: $([ "$quick" = 1 ] && echo yes || echo no)"
  echo
  echo "## tiny-backprop replay"
  echo
  if [ -f "$run/replay_bench.md" ]; then cat "$run/replay_bench.md"; else echo "(no table: see replay_bench.log)"; fi
  echo
  echo "## Side by side with PyTorch (same networks)"
  echo
  if [ -f "$run/torch.md" ]; then cat "$run/torch.md"; else echo "($torch_status)"; fi
  echo
  echo "Columns: peaks are activation + gradient bytes (parameters, their"
  echo "gradients and workspaces excluded); time overhead = seconds / store-all"
  echo "seconds - 1 on the same backward order; compute overhead is the"
  echo "simulator's recompute FLOPs / base FLOPs; 'gradients bitwise' compares"
  echo "every parameter gradient with the store-all run on this GPU."
} > "$summary"
echo "run_gpu: wrote $summary"
if [ "$bench_status" -ne 0 ]; then exit "$bench_status"; fi
if [ "$tests_failed" -ne 0 ]; then exit 2; fi
exit 0

#!/usr/bin/env bash
# Builds the self-contained GPU replay bundle on this (build) machine:
#   bin/replay_bench          built with --config=cuda -c opt (CUDA 13, x86-64)
#   lib/*.so*                 its shared libraries (protobuf, Abseil, libstdc++,
#                             libgcc_s, zlib, cudart; cuBLAS with --with-cublas)
#   lib/glibc/                glibc and its loader, used only when the GPU
#                             machine's glibc is older than this one's
#   run_gpu.sh torch_replay.py README.md MANIFEST.txt
# and a tarball next to it. The GPU machine needs only a driver for CUDA 13,
# cuBLAS 13 (its CUDA install; or --with-cublas) and, for the PyTorch side,
# python3 with torch. See tools/gpu/README.md.
#
# Usage: tools/gpu/build_bundle.sh [OUT_DIR] [--with-cublas]
#   OUT_DIR defaults to bazel-gpu-bundle/ in the workspace (ignored by git
#   through the bazel-* pattern).
set -euo pipefail
cd "$(dirname "$0")/../.."
ws="$PWD"
out="$ws/bazel-gpu-bundle"
with_cublas=0
for arg in "$@"; do
  case "$arg" in
    --with-cublas) with_cublas=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) out="$(realpath -m "$arg")" ;;
  esac
done
if [ ! -x /usr/local/cuda/bin/nvcc ]; then
  echo "build_bundle: /usr/local/cuda/bin/nvcc not found: the bundle needs CUDA 13 here" >&2
  exit 1
fi

flags=(--config=cuda -c opt)
bazel build "${flags[@]}" //replay:replay_bench //replay:cuda_backend_test
bin_dir="$(bazel info "${flags[@]}" bazel-bin 2>/dev/null)/replay"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib/glibc"
# replay_bench is the measurement; cuda_backend_test (the CUDA replay tests,
# which skip without a GPU here) runs first on the GPU machine.
for b in replay_bench cuda_backend_test; do
  cp "$bin_dir/$b" "$out/bin/$b"
  chmod u+w,+x "$out/bin/$b"
done

# Shared libraries: everything ldd resolves, except the driver (libcuda must
# come from the GPU machine) and, unless asked, cuBLAS (~600 MB; the GPU
# machine's CUDA 13 provides it). glibc goes to lib/glibc: mixing a bundled
# libc with the system's loader breaks, so it is used only with the bundled
# loader (run_gpu.sh decides).
glibc_re='^(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-x86-64)\.so'
ldd "$out/bin/replay_bench" "$out/bin/cuda_backend_test" | sort -u | while read -r name arrow path _; do
  if [ "$arrow" != "=>" ]; then
    # The loader line: "/lib64/ld-linux-x86-64.so.2 (0x...)".
    case "$name" in
      */ld-linux-x86-64.so.2) cp -L "$name" "$out/lib/glibc/ld-linux-x86-64.so.2" ;;
    esac
    continue
  fi
  [ -n "$path" ] && [ -f "$path" ] || { echo "build_bundle: unresolved $name" >&2; exit 1; }
  case "$name" in
    libcuda.so*) continue ;;
    libcublas.so*|libcublasLt.so*) [ "$with_cublas" = 1 ] || continue ;;
  esac
  if [[ "$name" =~ $glibc_re ]]; then
    cp -L "$path" "$out/lib/glibc/$name"
  else
    cp -L "$path" "$out/lib/$name"
  fi
done
if [ "$with_cublas" = 1 ]; then
  # cuBLAS loads cuBLASLt itself.
  for f in /usr/local/cuda/lib64/libcublasLt.so.13; do cp -L "$f" "$out/lib/"; done
fi
# Other glibc pieces that libcuda or cudart may dlopen.
for extra in libdl.so.2 libpthread.so.0 librt.so.1; do
  [ -f "/lib/x86_64-linux-gnu/$extra" ] && cp -L "/lib/x86_64-linux-gnu/$extra" "$out/lib/glibc/"
done

cp tools/gpu/run_gpu.sh tools/gpu/torch_replay.py tools/gpu/README.md "$out/"
chmod +x "$out/run_gpu.sh"
{
  echo "tiny-backprop GPU replay bundle"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
  echo "commit: $(git -C "$ws" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$ws" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "nvcc: $(/usr/local/cuda/bin/nvcc --version | tail -1)"
  echo "glibc: $(ldd --version | head -1)"
  echo "cublas bundled: $([ "$with_cublas" = 1 ] && echo yes || echo no)"
} > "$out/MANIFEST.txt"

# Smoke test here: the bundle loads and was built with CUDA.
if ! LD_LIBRARY_PATH="$out/lib" "$out/bin/replay_bench" --self_check | grep -q cuda; then
  echo "build_bundle: the bundled binary does not report a CUDA backend" >&2
  exit 1
fi
if ! "$out/lib/glibc/ld-linux-x86-64.so.2" --library-path "$out/lib/glibc:$out/lib:/usr/local/cuda/lib64" \
     "$out/bin/replay_bench" --self_check >/dev/null; then
  echo "build_bundle: the bundled binary does not start with the bundled loader" >&2
  exit 1
fi
tar -C "$(dirname "$out")" -czf "$out.tar.gz" "$(basename "$out")"
echo "bundle: $out ($(du -sh "$out" | cut -f1)), tarball: $out.tar.gz"

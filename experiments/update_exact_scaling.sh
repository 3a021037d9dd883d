#!/usr/bin/env bash
# bazel run -c opt //experiments:update_exact_scaling
# Reruns exact_scaling (wall-clock, NOT reproducible) and rewrites the
# committed experiments/results/exact_scaling.csv and
# exact_scaling.machine.txt, which the paper reads. Takes up to ~30 min
# (each family stops at the first size a method cannot solve in 60 s);
# run it on an otherwise idle machine.
set -euo pipefail
binary="$1"
spec="$2"
if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
  echo "update_exact_scaling: run me with 'bazel run -c opt //experiments:update_exact_scaling'" >&2
  exit 1
fi
dest="$BUILD_WORKSPACE_DIRECTORY/experiments/results"
mkdir -p "$dest"
start=$(date +%s)
"$binary" --spec="$spec" --csv="$dest/exact_scaling.csv" "${@:3}"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
echo "${cpu:-unknown CPU}, $(nproc) cores, $(uname -s) $(uname -m)" \
  > "$dest/exact_scaling.machine.txt"
echo "update_exact_scaling: wrote $dest/exact_scaling.{csv,machine.txt} in $(( $(date +%s) - start )) s"

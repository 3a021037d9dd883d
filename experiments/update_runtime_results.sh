#!/usr/bin/env bash
# bazel run //experiments:update_runtime_results
# Reruns planner_runtime_scaling (wall-clock timings, NOT reproducible) and
# rewrites the committed experiments/results/planner_runtime_scaling.{csv,json}
# in the source tree, which figures/runtime.gp and the paper read, and
# planner_runtime_scaling.machine.txt, the one-line machine description the
# paper quotes. Takes about a minute; run it on an otherwise idle machine.
set -euo pipefail
binary="$1"
spec="$2"
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run //experiments:update_runtime_results"
start=$(date +%s)
"$binary" --spec="$spec" --csv="$dest/planner_runtime_scaling.csv" \
  --out="$dest/planner_runtime_scaling.json"
machine_description | write_atomically "$dest/planner_runtime_scaling.machine.txt"
echo "update_runtime_results: wrote $dest/planner_runtime_scaling.{csv,json,machine.txt} in $(( $(date +%s) - start )) s ($(nproc) cores, $(uname -m))"

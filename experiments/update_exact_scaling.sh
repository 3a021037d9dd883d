#!/usr/bin/env bash
# bazel run -c opt //experiments:update_exact_scaling
# Reruns exact_scaling (wall-clock, NOT reproducible) and rewrites the
# committed experiments/results/exact_scaling.csv and
# exact_scaling.machine.txt, which the paper reads. Takes ~16 min on 2 cores
# (each family stops at the first size a method cannot solve in 60 s);
# run it on an otherwise idle machine.
set -euo pipefail
binary="$1"
spec="$2"
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run -c opt //experiments:update_exact_scaling"
start=$(date +%s)
"$binary" --spec="$spec" --csv="$dest/exact_scaling.csv" "${@:3}"
machine_description | write_atomically "$dest/exact_scaling.machine.txt"
echo "update_exact_scaling: wrote $dest/exact_scaling.{csv,machine.txt} in $(( $(date +%s) - start )) s"

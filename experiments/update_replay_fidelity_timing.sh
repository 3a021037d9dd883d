#!/usr/bin/env bash
# bazel run //experiments:update_replay_fidelity_timing
# Reruns replay_fidelity with its wall-clock columns (store-all and schedule
# seconds, time overhead; NOT reproducible) and rewrites the committed
# experiments/results/replay_fidelity_timing.csv, which figures/replay_fidelity.gp
# reads, and replay_fidelity_timing.machine.txt (one line: the machine).
# Takes a few seconds; run it on an otherwise idle machine.
set -euo pipefail
binary="$1"
spec="$2"
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run //experiments:update_replay_fidelity_timing"
"$binary" --spec="$spec" --timing_csv="$dest/replay_fidelity_timing.csv" 2>/dev/null
echo "$(machine_description), CPU backend" | write_atomically "$dest/replay_fidelity_timing.machine.txt"
echo "update_replay_fidelity_timing: wrote $dest/replay_fidelity_timing.{csv,machine.txt}"

#!/usr/bin/env bash
# The README's main command: reproduces every result, figure and the paper
# from a clean clone, then copies them into out/:
#   out/paper.pdf                 the paper
#   out/figures/<name>.{pdf,svg}  every figure (PDF for the paper, SVG for the README)
#   out/results/*.{csv,json}      the merged experiment results
# Installs missing Debian packages first (tools/setup.sh). Everything runs
# as hermetic Bazel actions (experiments sharded, results cached), so a
# second run only redoes what changed. Extra arguments go to `bazel build`
# (e.g. --config=remote with --remote_executor=... to run the sweeps on a
# remote-execution service).
#
# Not rerun here: planner_runtime_scaling (wall-clock timings; refresh it
# with `bazel run //experiments:update_runtime_results`) and the
# replay_fidelity timings (`bazel run //experiments:update_replay_fidelity_timing`),
# nor the committed exact-method runs that take up to hours:
# `bazel run -c opt //experiments:update_exact_scaling`,
# `bazel run -c opt //experiments:update_exact_cross_check`,
# `bazel run //experiments:update_peers_milp` and
# `bazel run //experiments:update_peers_zoo_timing`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TBP_WORKSPACE="$PWD"
start=$(date +%s)
tools/setup.sh
targets=(//experiments:all_results //figures:figures //paper:paper)
echo "reproduce: building ${targets[*]} (results -> figures -> paper)" >&2
bazel build "$@" "${targets[@]}"
bazel run "$@" //paper:install_outputs
elapsed=$(( $(date +%s) - start ))
cat <<MSG

reproduce: done in $((elapsed / 60)) min $((elapsed % 60)) s ($(nproc) cores).
  paper:   $PWD/out/paper.pdf
  figures: $PWD/out/figures/  (one figure: bazel run //figures:<name> -> figures/out/)
  results: $PWD/out/results/
MSG

#!/usr/bin/env bash
# Runs every fuzz target of tests/fuzz for RUNS executions each (default
# 1,000,000), outside CI, and prints one line per target: executions,
# accepted / rejected inputs, wall seconds, the slowest execution.
#   tests/fuzz/run_long.sh [RUNS] [bazel flags...]
#   tests/fuzz/run_long.sh 1000000 --config=asan
#   TBP_FUZZ_SEED=7 tests/fuzz/run_long.sh 100000
# A failure names the execution and prints the input; rerun it alone with
# TBP_FUZZ_SEED=<seed> TBP_FUZZ_START=<index> TBP_FUZZ_RUNS=1 (fuzz_lib.h).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-1000000}"
shift || true
seed="${TBP_FUZZ_SEED:-1}"
start=$(date +%s)
status=0
bazel test //tests/fuzz/... "$@" \
  --test_env=TBP_FUZZ_RUNS="$runs" --test_env=TBP_FUZZ_SEED="$seed" \
  --test_timeout=86400 --cache_test_results=no --test_output=errors || status=$?
testlogs="$(bazel info "$@" bazel-testlogs)"
for log in "$testlogs"/tests/fuzz/*/test.log; do
  grep -h '^fuzz ' "$log" || echo "$(basename "$(dirname "$log")"): no summary line (see $log)"
done
echo "run_long: $runs runs per target, seed $seed, bazel flags '$*': $(( $(date +%s) - start )) s, exit $status"
exit "$status"

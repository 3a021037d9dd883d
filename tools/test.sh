#!/usr/bin/env bash
# The README's test command: installs missing packages, then builds
# everything and runs every test; the CUDA replay backend too when nvcc is
# present (its tests skip without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
export TBP_WORKSPACE="$PWD"
tools/setup.sh
log=$(mktemp)
status=0
bazel test //... "$@" 2>&1 | tee "$log" || status=$?
# The CUDA replay backend is compiled and linked whenever nvcc is present;
# its tests skip cleanly (with the reason) when there is no GPU or driver.
if [ -x /usr/local/cuda/bin/nvcc ]; then
  bazel test --config=cuda //replay/... "$@" 2>&1 | tee -a "$log" || status=$?
else
  echo "tools/test.sh: /usr/local/cuda/bin/nvcc not found: CUDA backend not built" >&2
fi
# A plain summary line: "N passed, N failed".
passed=$(grep -cE '^//.* PASSED in' "$log" || true)
failed=$(grep -cE '^//.* (FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log" || true)
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  # --test_summary=terse prints only failures; count from the totals line.
  total=$(grep -oE 'Executed [0-9]+ out of [0-9]+ tests?: [0-9]+ tests? pass' "$log" | \
          grep -oE '[0-9]+ tests? pass' | grep -oE '^[0-9]+' || true)
  passed=${total:-0}
fi
echo "tests: ${passed} passed, ${failed} failed"
rm -f "$log"
exit "$status"

#!/usr/bin/env bash
# A `tbp plan --out` killed with SIGKILL while it works leaves no output
# file or a complete one (one that `tbp simulate` accepts), and no
# temporary file beside it. The plan is long enough (a 200,000-node chain,
# interval tree: about a million instructions) that the kills land before,
# during and after the write; each outcome is checked, whichever it is.
set -uo pipefail
TBP="${TEST_SRCDIR}/tiny_backprop/cli/tbp"
T="${TEST_TMPDIR:-$(mktemp -d)}"
# shellcheck source=tests/cli_lib.sh
source "${TEST_SRCDIR}/tiny_backprop/tests/cli_lib.sh"

g="$T/chain.pb"
"$TBP" generate --family=chain --nodes=200000 --out="$g" >/dev/null || fail "generate"
outcomes=""
for delay in 0.05 0.2 0.4 0.7 1.0 1.5 2.5 4.0; do
  dir="$T/run_$delay"
  mkdir -p "$dir"
  out="$dir/plan.pb"
  "$TBP" plan --graph="$g" --planner=interval_tree --out="$out" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  leftovers=$(ls -A "$dir" | grep -v '^plan\.pb$' || true)
  [ -z "$leftovers" ] || fail "killed after ${delay}s: left $leftovers"
  if [ -e "$out" ]; then
    "$TBP" simulate --graph="$g" --schedule="$out" >/dev/null 2>&1 \
      || fail "killed after ${delay}s: $out is not a complete schedule"
    outcomes="$outcomes complete"
  else
    outcomes="$outcomes none"
  fi
done
echo "outcomes by kill delay:$outcomes"
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "interrupted_write_test: all checks passed"

#!/usr/bin/env bash
# bazel run -c opt //experiments:update_exact_cross_check
# Runs the opt-in cross-checks of the two exact methods (tests/BUILD:
# exact_cross_check_large_test, graphs of 7 to 8 COMPUTE nodes, and
# exact_cross_check_xl_test, 9 to 10) and rewrites the committed
# experiments/results/exact_cross_check.csv that the paper reads: one row
# per graph on which the MILP and the exhaustive search gave the same optimum
# at every breakpoint budget of its cost-vs-budget function (and one byte
# below each). Which graphs agree is reproducible; the seconds are wall
# clock (NOT reproducible). Hours on 2 cores: run it on an otherwise idle
# machine. A disagreement fails the test, and then nothing is written.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run -c opt //experiments:update_exact_cross_check"
tmp=$(mktemp)
log=$(mktemp)
trap 'rm -f "$tmp" "$log"' EXIT
{
  echo "# exact_cross_check: graphs on which the MILP (CBC) and the exhaustive search agree"
  echo "# at every breakpoint budget (tests/exact_cross_check_test.cc, opt-in variants)."
  echo "# Written by experiments/update_exact_cross_check.sh; seconds are wall clock on"
  echo "# $(machine_description) (NOT reproducible)."
  echo "variant,seed,compute_nodes,breakpoints,seconds"
} > "$tmp"
while [ $# -ge 2 ]; do
  variant="$1"
  binary="$2"
  shift 2
  echo "update_exact_cross_check: running $variant ($binary)" >&2
  # Not under `bazel test`: one process, every seed of the variant.
  if ! "$binary" > "$log" 2>&1; then
    cat "$log" >&2
    echo "update_exact_cross_check: $variant failed; nothing written" >&2
    exit 1
  fi
  # "seed 1001: 8 COMPUTE nodes, 1 breakpoints, 0.5 s"
  sed -n 's/^seed \([0-9]*\): \([0-9]*\) COMPUTE nodes, \([0-9]*\) breakpoints, \([0-9.]*\) s$/'"$variant"',\1,\2,\3,\4/p' \
    "$log" >> "$tmp"
done
mv "$tmp" "$dest/exact_cross_check.csv"
echo "update_exact_cross_check: wrote $dest/exact_cross_check.csv" >&2

#!/usr/bin/env bash
# Determinism of the hermetic experiments: the same spec gives the same
# bytes (CSV and binary RunResults), run twice, and sharded runs merged give
# the bytes of the unsharded run. planner_runtime_scaling is excluded: its
# *_seconds columns are wall-clock measurements.
#
# usage: determinism_test.sh RANDOM_DAGS COMPARE LOWER_BOUND_GAP FRONTIER MERGE
#            TINY_SPEC TINY_EXACT_SPEC TINY_FRONTIER_SPEC
#            BAZEL_TINY_RESULTS.csv BAZEL_TINY_RESULTS.json
#            REPLAY_FIDELITY REPLAY_FIDELITY_SPEC BAZEL_REPLAY_FIDELITY.csv
#            TINY_CLUSTER_SWEEP_SPEC
# replay_fidelity's --csv (no wall-clock columns) is checked too; its
# --timing_csv is excluded. The small version of the cluster sweep
# (specs/cluster_sweep.textproto) is checked at 64 shards, the count of
# //experiments:cluster_sweep_results, and at 3.
set -euo pipefail
random_dags="$1" compare="$2" gap="$3" frontier="$4" merge="$5"
tiny="$6" tiny_exact="$7" tiny_frontier="$8" bazel_csv="$9" bazel_json="${10}"
replay_fidelity="${11}" replay_spec="${12}" bazel_replay_csv="${13}"
tiny_cluster="${14}"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

same() {  # same FILE_A FILE_B WHAT
  if ! cmp -s "$1" "$2"; then
    fail "$3: $1 and $2 differ"
    diff <(od -c "$1" | head -50) <(od -c "$2" | head -50) | head -20 >&2 || true
  fi
}

check() {  # check NAME BINARY SPEC SHARDS...
  local name="$1" binary="$2" spec="$3" d="$tmp/$1" shards
  shift 3
  mkdir -p "$d"
  for run in a b; do
    "$binary" --spec="$spec" --out="$d/$run.pb" --csv="$d/$run.csv" 2>/dev/null
  done
  same "$d/a.csv" "$d/b.csv" "$name: CSV of two runs"
  same "$d/a.pb" "$d/b.pb" "$name: RunResults of two runs"
  for shards in "$@"; do
    local parts=()
    for ((k = 0; k < shards; k++)); do
      "$binary" --spec="$spec" --out="$d/shard${k}_of_$shards.pb" --shard_index=$k \
        --num_shards="$shards" 2>/dev/null
      parts+=("$d/shard${k}_of_$shards.pb")
    done
    "$merge" --out="$d/merged.pb" --csv="$d/merged.csv" "${parts[@]}"
    same "$d/a.csv" "$d/merged.csv" "$name: CSV unsharded vs $shards shards merged"
    same "$d/a.pb" "$d/merged.pb" "$name: RunResults unsharded vs $shards shards merged"
    # A missing shard must be refused, not silently merged.
    if [ "$shards" -gt 1 ] && "$merge" --csv="$d/partial.csv" "${parts[0]}" 2>/dev/null; then
      fail "$name: merging 1 of $shards shards succeeded"
    fi
  done
  [ -s "$d/a.csv" ] || fail "$name: empty CSV"
  local counts="$*"
  echo "ok: $name ($(grep -vc '^#' "$d/a.csv") CSV lines incl. header, ${counts// /, } shards)"
}

check random_dags "$random_dags" "$tiny" 3
check compare_checkpointing "$compare" "$tiny" 2
check lower_bound_gap "$gap" "$tiny_exact" 2
check tiny_cluster_sweep "$gap" "$tiny_cluster" 64 3

# The Bazel genrule path (2 shard actions + merge, experiments/defs.bzl)
# gives the bytes of a direct run.
"$compare" --spec="$tiny" --csv="$tmp/direct.csv" --out="$tmp/direct.json" 2>/dev/null
same "$tmp/direct.csv" "$bazel_csv" "Bazel-built tiny_results.csv vs a direct run"
same "$tmp/direct.json" "$bazel_json" "Bazel-built tiny_results.json vs a direct run"
echo "ok: Bazel-built tiny_results equal a direct run"
check frontier_profiles "$frontier" "$tiny_frontier" 2

# replay_fidelity: byte-stable CSV, twice, and equal to the Bazel-built one.
for run in a b; do
  "$replay_fidelity" --spec="$replay_spec" --csv="$tmp/replay_$run.csv" 2>/dev/null
done
same "$tmp/replay_a.csv" "$tmp/replay_b.csv" "replay_fidelity: CSV of two runs"
same "$tmp/replay_a.csv" "$bazel_replay_csv" "Bazel-built replay_fidelity_results.csv vs a direct run"
[ -s "$tmp/replay_a.csv" ] || fail "replay_fidelity: empty CSV"
echo "ok: replay_fidelity"

if [ "$failures" -ne 0 ]; then
  echo "$failures determinism check(s) failed" >&2
  exit 1
fi
echo "all determinism checks passed"

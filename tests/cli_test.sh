#!/usr/bin/env bash
# End-to-end tests of the tbp CLI: every subcommand but import (see
# import_cli_test.sh) on every family, the exact planners, JSON keys, and bad
# input (named error, exit != 0, no output file written).
set -uo pipefail
TBP="${TEST_SRCDIR}/tiny_backprop/cli/tbp"
T="${TEST_TMPDIR:-$(mktemp -d)}"
# shellcheck source=tests/cli_lib.sh
source "${TEST_SRCDIR}/tiny_backprop/tests/cli_lib.sh"
# has SUBSTRING -- command...: the command succeeds and prints SUBSTRING.
# (Output is captured first: grep -q would close the pipe early.)
has() {
  local substring="$1"; shift 2
  local out
  out=$("$@") || return 1
  [[ "$out" == *"$substring"* ]]
}

declare -A FLAGS=(
  [chain]="--nodes=30"
  [layered]="--layers=6 --width=3 --edge_prob=0.5 --skip_prob=0.2"
  [random_dag]="--nodes=40 --fan_in=2 --window=4 --long_range_prob=0.3"
  [wide]="--nodes=20 --wide_every=5 --wide_factor=10"
  [unet]="--depth=3"
  [residual]="--blocks=4 --block_depth=2"
  [transformer]="--layers=2 --batch=1 --seq_len=8 --hidden=8 --heads=2"
)
for family in "${!FLAGS[@]}"; do
  g="$T/$family.textproto"
  # shellcheck disable=SC2086
  "$TBP" generate --family="$family" --seed=3 ${FLAGS[$family]} --out="$g" >/dev/null \
    || fail "generate $family"
  has "lower bounds (true for every valid schedule)" -- "$TBP" analyze --graph="$g" \
    || fail "analyze $family"
  has '"best_lower_bound"' -- "$TBP" analyze --graph="$g" --format=json \
    || fail "analyze json $family"
  has '"backward_working_set"' -- "$TBP" bounds --graph="$g" --format=json \
    || fail "bounds $family"
  for planner in store_all periodic interval_tree; do
    out=$("$TBP" plan --graph="$g" --planner="$planner" --format=json --out="$T/s.pb") \
      || fail "plan $planner $family"
    for key in planner valid peak_bytes base_cost recompute_cost compute_overhead \
               lower_bound_bytes; do
      [[ "$out" == *"\"$key\""* ]] || fail "plan $planner $family: no key $key"
    done
    has '"valid": true' -- "$TBP" simulate --graph="$g" --schedule="$T/s.pb" --format=json \
      || fail "simulate $planner $family"
  done
  "$TBP" plan --graph="$g" --planner=revolve --slots=3 >/dev/null || fail "revolve $family"
done

# Budget: the JSON peak never exceeds the budget.
json_field() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
g="$T/chain.textproto"
plain=$("$TBP" plan --graph="$g" --planner=budget --budget_bytes=8 --format=json)
peak=$(echo "$plain" | json_field peak_bytes)
[ -n "$peak" ] && [ "$peak" -le 8 ] || fail "budget peak $peak > 8"
# --keep_recomputed: still within the budget, never more recomputation.
kept=$("$TBP" plan --graph="$g" --planner=budget --budget_bytes=8 --keep_recomputed --format=json)
kpeak=$(echo "$kept" | json_field peak_bytes)
[ -n "$kpeak" ] && [ "$kpeak" -le 8 ] || fail "keep_recomputed peak $kpeak > 8"
[ "$(echo "$kept" | json_field recompute_cost)" -le "$(echo "$plain" | json_field recompute_cost)" ] \
  || fail "keep_recomputed recomputes more"

# The exact planners on a 6-node unit chain at 5 bytes (store-all needs 8,
# the minimum is 4), where every schedule recomputes: the MILP (proven
# optimal, its bound = its cost) and the search agree, both peaks fit, and
# the budget planner on every order recomputes no less.
"$TBP" generate --family=chain --nodes=6 --out="$T/c6.textproto" >/dev/null \
  || fail "generate chain 6"
milp=$("$TBP" plan --graph="$T/c6.textproto" --planner=exact --budget_bytes=5 \
  --time_limit_s=60 --format=json) || fail "plan exact"
search=$("$TBP" plan --graph="$T/c6.textproto" --planner=exhaustive --budget_bytes=5 \
  --format=json) || fail "plan exhaustive"
[[ "$milp" == *'"proven_optimal": true'* ]] || fail "exact: not proven optimal: $milp"
[[ "$milp" == *'"horizon_certified": true'* ]] || fail "exact: horizon not certified"
cost=$(echo "$milp" | json_field recompute_cost)
[ -n "$cost" ] && [ "$cost" -gt 0 ] || fail "exact: recompute_cost '$cost'"
[ "$(echo "$milp" | json_field recompute_lower_bound)" = "$cost" ] || fail "exact: bound != cost"
[ "$(echo "$search" | json_field recompute_cost)" = "$cost" ] || fail "exhaustive != exact"
for out in "$milp" "$search"; do
  [ "$(echo "$out" | json_field peak_bytes)" -le 5 ] || fail "exact planners: peak > 5"
done
has "optimality               proven optimal" -- \
  "$TBP" plan --graph="$T/c6.textproto" --planner=exact --budget_bytes=5 \
  || fail "exact: text report"
all=$("$TBP" plan --graph="$T/c6.textproto" --planner=budget --budget_bytes=5 \
  --order=best_of_all --format=json) || fail "plan best_of_all"
[ "$(echo "$all" | json_field recompute_cost)" -ge "$cost" ] \
  || fail "best_of_all recomputes less than the optimum"
expect_error "exact without budget" "budget_bytes is missing" "" -- \
  "$TBP" plan --graph="$T/c6.textproto" --planner=exact
expect_error "negative time limit" "time_limit_s = -1" "" -- \
  "$TBP" plan --graph="$T/c6.textproto" --planner=exact --budget_bytes=5 --time_limit_s=-1
expect_error "negative max_forwards" "max_forwards = -2" "" -- \
  "$TBP" plan --graph="$T/c6.textproto" --planner=exact --budget_bytes=5 --max_forwards=-2

# A hand-written schedule, in text format.
cat > "$T/tiny.textproto" <<'G'
nodes { name: "x" kind: INPUT output_bytes: 4 }
nodes { name: "a" kind: COMPUTE output_bytes: 2 forward_cost: 1 backward_cost: 1 inputs: "x" }
nodes { name: "b" kind: COMPUTE output_bytes: 3 forward_cost: 1 backward_cost: 1 inputs: "a" }
outputs: "b"
G
cat > "$T/hand.textproto" <<'S'
instructions { op: FORWARD node: "a" }
instructions { op: FORWARD node: "b" }
instructions { op: BACKWARD node: "b" }
instructions { op: FREE node: "b" }
instructions { op: BACKWARD node: "a" }
instructions { op: FREE node: "a" }
S
# BACKWARD b: activations a + b = 5, gradients b + a = 5.
has '"peak_bytes": 10' -- \
  "$TBP" simulate --graph="$T/tiny.textproto" --schedule="$T/hand.textproto" --format=json \
  || fail "hand-written schedule peak"

# Replay on real tensors (CPU): measured peak equals the simulator's, and
# the gradients equal store-all's bit for bit.
"$TBP" generate --family=residual --blocks=4 --block_depth=2 --base_bytes=64 \
  --out="$T/r.textproto" >/dev/null || fail "generate for replay"
out=$("$TBP" replay --graph="$T/r.textproto" --planner=periodic --batch=4 --format=json) \
  || fail "replay"
for key in backend measured_peak_bytes simulated_peak_bytes store_all_seconds \
           schedule_seconds gradients_match; do
  [[ "$out" == *"\"$key\""* ]] || fail "replay: no key $key"
done
[[ "$out" == *'"gradients_match": true'* ]] || fail "replay: gradients differ"
[[ "$out" == *'"peaks_match_simulator": true'* ]] || fail "replay: peak differs"
expect_error "replay without CUDA" "--config=cuda" "" -- \
  "$TBP" replay --graph="$T/r.textproto" --planner=periodic --batch=4 --backend=cuda

# Bad input.
expect_error "unknown planner" "PlannerOptions.planner = 'magic'" "$T/o1.pb" -- \
  "$TBP" plan --graph="$g" --planner=magic --out="$T/o1.pb"
expect_error "missing budget" "budget_bytes is missing" "$T/o2.pb" -- \
  "$TBP" plan --graph="$g" --planner=budget --out="$T/o2.pb"
expect_error "negative budget" "budget_bytes = -5" "$T/o3.pb" -- \
  "$TBP" plan --graph="$g" --planner=budget --budget_bytes=-5 --out="$T/o3.pb"
expect_error "budget below bound" "below the lower bound" "$T/o4.pb" -- \
  "$TBP" plan --graph="$g" --planner=budget --budget_bytes=1 --out="$T/o4.pb"
expect_error "schedule for another graph" "another graph" "" -- \
  "$TBP" simulate --graph="$T/tiny.textproto" --schedule="$T/s.pb"
printf 'instructions { op: FORWARD node: ' > "$T/broken.textproto"
expect_error "malformed schedule" "not a valid tbp.proto.Schedule" "" -- \
  "$TBP" simulate --graph="$T/tiny.textproto" --schedule="$T/broken.textproto"
printf 'instructions { op: BACKWARD node: "a" }\n' > "$T/bad.textproto"
expect_error "invalid schedule" "consumer 'b' has not been backwarded" "" -- \
  "$TBP" simulate --graph="$T/tiny.textproto" --schedule="$T/bad.textproto"
expect_error "unknown family" "--family" "$T/o5.textproto" -- \
  "$TBP" generate --family=blob --out="$T/o5.textproto"
expect_error "bad generator field" "GeneratorSpec.edge_prob" "$T/o6.textproto" -- \
  "$TBP" generate --family=layered --layers=3 --width=2 --edge_prob=1.5 --out="$T/o6.textproto"
expect_error "bad extension" "unknown extension" "" -- \
  "$TBP" generate --family=chain --nodes=3 --out="$T/g.yaml"
expect_error "missing graph file" "cannot read file" "" -- \
  "$TBP" analyze --graph="$T/none.textproto"
expect_error "invalid graph" "names no node" "" -- \
  bash -c "printf 'nodes { name: \"a\" kind: COMPUTE inputs: \"q\" }\noutputs: \"a\"\n' > '$T/ig.textproto'; '$TBP' analyze --graph='$T/ig.textproto'"
expect_error "unknown subcommand" "unknown subcommand 'frobnicate'" "" -- "$TBP" frobnicate

# Reliability regressions (the adversarial battery of the "No silent wrong
# answer" issue).
# A chain of 12 nodes whose forward costs are 4e17 each: every total fits
# int64, but revolve with one slot recomputes 66 of them (2.6e19): a named
# kOutOfRange error, never a wrapped negative number.
{ for i in $(seq 1 12); do
    prev=$([ "$i" -eq 1 ] && echo x || echo "n$((i - 1))")
    printf 'nodes { name: "n%d" kind: COMPUTE output_bytes: 1 forward_cost: 400000000000000000 backward_cost: 1 inputs: "%s" }\n' "$i" "$prev"
  done
  printf 'nodes { name: "x" kind: INPUT }\noutputs: "n12"\n'
} > "$T/costly.textproto"
expect_error "recompute cost past int64" "exceeds int64" "$T/o7.pb" -- \
  "$TBP" plan --graph="$T/costly.textproto" --planner=revolve --slots=1 --out="$T/o7.pb"
expect_error "repeats past int" "--repeats = 4294967297: must be in [1, 2147483647]" "" -- \
  "$TBP" replay --graph="$T/r.textproto" --planner=periodic --repeats=4294967297
expect_error "repeats zero" "--repeats = 0" "" -- \
  "$TBP" replay --graph="$T/r.textproto" --planner=periodic --repeats=0
mkdir -p "$T/adir.pb" "$T/adir.textproto"
expect_error "schedule is a directory" "'$T/adir.pb' is a directory" "" -- \
  "$TBP" simulate --graph="$g" --schedule="$T/adir.pb"
expect_error "graph is a directory" "is a directory" "" -- \
  "$TBP" analyze --graph="$T/adir.textproto"
# A node name that is not UTF-8 (an escaped 0xff byte in text format) is
# bad input naming the field, not a graph accepted and later unwritable as
# JSON.
printf 'nodes { name: "x" kind: INPUT }\nnodes { name: "a\\377" kind: COMPUTE output_bytes: 1 inputs: "x" }\noutputs: "a\\377"\n' > "$T/badutf8.textproto"
expect_error "non-UTF-8 node name" "Graph.nodes[1].name is not valid UTF-8" "" -- \
  "$TBP" analyze --graph="$T/badutf8.textproto"
expect_error "non-UTF-8 node name, plan --out" "is not valid UTF-8" "$T/badutf8.json" -- \
  "$TBP" plan --graph="$T/badutf8.textproto" --planner=store_all --out="$T/badutf8.json"
# An output name near the file-name limit is written (the temporary name is
# short), and nothing but the output is left beside it.
mkdir -p "$T/longname"
long="$T/longname/$(printf 'g%.0s' $(seq 1 250)).pb"
"$TBP" plan --graph="$g" --planner=periodic --out="$long" >/dev/null || fail "253-character output name"
[ "$(ls -A "$T/longname" | wc -l)" -eq 1 ] || fail "files left beside the output: $(ls -A "$T/longname")"
expect_error "bad format" "--format = 'yaml'" "" -- "$TBP" bounds --graph="$g" --format=yaml

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli_test: all checks passed"

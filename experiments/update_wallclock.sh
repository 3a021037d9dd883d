#!/usr/bin/env bash
# bazel run //experiments:update_peers_milp | update_peers_zoo_timing
# usage (from those targets): update_wallclock.sh NAME BINARY SPEC [FLAG]...
# Runs one wall-clock-dependent experiment (a solver stopped by its time
# limit, or planning times) and rewrites the committed
# experiments/results/NAME.csv and NAME.machine.txt, which the paper reads.
# NOT reproducible byte for byte: run it on an otherwise idle machine.
#   update_peers_milp: Checkmate's MILP (CBC, 30 s per solve) on the peers
#     graphs and budgets (specs/peers_milp.textproto); about 70 min on 2
#     cores.
#   update_peers_zoo_timing: budget's and checkmate_lp's planning times on
#     the ONNX zoo (specs/peers_zoo_timing.textproto); at most about 60 min
#     (checkmate_lp's time limit is 300 s).
set -euo pipefail
name="$1"
binary="$2"
spec="$3"
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run //experiments:update_$name"
start=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$binary" --spec="$spec" --out="$tmp/$name.pb" --csv="$tmp/$name.csv" "${@:4}"
write_atomically "$dest/$name.csv" < "$tmp/$name.csv"
machine_description | write_atomically "$dest/$name.machine.txt"
echo "update_$name: wrote $dest/$name.{csv,machine.txt} in $(( $(date +%s) - start )) s"

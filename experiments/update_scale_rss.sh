#!/usr/bin/env bash
# bazel run -c opt //experiments:update_scale_rss
# Generates a 10,000,000-node chain and a 5,000,000-node random DAG as binary
# graph files (tbp generate ... --out=*.pb), plans each with interval_tree,
# periodic and budget (at 1/50 of the store-all peak) through `tbp plan`, and
# once with a budget below the lower bound (the refusal's cost), each under
# /usr/bin/time -v. Rewrites the committed experiments/results/scale_rss.csv
# (wall seconds and peak RSS per run: wall-clock, NOT reproducible) and
# scale_rss.machine.txt. Needs about 6 GB of memory, 1 GB of disk in
# $TMPDIR and ~10 min on 2 idle cores. Not part of CI or reproduce.sh.
set -euo pipefail
tbp="$(readlink -f "$1")"
source "$(dirname "$(readlink -f "$0")")/update_common.sh"
require_bazel_run "bazel run -c opt //experiments:update_scale_rss"
[ -x /usr/bin/time ] || { echo "update_scale_rss: needs /usr/bin/time (Debian: time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
load_start=$(cut -d' ' -f1 /proc/loadavg)
csv="$work/scale_rss.csv"
echo "graph,compute_nodes,edges,step,planner,budget_bytes,exit_status,peak_bytes,recompute_cost,wall_s,max_rss_kib" > "$csv"

# run NAME STEP PLANNER BUDGET CMD...: one row; the command's JSON report (if
# any) gives peak_bytes and recompute_cost.
run() {
  local graph=$1 step=$2 planner=$3 budget=$4
  shift 4
  local status=0
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt" || status=$?
  local wall rss peak recompute
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" |
         awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  peak=$(sed -n 's/^  "peak_bytes": \([0-9]*\),$/\1/p' "$work/out.txt")
  recompute=$(sed -n 's/^  "recompute_cost": \([0-9]*\),$/\1/p' "$work/out.txt")
  echo "$graph,${nodes[$graph]:-},${edges[$graph]:-},$step,$planner,$budget,$status,${peak:-},${recompute:-},$wall,$rss" >> "$csv"
  echo "update_scale_rss: $graph $step $planner budget=$budget: exit $status, ${wall} s, ${rss} KiB" >&2
  if [ "$step" != refuse ] && [ "$status" -ne 0 ]; then
    cat "$work/err.txt" >&2
    return 1
  fi
}

declare -A nodes edges
gen() {
  local graph=$1
  shift
  run "$graph" generate - - "$tbp" generate "$@" --out="$work/$graph.pb"
  local summary
  summary=$(cat "$work/out.txt")
  nodes[$graph]=$(echo "$summary" | sed -n 's/.*(\([0-9]*\) COMPUTE).*/\1/p')
  edges[$graph]=$(echo "$summary" | sed -n 's/.*, \([0-9]*\) edges,.*/\1/p')
  # The generate row was written before the counts were known.
  sed -i "s/^$graph,,,generate,/$graph,${nodes[$graph]},${edges[$graph]},generate,/" "$csv"
}

# TBP_SCALE_CHAIN_NODES / TBP_SCALE_DAG_NODES shrink the graphs for a trial
# run (the row names stay).
gen chain_10m --family=chain --nodes="${TBP_SCALE_CHAIN_NODES:-10000000}"
gen random_dag_5m --family=random_dag --nodes="${TBP_SCALE_DAG_NODES:-5000000}" --fan_in=2 \
  --window=64
for graph in chain_10m random_dag_5m; do
  g="$work/$graph.pb"
  for planner in interval_tree periodic; do
    run "$graph" plan "$planner" - "$tbp" plan --graph="$g" --planner="$planner" --format=json
  done
  store_all=$(sed -n 's/^  "store_all_peak_bytes": \([0-9]*\),$/\1/p' "$work/out.txt")
  budget=$(( store_all / 50 ))
  run "$graph" plan budget "$budget" "$tbp" plan --graph="$g" --planner=budget \
    --budget_bytes="$budget" --format=json
  # Refused (exit 1): below the lower bound; what saying so costs.
  run "$graph" refuse budget 1 "$tbp" plan --graph="$g" --planner=budget --budget_bytes=1 \
    --format=json
done
write_atomically "$dest/scale_rss.csv" < "$csv"
# Wall times depend on what else ran: the load averages go with them.
echo "$(machine_description); 1-minute load average $load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end" |
  write_atomically "$dest/scale_rss.machine.txt"
echo "update_scale_rss: wrote $dest/scale_rss.{csv,machine.txt} in $(( $(date +%s) - start )) s"

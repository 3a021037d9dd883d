#!/usr/bin/env bash
# End to end on a tiny spec: experiment binary -> CSV and results ->
# gnuplot figure (the paper's own script) -> generated macros and table ->
# a small LaTeX document. Fails if any link of the pipeline breaks.
#
# usage: pipeline_e2e_test.sh COMPARE SPEC RENDER STYLE TRADEOFF_GP GEN_TEX
#                             BUILD_LATEX DOC_TEX
set -euo pipefail
compare="$1" spec="$2" render="$3" style="$4" tradeoff="$5" gen="$6" latex="$7" doc="$8"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/e2e"
mkdir -p "$tmp"
start=$(date +%s)

"$compare" --spec="$spec" --csv="$tmp/results.csv" --out="$tmp/results.json" 2>/dev/null
grep -q '^run_index,' "$tmp/results.csv"
echo "ok: results ($(grep -vc '^#' "$tmp/results.csv") CSV lines)"

"$render" "$tradeoff" "$style" "$tmp/tradeoff.pdf" "$tmp/tradeoff.svg" \
  data="$tmp/results.csv" regimes="chain random_dense residual"
head -c 5 "$tmp/tradeoff.pdf" | grep -q '%PDF-'
grep -q '<svg' "$tmp/tradeoff.svg"
echo "ok: figure"

"$gen" --compare="$tmp/results.json" --out_dir="$tmp"
grep -q 'newcommand{\\ResCCRuns}' "$tmp/numbers.tex"
echo "ok: generated tex"

"$latex" "$tmp/e2e.pdf" "$doc" "$tmp/tradeoff.pdf" "$tmp/numbers.tex" "$tmp/tab_tradeoff.tex"
head -c 5 "$tmp/e2e.pdf" | grep -q '%PDF-'
echo "ok: LaTeX document ($(wc -c < "$tmp/e2e.pdf") bytes), pipeline in $(( $(date +%s) - start )) s"

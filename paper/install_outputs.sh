#!/usr/bin/env bash
# bazel run //paper:install_outputs
# Copies the Bazel-built paper, figures and merged results into out/ in the
# source tree:
#   out/paper.pdf
#   out/figures/<name>.{pdf,svg}
#   out/results/<experiment>_results.{csv,json}, gap_by_regime.csv
# usage (from BUILD): install_outputs.sh PAPER.pdf FILE...
set -euo pipefail
if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
  echo "install_outputs.sh: run me with 'bazel run //paper:install_outputs'" >&2
  exit 1
fi
out="$BUILD_WORKSPACE_DIRECTORY/out"
mkdir -p "$out/figures" "$out/results"
install -m 0644 "$1" "$out/paper.pdf"
shift
for f in "$@"; do
  case "$f" in
    *.pdf|*.svg) install -m 0644 "$f" "$out/figures/" ;;
    *.csv|*.json) install -m 0644 "$f" "$out/results/" ;;
  esac
done
echo "paper:   $out/paper.pdf"
echo "figures: $out/figures/ ($(ls "$out/figures" | wc -l) files)"
echo "results: $out/results/ ($(ls "$out/results" | wc -l) files)"

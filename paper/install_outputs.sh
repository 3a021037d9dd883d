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
# install_atomically SRC DEST: beside DEST, then renamed over it, so an
# interrupted run never leaves half a file.
install_atomically() {
  local tmp
  tmp="$(dirname "$2")/.tbp-$$-$RANDOM"
  install -m 0644 "$1" "$tmp" && mv -f "$tmp" "$2"
}
install_atomically "$1" "$out/paper.pdf"
shift
for f in "$@"; do
  case "$f" in
    *.pdf|*.svg) install_atomically "$f" "$out/figures/$(basename "$f")" ;;
    *.csv|*.json) install_atomically "$f" "$out/results/$(basename "$f")" ;;
  esac
done
echo "paper:   $out/paper.pdf"
echo "figures: $out/figures/ ($(ls "$out/figures" | wc -l) files)"
echo "results: $out/results/ ($(ls "$out/results" | wc -l) files)"

#!/usr/bin/env bash
# Renders one gnuplot figure to PDF and SVG, reproducibly (figures/defs.bzl).
#
# usage: render.sh SCRIPT STYLE OUT.pdf OUT.svg [VAR=FILE]...
# Each VAR=FILE becomes the gnuplot string variable VAR. Any output of
# gnuplot on stderr (a warning such as "No data in plot", a missing
# column) fails the action: a figure that silently lost its data is a bug.
# Cairo stamps the current time into /CreationDate; it is pinned to the
# epoch, digit for digit, so no byte offset of the PDF changes. SVGs carry
# no date.
set -euo pipefail
script="$1" style="$2" pdf="$3" svg="$4"
shift 4
args=(-e "style='$style'" -e "pdf_out='$pdf'" -e "svg_out='$svg'")
for kv in "$@"; do
  args+=(-e "${kv%%=*}='${kv#*=}'")
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! TZ=UTC LC_ALL=C gnuplot "${args[@]}" "$script" 2> "$log" || [ -s "$log" ]; then
  echo "render.sh: gnuplot failed or warned on $script:" >&2
  cat "$log" >&2
  exit 1
fi
for f in "$pdf" "$svg"; do
  [ -s "$f" ] || { echo "render.sh: $script wrote no $f" >&2; exit 1; }
done
LC_ALL=C perl -pi -e 's{(/(?:CreationDate|ModDate) \(D:)\d{14}}{${1}19700101000000}g' "$pdf"

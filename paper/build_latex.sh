#!/usr/bin/env bash
# Typesets a LaTeX document inside a Bazel action, reproducibly.
#
# usage: build_latex.sh OUT.pdf MAIN.tex [FILE]...
# Copies MAIN.tex and every FILE (figures, generated macros and tables),
# flattened to their base names, into a fresh temporary directory; HOME and
# TEXMFVAR point into it (actions have no HOME, and font generation needs a
# writable tree); SOURCE_DATE_EPOCH=0 with FORCE_SOURCE_DATE=1 pins every
# date pdfTeX writes (the document also sets \pdftrailerid). Runs latexmk;
# on failure prints the LaTeX log and exits 1.
set -euo pipefail
out="$1"
main="$2"
shift 2
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$main" "$@"; do
  cp -f "$f" "$work/$(basename "$f")"
done
name=$(basename "$main" .tex)
export HOME="$work" TEXMFVAR="$work/texmf-var" TEXMFHOME="$work/texmf"
export SOURCE_DATE_EPOCH=0 FORCE_SOURCE_DATE=1 TZ=UTC LC_ALL=C
cd "$work"
if ! latexmk -pdf -interaction=nonstopmode -halt-on-error -file-line-error \
    "$name.tex" > latexmk.out 2>&1; then
  echo "build_latex.sh: LaTeX failed on $(basename "$main"); $name.log follows" >&2
  cat "$name.log" >&2 2>/dev/null || cat latexmk.out >&2
  exit 1
fi
# Warnings that mean a broken document (not layout nits) fail the build.
if grep -E "undefined references|Reference .* undefined|Citation .* undefined" "$name.log" >&2; then
  echo "build_latex.sh: unresolved references in $(basename "$main")" >&2
  exit 1
fi
cp "$name.pdf" "$out"

#!/usr/bin/env bash
# The paper is byte-reproducible: typesetting the same sources again, in
# another temporary directory at another time, gives the bytes Bazel built.
#
# usage: paper_reproducible_test.sh BUILD_LATEX PAPER.pdf PAPER.tex [INPUT]...
set -euo pipefail
latex="$1" built="$2"
shift 2
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
"$latex" "$tmp/again.pdf" "$@"
if ! cmp "$built" "$tmp/again.pdf"; then
  echo "FAIL: paper.pdf differs when typeset again" >&2
  exit 1
fi
echo "ok: paper.pdf ($(wc -c < "$built") bytes) typeset again is byte-identical"

#!/usr/bin/env bash
# render.sh twice on the same data, a second apart: identical PDF and SVG
# bytes (cairo's /CreationDate is pinned), and the PDF date is the epoch.
#
# usage: render_determinism_test.sh RENDER STYLE SCRIPT DATA
set -euo pipefail
render="$1" style="$2" script="$3" data="$4"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
"$render" "$script" "$style" "$tmp/a.pdf" "$tmp/a.svg" data="$data"
sleep 1.1
"$render" "$script" "$style" "$tmp/b.pdf" "$tmp/b.svg" data="$data"
cmp "$tmp/a.pdf" "$tmp/b.pdf"
cmp "$tmp/a.svg" "$tmp/b.svg"
grep -aq '/CreationDate (D:19700101000000' "$tmp/a.pdf" || {
  echo "FAIL: PDF creation date not pinned" >&2
  exit 1
}
echo "ok: $(wc -c < "$tmp/a.pdf") PDF bytes and $(wc -c < "$tmp/a.svg") SVG bytes, twice identical"

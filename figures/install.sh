#!/usr/bin/env bash
# Copies Bazel-built files into the source tree (for `bazel run` targets).
#
# usage: install.sh DEST FILE...   (DEST relative to the workspace root)
set -euo pipefail
dest="$1"
shift
if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
  echo "install.sh: run me with 'bazel run', which sets BUILD_WORKSPACE_DIRECTORY" >&2
  exit 1
fi
mkdir -p "$BUILD_WORKSPACE_DIRECTORY/$dest"
for f in "$@"; do
  out="$BUILD_WORKSPACE_DIRECTORY/$dest/$(basename "$f")"
  # Beside the destination, then renamed over it: never half a file.
  tmp="$(dirname "$out")/.tbp-$$-$RANDOM"
  install -m 0644 "$f" "$tmp" && mv -f "$tmp" "$out"
  echo "wrote $out"
done

# Sourced by the experiments/update_*.sh scripts (from beside their own source,
# so that running one directly still gets its message; a data file of each).

# Exits unless run by `bazel run`; then sets `dest`, the committed results
# folder of the source tree. $1: the script's bazel run command, for the
# message.
require_bazel_run() {
  if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
    echo "$(basename "$0" .sh): run me with '$1'" >&2
    exit 1
  fi
  dest="$BUILD_WORKSPACE_DIRECTORY/experiments/results"
  mkdir -p "$dest"
}

# One line naming the machine that measured the wall-clock figures.
machine_description() {
  local cpu
  cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
  echo "${cpu:-unknown CPU}, $(nproc) cores, $(uname -s) $(uname -m)"
}

# write_atomically DEST: standard input into DEST, through a temporary file
# beside it renamed over DEST, so a killed run never leaves half a file.
write_atomically() {
  local tmp
  tmp="$(dirname "$1")/.tbp-$$-$RANDOM"
  if cat > "$tmp"; then
    mv -f "$tmp" "$1"
  else
    rm -f "$tmp"
    return 1
  fi
}

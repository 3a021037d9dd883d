#!/usr/bin/env bash
# Installs the Debian packages tiny-backprop needs, only those missing.
# Idempotent and quiet when everything is present. Called by both README
# commands (tools/reproduce.sh and tools/test.sh) and by .ci/run. nginx and
# jq are for tools/remote_cache_test.sh (an HTTP cache on loopback, the
# execution log); Debian's nginx package also enables its own service on
# port 80, which the test does not use.
set -euo pipefail

packages=(
  bazel-bootstrap protobuf-compiler libprotobuf-dev libabsl-dev libgtest-dev
  libgmock-dev libbenchmark-dev coinor-libcbc-dev libonnx-dev pkg-config
  gnuplot-nox
  texlive-latex-base texlive-latex-recommended texlive-fonts-recommended
  latexmk lmodern
  nginx jq
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be empty or stale on a fresh machine.
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Bazel does not track system libraries: drop stale outputs after installs.
if [ -n "${TBP_WORKSPACE:-}" ] && [ -d "${TBP_WORKSPACE}/bazel-bin" ]; then
  (cd "$TBP_WORKSPACE" && bazel clean >&2) || true
fi

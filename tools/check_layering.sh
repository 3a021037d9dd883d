#!/usr/bin/env bash
# Checks the layering of docs/design.md (section 2) two ways:
#  1. cquery: //core/... depends on nothing under //cli, //replay,
#     //experiments; the simulator's dependencies hold no planner
#     (//core/schedule) and no planner.proto; the graph's hold no analysis
#     and no planner.
#  2. visibility: a probe package placed where a forbidden arrow would
#     start (a graph library using an analysis, the simulator using a
#     planner or the replay, a planner using an experiment, core using the
#     command line) fails to build with Bazel's "is not visible" error,
#     while the same probe on an allowed dependency builds (so the probe
#     itself works). Probes live in a temporary package that is removed
#     whatever happens.
# Prints one line per check and "layering: N passed, M failed"; exit status
# 1 if any failed. Run by tools/test.sh; alone: tools/check_layering.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
ok() { echo "layering: ok: $1"; passed=$((passed + 1)); }
bad() { echo "layering: FAILED: $1" >&2; failed=$((failed + 1)); }

# deps(target) as target labels, configuration stripped.
deps_of() {
  bazel cquery --noimplicit_deps "deps($1)" 2>/dev/null | sed 's/ (.*//' | sort -u
}

check_no_deps() {  # description, query root, forbidden label regex
  local found
  found=$(deps_of "$2" | grep -E "$3" || true)
  if [ -z "$(deps_of "$2")" ]; then
    bad "$1: cquery of $2 failed"
  elif [ -n "$found" ]; then
    bad "$1: $(echo "$found" | head -3 | tr '\n' ' ')"
  else
    ok "$1"
  fi
}

check_no_deps "core depends on no cli, replay or experiments" "//core/..." \
  '^//(cli|replay|experiments)[:/]'
check_no_deps "the simulator depends on no planner and no planner.proto" \
  "//core/sim:simulator" '^//core/schedule|^//proto:planner'
check_no_deps "the graph depends on no analysis and no planner" "//core/graph/..." \
  '^//core/(analysis|schedule)'
check_no_deps "planners depend on no experiment, replay or cli" "//core/schedule/..." \
  '^//(experiments|replay|cli)[:/]'

# Visibility probes: (package the arrow starts from, dependency, allowed?).
probe_root=""
cleanup() { if [ -n "$probe_root" ]; then rm -rf "$probe_root"; fi; }
trap cleanup EXIT
probe() {  # from_package, dependency, expect (allowed|forbidden), description
  probe_root="$1/layering_probe_tmp"
  mkdir -p "$probe_root"
  cat > "$probe_root/BUILD" <<BUILD
cc_library(name = "probe", deps = ["$2"], tags = ["manual"])
BUILD
  local log
  log=$(bazel build --nobuild "//$probe_root:probe" 2>&1)
  local status=$?
  rm -rf "$probe_root"
  probe_root=""
  if [ "$3" = allowed ]; then
    if [ $status -eq 0 ]; then ok "$4"; else bad "$4: expected to build: $(echo "$log" | grep ERROR | head -1)"; fi
  else
    if [ $status -ne 0 ] && echo "$log" | grep -q "is not visible from"; then
      ok "$4"
    else
      bad "$4: expected a visibility error, got status $status"
    fi
  fi
}

probe core/graph //core/graph:generators allowed "graph -> graph builds (the probe works)"
probe core/graph //core/analysis:order forbidden "graph -> analysis is a visibility error"
probe core/graph //core/schedule:planner forbidden "graph -> planner is a visibility error"
probe core/sim //core/schedule:planner forbidden "simulator -> planner is a visibility error"
probe core/sim //replay:engine forbidden "simulator -> replay is a visibility error"
probe core/schedule //experiments:runner forbidden "planner -> experiment is a visibility error"
probe core/analysis //cli:commands forbidden "core -> cli is a visibility error"
probe core/onnx //replay:engine forbidden "core -> replay is a visibility error"
probe core/schedule //core/sim:simulator allowed "planner -> simulator builds"

echo "layering: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

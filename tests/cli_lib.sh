# Helpers shared by the CLI shell tests (sourced; not a test).
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_error NAME SUBSTRING OUTFILE -- command...: the command exits
# non-zero, its stderr contains SUBSTRING, and OUTFILE (if given) was not
# written.
expect_error() {
  local name="$1" substring="$2" outfile="$3"; shift 4
  local err
  err=$("$@" 2>&1 >/dev/null); local rc=$?
  [ "$rc" -ne 0 ] || fail "$name: exit code 0"
  [[ "$err" == *"$substring"* ]] || fail "$name: stderr lacks '$substring': $err"
  if [ -n "$outfile" ] && [ -e "$outfile" ]; then fail "$name: wrote $outfile"; fi
}

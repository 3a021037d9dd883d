#!/usr/bin/env bash
# Remote-cache test (README, "Remote cache and remote execution"): starts a
# real HTTP remote cache (Debian's nginx with its WebDAV module accepting
# PUT) on a free port of 127.0.0.1, builds the targets with
# --config=remote_cache --remote_cache=http://127.0.0.1:PORT in a fresh
# output base, then builds them again in a second fresh output base against
# the same cache. It fails unless the second build executed nothing
# (every spawn a remote cache hit: Bazel's own "N processes: ..." line and
# the execution log agree) and every output of the second build is
# byte-identical to the first's (sha256 of every spawn output, the results,
# figures and paper among them). A spawn that misses the cache is named
# with its mnemonic and output paths: that action is not hermetic (its
# cache key depends on the machine, the output base or the time).
#
# usage: tools/remote_cache_test.sh [TARGET...]
#   default targets: those tools/reproduce.sh builds,
#   //experiments:all_results //figures:figures //paper:paper.
# Both builds compile everything from scratch into their own output bases
# under a temporary directory (the workspace's own Bazel server, outputs and
# bazel-* symlinks are left alone); the nginx server, its files and both
# output bases are removed at exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=(//experiments:all_results //figures:figures //paper:paper)
fi

die() { echo "remote_cache_test: $*" >&2; exit 1; }

nginx=$(command -v nginx || true)
[ -n "$nginx" ] || nginx=/usr/sbin/nginx  # not on a non-root user's PATH
[ -x "$nginx" ] || die "nginx not found (Debian package nginx): run tools/setup.sh"
command -v jq >/dev/null || die "jq not found (Debian package jq): run tools/setup.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tbp_remote_cache.XXXXXX")
nginx_pid=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null
    wait "$nginx_pid" 2>/dev/null
  fi
  for ob in "$tmp"/ob1 "$tmp"/ob2; do
    if [ -d "$ob" ]; then bazel --output_base="$ob" shutdown >/dev/null 2>&1; fi
  done
  chmod -R u+w "$tmp" 2>/dev/null  # Bazel leaves its outputs read-only
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# The cache: nginx in the foreground (daemon off), everything it writes
# (cache entries, request bodies, logs, pid) under $tmp/nginx.

write_nginx_conf() {  # write_nginx_conf PORT
  local d="$tmp/nginx"
  # The user directive only means something (and is only accepted without
  # a warning) when the master runs as root: keep the workers as us.
  local user_line=""
  if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
  cat > "$d/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
$user_line
events { worker_connections 256; }
http {
  access_log $d/access.log;
  client_body_temp_path $d/client_body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  server {
    listen 127.0.0.1:$1;
    root $d/cache;
    client_max_body_size 0;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
CONF
}

http() {  # http METHOD PATH [BODY]: prints the status code of one request
  local body="${3:-}" status
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  read -r _ status _ <&3 || status=none
  exec 3<&- 3>&-
  echo "$status"
}

start_nginx() {
  mkdir -p "$tmp/nginx/cache"
  local attempt
  for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    # Skip ports something already listens on.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    write_nginx_conf "$port"
    : > "$tmp/nginx/error.log"
    "$nginx" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
    nginx_pid=$!
    local waited
    for waited in $(seq 1 50); do
      if ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
      sleep 0.2
    done
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
    # A port taken between the check and the bind: try another one.
    if grep -q "Address already in use" "$tmp/nginx/error.log"; then continue; fi
    cat "$tmp/nginx/error.log" >&2
    die "nginx did not start (config: $tmp/nginx/nginx.conf)"
  done
  die "no free port found for nginx in 20 attempts"
}

start_nginx
url="http://127.0.0.1:$port"
# The cache must store and serve what Bazel PUTs; a broken config would
# otherwise only show up as cache misses (Bazel only warns on upload errors).
[ "$(http PUT /cas/selfcheck tbp)" = 201 ] || die "nginx at $url refused a PUT"
[ "$(http GET /cas/selfcheck)" = 200 ] || die "nginx at $url does not serve what it stored"
[ "$(http GET /cas/absent)" = 404 ] || die "nginx at $url does not answer 404 for a missing entry"
rm -f "$tmp/nginx/cache/cas/selfcheck"
echo "remote_cache_test: HTTP cache (nginx, WebDAV PUT) at $url"

# ---------------------------------------------------------------------------
# The two builds, each in its own fresh output base.

build() {  # build NAME: sets seconds_NAME; log, execution log and checksums in $tmp
  local name="$1" ob="$tmp/$1" start
  start=$(date +%s)
  echo "remote_cache_test: build $name: bazel --output_base=$ob build ${targets[*]}"
  if ! bazel --output_base="$ob" build --symlink_prefix=/ --color=no --curses=no \
      --config=remote_cache --remote_cache="$url" \
      --execution_log_json_file="$tmp/$name.exec.json" \
      "${targets[@]}" 2>&1 | tee "$tmp/$name.log"; then
    die "build $name failed"
  fi
  printf -v "seconds_$name" '%d' $(($(date +%s) - start))
  local execroot
  execroot=$(bazel --output_base="$ob" info execution_root 2>/dev/null)
  bazel --output_base="$ob" shutdown
  # sha256 of every output of every spawn (directories file by file).
  jq -r '.actualOutputs[]?.path' "$tmp/$name.exec.json" | sort -u > "$tmp/$name.outputs"
  [ -s "$tmp/$name.outputs" ] || die "build $name: the execution log lists no outputs"
  (cd "$execroot" && while read -r p; do
     if [ -d "$p" ]; then find "$p" -type f -print0 | sort -z | xargs -0r sha256sum
     else sha256sum "$p"; fi
   done < "$tmp/$name.outputs") > "$tmp/$name.sha256" ||
    die "build $name: an output listed in the execution log is missing under $execroot"
}

processes_line() {  # processes_line NAME: Bazel's last "INFO: N processes: ..." line
  grep -E '^INFO: [0-9]+ process(es)?: ' "$tmp/$1.log" | tail -n 1 || true
}

count() {  # count LINE KIND: the number before KIND in a processes line
  echo "$1" | grep -oE "[0-9]+ $2" | grep -oE '^[0-9]+' || echo 0
}

build ob1
line1=$(processes_line ob1)
spawns1=$(jq -s 'length' "$tmp/ob1.exec.json")
[ "$spawns1" -gt 0 ] || die "build ob1 executed no spawn: nothing was tested (outputs already cached?)"
hits1=$(jq -s 'map(select(.remoteCacheHit == true)) | length' "$tmp/ob1.exec.json")
[ "$hits1" -eq 0 ] || die "build ob1 hit the fresh cache $hits1 times: the cache was not empty"

build ob2
line2=$(processes_line ob2)
spawns2=$(jq -s 'length' "$tmp/ob2.exec.json")
hits2=$(jq -s 'map(select(.remoteCacheHit == true)) | length' "$tmp/ob2.exec.json")

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Every spawn of the second build must be a remote cache hit; name the rest.
misses=$(jq -r 'select(.remoteCacheHit != true)
  | "  \(.mnemonic) (runner: \(.runner // "?")): \([.actualOutputs[]?.path] | join(" "))"' \
  "$tmp/ob2.exec.json")
if [ -n "$misses" ]; then
  fail "the second build executed $((spawns2 - hits2)) spawn(s) instead of taking them from the cache (not hermetic):"
  echo "$misses" >&2
fi
# Bazel's own summary must agree: only "remote cache hit" and "internal".
total2=$(echo "$line2" | sed -nE 's/^INFO: ([0-9]+) process.*/\1/p')
cached2=$(count "$line2" "remote cache hit")
internal2=$(count "$line2" "internal")
if [ -z "$total2" ] || [ "$((cached2 + internal2))" -ne "$total2" ]; then
  fail "second build's summary is not all remote cache hits: '${line2:-no processes line}'"
fi
if [ "$cached2" -ne "$spawns1" ] || [ "$hits2" -ne "$spawns1" ]; then
  fail "first build executed $spawns1 spawns; second build: $cached2 cache hits in Bazel's summary, $hits2 in the execution log"
fi
# Byte-identical outputs.
if ! cmp -s "$tmp/ob1.outputs" "$tmp/ob2.outputs"; then
  fail "the two builds' spawns have different outputs:"
  diff "$tmp/ob1.outputs" "$tmp/ob2.outputs" | head -20 >&2 || true
fi
if ! cmp -s "$tmp/ob1.sha256" "$tmp/ob2.sha256"; then
  fail "outputs differ between the two builds:"
  diff "$tmp/ob1.sha256" "$tmp/ob2.sha256" | head -20 >&2 || true
fi
files=$(wc -l < "$tmp/ob1.sha256")
finals=$(grep -cE '/(experiments|figures|paper)/[^/]+\.(csv|json|pdf|svg)$' "$tmp/ob1.sha256" || true)

cat <<REPORT
remote_cache_test: targets: ${targets[*]}
  build 1 (fresh output base, empty cache): ${seconds_ob1} s; ${line1#INFO: }
  build 2 (fresh output base, same cache):  ${seconds_ob2} s; ${line2#INFO: }
  spawns: $spawns1 executed in build 1, $hits2 of $spawns2 remote cache hits in build 2
  outputs compared by sha256: $files files ($finals results, figures and paper)
REPORT
if [ "$failures" -ne 0 ]; then
  echo "remote_cache_test: FAILED ($failures check(s))" >&2
  exit 1
fi
echo "remote_cache_test: PASSED"

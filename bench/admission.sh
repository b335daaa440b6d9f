#!/usr/bin/env bash
# The admission table of issue 12 (and the slow-client goal of issue 13), side by side with nginx, in one run:
#
#   bench/admission.sh [--rebuild] [--keep] [--skip-slow]
#
# Starts `java <manifest JVM flags> -XX:MaxRAM=256m -jar target/deadline-guard.jar serve --no-sweeper` in a
# temporary directory and nginx (worker_processes 2, same certificate, a static body of the same size as
# /mutate's answer) and measures, each server in the same run:
#   1. throughput: wrk -t1 -c16, 10 s after a 20 s warm-up, POST /mutate of samples/04-blanked.json in
#      compact form (with managedFields, as the apiserver sends it);     goal: >= 0.5 x nginx
#   2. p99 at 1,000 req/s for 10 s, open loop (LoadGenerator, 10 connections; hey from Debian cannot
#      complete a TLS handshake with Jetty here);                         goal: <= 2 x nginx's
#   3. the first 5 s after /readyz turns 200: wrk -t1 -c16 5 s;          goal: >= 25% of steady state
#   4. peak RSS (VmHWM) after phases 1-3;                                goal: <= 160 MiB
#   5. 64 concurrent 2.9 MB reviews for 15 s (wrk -c64, 30 s timeout): alive, VmHWM <= 256 MiB, no request
#      unanswered (every one 200 or 429), and a small review afterwards answers 200
#   6. 1,000 slow TLS connections (headers and one byte of a declared 100 KB body, then a byte a second,
#      reopened when the server cuts them) while LoadGenerator sends 100 normal reviews/s for 10 s;
#                                                                        goal: p99 <= 100 ms, no errors
# Prints the machine load with the table and exits 1 if a goal is missed (2 on a setup error).
# Installs wrk and nginx from Debian if missing (as root). Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"
# shellcheck source=bench/nginx.sh
. "$ROOT/bench/nginx.sh"
REBUILD=0; KEEP=0; DO_SLOW=1
while (($#)); do
  case "$1" in
    --rebuild) REBUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    --skip-slow) DO_SLOW=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "admission.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
die() { echo "admission.sh: $*" >&2; exit 2; }
log() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- cleanup of what we start
PIDS=(); SERVER_PID=; NGINX_PID=; RUN=
cleanup() {
  local rc=$? p
  set +e
  for p in "${PIDS[@]}" $SERVER_PID; do kill -KILL "$p" 2>/dev/null; done
  [[ -n $NGINX_PID ]] && kill -QUIT "$NGINX_PID" 2>/dev/null
  wait 2>/dev/null
  if [[ -n $RUN && -d $RUN ]]; then
    if ((KEEP)) || ((rc >= 2)); then echo "admission.sh: logs kept in $RUN" >&2; else rm -rf "$RUN"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools, build, bodies
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  ((EUID == 0)) || die "missing ${need[*]}: run as root or apt-get install ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
JAR=$ROOT/target/deadline-guard.jar
if ((REBUILD)) || [[ ! -f $JAR ]]; then mvn -B -q package -DskipTests; fi
if ((REBUILD)) || [[ ! -f target/test-classes/dev/deadlineguard/testing/SlowClients.class ]]; then mvn -B -q test-compile; fi
if ((REBUILD)) || [[ ! -s target/bench-classpath.txt ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/bench-classpath.txt)"
RUN=$(mktemp -d /tmp/deadline-guard-admission.XXXXXX)
java -cp "$CP" dev.deadlineguard.testing.LargeReviews "$RUN"
BODY=$RUN/review.json; LARGE=$RUN/large.json

FLAGS=$(grep -A1 'name: JAVA_TOOL_OPTIONS' manifests/base/deployment.yaml | sed -n 's/^ *value: *//p' | tr -d '"' | head -1)
[[ -n $FLAGS ]] || die "no JAVA_TOOL_OPTIONS in manifests/base/deployment.yaml"
JVM_FLAGS="$FLAGS -XX:MaxRAM=256m"
PORT=$(free_port 28543); NGINX_PORT=$(free_port 28443)
CA=$RUN/certs/ca.crt
hwm_mib() { awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# A field of the "WRK k=v ..." line of bench/post.lua, or of LoadGenerator's "RESULT k=v ..." line.
field() { awk -v tag="$1" -v k="$3" '$1 == tag { for (i = 2; i <= NF; i++) { n = index($i, "=");
  if (substr($i, 1, n - 1) == k) { print substr($i, n + 1); found = 1 } } } END { if (!found) print 0 }' "$2"; }
wrk_field() { field WRK "$1" "$2"; }
res_field() { field RESULT "$1" "$2"; }
# p99 at 1,000 reviews/s, open loop from each request's intended send time, 10 connections
# (hey from Debian fails the TLS handshake with Jetty: "remote error: tls: illegal parameter").
rate_p99() {  # port out
  java -Xss512k -cp "$CP" dev.deadlineguard.bench.LoadGenerator --port "$1" --ca "$CA" --rate 1000 --connections 10 \
    --duration 10 --warmup 2 --req "method=POST,path=/mutate,type=application/json,body=$BODY,expect=200" >"$2" 2>&1 \
    || { cat "$2"; die "the load generator failed"; }
  awk -v u="$(res_field "$2" p99_us)" 'BEGIN { printf "%.2f", u / 1000 }'
}
run_wrk() {  # conns seconds body url out [extra]
  env BODY_FILE="$3" timeout -k 5 $(($2 + 60)) wrk -t1 -c"$1" -d"$2s" ${6:-} --latency -s bench/post.lua "$4" >"$5" 2>&1 \
    || { cat "$5"; die "wrk failed"; }
}

# ---------------------------------------------------------------- deadline-guard
log "deadline-guard: java $JVM_FLAGS -jar target/deadline-guard.jar serve --no-sweeper --cert-dir certs (load $(load))"
# A first start to generate the certificates, so the measured start is the one a pod makes.
start_server() {
  # shellcheck disable=SC2086
  (cd "$RUN" && exec java $JVM_FLAGS -jar "$JAR" serve --no-sweeper --cert-dir certs --port "$PORT") >>"$RUN/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$SERVER_PID" "$CA" "$PORT" "$RUN/server.log"
}
start_server; kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start_server
echo "ready in $READY_MS ms"
run_wrk 16 5 "$BODY" "https://127.0.0.1:$PORT/mutate" "$RUN/wrk-first5.txt"
FIRST5=$(wrk_field "$RUN/wrk-first5.txt" rps)
echo "first 5 s: $FIRST5 req/s"
curl -s -o "$RUN/response.json" --cacert "$CA" -H 'Content-Type: application/json' --data-binary @"$BODY" \
  "https://127.0.0.1:$PORT/mutate"
grep -q '"patch"' "$RUN/response.json" || die "/mutate did not answer the review with a patch"
run_wrk 16 15 "$BODY" "https://127.0.0.1:$PORT/mutate" "$RUN/wrk-warm.txt"
run_wrk 16 10 "$BODY" "https://127.0.0.1:$PORT/mutate" "$RUN/wrk-dg.txt"
DG_RPS=$(wrk_field "$RUN/wrk-dg.txt" rps); DG_ERR=$(wrk_field "$RUN/wrk-dg.txt" err_status)
echo "steady: $DG_RPS req/s ($DG_ERR non-2xx) (load $(load))"
DG_P99=$(rate_p99 "$PORT" "$RUN/rate-dg.txt")
echo "1,000/s: p99 $DG_P99 ms"
DG_HWM=$(hwm_mib "$SERVER_PID")
echo "peak RSS (VmHWM) so far: $DG_HWM MiB"

# ---------------------------------------------------------------- nginx, same run
log "nginx: worker_processes 2, static $(wc -c <"$RUN/response.json") B answer (load $(load))"
NG=$RUN/nginx; mkdir -p "$NG"
write_nginx_conf "$NG" "$NGINX_PORT" "$RUN/certs/tls.crt" "$RUN/certs/tls.key" "$RUN/response.json"
"$NGINX" -c "$NG/nginx.conf" -p "$NG" -e "$NG/error.log" &
NGINX_PID=$!
for ((i = 0; i < 100; i++)); do port_busy "$NGINX_PORT" && break; sleep 0.05; done
run_wrk 16 5 "$BODY" "https://127.0.0.1:$NGINX_PORT/mutate" "$RUN/wrk-ng-warm.txt"
run_wrk 16 10 "$BODY" "https://127.0.0.1:$NGINX_PORT/mutate" "$RUN/wrk-ng.txt"
NG_RPS=$(wrk_field "$RUN/wrk-ng.txt" rps)
NG_P99=$(rate_p99 "$NGINX_PORT" "$RUN/rate-ng.txt")
echo "nginx: $NG_RPS req/s, p99 at 1,000/s $NG_P99 ms"
kill -QUIT "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

# ---------------------------------------------------------------- 64 x 2.9 MB
log "64 concurrent $(wc -c <"$LARGE") B reviews for 15 s (load $(load))"
run_wrk 64 15 "$LARGE" "https://127.0.0.1:$PORT/mutate" "$RUN/wrk-large.txt" "--timeout 30s"
L_REQ=$(wrk_field "$RUN/wrk-large.txt" requests); L_NON2XX=$(wrk_field "$RUN/wrk-large.txt" err_status)
L_SOCK=$(($(wrk_field "$RUN/wrk-large.txt" err_connect) + $(wrk_field "$RUN/wrk-large.txt" err_read) \
  + $(wrk_field "$RUN/wrk-large.txt" err_write) + $(wrk_field "$RUN/wrk-large.txt" err_timeout)))
L_ALIVE=no; L_SMALL=-
if alive "$SERVER_PID"; then
  L_ALIVE=yes
  L_HWM=$(hwm_mib "$SERVER_PID")
  L_SMALL=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$CA" -H 'Content-Type: application/json' \
    --data-binary @"$BODY" "https://127.0.0.1:$PORT/mutate" || true)
fi
echo "answered $L_REQ ($L_NON2XX non-2xx), socket errors/timeouts $L_SOCK, alive $L_ALIVE, VmHWM ${L_HWM:-?} MiB, small review after: $L_SMALL"

# ---------------------------------------------------------------- 1,000 slow connections
S_P99=-; S_ERR=-; S_INFO=skipped
if ((DO_SLOW)); then
  log "1,000 slow TLS connections, 100 normal reviews/s for 10 s (load $(load))"
  java -Xss256k -cp "$CP" dev.deadlineguard.testing.SlowClients "$PORT" "$CA" 1000 25 >"$RUN/slow.txt" 2>&1 &
  PIDS+=("$!")
  for ((i = 0; i < 600; i++)); do grep -q '^ready' "$RUN/slow.txt" && break; sleep 0.1; done
  grep -q '^ready' "$RUN/slow.txt" || { cat "$RUN/slow.txt"; die "the slow clients did not connect"; }
  java -Xss512k -cp "$CP" dev.deadlineguard.bench.LoadGenerator --port "$PORT" --ca "$CA" --rate 100 --connections 4 \
    --duration 10 --warmup 1 --req "method=POST,path=/mutate,type=application/json,body=$BODY,expect=200" \
    >"$RUN/gen-slow.txt" 2>&1 || { cat "$RUN/gen-slow.txt"; die "the load generator failed"; }
  S_P99=$(awk -v u="$(res_field "$RUN/gen-slow.txt" p99_us)" 'BEGIN { printf "%.2f", u / 1000 }')
  S_ERR=$(($(res_field "$RUN/gen-slow.txt" unexpected) + $(res_field "$RUN/gen-slow.txt" socket_errors) \
    + $(res_field "$RUN/gen-slow.txt" timeouts)))
  wait "${PIDS[-1]}" 2>/dev/null || true
  S_INFO=$(tail -1 "$RUN/slow.txt")
  echo "p99 $S_P99 ms, $S_ERR errors; $S_INFO"
fi

# ---------------------------------------------------------------- table and goals
FAIL=0
# check NAME CONDITION: sets $NAME to met or missed (and FAIL=1), the condition in awk syntax
check() { if awk "BEGIN { exit !($2) }"; then printf -v "$1" met; else printf -v "$1" '**missed**'; FAIL=1; fi; }
RATIO=$(awk -v a="$DG_RPS" -v b="$NG_RPS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
FIRST_PCT=$(awk -v a="$FIRST5" -v b="$DG_RPS" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
P99_X=$(awk -v a="$DG_P99" -v b="$NG_P99" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 99) }')
check V1 "$RATIO >= 0.5"; check V2 "$P99_X <= 2"; check V3 "$FIRST_PCT >= 25"; check V4 "$DG_HWM <= 160"
check V5 "\"$L_ALIVE\" == \"yes\" && ${L_HWM:-999} <= 256 && $L_SOCK == 0 && \"$L_SMALL\" == \"200\""
if ((DO_SLOW)); then check V6 "$S_P99 <= 100 && $S_ERR == 0"; else V6=skipped; fi
echo
echo "| measure ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(load), $(nproc) cores) | deadline-guard | nginx | goal | |"
echo "|---|---|---|---|---|"
echo "| throughput, wrk -t1 -c16 10 s after 20 s, $(wc -c <"$BODY") B review | $DG_RPS req/s | $NG_RPS req/s | >= 0.5x | $RATIO: $V1 |"
echo "| p99 at 1,000 req/s (LoadGenerator, 10 connections, open loop) | $DG_P99 ms | $NG_P99 ms | <= 2x | ${P99_X}x: $V2 |"
echo "| first 5 s after ready ($READY_MS ms to ready) | $FIRST5 req/s | | >= 25% of steady | ${FIRST_PCT}%: $V3 |"
echo "| peak RSS under load (VmHWM) | $DG_HWM MiB | | <= 160 MiB | $V4 |"
echo "| 64 x 2.9 MB for 15 s | $L_REQ answered ($((L_REQ - L_NON2XX)) reviewed, $L_NON2XX with 429), $L_SOCK unanswered, alive $L_ALIVE, VmHWM ${L_HWM:-?} MiB, small review after $L_SMALL | | alive, <= 256 MiB, all answered | $V5 |"
echo "| 100 reviews/s beside 1,000 slow connections | p99 $S_P99 ms, $S_ERR errors ($S_INFO) | | p99 <= 100 ms | $V6 |"
echo "JVM: $JVM_FLAGS"
exit "$FAIL"

#!/usr/bin/env bash
# Load benchmark of the admission server over HTTPS, from a clean clone, in one command:
#
#   bench/load.sh                 # ready time, saturation (wrk), 1,000 reviews/s (open loop), nginx ceiling
#   bench/load.sh --soak [MIN]    # soak only: MIN minutes (default 5) of mixed valid, invalid, oversized requests
#   bench/load.sh --all [MIN]     # both, one table
#
# It installs wrk and nginx from Debian if they are missing, builds the jar and the test classes if
# missing, starts `java <manifest JVM flags> -XX:MaxRAM=256m -jar target/deadline-guard.jar serve
# --no-sweeper` in a temporary directory (so it generates its own certificates), and prints a Markdown
# table for BENCHMARKS.md. Every process it starts is stopped on exit; traffic goes to 127.0.0.1 only.
#
# Options (defaults in brackets):
#   --duration S        length of each measured phase [30]
#   --warmup S          wrk warm-up before the saturation run, discarded [10]
#   --rate R            fixed-rate phase, reviews/s [1000]
#   --threads T         wrk threads [2]
#   --connections C     wrk connections [32]
#   --gen-connections C connections of the Java open-loop generator [16]
#   --max-ram SIZE      -XX:MaxRAM, emulating the container memory limit outside a container [256m]
#   --port P            server port [8443, or a free one if 8443 is busy]
#   --nginx-port P      nginx port [a free one from 28443]
#   --no-nginx          skip the nginx ceiling
#   --soak-rate R       soak: requests/s of the keep-alive mix [500]
#   --soak-oversized-rate R  soak: 8 MiB requests/s, each on a fresh connection [1]
#   --soak-sample S     soak: RSS sample interval [10]
#   --rebuild           rebuild the jar and test classes even if present
#   --keep              keep the temporary directory (logs, certificates, bodies)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/nginx.sh
. "$ROOT/bench/nginx.sh"

DURATION=30
WARMUP=10
RATE=1000
WRK_THREADS=2
WRK_CONNS=32
GEN_CONNS=16
MAX_RAM=256m
PORT=
NGINX_PORT=
DO_NGINX=1
DO_BENCH=1
DO_SOAK=0
SOAK_MIN=5
SOAK_RATE=500
SOAK_BIG_RATE=1
SOAK_SAMPLE=10
REBUILD=0
KEEP=0

die() { echo "load.sh: $*" >&2; exit 2; }
is_num() { [[ ${1:-} =~ ^[0-9]+([.][0-9]+)?$ ]]; }

while (($#)); do
  case "$1" in
    --duration) DURATION=${2:?}; shift 2 ;;
    --warmup) WARMUP=${2:?}; shift 2 ;;
    --rate) RATE=${2:?}; shift 2 ;;
    --threads) WRK_THREADS=${2:?}; shift 2 ;;
    --connections) WRK_CONNS=${2:?}; shift 2 ;;
    --gen-connections) GEN_CONNS=${2:?}; shift 2 ;;
    --max-ram) MAX_RAM=${2:?}; shift 2 ;;
    --port) PORT=${2:?}; shift 2 ;;
    --nginx-port) NGINX_PORT=${2:?}; shift 2 ;;
    --no-nginx) DO_NGINX=0; shift ;;
    --soak|--all)
      [[ $1 == --soak ]] && DO_BENCH=0
      DO_SOAK=1; shift
      if is_num "${1:-}"; then SOAK_MIN=$1; shift; fi ;;
    --soak-rate) SOAK_RATE=${2:?}; shift 2 ;;
    --soak-oversized-rate) SOAK_BIG_RATE=${2:?}; shift 2 ;;
    --soak-sample) SOAK_SAMPLE=${2:?}; shift 2 ;;
    --rebuild) REBUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
for v in DURATION WARMUP RATE SOAK_MIN SOAK_RATE SOAK_BIG_RATE SOAK_SAMPLE; do
  is_num "${!v}" || die "$v must be a number, not '${!v}'"
done
for v in WRK_THREADS WRK_CONNS GEN_CONNS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
DURATION=${DURATION%.*}; WARMUP=${WARMUP%.*}; SOAK_SAMPLE=${SOAK_SAMPLE%.*}
((DURATION >= 1)) || die "--duration must be at least 1 s"
((SOAK_SAMPLE >= 1)) || die "--soak-sample must be at least 1 s"
SOAK_SECS=$(awk -v m="$SOAK_MIN" 'BEGIN { s = int(m * 60 + 0.5); print (s < 10 ? 10 : s) }')

log() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- processes and cleanup
TRACKED=()
SERVER_PID=
NGINX_PID=
RUN=
cleanup() {
  local rc=$? pid i
  set +e
  for pid in "${TRACKED[@]}"; do kill "$pid" 2>/dev/null; done
  if [[ -n $NGINX_PID ]]; then kill -QUIT "$NGINX_PID" 2>/dev/null; fi
  if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; fi
  for pid in "${TRACKED[@]}" $NGINX_PID $SERVER_PID; do
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  if [[ -n $RUN && -d $RUN ]]; then
    if ((KEEP)) || ((rc != 0)); then echo "load.sh: logs and certificates kept in $RUN" >&2; else rm -rf "$RUN"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the background (so the EXIT trap can stop it) and waits for it; returns its status.
run_tracked() {
  "$@" &
  local pid=$! rc=0
  TRACKED+=("$pid")
  wait "$pid" || rc=$?
  untrack "$pid"
  return "$rc"
}

untrack() {
  local keep=() p
  for p in "${TRACKED[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  TRACKED=("${keep[@]}")
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for ((p = $1; p < $1 + 200; p++)); do
    if ! port_busy "$p"; then echo "$p"; return 0; fi
  done
  die "no free port from $1"
}

# ---------------------------------------------------------------- 1. tools, build, bodies
log "tools and build"
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || ((DO_NGINX == 0)) || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  ((EUID == 0)) || die "missing ${need[*]}: run as root or install them (apt-get install ${need[*]})"
  echo "installing from Debian: ${need[*]}"
  apt-get update -qq
  # nginx's maintainer script would start the system nginx on port 80 where services may start; policy-rc.d
  # on this machine denies that, and we never use that instance in any case.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; then
    need=("${need[@]/nginx-light/nginx}")
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

JAR=$ROOT/target/deadline-guard.jar
if ((REBUILD)) || [[ ! -f $JAR ]]; then
  echo "building the jar (mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests
fi
GEN_SRC=$ROOT/src/test/java/dev/deadlineguard/bench/LoadGenerator.java
GEN_CLASS=$ROOT/target/test-classes/dev/deadlineguard/bench/LoadGenerator.class
if ((REBUILD)) || [[ ! -f $GEN_CLASS || $GEN_SRC -nt $GEN_CLASS ]]; then
  echo "compiling the load generator (mvn -B -q test-compile)"
  mvn -B -q test-compile
fi
if ((REBUILD)) || [[ ! -s $ROOT/target/bench-classpath.txt ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
GEN_CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/bench-classpath.txt")"

RUN=$(mktemp -d /tmp/deadline-guard-load.XXXXXX)
BODY_REPAIR=$ROOT/samples/04-blanked.json     # a repair: allowed with a JSON Patch
BODY_ALLOW=$ROOT/samples/01-unchanged.json    # a plain allow
[[ -f $BODY_REPAIR && -f $BODY_ALLOW ]] || die "samples/04-blanked.json and samples/01-unchanged.json are needed"
head -c $(($(wc -c <"$BODY_REPAIR") / 2)) "$BODY_REPAIR" >"$RUN/malformed.json"     # cut off mid-object: 400
# 8 MiB, over the default 7 MiB limit: a JSON string padded to size (413)
{ printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","pad":"'; head -c $((8 * 1024 * 1024 - 80)) /dev/zero | tr '\0' 'x'; printf '"}'; } >"$RUN/oversized.json"

# JVM flags from the Deployment (JAVA_TOOL_OPTIONS), plus MaxRAM to stand in for the cgroup limit.
MANIFEST_FLAGS=$(grep -A1 'name: JAVA_TOOL_OPTIONS' "$ROOT/manifests/base/deployment.yaml" 2>/dev/null \
  | sed -n 's/^ *value: *//p' | tr -d '"' | head -1 || true)
if [[ -z $MANIFEST_FLAGS ]]; then
  MANIFEST_FLAGS="-Xmx112m -XX:MaxNewSize=16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Xss512k -XX:ReservedCodeCacheSize=32m -XX:TrimNativeHeapInterval=5000"
  echo "warning: no JAVA_TOOL_OPTIONS found in manifests/base/deployment.yaml; using $MANIFEST_FLAGS"
fi
JVM_FLAGS="$MANIFEST_FLAGS -XX:MaxRAM=$MAX_RAM"
# shellcheck disable=SC2086
MAX_HEAP_MIB=$(java $JVM_FLAGS -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" { printf "%.0f", $4 / 1048576 }')
JAVA_VERSION=$(java -version 2>&1 | head -1 | sed 's/.*version "\(.*\)".*/\1/')
echo "JVM flags: $JVM_FLAGS"
echo "  (the manifest's JAVA_TOOL_OPTIONS; -XX:MaxRAM=$MAX_RAM emulates the container's memory limit outside a"
echo "   container; the heap is the manifest's -Xmx: max heap ${MAX_HEAP_MIB} MiB)"

if [[ -z $PORT ]]; then
  if port_busy 8443; then PORT=$(free_port 28543); echo "port 8443 is busy: using --port $PORT"; else PORT=8443; fi
elif port_busy "$PORT"; then
  die "port $PORT is busy"
fi
BASE=https://127.0.0.1:$PORT
CA=$RUN/certs/ca.crt

# ---------------------------------------------------------------- process figures
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }   # utime + stime
rss_kib() { awk -v k="${2:-VmRSS}:" '$1 == k { print $2 }' "/proc/$1/status"; }
alive() { [[ -n ${1:-} && -r /proc/$1/stat ]] && [[ $(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1) != Z ]]; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# Samples the server's VmRSS every $2 s into $1 ("seconds rss_kib hwm_kib") until $3 s have passed.
sample_rss() {
  local out=$1 every=$2 total=$3 t=0
  while ((t <= total)) && alive "$SERVER_PID"; do
    echo "$t $(rss_kib "$SERVER_PID") $(rss_kib "$SERVER_PID" VmHWM)" >>"$out"
    sleep "$every"
    t=$((t + every))
  done
}

# ---------------------------------------------------------------- 2. start, ready time
# Starts the server in $RUN (certificates in $RUN/certs) and sets SERVER_PID and READY_MS.
start_server() {
  local t0 code="" i
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$RUN" && exec java $JVM_FLAGS -jar "$JAR" serve --no-sweeper --port "$PORT" --cert-dir certs) >>"$RUN/server.log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 1500; i++)); do          # 30 s at most
    if [[ -f $CA ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$CA" "$BASE/readyz" 2>/dev/null || true)
      [[ $code == 200 ]] && break
    fi
    alive "$SERVER_PID" || { tail -20 "$RUN/server.log" >&2; die "the server exited during start-up"; }
    sleep 0.02
  done
  [[ $code == 200 ]] || { tail -20 "$RUN/server.log" >&2; die "/readyz did not answer 200 within 30 s"; }
  READY_MS=$((($(date +%s%N) - t0) / 1000000))
}

stop_server() {   # SIGTERM: /readyz 503, --shutdown-delay (5 s), drain, exit 143
  local i
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 400; i++)); do alive "$SERVER_PID" || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

log "start: java $JVM_FLAGS -jar target/deadline-guard.jar serve --no-sweeper --port $PORT --cert-dir certs (in $RUN)"
start_server
READY_FIRST_MS=$READY_MS
echo "first start (generates the CA and serving certificate): ready in $READY_FIRST_MS ms"
kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
start_server
echo "second start (certificates present, as in a pod): ready in $READY_MS ms (pid $SERVER_PID)"

# Check what each body gets, and capture the /mutate response for nginx.
code=$(curl -s -o "$RUN/mutate-response.json" -w '%{http_code}' --cacert "$CA" -H 'Content-Type: application/json' \
  --data-binary @"$BODY_REPAIR" "$BASE/mutate")
[[ $code == 200 ]] || die "POST /mutate with samples/04-blanked.json answered $code"
grep -q '"patch"' "$RUN/mutate-response.json" || die "/mutate did not return a patch for samples/04-blanked.json"
RESP_BYTES=$(wc -c <"$RUN/mutate-response.json")
REQ_BYTES=$(wc -c <"$BODY_REPAIR")
echo "POST /mutate samples/04-blanked.json ($REQ_BYTES B): 200 with a patch, response $RESP_BYTES B"

# Runs wrk with bench/post.lua; prints its output; sets WRK_* from the script's done() line.
run_wrk() {   # url body seconds outfile
  local url=$1 body=$2 secs=$3 out=$4
  run_tracked env BODY_FILE="$body" timeout -k 5 $((secs + 30)) \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${secs}s" --latency -s "$ROOT/bench/post.lua" "$url" >"$out" 2>&1 || {
    cat "$out"; die "wrk failed"; }
}
wrk_field() { local v; v=$(sed -n 's/^WRK .*[ ]'"$2"'=\([^ ]*\).*/\1/p' "$1"); echo "${v:-0}"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
res_field() { local v; v=$(sed -n 's/^RESULT .*[ ]'"$2"'=\([^ ]*\).*/\1/p' "$1"); echo "${v:-0}"; }

# ---------------------------------------------------------------- 3-5. the benchmark
if ((DO_BENCH)); then
  if ((WARMUP > 0)); then
    log "warm-up: wrk ${WARMUP} s on /mutate (discarded), in steps of at most 5 s so the JIT's progress shows"
    for ((done_s = 0; done_s < WARMUP; done_s += step)); do
      step=$((WARMUP - done_s < 5 ? WARMUP - done_s : 5))
      run_wrk "$BASE/mutate" "$BODY_REPAIR" "$step" "$RUN/wrk-warmup.txt"
      echo "warm-up $((done_s + step))/${WARMUP} s: $(wrk_field "$RUN/wrk-warmup.txt" rps) req/s," \
        "$(wrk_field "$RUN/wrk-warmup.txt" err_status) non-2xx"
    done
  fi

  log "saturation: wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s --latency, POST /mutate samples/04-blanked.json"
  : >"$RUN/rss-sat.txt"
  sample_rss "$RUN/rss-sat.txt" 1 $((DURATION + 2)) &
  TRACKED+=("$!")
  c0=$(cpu_ticks "$SERVER_PID"); t0=$(date +%s%N)
  run_wrk "$BASE/mutate" "$BODY_REPAIR" "$DURATION" "$RUN/wrk-sat.txt"
  c1=$(cpu_ticks "$SERVER_PID"); t1=$(date +%s%N)
  cat "$RUN/wrk-sat.txt"
  SAT_CPU=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", c / hz / (ns / 1e9) * 100 }')
  SAT_RPS=$(wrk_field "$RUN/wrk-sat.txt" rps)
  SAT_P50=$(ms "$(wrk_field "$RUN/wrk-sat.txt" p50_us)"); SAT_P99=$(ms "$(wrk_field "$RUN/wrk-sat.txt" p99_us)")
  SAT_P999=$(ms "$(wrk_field "$RUN/wrk-sat.txt" p999_us)")
  SAT_STATUS_ERR=$(wrk_field "$RUN/wrk-sat.txt" err_status)
  SAT_SOCK_ERR=$(($(wrk_field "$RUN/wrk-sat.txt" err_connect) + $(wrk_field "$RUN/wrk-sat.txt" err_read) \
    + $(wrk_field "$RUN/wrk-sat.txt" err_write) + $(wrk_field "$RUN/wrk-sat.txt" err_timeout)))
  SAT_RSS_MAX=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$RUN/rss-sat.txt")
  echo "server during saturation: CPU ${SAT_CPU}% (100% = one core of $(nproc)), RSS max $(mib "$SAT_RSS_MAX") MiB"

  log "fixed rate: ${RATE} reviews/s for ${DURATION} s, open loop (LoadGenerator, $GEN_CONNS keep-alive connections)"
  GEN_WARMUP=$((WARMUP < 5 ? WARMUP : 5))
  : >"$RUN/rss-rate.txt"
  sample_rss "$RUN/rss-rate.txt" 1 $((GEN_WARMUP + DURATION + 2)) &
  TRACKED+=("$!")
  c0=$(cpu_ticks "$SERVER_PID"); t0=$(date +%s%N)
  run_tracked timeout -k 5 $((GEN_WARMUP + DURATION + 60)) java -Xss512k -cp "$GEN_CP" dev.deadlineguard.bench.LoadGenerator \
    --port "$PORT" --ca "$CA" --rate "$RATE" --connections "$GEN_CONNS" --duration "$DURATION" --warmup "$GEN_WARMUP" \
    --req "method=POST,path=/mutate,type=application/json,body=$BODY_REPAIR,expect=200" >"$RUN/gen-rate.txt" 2>&1 || {
    cat "$RUN/gen-rate.txt"; die "the load generator failed"; }
  c1=$(cpu_ticks "$SERVER_PID"); t1=$(date +%s%N)
  cat "$RUN/gen-rate.txt"
  RATE_CPU=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", c / hz / (ns / 1e9) * 100 }')
  RATE_ACHIEVED=$(res_field "$RUN/gen-rate.txt" achieved)
  RATE_P50=$(ms "$(res_field "$RUN/gen-rate.txt" p50_us)"); RATE_P99=$(ms "$(res_field "$RUN/gen-rate.txt" p99_us)")
  RATE_P999=$(ms "$(res_field "$RUN/gen-rate.txt" p999_us)"); RATE_MAX=$(ms "$(res_field "$RUN/gen-rate.txt" max_us)")
  RATE_ERR=$(($(res_field "$RUN/gen-rate.txt" unexpected) + $(res_field "$RUN/gen-rate.txt" socket_errors) \
    + $(res_field "$RUN/gen-rate.txt" timeouts)))
  RATE_LATE=$(res_field "$RUN/gen-rate.txt" late_sends)
  RSS_MAX=$(cat "$RUN/rss-sat.txt" "$RUN/rss-rate.txt" | awk '$2 > m { m = $2 } END { print m + 0 }')
  HWM=$(rss_kib "$SERVER_PID" VmHWM)
  echo "server at ${RATE}/s: CPU ${RATE_CPU}%, RSS max $(mib "$(awk '$2 > m { m = $2 } END { print m + 0 }' "$RUN/rss-rate.txt")") MiB"

  NGINX_RPS=; RATIO=
  if ((DO_NGINX)); then
    [[ -n $NGINX_PORT ]] || NGINX_PORT=$(free_port 28443)
    log "ceiling: nginx, worker_processes 2, static $RESP_BYTES B response to POST /mutate, same certificate, port $NGINX_PORT"
    NG=$RUN/nginx
    mkdir -p "$NG"
    write_nginx_conf "$NG" "$NGINX_PORT" "$RUN/certs/tls.crt" "$RUN/certs/tls.key" "$RUN/mutate-response.json"
    "$NGINX" -t -q -c "$NG/nginx.conf" -p "$NG" -e "$NG/error.log" || die "nginx rejected $NG/nginx.conf"
    "$NGINX" -c "$NG/nginx.conf" -p "$NG" -e "$NG/error.log" &
    NGINX_PID=$!
    for ((i = 0; i < 100; i++)); do port_busy "$NGINX_PORT" && break; sleep 0.05; done
    curl -s -o "$NG/response.json" --cacert "$CA" -H 'Content-Type: application/json' --data-binary @"$BODY_REPAIR" \
      "https://127.0.0.1:$NGINX_PORT/mutate" || die "nginx did not answer over TLS"
    if cmp -s "$NG/response.json" "$RUN/mutate-response.json"; then
      echo "nginx answers POST /mutate with the same $RESP_BYTES bytes as deadline-guard"
    else
      echo "warning: nginx's body differs from deadline-guard's ($(wc -c <"$NG/response.json") B)"
    fi
    run_wrk "https://127.0.0.1:$NGINX_PORT/mutate" "$BODY_REPAIR" $((WARMUP < 3 ? WARMUP + 1 : 3)) "$RUN/wrk-nginx-warmup.txt"
    run_wrk "https://127.0.0.1:$NGINX_PORT/mutate" "$BODY_REPAIR" "$DURATION" "$RUN/wrk-nginx.txt"
    cat "$RUN/wrk-nginx.txt"
    NGINX_RPS=$(wrk_field "$RUN/wrk-nginx.txt" rps)
    NGINX_P99=$(ms "$(wrk_field "$RUN/wrk-nginx.txt" p99_us)")
    RATIO=$(awk -v a="$SAT_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "deadline-guard / nginx = $SAT_RPS / $NGINX_RPS = $RATIO"
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=
  fi
fi

# ---------------------------------------------------------------- 6. soak
SOAK_FAIL=0
if ((DO_SOAK)); then
  if ((DO_BENCH)); then   # a fresh process, so the memory series starts from a clean start
    log "restarting the server for the soak"
    stop_server
    start_server
    echo "ready in $READY_MS ms (pid $SERVER_PID)"
  fi
  # at least 6 RSS samples, however short the run
  SOAK_SAMPLE=$((SOAK_SECS / 6 < SOAK_SAMPLE ? (SOAK_SECS / 6 > 0 ? SOAK_SECS / 6 : 1) : SOAK_SAMPLE))
  log "soak: ${SOAK_SECS} s at ${SOAK_RATE} req/s (+ ${SOAK_BIG_RATE}/s oversized), RSS every ${SOAK_SAMPLE} s"
  LOG_LINES_BEFORE=$(wc -l <"$RUN/server.log")
  J=application/json
  : >"$RUN/rss-soak.txt"
  sample_rss "$RUN/rss-soak.txt" "$SOAK_SAMPLE" "$SOAK_SECS" &
  TRACKED+=("$!")
  soak_rc=0
  run_tracked timeout -k 5 $((SOAK_SECS + 90)) java -Xss512k -cp "$GEN_CP" dev.deadlineguard.bench.LoadGenerator \
    --port "$PORT" --ca "$CA" --rate "$SOAK_RATE" --connections 8 --duration "$SOAK_SECS" --progress "$SOAK_SAMPLE" \
    --req "method=POST,path=/mutate,type=$J,body=$BODY_REPAIR,expect=200,weight=2" \
    --req "method=POST,path=/validate,type=$J,body=$BODY_REPAIR,expect=200,weight=2" \
    --req "method=POST,path=/mutate,type=$J,body=$BODY_ALLOW,expect=200,weight=2" \
    --req "method=POST,path=/validate,type=$J,body=$BODY_ALLOW,expect=200,weight=2" \
    --req "method=POST,path=/mutate,type=$J,body=$RUN/malformed.json,expect=400" \
    --req "method=POST,path=/validate,type=text/plain,body=$BODY_REPAIR,expect=415" \
    --req "method=GET,path=/mutate,type=-,body=-,expect=405" \
    --side-rate "$SOAK_BIG_RATE" \
    --side-req "method=POST,path=/mutate,type=$J,body=$RUN/oversized.json,expect=413" \
    --side-req "method=POST,path=/validate,type=$J,body=$RUN/oversized.json,expect=413,chunked=true" \
    >"$RUN/gen-soak.txt" 2>&1 || soak_rc=$?
  cat "$RUN/gen-soak.txt"
  sleep 1
  echo
  echo "RSS series (s since the soak started, MiB):"
  awk '{ printf "  t=%4ds  VmRSS %4.0f MiB  VmHWM %4.0f MiB\n", $1, $2 / 1024, $3 / 1024 }' "$RUN/rss-soak.txt"

  SOAK_ALIVE=no; SOAK_HEALTHZ=-
  if alive "$SERVER_PID"; then
    SOAK_ALIVE=yes
    SOAK_HEALTHZ=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$CA" "$BASE/healthz" || true)
  fi
  SOAK_COMPLETED=$(res_field "$RUN/gen-soak.txt" completed); SOAK_COMPLETED=${SOAK_COMPLETED:-0}
  SOAK_STATUSES=$(res_field "$RUN/gen-soak.txt" statuses)
  SOAK_SIDE=$(res_field "$RUN/gen-soak.txt" side_statuses)
  SOAK_5XX=$(($(res_field "$RUN/gen-soak.txt" fivexx) + $(res_field "$RUN/gen-soak.txt" side_fivexx)))
  SOAK_UNEXPECTED=$(($(res_field "$RUN/gen-soak.txt" unexpected) + $(res_field "$RUN/gen-soak.txt" side_unexpected)))
  SOAK_SOCK=$(($(res_field "$RUN/gen-soak.txt" socket_errors) + $(res_field "$RUN/gen-soak.txt" timeouts) \
    + $(res_field "$RUN/gen-soak.txt" side_errors)))
  SOAK_P99=$(ms "$(res_field "$RUN/gen-soak.txt" p99_us)")
  SOAK_LOG_ERRORS=$(tail -n +"$((LOG_LINES_BEFORE + 1))" "$RUN/server.log" | grep -c -E '\[ERROR\]|Exception' || true)
  # Flat memory: mean RSS of the last window against the first window after warm-up. For 3 minutes or
  # more, warm-up is the first minute and the windows are a minute each; shorter runs use thirds.
  read -r SOAK_RSS_BASE SOAK_RSS_LAST SOAK_RSS_MAX SOAK_FLAT < <(awk -v total="$SOAK_SECS" '
    { t[NR] = $1; r[NR] = $2; if ($2 > max) max = $2 }
    END {
      if (total >= 180) { w = 60; b0 = 60; b1 = 120; l0 = total - 60 } else { w = total / 3; b0 = w; b1 = 2 * w; l0 = total - w }
      for (i = 1; i <= NR; i++) {
        if (t[i] >= b0 && t[i] < b1) { bs += r[i]; bn++ }
        if (t[i] > l0) { ls += r[i]; ln++ }
      }
      if (bn == 0 || ln == 0) { print "0 0", max + 0, "unknown"; exit }
      b = bs / bn; l = ls / ln
      printf "%.0f %.0f %.0f %s\n", b, l, max, (l <= b * 1.10 ? "yes" : "no")
    }' "$RUN/rss-soak.txt")
  echo
  echo "alive: $SOAK_ALIVE; /healthz: $SOAK_HEALTHZ; 5xx: $SOAK_5XX; unexpected statuses: $SOAK_UNEXPECTED;" \
    "socket errors/timeouts: $SOAK_SOCK; ERROR/Exception lines in the server log: $SOAK_LOG_ERRORS"
  echo "RSS: first window after warm-up $(mib "$SOAK_RSS_BASE") MiB, last window $(mib "$SOAK_RSS_LAST") MiB," \
    "max $(mib "$SOAK_RSS_MAX") MiB: flat (last within 10% of first) = $SOAK_FLAT"
  if [[ $SOAK_ALIVE != yes || $SOAK_HEALTHZ != 200 ]]; then
    echo "SOAK FAILED: the server crashed or is unhealthy"; tail -30 "$RUN/server.log"; SOAK_FAIL=1
  fi
  if ((SOAK_5XX > 0)); then echo "SOAK FAILED: $SOAK_5XX responses with status 5xx"; SOAK_FAIL=1; fi
  if ((soak_rc != 0)); then echo "SOAK FAILED: the load generator exited with $soak_rc"; SOAK_FAIL=1; fi
  ((SOAK_UNEXPECTED == 0)) || echo "warning: $SOAK_UNEXPECTED responses had another status than expected"
  [[ $SOAK_FLAT == yes ]] || echo "warning: RSS did not stay flat"
fi

# ---------------------------------------------------------------- 7. the table
MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
log "result"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
echo "| machine | $(nproc) cores, ${MODEL:-unknown CPU}, ${MEM_GIB} GiB; client and server share it; load average at the end $LOAD |"
echo "| JVM | OpenJDK $JAVA_VERSION, \`$JVM_FLAGS\` (manifest flags; MaxRAM emulates the $MAX_RAM container limit: max heap ${MAX_HEAP_MIB} MiB) |"
echo "| ready (GET /readyz 200 after process start) | ${READY_FIRST_MS} ms first start (generates certificates), ${READY_MS} ms with certificates present |"
if ((DO_BENCH)); then
  echo "| request | POST /mutate, samples/04-blanked.json ($REQ_BYTES B ReplicaSet review, repaired with a patch; response $RESP_BYTES B), TLS, keep-alive |"
  echo "| saturation (wrk -t$WRK_THREADS -c$WRK_CONNS, ${DURATION} s after ${WARMUP} s warm-up) | **$SAT_RPS req/s** |"
  echo "| saturation latency p50 / p99 / p99.9 | $SAT_P50 / $SAT_P99 / $SAT_P999 ms |"
  echo "| saturation errors | $SAT_STATUS_ERR non-2xx, $SAT_SOCK_ERR socket errors |"
  echo "| server RSS max (sampled each second under load) / VmHWM | $(mib "$RSS_MAX") MiB / $(mib "$HWM") MiB |"
  echo "| server CPU at saturation / at ${RATE}/s | ${SAT_CPU}% / ${RATE_CPU}% (100% = one core) |"
  echo "| ${RATE} reviews/s, open loop, ${DURATION} s ($GEN_CONNS connections; latency from intended send time) | **p99 $RATE_P99 ms** (p50 $RATE_P50, p99.9 $RATE_P999, max $RATE_MAX ms; achieved $RATE_ACHIEVED/s, $RATE_ERR errors, $RATE_LATE sends >1 ms late) |"
  if ((DO_NGINX)); then
    echo "| nginx ceiling (static ${RESP_BYTES} B HTTPS response, worker_processes 2, same wrk run) | $NGINX_RPS req/s (p99 $NGINX_P99 ms) |"
    echo "| deadline-guard / nginx | **$RATIO** |"
  fi
fi
if ((DO_SOAK)); then
  echo "| soak | ${SOAK_SECS} s, ${SOAK_RATE} req/s: 04/01 samples to /mutate and /validate, malformed JSON (400), text/plain (415), GET (405); ${SOAK_BIG_RATE}/s 8 MiB bodies (413, Content-Length and chunked) |"
  echo "| soak responses | $SOAK_COMPLETED: $SOAK_STATUSES; oversized: $SOAK_SIDE; p99 $SOAK_P99 ms (from a cold start: includes JIT warm-up) |"
  echo "| soak errors | $SOAK_5XX 5xx, $SOAK_UNEXPECTED unexpected statuses, $SOAK_SOCK socket errors/timeouts, $SOAK_LOG_ERRORS ERROR lines in the log |"
  echo "| soak crash | $([[ $SOAK_ALIVE == yes ]] && echo "none (alive, /healthz $SOAK_HEALTHZ)" || echo "CRASHED") |"
  echo "| soak RSS (first window after warm-up / last / max) | $(mib "$SOAK_RSS_BASE") / $(mib "$SOAK_RSS_LAST") / $(mib "$SOAK_RSS_MAX") MiB: flat = $SOAK_FLAT |"
fi
echo
stop_server
exit "$SOAK_FAIL"

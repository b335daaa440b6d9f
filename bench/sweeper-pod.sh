#!/usr/bin/env bash
# The sweeper inside the pod's memory limit (issue 12: 100,000 guarded ReplicaSets inside it):
#
#   bench/sweeper-pod.sh [--rebuild] [--keep] [REPLICASETS (default 100000)]
#
# Starts a mock API server in its own process (dev.deadlineguard.bench.SweeperApiServer: the fabric8 mock holding
# REPLICASETS guarded ReplicaSets, 10 per Rollout, each with a realistic pod template, answering lists in pages as
# the real API server does), then `java <manifest JVM flags> -XX:MaxRAM=<limit> -jar target/deadline-guard.jar serve`
# with a kubeconfig pointing at it, sweeper and reports on (as in a pod). Measures, with the machine's load:
#   1. time until the sweeper's informers are synced and hold every ReplicaSet (the metrics say so);
#   2. peak RSS (VmHWM) and RSS (VmRSS) 30 s after sync, with one ReplicaSet changed (a label) right after sync so
#      that a watch event reaches the informer, and the live heap then (jcmd GC.class_histogram total);
#   3. VmHWM after admission load: wrk -t1 -c16 for 15 s, POST /mutate of the compact sample 04 review.
# SWEEP_ONCE=1 measures the sweep CronJob's pass instead: `sweep --once --dry-run` against the same mock, its
# exit status, run time and peak memory. SERVE_ARGS adds flags to serve (--reports none; --no-sweeper for the admission-only baseline, which skips the
# sync); EXTRA_JVM adds JVM flags; JAR names another build of the jar to measure; NMT=1 adds Native Memory Tracking and prints where the memory is. Exits 1 if the server died or VmHWM passed the pod's memory limit (the Deployment's, or LIMIT_MIB), 2 on a setup error.
# Where the machine gives a writable memory cgroup (as root on cgroup v1, or v2 with the memory controller
# delegated), the server runs inside one with the pod's limit and no swap, as in a pod: the kernel reclaims page
# cache at the limit and OOM-kills the process above it, and the table adds the cgroup's peak charge and its OOM
# kills (CGROUP=0 turns this off; elsewhere VmHWM is the only reading).
# Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"
REBUILD=0; KEEP=0; N=100000
while (($#)); do
  case "$1" in
    --rebuild) REBUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0)) || { echo "sweeper-pod.sh: not a positive whole number: $1" >&2; exit 2; }
       N=$1; shift ;;
  esac
done
die() { echo "sweeper-pod.sh: $*" >&2; exit 2; }

PIDS=(); RUN=
cleanup() {
  local rc=$? p
  set +e
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  cgroup_remove
  if [[ -n $RUN && -d $RUN ]]; then
    if ((KEEP)) || ((rc != 0)); then echo "sweeper-pod.sh: logs kept in $RUN" >&2; else rm -rf "$RUN"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v curl >/dev/null || die "curl is missing"
JAR=${JAR:-$ROOT/target/deadline-guard.jar}
if ((REBUILD)) || [[ ! -f $JAR ]]; then mvn -B -q package -DskipTests; fi
if ((REBUILD)) || [[ ! -f target/test-classes/dev/deadlineguard/bench/SweeperApiServer.class ]]; then mvn -B -q test-compile; fi
if ((REBUILD)) || [[ ! -s target/bench-classpath.txt ]]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/bench-classpath.txt)"
RUN=$(mktemp -d /tmp/deadline-guard-sweeper-pod.XXXXXX)
java -cp "$CP" dev.deadlineguard.testing.LargeReviews "$RUN" >/dev/null
BODY=$RUN/review.json

FLAGS=$(grep -A1 'name: JAVA_TOOL_OPTIONS' manifests/base/deployment.yaml | sed -n 's/^ *value: *//p' | tr -d '"' | head -1)
[[ -n $FLAGS ]] || die "no JAVA_TOOL_OPTIONS in manifests/base/deployment.yaml"
LIMIT=${LIMIT_MIB:-$(grep -A1 '^ *limits:' manifests/base/deployment.yaml | sed -n 's/^ *memory: *\([0-9]*\)Mi$/\1/p' | head -1)}
[[ $LIMIT =~ ^[0-9]+$ ]] || die "no memory limit in Mi in manifests/base/deployment.yaml (set LIMIT_MIB)"
JVM_FLAGS="$FLAGS -XX:MaxRAM=${LIMIT}m${EXTRA_JVM:+ $EXTRA_JVM}"
[[ ${NMT:-0} == 1 ]] && JVM_FLAGS="$JVM_FLAGS -XX:NativeMemoryTracking=summary"
CG_NOTE="no writable memory cgroup here: VmHWM only"
if [[ ${CGROUP:-1} == 1 ]] && cgroup_create "$LIMIT"; then CG_NOTE="inside a memory cgroup (v$CG_VERSION) limited to $LIMIT MiB, no swap"; fi
status_mib() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
metric() { curl -s --max-time 5 --cacert "$CA" "https://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
API_PORT=$(free_port 28610); PORT=$(free_port 28710)
CA=$RUN/certs/ca.crt

printf '== mock API server with %d guarded ReplicaSets on 127.0.0.1:%d (load %s)\n' "$N" "$API_PORT" "$(load)"
java -Xmx${MOCK_HEAP:-8g} -Ddeadline-guard.log.level=WARN -cp "$CP" dev.deadlineguard.bench.SweeperApiServer "$API_PORT" "$N" \
  >"$RUN/api.log" 2>&1 &
PIDS+=("$!"); API_PID=$!
for ((i = 0; i < 1200; i++)); do
  grep -q '^ready' "$RUN/api.log" && break
  alive "$API_PID" || { tail -20 "$RUN/api.log"; die "the mock API server exited"; }
  sleep 0.5
done
grep '^ready' "$RUN/api.log" || die "the mock API server was not ready within 10 minutes"
cat >"$RUN/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: mock
  cluster: {server: "http://127.0.0.1:$API_PORT"}
users:
- name: me
  user: {token: bench}
contexts:
- name: mock
  context: {cluster: mock, user: me, namespace: deadline-guard}
current-context: mock
EOF

if [[ ${SWEEP_ONCE:-0} == 1 ]]; then
  # The sweep CronJob's pass instead of serve: one `sweep --once --dry-run` (the plan printed, nothing changed).
  printf '\n== java %s -jar target/deadline-guard.jar sweep --once --dry-run (load %s)\n' "$JVM_FLAGS" "$(load)"
  echo "$CG_NOTE"
  T0=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$RUN" && cgroup_enter && KUBECONFIG="$RUN/kubeconfig" exec java $JVM_FLAGS -jar "$JAR" sweep --once --dry-run) \
    >"$RUN/sweep.out" 2>"$RUN/sweep.log" &
  SWEEP_PID=$!; PIDS+=("$SWEEP_PID")
  sample_rss "$SWEEP_PID" "$RUN/rss-peaks" &
  PIDS+=("$!")
  HWM=-
  while alive "$SWEEP_PID"; do HWM=$(status_mib "$SWEEP_PID" VmHWM 2>/dev/null || echo "$HWM"); sleep 0.2; done
  RC=0; wait "$SWEEP_PID" || RC=$?
  ELAPSED=$((($(date +%s%N) - T0) / 1000000))
  read -r PEAK_ANON PEAK_FILE 2>/dev/null <"$RUN/rss-peaks" || { PEAK_ANON=-; PEAK_FILE=-; }
  grep -m3 -E 'OutOfMemoryError|Terminating due to' "$RUN/sweep.log" || true
  echo
  echo "| measure ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(load), $(nproc) cores) | value |"
  echo "|---|---|"
  echo "| guarded ReplicaSets in the mock API server (own process) | $N |"
  echo "| sweep --once --dry-run: exit status / run time / plan lines | $RC / $ELAPSED ms / $(wc -l <"$RUN/sweep.out") |"
  echo "| VmHWM (last reading before exit, every 0.2 s) | $HWM MiB |"
  echo "| highest RssAnon / RssFile+RssShmem seen (every 0.2 s) | $PEAK_ANON / $PEAK_FILE MiB |"
  if [[ -n $CG_DIR ]]; then
    echo "| memory cgroup of $LIMIT MiB: peak charge / times at the limit / OOM kills | $(cgroup_peak_mib) MiB / $(cgroup_limit_hits) / $(cgroup_oom_kills) |"
  fi
  echo "JVM: $JVM_FLAGS; limit $LIMIT MiB"
  # 0 and 3 (something overdue, reported) are a finished pass; anything else, or a peak over the limit, fails.
  ((RC == 0 || RC == 3)) && [[ $HWM == - || $HWM -le $LIMIT ]]
  exit $?
fi

printf '\n== java %s -jar target/deadline-guard.jar serve %s (load %s)\n' "$JVM_FLAGS" "${SERVE_ARGS:-}" "$(load)"
echo "$CG_NOTE"
# shellcheck disable=SC2086
(cd "$RUN" && cgroup_enter && KUBECONFIG="$RUN/kubeconfig" exec java $JVM_FLAGS -jar "$JAR" serve --cert-dir certs --port "$PORT" ${SERVE_ARGS:-}) \
  >"$RUN/server.log" 2>&1 &
PIDS+=("$!"); SERVER_PID=$!
T0=$(date +%s%N)
sample_rss "$SERVER_PID" "$RUN/rss-peaks" &
PIDS+=("$!")
wait_ready "$SERVER_PID" "$CA" "$PORT" "$RUN/server.log"
echo "admission ready in $READY_MS ms"
SYNCED=; DIED=
NO_SWEEPER=0; [[ " ${SERVE_ARGS:-} " == *" --no-sweeper "* ]] && { NO_SWEEPER=1; SYNCED="(no sweeper)"; }
for ((i = 0; i < 1200 && !NO_SWEEPER; i++)); do
  alive "$SERVER_PID" || { DIED="during sync"; break; }
  if [[ $(metric deadline_guard_sweeper_informers_synced) == 1.0 && $(metric deadline_guard_sweeper_guarded_replicasets) == "$N.0" ]]; then
    SYNCED=$((($(date +%s%N) - T0) / 1000000)); break
  fi
  sleep 0.5
done
[[ -n $DIED || -n $SYNCED ]] || die "the sweeper did not sync within 10 minutes"
RSS_SYNC=-; HWM_SYNC=-; LIVE=-; HWM_LOAD=-; RPS=-; QUEUE=-; LEADER=-
if [[ -z $DIED ]]; then
  echo "synced $N ReplicaSets $SYNCED ms after start (load $(load)); VmHWM $(status_mib "$SERVER_PID" VmHWM) MiB"
  # One change after sync, so that a watch event for a ReplicaSet reaches the informer (as in any live cluster).
  ONE=$(curl -s --max-time 30 "http://127.0.0.1:$API_PORT/apis/apps/v1/namespaces/team-0/replicasets?limit=1" \
    | grep -o '"name":"app-[^"]*"' | head -1 | cut -d'"' -f4)
  [[ -z $ONE ]] || curl -s --max-time 30 -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d '{"metadata":{"labels":{"bench":"touched"}}}' "http://127.0.0.1:$API_PORT/apis/apps/v1/namespaces/team-0/replicasets/$ONE"
  for ((i = 0; i < 30; i++)); do alive "$SERVER_PID" || { DIED="after sync"; break; }; sleep 1; done
fi
if [[ -z $DIED ]]; then
  HWM_SYNC=$(status_mib "$SERVER_PID" VmHWM); RSS_SYNC=$(status_mib "$SERVER_PID" VmRSS)
  QUEUE=$(metric deadline_guard_sweeper_queue_size); LEADER=$(metric deadline_guard_sweeper_leader)
  echo "30 s after sync: VmHWM $HWM_SYNC MiB, VmRSS $RSS_SYNC MiB, queue $QUEUE, leader $LEADER (load $(load))"
  if command -v wrk >/dev/null; then
    printf '\n== admission load: wrk -t1 -c16 15 s POST /mutate (load %s)\n' "$(load)"
    env BODY_FILE="$BODY" timeout -k 5 75 wrk -t1 -c16 -d15s --latency -s bench/post.lua "https://127.0.0.1:$PORT/mutate" \
      >"$RUN/wrk.txt" 2>&1 || true
    RPS=$(awk '$1 == "WRK" { for (i = 2; i <= NF; i++) if ($i ~ /^rps=/) print substr($i, 5) }' "$RUN/wrk.txt")
    if alive "$SERVER_PID"; then HWM_LOAD=$(status_mib "$SERVER_PID" VmHWM); else DIED="under admission load"; fi
    echo "wrk: ${RPS:-?} req/s; VmHWM $HWM_LOAD MiB (load $(load))"
  else
    echo "wrk is not installed: no admission load (apt-get install wrk)"
  fi
fi
if [[ -z $DIED && ${NMT:-0} == 1 ]]; then
  jcmd "$SERVER_PID" VM.native_memory summary >"$RUN/nmt.txt" 2>&1 || true
  ANON=$(awk '$1 == "RssAnon:" { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  echo; echo "Native Memory Tracking, committed MiB (RssAnon $ANON MiB):"
  awk '/^-/ && /committed=/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name);
    match($0, /committed=[0-9]+KB/); kb = substr($0, RSTART + 10, RLENGTH - 12); if (kb >= 1024) printf "  %s %.0f\n", name, kb / 1024 }
    /^Total:/ { match($0, /committed=[0-9]+KB/); printf "  total %.0f\n", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }' "$RUN/nmt.txt"
  awk '/^- *Compiler/ { c = 1 } c && /arena=/ { match($0, /peak=[0-9]+KB/); printf "  compiler arenas at their peak %.0f\n", substr($0, RSTART + 5, RLENGTH - 7) / 1024; c = 0 }
    /^- *Arena Chunk/ { a = 1 } a && /peak=/ { match($0, /peak=[0-9]+KB/); printf "  arena chunks at their peak %.0f\n", substr($0, RSTART + 5, RLENGTH - 7) / 1024; a = 0 }' "$RUN/nmt.txt"
  CLASSES=$(jcmd "$SERVER_PID" PerfCounter.print 2>/dev/null | awk -F= '$1 == "java.cls.loadedClasses" { l = $2 } $1 == "java.cls.unloadedClasses" { u = $2 } END { print l - u }')
  MODEL=$(jcmd "$SERVER_PID" VM.class_hierarchy 2>/dev/null | grep -c 'io\.fabric8\.kubernetes\.api\.model\.[A-Za-z]*/' || true)
  POD=$(jcmd "$SERVER_PID" VM.class_hierarchy 2>/dev/null | grep -c 'io\.fabric8\.kubernetes\.api\.model\.Container/' || true)
  echo "  classes loaded $CLASSES, of them fabric8's core/v1 model $MODEL; the pod template's model (Container) loaded: $((POD > 0))"
fi
if [[ -z $DIED ]]; then
  LIVE=$(jcmd "$SERVER_PID" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { printf "%.1f", $3 / 1048576 }')
fi
grep -m3 -E 'OutOfMemoryError|Terminating due to' "$RUN/server.log" || true

echo
echo "| measure ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(load), $(nproc) cores) | value |"
echo "|---|---|"
echo "| guarded ReplicaSets in the mock API server (own process) | $N |"
echo "| start to informers synced with every ReplicaSet | ${SYNCED:-never} ms |"
echo "| VmHWM / VmRSS 30 s after sync | $HWM_SYNC / $RSS_SYNC MiB |"
echo "| live heap then (GC.class_histogram total, after the load) | $LIVE MiB |"
echo "| deadline queue / leader | $QUEUE / $LEADER |"
echo "| VmHWM after wrk -t1 -c16 15 s of /mutate (${RPS:-?} req/s) | $HWM_LOAD MiB |"
read -r PEAK_ANON PEAK_FILE 2>/dev/null <"$RUN/rss-peaks" || { PEAK_ANON=-; PEAK_FILE=-; }
echo "| highest RssAnon / RssFile+RssShmem seen (every 0.2 s) | $PEAK_ANON / $PEAK_FILE MiB |"
if [[ -n $CG_DIR ]]; then
  echo "| memory cgroup of $LIMIT MiB: peak charge (anonymous and page cache) / times at the limit / OOM kills | $(cgroup_peak_mib) MiB / $(cgroup_limit_hits) / $(cgroup_oom_kills) |"
fi
if [[ -n $DIED ]]; then echo "| server | died $DIED (exit status: see server.log) |"; else echo "| server | alive |"; fi
echo "JVM: $JVM_FLAGS; serve ${SERVE_ARGS:-}; limit $LIMIT MiB"
FAIL=0
[[ -z $DIED ]] || FAIL=1
for v in "$HWM_SYNC" "$HWM_LOAD"; do [[ $v == - ]] || ((v <= LIMIT)) || FAIL=1; done
exit "$FAIL"

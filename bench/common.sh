# shellcheck shell=bash
# Helpers the bench scripts share (sourced; each script defines its own die and its SERVER_PID/CA/PORT).

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; p < $1 + 200; p++)); do port_busy "$p" || { echo "$p"; return; }; done; die "no free port"; }
alive() { [[ -n ${1:-} && -r /proc/$1/stat ]] && [[ $(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1) != Z ]]; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# wait_ready PID CA PORT LOG: polls https://127.0.0.1:PORT/readyz (trusting CA, once it exists) every
# 10 ms for up to 30 s; sets READY_MS to the time from the call; dies if the process exits or it
# never turns 200.
wait_ready() {
  local pid=$1 ca=$2 port=$3 log=$4 i code= t0
  t0=$(date +%s%N)
  for ((i = 0; i < 3000; i++)); do
    [[ -f $ca ]] && code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$ca" "https://127.0.0.1:$port/readyz" || true)
    [[ $code == 200 ]] && break
    alive "$pid" || { tail -20 "$log"; die "the server exited during start-up"; }
    sleep 0.01
  done
  [[ $code == 200 ]] || die "/readyz did not turn 200 within 30 s"
  READY_MS=$((($(date +%s%N) - t0) / 1000000))
}

# A memory cgroup with the pod's limit, so that "inside the limit" is the kernel's verdict (reclaim, then the OOM
# killer), not only a reading of VmHWM. cgroup_create MIB sets CG_DIR (empty when this machine gives no writable
# memory cgroup: v1 below our own, or v2 with the memory controller delegated) and CG_VERSION; cgroup_enter puts
# the calling (sub)shell in it, so `(cgroup_enter; exec java ...)` runs java inside; cgroup_peak_mib,
# cgroup_limit_hits, cgroup_oom_kills and cgroup_remove read and remove it. No swap is allowed inside, as in a pod.
CG_DIR=; CG_VERSION=
cgroup_create() {
  local mib=$1 rel dir
  rel=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
  if [[ -n $rel && -w /sys/fs/cgroup/memory${rel%/} ]]; then
    dir=/sys/fs/cgroup/memory${rel%/}/deadline-guard-bench.$$
    if mkdir "$dir" 2>/dev/null && echo $((mib * 1048576)) >"$dir/memory.limit_in_bytes" 2>/dev/null; then
      [[ -w $dir/memory.memsw.limit_in_bytes ]] && echo $((mib * 1048576)) >"$dir/memory.memsw.limit_in_bytes" 2>/dev/null
      CG_DIR=$dir; CG_VERSION=1; return 0
    fi
    rmdir "$dir" 2>/dev/null
  fi
  rel=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
  if [[ -f /sys/fs/cgroup/cgroup.controllers && -n $rel ]] && grep -qw memory "/sys/fs/cgroup${rel%/}/cgroup.subtree_control" 2>/dev/null; then
    dir=/sys/fs/cgroup${rel%/}/deadline-guard-bench.$$
    if mkdir "$dir" 2>/dev/null && echo $((mib * 1048576)) >"$dir/memory.max" 2>/dev/null; then
      echo 0 >"$dir/memory.swap.max" 2>/dev/null
      CG_DIR=$dir; CG_VERSION=2; return 0
    fi
    rmdir "$dir" 2>/dev/null
  fi
  return 1
}
cgroup_enter() { [[ -z $CG_DIR ]] || echo "$BASHPID" >"$CG_DIR/cgroup.procs"; }
cgroup_peak_mib() {  # the highest memory charged to the cgroup (anonymous and page cache), MiB
  local f=$CG_DIR/memory.max_usage_in_bytes
  ((CG_VERSION == 2)) && f=$CG_DIR/memory.peak
  [[ -r $f ]] && awk '{ printf "%.0f", $1 / 1048576 }' "$f" || echo -
}
cgroup_limit_hits() {  # how often the charge reached the limit (v1's failcnt; v2's "max" events)
  if ((CG_VERSION == 1)); then cat "$CG_DIR/memory.failcnt"
  else awk '$1 == "max" { print $2; f = 1 } END { if (!f) print 0 }' "$CG_DIR/memory.events"; fi
}
cgroup_oom_kills() {
  if ((CG_VERSION == 1)); then awk '$1 == "oom_kill" { print $2; f = 1 } END { if (!f) print 0 }' "$CG_DIR/memory.oom_control"
  else awk '$1 == "oom_kill" { print $2; f = 1 } END { if (!f) print 0 }' "$CG_DIR/memory.events"; fi
}
cgroup_remove() { [[ -z $CG_DIR ]] || rmdir "$CG_DIR" 2>/dev/null || true; }

# sample_rss PID OUT: every 0.2 s until PID ends, writes "<highest RssAnon> <highest RssFile+RssShmem>" in MiB to
# OUT. Anonymous memory is what a memory limit cannot reclaim; file-backed pages (the JVM's code, the CDS
# archive) count against a pod's limit too, but the kernel can drop them under pressure (and fault them back).
sample_rss() {
  local a f ma=0 mf=0
  while alive "$1"; do
    read -r a f < <(awk '$1 == "RssAnon:" { a = $2 } $1 == "RssFile:" || $1 == "RssShmem:" { f += $2 }
      END { print a + 0, f + 0 }' "/proc/$1/status" 2>/dev/null) || break
    ((a > ma)) && ma=$a
    ((f > mf)) && mf=$f
    echo "$((ma / 1024)) $((mf / 1024))" >"$2.tmp" && mv "$2.tmp" "$2"
    sleep 0.2
  done
}

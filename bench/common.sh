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

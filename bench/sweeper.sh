#!/usr/bin/env bash
# Sweeper benchmark: N guarded ReplicaSets in the fabric8 mock API server (CRUD mode); prints initial
# sync time, heap after sync and the delay between a deadline passing and the scale-down.
# Usage: bench/sweeper.sh [REPLICASETS (default 10000)] [DEADLINES TO PASS (default 100)]
set -euo pipefail
usage() {
  echo "Usage: bench/sweeper.sh [REPLICASETS (default 10000)] [DEADLINES TO PASS (default 100)]"
  echo "Fills the fabric8 mock API server with REPLICASETS guarded ReplicaSets, lets DEADLINES of them fall due,"
  echo "and prints the sweeper's initial sync time, heap after sync and the delay from deadline to scale-down."
  echo "Runs twice: first without the sweeper (what the mock server keeps alive by itself), then with it; the heap"
  echo "histogram of the second less the first is the sweeper's. SWEEPER_BENCH_HEAP sets -Xmx (default 1g)."
}
case ${1:-} in
  -h|--help) usage; exit 0 ;;
esac
for n in "$@"; do
  if ! [[ $n =~ ^[0-9]+$ ]] || ((n == 0)); then
    echo "bench/sweeper.sh: error: '$n' is not a positive whole number" >&2
    usage >&2
    exit 2
  fi
done
if (($# > 2)); then
  echo "bench/sweeper.sh: error: at most two arguments" >&2
  usage >&2
  exit 2
fi
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
BASELINE=target/sweeper-baseline.tsv
rm -f "$BASELINE"
# First a run without the sweeper (the same lists and watches into stores that keep nothing): what the mock server
# keeps alive by itself (it holds the list response and the watch events it resent), subtracted from the second.
java -Xmx${SWEEPER_BENCH_HEAP:-1g} -Ddeadline-guard.log.level=WARN -Dbench.baseline=true -Dbench.baseline.file="$BASELINE" \
  ${SWEEPER_BENCH_OPTS:-} -cp "$CP" dev.deadlineguard.bench.SweeperBenchmark "${1:-10000}" "${2:-100}" >target/sweeper-baseline.txt
exec java -Xmx${SWEEPER_BENCH_HEAP:-1g} -Ddeadline-guard.log.level=WARN -Dbench.baseline.file="$BASELINE" ${SWEEPER_BENCH_OPTS:-} \
  -cp "$CP" dev.deadlineguard.bench.SweeperBenchmark "${1:-10000}" "${2:-100}"

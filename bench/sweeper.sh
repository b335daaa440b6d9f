#!/usr/bin/env bash
# Sweeper benchmark: N guarded ReplicaSets in the fabric8 mock API server (CRUD mode); prints initial
# sync time, heap after sync and the delay between a deadline passing and the scale-down.
# Usage: bench/sweeper.sh [REPLICASETS (default 10000)] [DEADLINES TO PASS (default 100)]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx1g -Ddeadline-guard.log.level=WARN \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.deadlineguard.bench.SweeperBenchmark "${1:-10000}" "${2:-100}"

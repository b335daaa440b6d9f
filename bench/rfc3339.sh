#!/usr/bin/env bash
# JMH benchmark of Rfc3339.parse (Go's time.RFC3339 rules), on valid, lenient-shaped and invalid values.
# Extra arguments go to JMH, for example: bench/rfc3339.sh -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main 'dev.deadlineguard.bench.Rfc3339Benchmark' "$@"

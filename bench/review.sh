#!/usr/bin/env bash
# JMH benchmarks of the review path (decode, decide, encode): every decision case on the ~10.5 KB
# samples, both endpoints, plus a 1 MiB review. Extra arguments go to JMH, for example:
#   bench/review.sh -p review=04-blanked -prof gc        # one case, with allocation rates
#   bench/review.sh -p review=large-1mib -prof stack     # where the time goes
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main 'dev.deadlineguard.bench.ReviewBenchmark' "$@"

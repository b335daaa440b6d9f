#!/usr/bin/env bash
# JMH benchmarks of the review path (decode, decide, encode): every decision case on the ~10.5 KB
# samples, both endpoints, plus a 1 MiB review. Extra arguments go to JMH, for example:
#   bench/review.sh -p review=04-blanked -prof gc        # one case, with allocation rates
#   bench/review.sh -p review=large-1mib -prof stack     # where the time goes
#   bench/review.sh -p endpoint=validate                  # one endpoint: mutate or validate (any case)
set -euo pipefail
if [[ ${1:-} == -h && ${2:-} == jmh ]]; then
  set -- -h
elif [[ ${1:-} == -h || ${1:-} == --help ]]; then
  cat <<'EOF2'
Usage: bench/review.sh [JMH OPTIONS...]
JMH benchmarks of the review path (decode, decide, encode) on every sample, both endpoints.
Parameters (-p NAME=VALUE[,VALUE...]):
  review    01-unchanged, 02-set, 04-blanked, 05-blanked-no-prior, 06-invalid, 07-invalid-no-prior,
            08-dropped-scale-down, 09-dropped-by-controller, 10-dropped-by-other, 11-blank-removed,
            12-documented-key-blanked, 14-scale-subresource, 15-not-argo, large-1mib
  endpoint  mutate or validate (any case)
Examples:
  bench/review.sh -p review=04-blanked -p endpoint=validate -prof gc
  bench/review.sh -wi 2 -i 3 -w 1s -r 1s
JMH's own options: bench/review.sh -h jmh
EOF2
  exit 0
fi
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main 'dev.deadlineguard.bench.ReviewBenchmark' "$@"

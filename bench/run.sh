#!/usr/bin/env bash
# Benchmark: tcp-echo against a plain Netty echo baseline (see docs/load-client.md, "Benchmark").
#
#   bench/run.sh                # package, then 5 rounds of every workload; writes bench/RESULTS.md
#   bench/run.sh --quick        # 1 short round, to try the setup (numbers indicative only)
#   bench/run.sh --rounds 3 --out /tmp/results.md --server-jvm "-XX:+UseParallelGC" --server-env "ECHO_INSTANCES=2"
#
# SKIP_PACKAGE=1 reuses the existing build; MVN_ARGS adds Maven arguments (e.g. -o).
# Takes about 8 minutes; it needs the CPUs to itself, so run nothing else meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_PACKAGE:-}" != 1 ]]; then
  # Also compiles the benchmark (src/test/java/io/tcpecho/bench) and writes target/test-classpath.txt.
  ./mvnw -B -ntp -q ${MVN_ARGS:-} package -DskipTests
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tcp-echo-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Copies, so that a build during the run cannot change what is measured.
cp -r target/quarkus-app "$work/quarkus-app"
cp -r target/test-classes "$work/classes"
java -cp "$work/classes:$(cat target/test-classpath.txt)" io.tcpecho.bench.Bench \
  --app "$work/quarkus-app" --classes "$work/classes" "$@"

#!/usr/bin/env bash
# Benchmark: tcp-echo against a plain Netty echo baseline, a Go, a Node.js and a C epoll echo (bench/peers; see
# docs/load-client.md, "Benchmark").
#
#   bench/run.sh                # package, then 5 rounds of every workload; writes bench/RESULTS.md
#   bench/run.sh --quick        # 1 short round, to try the setup (numbers indicative only)
#   bench/run.sh --rounds 3 --out /tmp/results.md --server-jvm "-XX:+UseParallelGC" --server-env "ECHO_INSTANCES=2"
#   bench/run.sh --client c     # bulk, ping-pong and churn driven by the C client (bench/client/loadc.c)
#   bench/run.sh --client both  # as c, plus "Load client against C": the Java and the C client against the C echo
#   bench/run.sh --client-jvm "-XX:+UseParallelGC -XX:TieredStopAtLevel=1"   # the Java client's JVM flags
#   bench/run.sh --before /tmp/old/quarkus-app --before-label e7d4166 --servers before --workloads pingpong,bulk16,churn
#                               # an A/B of a change: ours against an earlier build only, on the workloads named
#   bench/run.sh --before target/quarkus-app --before-label "2 loops per CPU" --before-env ECHO_EVENT_LOOPS=4 ...
#                               # an A/B of a setting: the same build, the environment given to "before" only
#
# --client java (the default) runs the shipped Java client for every workload; with c or both, the C client runs
# the results table's bulk, ping-pong and churn, the Java client TLS, UDP and the idle connections (the C client
# has neither). SKIP_PACKAGE=1 reuses the existing build; MVN_ARGS adds Maven arguments (e.g. -o). Installs Debian's
# golang-go and gcc when `go` or `gcc` is missing (as root; Node.js must be on the PATH already: it is not in
# Debian 12 at a useful version).
# With podman (configured as .ci/run does), the start to ready of the image, and of the Netty baseline on the image's
# JVM, is measured too, after the load; NO_IMAGE=1 skips it.
# Takes about 15 minutes; it needs the CPUs to itself, so run nothing else meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go
fi
if ! command -v gcc >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc
fi
command -v node >/dev/null || { echo "bench/run.sh: node (Node.js 18 or later) is not on the PATH" >&2; exit 1; }

if [[ "${SKIP_PACKAGE:-}" != 1 ]]; then
  # Also compiles the benchmark (src/test/java/io/tcpecho/bench) and writes target/test-classpath.txt.
  ./mvnw -B -ntp -q ${MVN_ARGS:-} package -DskipTests
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tcp-echo-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Copies, so that a build during the run cannot change what is measured. -a keeps the jars' times, which the
# AppCDS archive next to them (app-cds.jsa) was dumped against: the JVM drops an archive whose jars changed.
cp -a target/quarkus-app "$work/quarkus-app"
cp -r target/test-classes "$work/classes"
cp bench/peers/echo.js "$work/echo.js"
# A single-file program outside any module: GOPATH mode, and a build cache of its own.
GO111MODULE=off GOCACHE="$work/go-cache" go build -o "$work/echo-go" bench/peers/echo.go
# The measuring instruments: the C epoll echo (a peer) and the C load client.
gcc -O2 -Wall -Wextra -Werror -pthread -o "$work/echo-c" bench/peers/echo.c
gcc -O2 -Wall -Wextra -Werror -pthread -o "$work/loadc" bench/client/loadc.c
image=()
if [[ "${NO_IMAGE:-}" != 1 ]] && command -v podman >/dev/null; then image=(--image); fi
java -cp "$work/classes:$(cat target/test-classpath.txt)" io.tcpecho.bench.Bench \
  --app "$work/quarkus-app" --classes "$work/classes" --go "$work/echo-go" --node "$work/echo.js" \
  --c-echo "$work/echo-c" --c-client "$work/loadc" "${image[@]}" "$@"

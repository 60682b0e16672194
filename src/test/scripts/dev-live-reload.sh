#!/usr/bin/env bash
# Proves `./mvnw quarkus:dev` live reload on the echo port, end to end:
#   1. start dev mode on a scratch copy of the project (the work tree is never edited);
#   2. edit Java code, open a TCP connection to trigger the scan, and see the new echo behaviour;
#   3. edit application.properties (move the echo port), trigger, and see the listener move;
#   4. check the same dev process served all of it and never logged a bind error.
# Usage: src/test/scripts/dev-live-reload.sh     (needs nc; about a minute)
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
log="$work/dev.log"
dev_pid=
cleanup() {
  if [[ -n $dev_pid ]] && kill -0 "$dev_pid" 2>/dev/null; then
    kill "$dev_pid" 2>/dev/null || true
    wait "$dev_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- dev mode log (last 60 lines) ---" >&2
  tail -n 60 "$log" >&2 || true
  exit 1
}

# OpenBSD netcat: -N half-closes after stdin ends, which the echo needs to finish.
nc=$(command -v nc.openbsd || command -v nc) || { echo "FAIL: needs netcat-openbsd" >&2; exit 1; }

# free_port: a random high port that nothing on loopback listens on.
free_port() {
  local candidate
  while true; do
    candidate=$((20000 + RANDOM % 40000))
    "$nc" -z 127.0.0.1 "$candidate" 2>/dev/null || { echo "$candidate"; return; }
  done
}

# echo_once PORT TEXT: what the echo service on PORT answers to TEXT followed by a half-close.
echo_once() { printf '%s' "$2" | timeout 5 "$nc" -N 127.0.0.1 "$1" 2>/dev/null || true; }

# await_echo PORT TEXT EXPECTED: connect until the answer is EXPECTED. A connection that triggers a
# reload is closed by the old application, so retrying is part of the protocol.
await_echo() {
  local answer
  for _ in $(seq 1 120); do
    answer=$(echo_once "$1" "$2")
    [[ $answer == "$3" ]] && return 0
    sleep 1
  done
  fail "port $1 answered '${answer}' to '$2', expected '$3'"
}

port=$(free_port)
moved_port=$(free_port)
management_port=$(free_port)
cd "$root"
tar --exclude=./target --exclude=./.git -cf - . | tar -C "$work" -xf -
cd "$work"
cat >> src/main/resources/application.properties <<PROPS
%dev.echo.host=127.0.0.1
%dev.echo.port=$port
%dev.quarkus.management.host=127.0.0.1
%dev.quarkus.management.port=$management_port
PROPS

echo "Starting dev mode on echo port $port (log: $log)"
./mvnw -B -ntp quarkus:dev -Dquarkus.console.enabled=false -Dquarkus.analytics.disabled=true -Ddebug=false >"$log" 2>&1 &
dev_pid=$!
await_echo "$port" hello hello
echo "OK: dev mode echoes on port $port"

# 1. Java edit: every echoed chunk is now prefixed with RELOADED:.
sed -i 's|socket.writeMessage(data, null);|socket.writeMessage(io.netty.buffer.Unpooled.wrappedBuffer(io.netty.buffer.Unpooled.copiedBuffer("RELOADED:", java.nio.charset.StandardCharsets.US_ASCII), data), null);|' \
  src/main/java/io/tcpecho/echo/EchoConnection.java
grep -q RELOADED src/main/java/io/tcpecho/echo/EchoConnection.java || fail "the Java edit did not apply"
sleep 2 # Quarkus scans at most once every two seconds per trigger
await_echo "$port" hello RELOADED:hello
echo "OK: a new TCP connection reloaded the Java change"

# 2. Configuration edit: the echo listener moves to another port.
sed -i "s|^%dev.echo.port=$port\$|%dev.echo.port=$moved_port|" src/main/resources/application.properties
sleep 2
echo_once "$port" trigger >/dev/null # the connection that triggers the reload, on the old port
await_echo "$moved_port" hi RELOADED:hi
[[ -z $(echo_once "$port" hi) ]] || fail "the old port $port still answers after the move"
echo "OK: a new TCP connection reloaded application.properties (port $port -> $moved_port)"

kill -0 "$dev_pid" || fail "the dev process is gone"
if grep -qiE 'address already in use|bind.*failed' "$log"; then fail "dev mode logged a bind error"; fi
grep -q 'Live reload' "$log" || grep -qi 'restarted' "$log" || fail "Quarkus never logged a reload"
echo "PASS: live reload served new code and configuration without restarting the dev process ($dev_pid)"

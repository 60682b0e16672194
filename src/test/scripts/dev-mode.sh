#!/usr/bin/env bash
# `./mvnw quarkus:dev` as a newcomer and a developer use it, end to end, in one dev process:
#   1. the README's "Try it" commands, run verbatim, each after a pause longer than the live-reload scan
#      interval (so each connection triggers a scan, as a person typing does);
#   2. a 1 MiB payload and a burst of connections that send and half-close during a scan all come back
#      whole, and echo_connections_active returns to 0 once the clients are gone;
#   3. a Java edit: the very first connection after it is served by the new code (no retry);
#   4. an application.properties edit that moves the echo port: the connection that triggers it, made to
#      the old port, is served by the new application; then the new port answers and the old one refuses;
#   5. the dev process served all of it and never logged a bind error or a stack trace.
# Dev mode runs on a scratch copy of the project (the work tree is never edited) with the README's ports,
# 7007 and 9000, bound to loopback. Needs curl and OpenBSD netcat (nc -N); about a minute.
# Usage: src/test/scripts/dev-mode.sh
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
  echo "--- dev mode log (last 80 lines) ---" >&2
  tail -n 80 "$log" >&2 || true
  exit 1
}

for tool in curl nc.openbsd; do
  command -v "$tool" >/dev/null || { echo "FAIL: needs $tool (apt-get install curl netcat-openbsd)" >&2; exit 1; }
done
# The README says `nc`; it must be OpenBSD netcat, whose -N half-closes after stdin ends.
nc -h 2>&1 | grep -qE '^\s*-N' || { echo "FAIL: nc is not OpenBSD netcat (update-alternatives --set nc /bin/nc.openbsd)" >&2; exit 1; }

# Longer than the interval between two live-reload scans (2 s), so the next connection triggers one.
pause() { sleep 2.5; }

port=7007
management_port=9000
for p in $port $management_port; do
  if nc -z 127.0.0.1 "$p" 2>/dev/null; then echo "FAIL: port $p is in use; the README's commands need it" >&2; exit 1; fi
done

# echo_once PORT TEXT: what the echo service on PORT answers to TEXT followed by a half-close.
# A connection that triggers a reload is held until the restarted application takes it: on a machine busy with other
# tests the restart alone took over 10 s, so the bound is a minute (it only catches an answer that never comes).
echo_once() { printf '%s' "$2" | timeout 60 nc -N 127.0.0.1 "$1" 2>/dev/null || true; }

# metric NAME: the value of an unlabelled metric on the management port.
metric() { curl -s "localhost:$management_port/q/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }

await_active_zero() {
  local active=
  for _ in $(seq 1 50); do
    active=$(metric echo_connections_active)
    [[ $active == 0.0 ]] && return 0
    sleep 0.2
  done
  fail "echo_connections_active is '${active}' after every client is gone, expected 0.0"
}

cd "$root"
tar --exclude=./target --exclude=./.git -cf - . | tar -C "$work" -xf -
cd "$work"
cat >> src/main/resources/application.properties <<PROPS
%dev.echo.host=127.0.0.1
%dev.quarkus.management.host=127.0.0.1
PROPS

echo "Starting dev mode (log: $log)"
./mvnw -B -ntp quarkus:dev -Dquarkus.console.enabled=false -Dquarkus.analytics.disabled=true -Ddebug=false >"$log" 2>&1 &
dev_pid=$!
for _ in $(seq 1 300); do
  curl -sf "localhost:$management_port/q/health/ready" >/dev/null && break
  kill -0 "$dev_pid" 2>/dev/null || fail "dev mode exited"
  sleep 1
done
curl -sf "localhost:$management_port/q/health/ready" >/dev/null || fail "dev mode never became ready"
echo "OK: dev mode is ready"

# 1. The README's "Try it" block, verbatim (minus the line that starts dev mode, which runs already).
try_it=$(awk '/^## Try it/ { section = 1 } section && /^```sh/ { block = 1; next } block && /^```/ { exit } block' "$root/README.md")
[[ -n $try_it ]] || fail "README.md has no sh block under '## Try it'"
checked=0
while IFS= read -r line; do
  [[ -z $line || $line == \#* || $line == ./mvnw* ]] && continue
  command=${line%%#*}
  pause
  output=$(cd "$work" && bash -o pipefail -c "$command" 2>&1) || fail "README command failed: $line"$'\n'"$output"
  if [[ $line =~ \#\ prints\ (.*)$ ]]; then
    [[ $output == "${BASH_REMATCH[1]}" ]] || fail "README command printed '$output', the README says '${BASH_REMATCH[1]}': $line"
  elif [[ $command == *"echo identical"* ]]; then
    [[ $output == identical ]] || fail "README command printed '$output', expected 'identical': $line"
  else
    [[ -n $output ]] || fail "README command printed nothing: $line"
  fi
  echo "OK: $line"
  checked=$((checked + 1))
done <<<"$try_it"
((checked >= 4)) || fail "only $checked commands found in the README's Try it block"

# 2. After a pause: 1 MiB comes back identical; then a burst sent and half-closed while a scan runs.
head -c 1M /dev/urandom >"$work/1m"
pause
timeout 20 nc -N 127.0.0.1 "$port" <"$work/1m" | cmp - "$work/1m" || fail "1 MiB after a pause did not come back identical"
echo "OK: 1 MiB after a pause came back identical"
pause
pids=()
for i in $(seq 1 20); do
  (answer=$(echo_once "$port" "burst-$i"); [[ $answer == "burst-$i" ]] || { echo "connection $i got '$answer'" >&2; exit 1; }) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a connection of the burst lost its echo"; done
echo "OK: 20 connections that sent and half-closed during a scan were all echoed"
await_active_zero
echo "OK: echo_connections_active is back to 0"

# 3. Java edit: every echoed chunk is now prefixed with RELOADED:. The connection that triggers the
#    reload is handed to the new application, so its answer already carries the change.
sed -i 's|ByteBuf data = (ByteBuf) message;|ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(io.netty.buffer.Unpooled.copiedBuffer("RELOADED:", java.nio.charset.StandardCharsets.US_ASCII), (ByteBuf) message);|' \
  src/main/java/io/tcpecho/echo/EchoHandler.java
grep -q RELOADED src/main/java/io/tcpecho/echo/EchoHandler.java || fail "the Java edit did not apply"
pause
answer=$(echo_once "$port" hello)
[[ $answer == RELOADED:hello ]] || fail "the connection that triggered the Java reload got '$answer', expected 'RELOADED:hello'"
echo "OK: the connection that triggered the reload was served by the new code"
await_active_zero

# 4. Configuration edit: the echo listener moves to another port.
moved_port=$((port + 1))
nc -z 127.0.0.1 "$moved_port" 2>/dev/null && fail "port $moved_port is in use"
echo "%dev.echo.port=$moved_port" >> src/main/resources/application.properties
pause
answer=$(echo_once "$port" trigger)
[[ $answer == RELOADED:trigger ]] || fail "the connection that triggered the move (old port) got '$answer', expected 'RELOADED:trigger'"
answer=$(echo_once "$moved_port" hi)
[[ $answer == RELOADED:hi ]] || fail "the moved port $moved_port answered '$answer', expected 'RELOADED:hi'"
nc -z 127.0.0.1 "$port" 2>/dev/null && fail "the old port $port still accepts after the move"
echo "OK: application.properties reloaded (port $port -> $moved_port), the triggering connection served"
await_active_zero

# 5. One dev process did all of it, cleanly.
kill -0 "$dev_pid" || fail "the dev process is gone"
if grep -qiE 'address already in use|bind.*failed' "$log"; then fail "dev mode logged a bind error"; fi
if grep -qE '^\s+at ' "$log"; then fail "dev mode logged a stack trace"; fi
grep -q 'Restarting quarkus' "$log" || fail "Quarkus never logged a restart"
echo "PASS: dev mode served the README, kept every byte, and reloaded code and configuration in one process ($dev_pid)"

#!/usr/bin/env bash
# Apicurio Registry on 127.0.0.1 for local runs and tests: a Confluent-compatible schema registry
# (base URL http://127.0.0.1:<port>/apis/ccompat/v7) with in-memory storage, so a restart
# forgets every schema and id.
#
#   dev/registry/run.sh [start]   resolve it from Maven Central into .cache/ (once), start it in
#                                 the background, return when it is ready; a no-op when a
#                                 registry already answers on the port
#   dev/registry/run.sh stop      stop the one this script started
#   dev/registry/run.sh status    exit 0 when a registry answers on the port
#
# IB_SCHEMA_REGISTRY_PORT (default 8081, Confluent's port) and IB_SCHEMA_REGISTRY_START_TIMEOUT
# (seconds, default 90) change the defaults. Needs java (17+), mvn and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
POM=$ROOT/dev/registry/pom.xml
VERSION=$(sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' "$POM")
INSTALL_DIR=$ROOT/.cache/apicurio-registry/$VERSION
JAR=$INSTALL_DIR/apicurio-registry-app-$VERSION-runner.jar
HOST=127.0.0.1
PORT=${IB_SCHEMA_REGISTRY_PORT:-8081}
RUN_DIR=$ROOT/.run/registry
# Per port, so registries on two ports (a test run beside the dev one) never share a pid file.
PID_FILE=$RUN_DIR/registry-$PORT.pid
LOG_FILE=$RUN_DIR/registry-$PORT.log
START_TIMEOUT=${IB_SCHEMA_REGISTRY_START_TIMEOUT:-90}
API_URL=http://$HOST:$PORT/apis/ccompat/v7

say() { printf 'registry: %s\n' "$*"; }
fail() { printf 'registry: %s\n' "$*" >&2; exit 1; }

# Ready means the Confluent-compatible API answers, not just that the port is open.
answers() {
  python3 - "$API_URL/subjects" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}

port_taken() {
  python3 - "$HOST" "$PORT" <<'PY'
import socket, sys
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((sys.argv[1], int(sys.argv[2])))
    except OSError:
        sys.exit(0)
sys.exit(1)
PY
}

started_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

resolve() {
  [ -f "$JAR" ] && return 0
  command -v mvn >/dev/null || fail "mvn is missing: run \`make system-deps\`"
  say "fetching Apicurio Registry $VERSION from Maven Central into .cache/ (once, about 110 MB) ..."
  local staging=$INSTALL_DIR.staging
  rm -rf "$staging"
  # The plugin's "already unpacked" markers go beside the staging directory, not into a target/
  # in the source tree, and go away with it.
  rm -rf "$staging.markers"
  mvn -q -B "-Dmaven.repo.local=$ROOT/.cache/m2" -f "$POM" dependency:unpack \
    "-Dunpack.dir=$staging" "-Dmarkers.dir=$staging.markers" >"$RUN_DIR/maven.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/maven.log" >&2; fail "Maven could not resolve Apicurio (log: $RUN_DIR/maven.log)"; }
  rm -rf "$staging.markers"
  [ -f "$staging/$(basename "$JAR")" ] || fail "the Apicurio bundle has no $(basename "$JAR")"
  # Swap whole directories so a half-unpacked bundle is never started.
  rm -rf "$INSTALL_DIR"
  mv "$staging" "$INSTALL_DIR"
}

start() {
  mkdir -p "$RUN_DIR"
  if answers; then
    say "already answering at $API_URL"
    return 0
  fi
  if ! started_pid >/dev/null && port_taken; then
    fail "port $PORT is taken by something that is not a schema registry: set IB_SCHEMA_REGISTRY_PORT"
  fi
  command -v java >/dev/null || fail "java is missing: run \`make system-deps\`"
  resolve
  if ! started_pid >/dev/null; then
    # C1 only and the serial collector: it starts in about half the time (4 s instead of 8 s on
    # 2 cores), and a dev registry never runs long enough for C2 to pay off.
    (
      cd "$INSTALL_DIR"
      exec nohup java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m \
        -Dquarkus.http.host=$HOST -Dquarkus.http.port="$PORT" \
        -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
        -Dapicurio.datasource.url=jdbc:h2:mem:registry \
        -Dapicurio.ccompat.use-canonical-hash=true \
        -jar "$JAR"
    ) >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
  fi
  local pid waited=0
  pid=$(cat "$PID_FILE")
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      fail "Apicurio Registry exited while starting (log: $LOG_FILE)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 4)) ]; then
      tail -n 30 "$LOG_FILE" >&2
      kill "$pid" 2>/dev/null || true
      fail "Apicurio Registry did not answer within ${START_TIMEOUT}s (log: $LOG_FILE)"
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  say "Apicurio Registry $VERSION answers at $API_URL (pid $pid, log: $LOG_FILE)"
}

stop() {
  local pid
  if ! pid=$(started_pid); then
    rm -f "$PID_FILE"
    say "not running (nothing this script started)"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 80); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; say "stopped (pid $pid)"; return 0; }
    sleep 0.25
  done
  fail "pid $pid did not stop within 20 s of SIGTERM"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if answers; then say "answering at $API_URL"; else say "nothing answers at $API_URL"; exit 1; fi ;;
  *) fail "usage: $0 [start|stop|status]" ;;
esac

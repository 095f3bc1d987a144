#!/usr/bin/env bash
# Azurite's Blob service on 127.0.0.1 for local runs and tests: the Azure Storage emulator that
# AzureBlobStore (sinks/azure_blob_store.py) is tested against. In-memory persistence, so a
# restart forgets every container and blob.
#
#   dev/azurite/run.sh [start]   install it from npm into dev/azurite/node_modules (once), start
#                                it in the background, return when it is ready; a no-op when
#                                Azurite already answers on the port
#   dev/azurite/run.sh stop      stop the one this script started
#   dev/azurite/run.sh status    exit 0 when Azurite answers on the port
#
# IB_AZURITE_BLOB_PORT (default 10000, Azurite's port) and IB_AZURITE_START_TIMEOUT (seconds,
# default 60) change the defaults. Needs node (18+), npm and python3. The account is the
# well-known development one (devstoreaccount1); its key is in
# node_modules/azurite/dist/src/blob/utils/constants.js.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/dev/azurite
BIN=$HERE/node_modules/.bin/azurite-blob
HOST=127.0.0.1
PORT=${IB_AZURITE_BLOB_PORT:-10000}
RUN_DIR=$ROOT/.run/azurite
# Per port, so two emulators (a test run beside the dev one) never share a pid file.
PID_FILE=$RUN_DIR/azurite-$PORT.pid
LOG_FILE=$RUN_DIR/azurite-$PORT.log
START_TIMEOUT=${IB_AZURITE_START_TIMEOUT:-60}
ACCOUNT_URL=http://$HOST:$PORT/devstoreaccount1

say() { printf 'azurite: %s\n' "$*"; }
fail() { printf 'azurite: %s\n' "$*" >&2; exit 1; }

# Ready means the Blob service answers as Azure Storage does, not just that the port is open:
# an anonymous list-containers request gets an HTTP answer (403, no credentials) that carries
# Azure's x-ms-request-id header.
answers() {
  python3 - "$ACCOUNT_URL?comp=list" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
        headers = response.headers
except urllib.error.HTTPError as error:
    headers = error.headers
except OSError:
    sys.exit(1)
sys.exit(0 if headers.get("x-ms-request-id") else 1)
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

install() {
  # The stamp is newer than the lock file only when the last install finished.
  local stamp=$HERE/node_modules/.installed-from-lock
  [ -x "$BIN" ] && [ -f "$stamp" ] && [ "$stamp" -nt "$HERE/package-lock.json" ] && return 0
  command -v npm >/dev/null || fail "npm is missing: install Node.js 18+ (with npm)"
  say "installing Azurite from npm into dev/azurite/node_modules (once) ..."
  mkdir -p "$RUN_DIR"
  (cd "$HERE" && npm ci --no-audit --no-fund) >"$RUN_DIR/npm.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/npm.log" >&2; fail "npm could not install Azurite (log: $RUN_DIR/npm.log)"; }
  [ -x "$BIN" ] || fail "the azurite package has no azurite-blob command"
  touch "$stamp"
}

start() {
  mkdir -p "$RUN_DIR"
  if answers; then
    say "already answering at $ACCOUNT_URL"
    return 0
  fi
  if ! started_pid >/dev/null && port_taken; then
    fail "port $PORT is taken by something that is not Azurite: set IB_AZURITE_BLOB_PORT"
  fi
  command -v node >/dev/null || fail "node is missing: install Node.js 18+"
  install
  if ! started_pid >/dev/null; then
    # --skipApiVersionCheck: the Python SDK may speak a newer API version than this Azurite knows.
    # --loose: ignore headers Azurite does not implement instead of refusing the request.
    (
      cd "$RUN_DIR"
      exec nohup "$BIN" --blobHost "$HOST" --blobPort "$PORT" --inMemoryPersistence \
        --skipApiVersionCheck --loose --disableTelemetry
    ) >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
  fi
  local pid waited=0
  pid=$(cat "$PID_FILE")
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      fail "Azurite exited while starting (log: $LOG_FILE)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 4)) ]; then
      tail -n 30 "$LOG_FILE" >&2
      kill "$pid" 2>/dev/null || true
      fail "Azurite did not answer within ${START_TIMEOUT}s (log: $LOG_FILE)"
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  say "Azurite Blob answers at $ACCOUNT_URL (pid $pid, log: $LOG_FILE)"
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
  status) if answers; then say "answering at $ACCOUNT_URL"; else say "nothing answers at $ACCOUNT_URL"; exit 1; fi ;;
  *) fail "usage: $0 [start|stop|status]" ;;
esac

# Lifecycle shared by the dev services that run beside the stack (dev/registry/run.sh,
# dev/azurite/run.sh): sourced, not run. The sourcing script sets
#   NAME          short name for messages ("registry")
#   TITLE         what answers ("Apicurio Registry 3.0.9")
#   HOST PORT     where it listens; PORT_SETTING names the variable that moves it
#   URL           what `status` and the messages show
#   RUN_DIR PID_FILE LOG_FILE START_TIMEOUT
# and defines
#   answers       exit 0 when the service answers as itself (not merely an open port)
#   prepare       check commands and install what is missing (runs before launching; an npm
#                 package: npm_install_once, which needs HERE, ROOT and BIN)
#   launch        exec the service in the foreground (this library backgrounds it)
# then ends with: main "$@"

say() { printf '%s: %s\n' "$NAME" "$*"; }
fail() { printf '%s: %s\n' "$NAME" "$*" >&2; exit 1; }

# npm_install_once PACKAGE [NOTE]: `npm ci` in $HERE from its package-lock.json, again only when
# the lock changed or the last install did not finish; then $BIN must be there.
npm_install_once() {
  local package=$1 note=${2:-}
  # The stamp is newer than the lock file only when the last install finished.
  local stamp=$HERE/node_modules/.installed-from-lock
  [ -x "$BIN" ] && [ -f "$stamp" ] && [ "$stamp" -nt "$HERE/package-lock.json" ] && return 0
  command -v npm >/dev/null || fail "npm is missing: install Node.js 18+ (with npm)"
  say "installing $package from npm into ${HERE#"$ROOT"/}/node_modules (once${note:+, $note}) ..."
  mkdir -p "$RUN_DIR"
  (cd "$HERE" && npm ci --no-audit --no-fund) >"$RUN_DIR/npm.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/npm.log" >&2; fail "npm could not install $package (log: $RUN_DIR/npm.log)"; }
  [ -x "$BIN" ] || fail "the $package package has no $(basename "$BIN") command"
  touch "$stamp"
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

start() {
  mkdir -p "$RUN_DIR"
  if answers; then
    say "already answering at $URL"
    return 0
  fi
  if ! started_pid >/dev/null && port_taken; then
    fail "port $PORT is taken by something that is not $TITLE: set $PORT_SETTING"
  fi
  prepare
  if ! started_pid >/dev/null; then
    launch >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
  fi
  local pid waited=0
  pid=$(cat "$PID_FILE")
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      fail "$TITLE exited while starting (log: $LOG_FILE)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 4)) ]; then
      tail -n 30 "$LOG_FILE" >&2
      kill "$pid" 2>/dev/null || true
      fail "$TITLE did not answer within ${START_TIMEOUT}s (log: $LOG_FILE)"
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  say "$TITLE answers at $URL (pid $pid, log: $LOG_FILE)"
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

main() {
  case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) if answers; then say "answering at $URL"; else say "nothing answers at $URL"; exit 1; fi ;;
    *) fail "usage: $0 [start|stop|status]" ;;
  esac
}

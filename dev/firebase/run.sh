#!/usr/bin/env bash
# The Firebase Auth emulator (firebase-tools) on 127.0.0.1 for local runs and tests: it signs
# users in with email and password (and fake Google accounts) and issues unsigned Firebase ID
# tokens, which the gateway accepts only when IB_FIREBASE_AUTH_EMULATOR_HOST points at it and
# never in production. Users live in memory: a restart forgets them.
#
#   dev/firebase/run.sh [start]   install firebase-tools from npm into dev/firebase/node_modules
#                                 (once), start the emulator in the background, return when it
#                                 is ready; a no-op when it already answers on the port
#   dev/firebase/run.sh stop      stop the one this script started
#   dev/firebase/run.sh status    exit 0 when the emulator answers on the port
#
# IB_FIREBASE_AUTH_EMULATOR_PORT (default 9099, the emulator's port), IB_FIREBASE_PROJECT_ID
# (default demo-interview-buddy: a "demo-" project never reaches Google) and
# IB_FIREBASE_START_TIMEOUT (seconds, default 90) change the defaults. Needs node (18+), npm
# and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/dev/firebase
BIN=$HERE/node_modules/.bin/firebase
HOST=127.0.0.1
PORT=${IB_FIREBASE_AUTH_EMULATOR_PORT:-9099}
PROJECT=${IB_FIREBASE_PROJECT_ID:-demo-interview-buddy}
RUN_DIR=$ROOT/.run/firebase
PID_FILE=$RUN_DIR/firebase-$PORT.pid
LOG_FILE=$RUN_DIR/firebase-$PORT.log
START_TIMEOUT=${IB_FIREBASE_START_TIMEOUT:-90}
NAME=firebase
TITLE="Firebase Auth emulator (project $PROJECT)"
URL=http://$HOST:$PORT
PORT_SETTING=IB_FIREBASE_AUTH_EMULATOR_PORT
# shellcheck source=../background-service.sh
. "$ROOT/dev/background-service.sh"

# Ready means the emulator says so at its root, not just that the port is open.
answers() {
  python3 - "$URL/" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
        sys.exit(0 if json.load(response).get("authEmulator", {}).get("ready") else 1)
except (OSError, ValueError):
    sys.exit(1)
PY
}

prepare() {
  command -v node >/dev/null || fail "node is missing: install Node.js 18+"
  npm_install_once firebase-tools "about 300 MB"
  # The emulator's configuration, with this run's port.
  cat >"$RUN_DIR/firebase-$PORT.json" <<JSON
{"emulators": {"auth": {"host": "$HOST", "port": $PORT}, "ui": {"enabled": false}, "singleProjectMode": true}}
JSON
}

launch() {
  cd "$RUN_DIR"
  export FIREBASE_CLI_DISABLE_UPDATE_CHECK=true NO_UPDATE_NOTIFIER=1
  exec nohup "$BIN" emulators:start --only auth --project "$PROJECT" \
    --config "$RUN_DIR/firebase-$PORT.json"
}

main "$@"

#!/usr/bin/env bash
# Azurite's Blob service on 127.0.0.1 for local runs and tests: the Azure Storage emulator that
# AzureBlobStore (sinks/blobs/azure.py) is tested against. In-memory persistence, so a
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
NAME=azurite
TITLE="Azurite Blob"
URL=$ACCOUNT_URL
PORT_SETTING=IB_AZURITE_BLOB_PORT
# shellcheck source=../background-service.sh
. "$ROOT/dev/background-service.sh"

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

prepare() {
  command -v node >/dev/null || fail "node is missing: install Node.js 18+"
  npm_install_once Azurite
}

launch() {
  # --skipApiVersionCheck: the Python SDK may speak a newer API version than this Azurite knows.
  # --loose: ignore headers Azurite does not implement instead of refusing the request.
  cd "$RUN_DIR"
  exec nohup "$BIN" --blobHost "$HOST" --blobPort "$PORT" --inMemoryPersistence \
    --skipApiVersionCheck --loose --disableTelemetry
}

main "$@"

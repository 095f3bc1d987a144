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
NAME=registry
TITLE="Apicurio Registry $VERSION"
URL=$API_URL
PORT_SETTING=IB_SCHEMA_REGISTRY_PORT
# shellcheck source=../background-service.sh
. "$ROOT/dev/background-service.sh"

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

prepare() {
  command -v java >/dev/null || fail "java is missing: run \`make system-deps\`"
  resolve
}

launch() {
  # C1 only and the serial collector: it starts in about half the time (4 s instead of 8 s on
  # 2 cores), and a dev registry never runs long enough for C2 to pay off.
  cd "$INSTALL_DIR"
  exec nohup java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m \
    -Dquarkus.http.host=$HOST -Dquarkus.http.port="$PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url=jdbc:h2:mem:registry \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -jar "$JAR"
}

main "$@"

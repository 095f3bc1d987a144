#!/usr/bin/env bash
# A real SMTP server on 127.0.0.1 for local runs and tests: aiosmtpd (python -m dev.smtp.server),
# accepting mail for any address and relaying none; every message lands in a Maildir,
# .run/smtp/maildir-<port>/new/, one file per message.
#
#   dev/smtp/run.sh [start]   start it in the background, return when it greets; a no-op when
#                             it already answers on the port
#   dev/smtp/run.sh stop      stop the one this script started
#   dev/smtp/run.sh status    exit 0 when it answers on the port
#
# IB_SMTP_PORT (default 8025, the worker's default too), IB_SMTP_MAILDIR and
# IB_SMTP_START_TIMEOUT (seconds, default 30) change the defaults; IB_PYTHON names the
# interpreter with aiosmtpd (default: the project's .venv).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOST=127.0.0.1
PORT=${IB_SMTP_PORT:-8025}
RUN_DIR=$ROOT/.run/smtp
# Per port, so two servers (a test's beside the dev one) never share a pid file or a Maildir.
PID_FILE=$RUN_DIR/smtp-$PORT.pid
LOG_FILE=$RUN_DIR/smtp-$PORT.log
MAILDIR=${IB_SMTP_MAILDIR:-$RUN_DIR/maildir-$PORT}
START_TIMEOUT=${IB_SMTP_START_TIMEOUT:-30}
PYTHON=${IB_PYTHON:-$ROOT/.venv/bin/python}
NAME=smtp
TITLE="aiosmtpd"
URL="smtp://$HOST:$PORT (mail in $MAILDIR)"
PORT_SETTING=IB_SMTP_PORT
# shellcheck source=../background-service.sh
. "$ROOT/dev/background-service.sh"

# Ready means the server greets as ours, not just that the port is open.
answers() {
  python3 - "$HOST" "$PORT" <<'PY'
import smtplib, sys
try:
    smtp = smtplib.SMTP(timeout=2)
    code, banner = smtp.connect(sys.argv[1], int(sys.argv[2]))
    smtp.quit()
except (OSError, smtplib.SMTPException):
    sys.exit(1)
sys.exit(0 if code == 220 and b"Interview Buddy dev SMTP" in banner else 1)
PY
}

prepare() {
  [ -x "$PYTHON" ] || fail "no Python at $PYTHON: run \`make venv\` (or set IB_PYTHON)"
  "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || fail "aiosmtpd is missing from $PYTHON: run \`make venv\`"
}

launch() {
  cd "$ROOT"
  exec nohup "$PYTHON" -m dev.smtp.server --host "$HOST" --port "$PORT" --maildir "$MAILDIR"
}

main "$@"

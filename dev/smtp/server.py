"""`python -m dev.smtp.server --port 8025 --maildir DIR`: aiosmtpd on loopback, every message it
accepts written to a Maildir (``DIR/new/``), where tests and developers read them.

It accepts mail for any address and relays nothing. ``dev/smtp/run.sh`` starts it in the
background like the other dev services.
"""

from __future__ import annotations

import argparse
import logging
import mailbox
import signal
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

#: What the server calls itself in its greeting; run.sh's readiness check looks for it.
IDENT = "Interview Buddy dev SMTP (aiosmtpd)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args.maildir.parent.mkdir(parents=True, exist_ok=True)
    mailbox.Maildir(args.maildir, create=True)  # new/, cur/ and tmp/, unless they are there
    # The start waits for the server to answer itself; a loaded machine can take longer than
    # aiosmtpd's 5 s default for that.
    controller = Controller(
        Mailbox(args.maildir), hostname=args.host, port=args.port, ident=IDENT, ready_timeout=30.0
    )
    controller.start()
    logging.info("SMTP on %s:%d, mail to %s", args.host, args.port, args.maildir)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()

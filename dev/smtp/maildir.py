"""Reading what the dev SMTP server received (its Maildir), without importing the server."""

from __future__ import annotations

import mailbox
from email.message import Message
from pathlib import Path


def received(maildir: Path) -> list[Message]:
    """Every message the server wrote to ``maildir`` (none when it has received none yet)."""
    if not (maildir / "new").is_dir():
        return []
    return list(mailbox.Maildir(maildir, create=False))

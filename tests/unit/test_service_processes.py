"""What a failed test shows of a service's log (``dev/service_processes.py``): its warnings and
errors, read from JSON lines and from text lines alike."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from dev.service_processes import ServiceProcess
from topics.log_format import log_handler


def service_writing(tmp_path: Path, text: str) -> ServiceProcess:
    service = ServiceProcess("streams", "t-", tmp_path, "127.0.0.1:1", "postgresql://nowhere")
    service.log_path.write_text(text)
    return service


def test_the_problems_of_a_json_log_are_its_warnings_and_errors_with_their_exceptions(tmp_path: Path) -> None:
    out = io.StringIO()
    logger = logging.getLogger("tests.service_processes")
    logger.propagate = False
    logger.addHandler(log_handler("json", stream=out))
    logger.info("transcribed i-1: 3 segments")
    logger.warning("topics not yet in the broker's metadata")
    try:
        raise RuntimeError("the broker went away")
    except RuntimeError:
        logger.exception("read model write failed")

    logger.handlers.clear()

    problems = service_writing(tmp_path, out.getvalue()).problems().splitlines()

    assert [json.loads(line)["message"] for line in problems] == [
        "topics not yet in the broker's metadata",
        "read model write failed",
    ]
    assert "RuntimeError: the broker went away" in json.loads(problems[1])["exception"]


def test_the_problems_of_a_text_log_are_its_warning_and_error_records_with_tracebacks(tmp_path: Path) -> None:
    text = (
        "[2026-12-06 10:00:00,000] [1] [INFO] [^Worker]: Starting...\n"
        "[2026-12-06 10:00:01,000] [1] [ERROR] [^Agent]: crashed\n"
        "Traceback (most recent call last):\n"
        "RuntimeError: boom\n"
        "[2026-12-06 10:00:02,000] [1] [INFO] [^Worker]: Stopping...\n"
    )
    assert service_writing(tmp_path, text).problems().splitlines() == text.splitlines()[1:4]

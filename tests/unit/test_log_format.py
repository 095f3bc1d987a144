"""Log lines as JSON objects, with the trace they were written in (``topics/log_format.py``)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError

from gateway.settings import Settings
from gateway.tracing import TraceContextMiddleware, request_trace_ids
from streams.settings import StreamsSettings
from topics.log_format import (
    JsonFormatter,
    LogFormatError,
    configure_logging,
    log_format_of,
    log_handler,
    span_trace_ids,
)

IB = Path(sys.executable).parent / "ib"


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What a logger of its own writes through a JSON handler."""
    out = io.StringIO()
    logger = logging.getLogger("tests.log_format")
    handler = log_handler("json", stream=out)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield out
    logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_an_utc_timestamp(logged: io.StringIO) -> None:
    before = datetime.now(UTC)
    logging.getLogger("tests.log_format").warning("%d segments of %s", 3, "i-1")
    [line] = lines(logged)
    assert {key: line[key] for key in ("level", "logger", "message")} == {
        "level": "WARNING",
        "logger": "tests.log_format",
        "message": "3 segments of i-1",
    }
    assert str(line["timestamp"]).endswith("Z")
    written = datetime.fromisoformat(str(line["timestamp"]))
    assert written.utcoffset() is not None and written.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert abs((written - before).total_seconds()) < 60
    assert "trace_id" not in line and "exception" not in line  # outside a trace, no error


def test_a_line_written_in_a_span_carries_its_trace_and_span_ids(logged: io.StringIO) -> None:
    tracer = TracerProvider().get_tracer("tests")
    with tracer.start_as_current_span("measure_speech transcript.segments") as span:
        logging.getLogger("tests.log_format").info("measured")
    ids = span.get_span_context()
    [line] = lines(logged)
    assert line["trace_id"] == f"{ids.trace_id:032x}" and line["span_id"] == f"{ids.span_id:016x}"


def test_an_exception_is_in_the_line_it_was_logged_with(logged: io.StringIO) -> None:
    try:
        raise ValueError("a segment without words")
    except ValueError:
        logging.getLogger("tests.log_format").exception("cannot measure a segment")
    [line] = lines(logged)
    assert line["level"] == "ERROR" and line["message"] == "cannot measure a segment"
    exception = str(line["exception"])
    assert "Traceback" in exception and "ValueError: a segment without words" in exception


async def test_a_gateway_line_carries_the_request_trace_id() -> None:
    """The gateway's ids come from its request context, which exists without an exporter too."""
    formatter = JsonFormatter((request_trace_ids, span_trace_ids))
    written: list[str] = []

    async def app(scope: object, receive: object, send: object) -> None:
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "answered", None, None)
        written.append(formatter.format(record))

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    async def send(message: object) -> None:
        return None

    trace_id = "0af7651916cd43dd8448eb211c80319c"
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/healthz",
        "headers": [(b"traceparent", f"00-{trace_id}-b7ad6b7169203331-01".encode())],
    }
    await TraceContextMiddleware(app)(scope, receive, send)
    [line] = [json.loads(text) for text in written]
    assert line["trace_id"] == trace_id and line["span_id"] != "b7ad6b7169203331"
    record = logging.LogRecord("gateway", logging.INFO, __file__, 1, "outside", None, None)
    assert "trace_id" not in json.loads(formatter.format(record))  # outside any request


def test_auto_writes_text_to_a_terminal_and_json_elsewhere() -> None:
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        assert not isinstance(log_handler("auto", stream=terminal).formatter, JsonFormatter)
        assert isinstance(log_handler("json", stream=terminal).formatter, JsonFormatter)
    os.close(leader)
    assert isinstance(log_handler("auto", stream=io.StringIO()).formatter, JsonFormatter)
    assert not isinstance(log_handler("text", stream=io.StringIO()).formatter, JsonFormatter)


def test_configure_logging_routes_every_logger_and_warning_through_one_handler() -> None:
    root = logging.getLogger()
    kept = list(root.handlers), root.level
    out = io.StringIO()
    try:
        configure_logging("json", stream=out)
        logging.getLogger("aiokafka.tests").info("a library's line")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("a library's warning", UserWarning, stacklevel=1)
        assert root.handlers and len(root.handlers) == 1
    finally:
        logging.captureWarnings(False)
        root.handlers[:] = kept[0]
        root.setLevel(kept[1])
    assert [line["logger"] for line in lines(out)] == ["aiokafka.tests", "py.warnings"]
    assert "UserWarning: a library's warning" in str(lines(out)[1]["message"])


@pytest.mark.parametrize("bad", ["yaml", "JSONL", "plain"])
def test_an_unknown_log_format_is_refused_naming_the_choices(bad: str) -> None:
    with pytest.raises(LogFormatError, match="choose one of auto, json, text"):
        log_format_of(bad)
    for settings in (Settings, StreamsSettings):
        with pytest.raises(ValidationError, match="log_format"):
            settings(log_format=bad)


def test_the_log_format_is_read_as_given() -> None:
    assert [log_format_of(value) for value in (None, "", " JSON ", "text", "auto")] == [
        "auto",
        "auto",
        "json",
        "text",
        "auto",
    ]


def test_ib_refuses_an_unknown_log_format_before_doing_anything() -> None:
    env = {**os.environ, "IB_LOG_FORMAT": "yaml"}
    completed = subprocess.run([str(IB), "--help"], env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    assert "IB_LOG_FORMAT is 'yaml'; choose one of auto, json, text" in completed.stderr
    assert "Usage" not in completed.stdout

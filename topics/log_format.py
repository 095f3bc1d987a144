"""How every process of ours writes its log: one JSON object per line (``timestamp`` in ISO 8601
UTC, ``level``, ``logger``, ``message``, the ``trace_id`` and ``span_id`` of the trace the line
was written in, ``exception`` when there is one), or plain text for a person at a terminal.

``IB_LOG_FORMAT`` chooses: ``json``, ``text``, or ``auto`` (the default): JSON when the log goes
to a file or a pipe (the local stack's ``.run/logs/``, a container's output, the tests'
services), text when it goes to a terminal. The deployed images and manifests say ``json``.

Call :func:`configure_logging` once, at a process's start. The trace ids come from the
OpenTelemetry span current where the line is written (an agent's span, which continues the
trace its event carried in its Kafka headers), or from any other ``trace_ids`` source a process
names (the gateway's request context, which exists whether spans are exported or not).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TextIO, get_args

from opentelemetry import trace

from topics.errors import InterviewBuddyError

LogFormat = Literal["auto", "json", "text"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: The ``(trace_id, span_id)`` current where a line is written, as lowercase hex; None outside a trace.
TraceIds = Callable[[], tuple[str, str] | None]


class LogFormatError(InterviewBuddyError):
    code = "log_format"


def log_format_of(value: str | None) -> LogFormat:
    """``IB_LOG_FORMAT`` as given (unset: ``auto``); anything else is refused, naming the choices."""
    if value is None or value.strip() == "":
        return "auto"
    chosen = value.strip().lower()
    if chosen not in get_args(LogFormat):
        raise LogFormatError(f"IB_LOG_FORMAT is {value!r}; choose one of {', '.join(get_args(LogFormat))}")
    return chosen  # type: ignore[return-value]  # checked against LogFormat's values just above


def span_trace_ids() -> tuple[str, str] | None:
    """The current OpenTelemetry span's ids, when it has valid ones."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def _timestamp(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON."""

    def __init__(self, trace_ids: Sequence[TraceIds] = (span_trace_ids,)) -> None:
        super().__init__()
        self._trace_ids = tuple(trace_ids)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for source in self._trace_ids:
            ids = source()
            if ids is not None:
                line["trace_id"], line["span_id"] = ids
                break
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_handler(
    log_format: LogFormat, trace_ids: Sequence[TraceIds] = (span_trace_ids,), stream: TextIO | None = None
) -> logging.Handler:
    """A handler writing to ``stream`` (standard error) in ``log_format``."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    as_json = log_format == "json" or (log_format == "auto" and not _is_terminal(stream))
    handler.setFormatter(JsonFormatter(trace_ids) if as_json else logging.Formatter(TEXT_FORMAT))
    return handler


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def configure_logging(
    log_format: LogFormat,
    *,
    level: int = logging.INFO,
    trace_ids: Sequence[TraceIds] = (span_trace_ids,),
    stream: TextIO | None = None,
) -> logging.Handler:
    """The root logger writes every record at ``level`` and above through one handler (any it had
    before are removed), Python's warnings among them; returns that handler."""
    handler = log_handler(log_format, trace_ids, stream)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Python's warnings too, which it would otherwise print to standard error as they are.
    logging.captureWarnings(True)
    return handler


def dict_config(
    log_format: LogFormat, *, level: int = logging.INFO, trace_ids: Sequence[TraceIds] = (span_trace_ids,)
) -> dict[str, Any]:
    """What :func:`configure_logging` does, as a ``logging.config.dictConfig``, for a framework
    that configures logging itself from such a dict (Faust's worker)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"default": {"()": lambda: log_handler(log_format, trace_ids)}},
        "root": {"level": level, "handlers": ["default"]},
    }

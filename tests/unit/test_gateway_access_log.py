"""The gateway's access log keeps the path and drops the query string (a transcript search)."""

from __future__ import annotations

import logging

from gateway.access_log import DropQueryStrings


def test_a_search_query_never_reaches_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/interviews/i-1/transcript?q=salary", "1.1", 200), None,
    )  # fmt: skip
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /interviews/i-1/transcript?… HTTP/1.1" 200'


def test_a_path_without_a_query_is_left_alone() -> None:
    args = ("127.0.0.1:5000", "GET", "/healthz", "1.1", 200)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s %s %s %s %d", args, None)
    DropQueryStrings().filter(record)
    assert record.args == args

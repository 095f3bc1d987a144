"""The stuck-interview sweeper's settings and the trace its re-emissions run in (no services)."""

from __future__ import annotations

import pytest

from gateway.settings import Settings
from gateway.tracing import background_trace, current_context, event_headers, parse_traceparent
from sinks.stuck_bound import StuckBound


def test_the_bound_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().stuck_bound == StuckBound(min_seconds=300.0, duration_factor=3.0)
    monkeypatch.setenv("IB_STUCK_MIN_SECONDS", "60")
    monkeypatch.setenv("IB_STUCK_DURATION_FACTOR", "1.5")
    monkeypatch.setenv("IB_STUCK_MAX_REEMITS", "0")
    settings = Settings()
    assert settings.stuck_bound.params() == {"stuck_min_seconds": 60.0, "stuck_duration_factor": 1.5}
    assert settings.stuck_max_reemits == 0


def test_a_bound_of_no_time_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IB_STUCK_MIN_SECONDS", "0")
    with pytest.raises(ValueError, match="stuck_min_seconds"):
        Settings()


def test_a_background_trace_is_current_inside_its_block_only() -> None:
    with background_trace("stuck-sweep-") as trace:
        assert current_context() == trace
        headers = dict(event_headers())
        assert headers["x-request-id"] == trace.request_id.encode()
        assert trace.request_id.startswith("stuck-sweep-")
        assert parse_traceparent(headers["traceparent"].decode()) == (trace.trace_id, "01")
    assert current_context().trace_id != trace.trace_id  # outside: a new trace each time

"""``python -m bench.uninstrumented_worker``: the worker (``python -m streams``) with its
instrumentation off, the other side of ``bench.speech_agent_throughput``'s comparison: the
Prometheus counters and timings of each batch are not kept (``streams.metrics.count_batch`` does
nothing), and, run without ``OTEL_EXPORTER_OTLP_ENDPOINT``, no span is made or exported."""

from __future__ import annotations

from collections.abc import Sequence

import faust

import streams.metrics


def _not_counted(agent: str, events: Sequence[faust.EventT], seconds: float) -> None:
    return None


# Before the agents' modules are imported (they import count_batch by name).
streams.metrics.count_batch = _not_counted

if __name__ == "__main__":
    from streams.__main__ import main

    main()

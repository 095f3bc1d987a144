"""One run of the real speech agent (``python -m streams`` with ``IB_AGENTS=measure_speech``) for
``bench.speech_agent_throughput``: instrumented as deployed (its Prometheus metrics kept and
scraped, its spans exported over OTLP to a sink on loopback) or bare
(``bench.uninstrumented_worker``), measured by its output topic's rate and its CPU time."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.otlp_sink import OtlpSink
from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from bench.topic_rates import WARM_UP, output_rate, wait_for_output
from dev.service_processes import ServiceProcess, worker_process
from topics.catalog import SEGMENT_METRICS

#: How often the instrumented worker's /metrics is scraped, as Prometheus would (its usual 15 s
#: is longer than a run).
SCRAPE_SECONDS = 2.0


#: What turns the worker's spans on (and the bare worker must not inherit from this process).
OTEL_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


@contextmanager
def instrumentation_off() -> Iterator[None]:
    kept = {name: os.environ.pop(name) for name in OTEL_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(kept)


async def scrape(url: str) -> None:
    """GET ``url`` every ``SCRAPE_SECONDS`` until cancelled, as Prometheus does."""
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            await asyncio.sleep(SCRAPE_SECONDS)
            (await client.get(url)).raise_for_status()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has taken so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def speech_agent(prefix: str, count: int, sink: OtlpSink | None) -> tuple[float, float]:
    """The speech agent's rate and its worker's CPU seconds per segment after the warm-up (its
    exporter's thread included, less moved by other tenants than the rate): instrumented, its
    spans exported to ``sink``; bare without one."""
    with tempfile.TemporaryDirectory() as run_dir:
        if sink is None:
            worker = ServiceProcess(
                "bench.uninstrumented_worker", prefix, Path(run_dir), BOOTSTRAP, DATABASE_URL
            )
        else:
            worker = worker_process(prefix, Path(run_dir), BOOTSTRAP, DATABASE_URL)
            worker.extra_env["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.endpoint
        worker.extra_env["IB_AGENTS"] = "measure_speech"
        with instrumentation_off():
            worker.start()
        scraping = asyncio.create_task(scrape(f"{worker.url}/metrics")) if sink else None
        assert worker.process is not None
        output = SEGMENT_METRICS.full_name(prefix), SEGMENT_METRICS.partitions
        try:
            await wait_for_output(*output, int(count * WARM_UP))
            warm = cpu_seconds(worker.process.pid)
            await wait_for_output(*output, count)
            cpu = (cpu_seconds(worker.process.pid) - warm) / (count - int(count * WARM_UP))
        finally:
            if scraping is not None:
                scraping.cancel()
                await asyncio.gather(scraping, return_exceptions=True)
            worker.stop()
        if scraping is not None and not scraping.cancelled() and scraping.exception() is not None:
            raise RuntimeError(f"scraping {worker.url}/metrics failed: {scraping.exception()!r}")
    return await output_rate(SEGMENT_METRICS.full_name(prefix), count), cpu

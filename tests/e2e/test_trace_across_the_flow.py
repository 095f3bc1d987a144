"""One upload, one connected trace: the gateway and the worker export their spans over OTLP
(the real exporter, to a collector on loopback), each agent continuing the trace context its
event carries in its Kafka headers, from the upload's last PATCH through the transcription,
the speech metrics, the turns, the answers and the analysis to the notification's email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dev.polling import wait_until
from dev.service_processes import gateway_process, new_prefix, worker_process
from tests.conftest import SmtpServer
from tests.e2e.conftest import Stack, analyze
from tests.fakes.otlp_collector import OtlpCollector, ReceivedSpan

#: Each stage of the flow by its span's name (an agent's and the topic it read), and the stage it
#: must descend from: an agent, or the gateway's request that finished the upload.
DESCENDS_FROM = {
    "transcribe_recording transcribe": "upload",
    "measure_speech transcript.segments": "transcribe_recording",
    "pair_questions transcript.segments": "transcribe_recording",
    "analyze_answers interview.turns": "pair_questions",
    "roll_up_analysis answer.analysis": "analyze_answers",
    "roll_up_analysis segment.metrics": "measure_speech",
    "notify_user analysis.completed": "roll_up_analysis",
    "send_email notifications": "notify_user",
}
UPLOAD = re.compile(r"^(PATCH|POST) /uploads")


def stage_of(span: ReceivedSpan) -> str:
    return "upload" if UPLOAD.match(span.name) else span.name.split(" ")[0]


@pytest.fixture(scope="module")
def collector() -> Iterator[OtlpCollector]:
    with OtlpCollector() as running:
        yield running


@pytest.fixture(scope="module")
def traced_stack(
    kafka_bootstrap: str,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    collector: OtlpCollector,
    smtp_server: SmtpServer,
) -> Iterator[Stack]:
    exporting = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    run_dir, prefix = tmp_path_factory.mktemp("traced"), new_prefix()
    stack = Stack(
        worker_process(prefix, run_dir, kafka_bootstrap, database_url),
        gateway_process(prefix, run_dir, kafka_bootstrap, database_url),
    )
    for process in (stack.worker, stack.gateway):
        process.extra_env.update(exporting)
        process.start()
    yield stack
    stack.gateway.stop()
    stack.worker.stop()


def test_one_upload_makes_one_connected_trace_with_a_span_per_stage(
    traced_stack: Stack, collector: OtlpCollector, recordings: dict[str, Path]
) -> None:
    analysis = analyze(traced_stack, recordings["sample"], user="traced-user")
    assert analysis.returncode == 0, analysis.stderr

    [transcribing] = wait_until(
        lambda: [span for span in collector.spans if span.name == "transcribe_recording transcribe"][:1],
        30,
        "the transcription's span",
    )
    wanted = {"upload", *DESCENDS_FROM}

    def stages_in_trace() -> set[str]:
        return {
            "upload" if stage_of(span) == "upload" else span.name
            for span in collector.trace(transcribing.trace_id)
        }

    try:
        wait_until(lambda: stages_in_trace() >= wanted, 120, "a span of every stage in the upload's trace")
    except AssertionError:
        others = sorted({span.name for span in collector.spans} - stages_in_trace())
        raise AssertionError(
            f"missing {sorted(wanted - stages_in_trace())}; in other traces: {others}"
        ) from None
    spans = collector.trace(transcribing.trace_id)
    by_id = {span.span_id: span for span in spans}
    roots = [span for span in spans if span.parent_span_id not in by_id]
    assert [stage_of(span) for span in roots] == ["upload"], [
        (span.name, span.parent_span_id) for span in roots
    ]
    assert {span.service for span in spans} == {"interview-buddy-gateway", "interview-buddy-worker"}
    for span in spans:
        if span.name not in DESCENDS_FROM:
            continue
        ancestors = set()
        parent = by_id.get(span.parent_span_id)
        while parent is not None:
            ancestors.add(stage_of(parent))
            parent = by_id.get(parent.parent_span_id)
        assert DESCENDS_FROM[span.name] in ancestors, f"{span.name} is not below {DESCENDS_FROM[span.name]}"

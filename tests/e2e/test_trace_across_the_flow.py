"""One upload, one connected trace: the gateway and the worker export their spans over OTLP
(the real exporter, to a collector on loopback), each agent continuing the trace context its
event carries in its Kafka headers, from the upload's last PATCH through the transcription,
the speech metrics, the turns, the answers and the analysis to the notification's email. The
log lines written along the way (JSON) carry that trace's id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dev.polling import wait_until
from dev.service_processes import ServiceProcess, gateway_process, json_log_record, new_prefix, worker_process
from tests.conftest import SmtpServer
from tests.e2e.conftest import Analysis, Stack, analyze
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


@pytest.fixture(scope="module")
def analysis(traced_stack: Stack, recordings: dict[str, Path]) -> Analysis:
    analysed = analyze(traced_stack, recordings["sample"], user="traced-user")
    assert analysed.returncode == 0, analysed.stderr
    return analysed


@pytest.fixture(scope="module")
def transcribing(analysis: Analysis, collector: OtlpCollector) -> ReceivedSpan:
    """The span of the upload's transcription (one upload in this module's stack)."""
    [span] = wait_until(
        lambda: [span for span in collector.spans if span.name == "transcribe_recording transcribe"][:1],
        30,
        "the transcription's span",
    )
    return span


def test_one_upload_makes_one_connected_trace_with_a_span_per_stage(
    collector: OtlpCollector, transcribing: ReceivedSpan
) -> None:
    wanted = {"upload", *DESCENDS_FROM}

    def stages_in_trace() -> set[str]:
        return {
            "upload" if stage_of(span) == "upload" else span.name
            for span in collector.trace(transcribing.trace_id)
        }

    def roots() -> list[ReceivedSpan]:
        spans = collector.trace(transcribing.trace_id)
        ids = {span.span_id for span in spans}
        return [span for span in spans if span.parent_span_id not in ids]

    # Connected once every stage's span is in and each span's parent too (a worker exports a
    # span when it ends: the speech agent's spans of a trace end up to a second after a batch).
    try:
        wait_until(
            lambda: stages_in_trace() >= wanted and [stage_of(span) for span in roots()] == ["upload"],
            120,
            "a span of every stage in the upload's trace, all below the upload's",
        )
    except AssertionError:
        others = sorted({span.name for span in collector.spans} - stages_in_trace())
        raise AssertionError(
            f"missing {sorted(wanted - stages_in_trace())}; in other traces: {others};"
            f" roots {[(span.name, span.parent_span_id) for span in roots()]}"
        ) from None
    spans = collector.trace(transcribing.trace_id)
    by_id = {span.span_id: span for span in spans}
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


def json_lines(process: ServiceProcess) -> list[dict[str, object]]:
    lines = process.log_path.read_text(errors="replace").splitlines()
    return [record for record in map(json_log_record, lines) if record is not None]


def test_the_log_lines_of_the_flow_carry_its_trace_id(
    traced_stack: Stack, analysis: Analysis, collector: OtlpCollector, transcribing: ReceivedSpan
) -> None:
    """The worker's line about the transcription is written in its span; the gateway's access
    line of the request that finished the upload, in that request's span (the trace's root)."""
    trace_id = transcribing.trace_id
    transcribed = f"transcribed {analysis.result['interview_id']}:"
    [worker_line] = [
        line for line in json_lines(traced_stack.worker) if str(line["message"]).startswith(transcribed)
    ]
    assert (worker_line["trace_id"], worker_line["span_id"]) == (trace_id, transcribing.span_id)

    [root] = [span for span in collector.trace(trace_id) if stage_of(span) == "upload"]
    method, route = root.name.split(" ", 1)
    access_lines = [
        line
        for line in json_lines(traced_stack.gateway)
        if line["logger"] == "uvicorn.access" and line.get("trace_id") == trace_id
    ]
    assert [line["span_id"] for line in access_lines] == [root.span_id], access_lines
    assert f'"{method} {route.split("{")[0]}' in str(access_lines[0]["message"])

"""One recording transcribed three times (its interview.uploaded event delivered again, as a
re-analysis or a crash mid-way does): the same segments each time, whatever the recognizer
process decoded in between, and in the read model no row past the final ``seq``, even when an
earlier, longer run had left some there."""

from __future__ import annotations

import asyncio
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from dev.polling import wait_until
from dev.topic_records import Received, collect_until, produce
from tests.e2e.conftest import Stack, run_stack, upload_wav
from topics.catalog import INTERVIEW_UPLOADED, TRANSCRIPT_SEGMENTS

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-same-transcript"
REAL_SPEECH = Path(__file__).resolve().parents[3] / "shared" / "eval" / "speech"
if not REAL_SPEECH.exists():
    REAL_SPEECH = Path("/work/shared/eval/speech")
# The first 20 s of the meeting make Whisper fall back to sampling: unseeded, each run wrote
# other words there.
CLIP_SECONDS = 20
#: What a segment says; progress and timing fields differ from run to run by design.
SEGMENT_FIELDS = ("seq", "start", "end", "text", "words", "confidence", "speaker", "final")
RUN_SECONDS = 300


def meeting_clip(out: Path) -> Path:
    with (
        wave.open(str(REAL_SPEECH / "ami_meeting_excerpt_4spk.wav")) as src,
        wave.open(str(out), "wb") as dst,
    ):
        dst.setparams(src.getparams())
        dst.writeframes(src.readframes(CLIP_SECONDS * src.getframerate()))
    return out


def runs_on_topic(stack: Stack, interview_id: str, runs: int) -> list[list[dict[str, Any]]]:
    """The interview's segments on transcript.segments, one list per run, once ``runs`` runs ended."""

    def of_interview(records: list[Received]) -> list[dict[str, Any]]:
        mine = [r for r in records if r.key == interview_id.encode()]
        return [r.decoded(TRANSCRIPT_SEGMENTS) for r in sorted(mine, key=lambda r: r.offset)]

    records = asyncio.run(
        collect_until(
            stack.worker.kafka_bootstrap,
            TRANSCRIPT_SEGMENTS,
            stack.worker.topic_prefix,
            lambda seen: sum(s["final"] for s in of_interview(seen)) >= runs,
            timeout=RUN_SECONDS,
        )
    )
    split: list[list[dict[str, Any]]] = [[]]
    for segment in of_interview(records):
        split[-1].append({field: segment[field] for field in SEGMENT_FIELDS})
        if segment["final"]:
            split.append([])
    return split[:runs]


def stored(database_url: str, interview_id: str) -> tuple[list[tuple[int, str]], list[int]]:
    with psycopg.connect(database_url) as connection:
        segments = connection.execute(
            "SELECT seq, text FROM transcript_segments WHERE interview_id = %s ORDER BY seq", (interview_id,)
        ).fetchall()
        metrics = connection.execute(
            "SELECT seq FROM segment_metrics WHERE interview_id = %s ORDER BY seq", (interview_id,)
        ).fetchall()
    return [(int(seq), str(text)) for seq, text in segments], [int(seq) for (seq,) in metrics]


def add_stale_tail(database_url: str, interview_id: str, final_seq: int, rows: int) -> None:
    """Rows past the final seq, as an earlier run with more segments would have left them."""
    with psycopg.connect(database_url) as connection:
        for table in ("transcript_segments", "segment_metrics"):
            connection.execute(
                f"CREATE TEMP TABLE tail AS SELECT * FROM {table} WHERE interview_id = %s AND seq = %s",
                (interview_id, final_seq),
            )
            for _ in range(rows):
                connection.execute("UPDATE tail SET seq = seq + 1")
                connection.execute(f"INSERT INTO {table} SELECT * FROM tail")
            connection.execute("DROP TABLE tail")


def holding(
    database_url: str, interview_id: str, run: list[dict[str, Any]]
) -> Callable[[], tuple[list[tuple[int, str]], list[int]] | None]:
    """A condition: the read model's rows, once they are the run's segments and metrics and
    nothing past them."""
    expected = [(segment["seq"], segment["text"]) for segment in run]

    def rows() -> tuple[list[tuple[int, str]], list[int]] | None:
        segments, metrics = stored(database_url, interview_id)
        done = segments == expected and metrics == [seq for seq, _ in expected]
        return (segments, metrics) if done else None

    return rows


def between_runs(stack: Stack, client: httpx.Client) -> None:
    """Another recording transcribed to its end. Whisper loops on this one's filled pauses, so
    it samples too: the process's random generator has moved on before the next run."""
    other = upload_wav(client, REAL_SPEECH / "mfa_uhuh.wav", "Same Transcript")
    wait_until(
        lambda: f"transcribed {other}" in stack.worker.log_path.read_text(errors="replace"),
        RUN_SECONDS,
        "another recording transcribed between the runs",
    )


def test_a_recording_transcribed_three_times_gives_the_same_rows(
    kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    # One recognizer process, so each run lands on the process that decoded everything before.
    stack = run_stack(kafka_bootstrap, database_url, tmp_path / "stack", {"IB_ASR_WORKERS": "1"})
    recording = meeting_clip(tmp_path / "meeting.wav")
    client = stack.client(USER)
    try:
        interview_id = upload_wav(client, recording, "Same Transcript")
        uploaded = asyncio.run(
            collect_until(
                kafka_bootstrap,
                INTERVIEW_UPLOADED,
                stack.worker.topic_prefix,
                lambda seen: any(r.key == interview_id.encode() for r in seen),
            )
        )
        event = next(r for r in uploaded if r.key == interview_id.encode())
        assert event.value is not None

        runs: list[list[dict[str, Any]]] = []
        rows_of_runs = []
        for run in (1, 2, 3):
            if run == 2:
                between_runs(stack, client)
            if run > 1:
                add_stale_tail(database_url, interview_id, runs[-1][-1]["seq"], rows=3)
                prefix = stack.worker.topic_prefix
                asyncio.run(produce(kafka_bootstrap, INTERVIEW_UPLOADED, prefix, interview_id, event.value))
            runs = runs_on_topic(stack, interview_id, run)
            rows_of_runs.append(
                wait_until(
                    holding(database_url, interview_id, runs[-1]),
                    RUN_SECONDS,
                    f"the read model holding run {run}'s segments and metrics, and nothing past them",
                )
            )
    finally:
        client.close()
        stack.gateway.stop()
        stack.worker.stop()

    first, second, third = runs
    assert first, "the clip has speech"
    assert [s["seq"] for s in first] == list(range(len(first))) and first[-1]["final"]
    assert second == first
    assert third == first
    assert rows_of_runs[1] == rows_of_runs[0] == rows_of_runs[2]

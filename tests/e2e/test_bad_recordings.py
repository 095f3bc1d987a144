"""Bad input gets a clear error and loses nothing, on the real stack through `ib analyze`.

Refused at upload (nothing is processed): a renamed text file called .mp4 and an empty file.
Refused by the transcriber (the interview fails with the reason): a truncated MP4, a video
with no audio track, pure silence, and music or noise without speech.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Stack, analyze

pytestmark = [pytest.mark.stack]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_media", "MP4, MOV, WebM, M4A"),
        ("empty", "empty"),
    ],
    ids=["renamed-text-file", "empty-file"],
)
def test_refused_at_upload_with_a_clear_message(
    stack: Stack, recordings: dict[str, Path], name: str, message: str
) -> None:
    analysis = analyze(stack, recordings[name])
    assert analysis.returncode != 0
    assert message in " ".join(analysis.stderr.split())


@pytest.mark.parametrize(
    ("name", "error_code", "words"),
    [
        ("truncated", "truncated_media", "incomplete"),
        ("truncated_faststart", "truncated_media", "incomplete"),
        ("video_only", "no_audio_track", "no sound track"),
        ("silence", "no_speech", "could not hear anyone speaking"),
        ("noise", "no_speech", "could not hear anyone speaking"),
        ("music", "no_speech", "could not hear anyone speaking"),
    ],
    ids=["truncated-mp4", "truncated-mp4-faststart", "video-without-audio", "silence", "noise", "music"],
)
def test_interview_fails_with_the_reason_the_user_reads(
    stack: Stack, recordings: dict[str, Path], name: str, error_code: str, words: str
) -> None:
    analysis = analyze(stack, recordings[name])
    assert analysis.returncode == 1
    assert analysis.result["status"] == "FAILED"
    assert analysis.result["error_code"] == error_code
    assert words in analysis.result["error_reason"]
    assert words in " ".join(analysis.stderr.split())


def test_a_failed_interview_keeps_its_recording_details_and_no_invented_analysis(
    stack: Stack, recordings: dict[str, Path]
) -> None:
    analysis = analyze(stack, recordings["silence"], user="e2e-silence")
    interview_id = analysis.result["interview_id"]
    with stack.client("e2e-silence") as client:
        interview = client.get(f"/interviews/{interview_id}").json()
        assert interview["recording"]["size_bytes"] == recordings["silence"].stat().st_size
        assert client.get(f"/interviews/{interview_id}/analysis").status_code == 404
        assert client.get(f"/interviews/{interview_id}/transcript").json()["segments"] == []

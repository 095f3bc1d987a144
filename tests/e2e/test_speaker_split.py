"""A two-voice interview through the whole system (`ib analyze --json`, offline engine): the
speaker split names who spoke, so turns follow the voices (`speakers_known`) and say who asked
and who answered, and the transcript the gateway serves has each segment's speaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.content_section import SPEAKERS_GUESSED, SPEAKERS_UNCERTAIN
from dev import synthesize
from tests.e2e.conftest import Stack, analyze

pytestmark = [pytest.mark.stack, pytest.mark.slow]

USER = "e2e-speakers"
DIALOGUE = "dialogue_backend"  # a woman asks, a man answers


def test_a_two_voice_interview_has_its_speakers_known(stack: Stack, tmp_path: Path) -> None:
    recording = tmp_path / "two_voices.wav"
    lines = synthesize.DIALOGUES[DIALOGUE][:6]  # three questions and their answers
    synthesize.make_dialogue(lines, synthesize.DIALOGUE_VOICES[DIALOGUE], recording)

    analysis = analyze(stack, recording, "--type", "behavioral", user=USER)

    assert analysis.returncode == 0, analysis.stderr
    result = analysis.result
    content = result["content"]
    assert content["speakers_known"] is True, result["warnings"]
    assert SPEAKERS_GUESSED not in result["warnings"] and SPEAKERS_UNCERTAIN not in result["warnings"]
    assert len(content["turns"]) == len(lines) // 2, [turn["question"] for turn in content["turns"]]
    with stack.client(USER) as client:
        transcript = client.get(f"/interviews/{result['interview_id']}/transcript").json()
    speakers = [segment["speaker"] for segment in transcript["segments"]]
    assert set(speakers) == {"S1", "S2"}
    # The interviewer speaks first; every question is theirs, and the answers the other voice's.
    interviewer = speakers[0]
    for segment in transcript["segments"]:
        if segment["text"].rstrip().endswith("?"):
            assert segment["speaker"] == interviewer, segment
    (answerer,) = set(speakers) - {interviewer}
    for turn in content["turns"]:
        assert turn["answer"], turn
        assert (turn["asker"], turn["answerer"]) == (interviewer, answerer), turn
    # `ib analyze --json` tells who spoke each segment too.
    assert [segment["speaker"] for segment in result["transcript"]["segments"]] == speakers

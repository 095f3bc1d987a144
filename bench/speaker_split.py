"""How well the speaker split tells voices apart, and what it costs.

    python -m bench.speaker_split [--out DIR] [--thresholds 1.5,2,2.5]

Recognizes, in this process with the real offline engine: the synthetic two-voice
interviews (`dev.synthesize.DIALOGUES`), the same lines in one voice, the real four-person
meeting and the real single-speaker clips of ``../shared/eval/speech/``. Each recording is
recognized once; its stretches' voice vectors are then clustered at every threshold asked.

Prints per recording and threshold: the share of words whose label is right up to renaming
(labels matched one-to-one to the true speakers so as to maximise agreement), the share of
stretches right, how many labels came out against how many speakers there are, the mean
confidence, and the split's cost as a share of recognition time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dev import synthesize
from streams.transcription import worker
from streams.transcription.decoding import probe_duration
from streams.transcription.segments import RecognizedSegment
from streams.transcription.settings import TranscriptionSettings
from streams.transcription.speaker_clusters import SpeakerClusters
from streams.transcription.speakers import labelled_segments

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO_ROOT.parent / "shared" / "eval" / "speech"
if not EVAL_DIR.exists():
    EVAL_DIR = Path("/work/shared/eval/speech")
MEETING = "ami_meeting_excerpt_4spk.wav"
#: Who spoke at a moment, or the set of those who did (overlapping speech).
Truth = Callable[[float], set[str]]


@dataclass
class Recognized:
    name: str
    pieces: list[worker.PieceResult]
    speakers: int
    truth: Truth
    recognize_seconds: float
    voices_seconds: float


def recognize(path: Path) -> list[worker.PieceResult]:
    """The recording's pieces as the service asks for them, with voices."""
    duration = probe_duration(path)
    pieces = []
    start = 0.0
    while True:
        piece = worker.recognize_piece(path, start)
        pieces.append(piece)
        if piece.reached_end or piece.end <= start or piece.end >= duration:
            return pieces
        start = piece.end


def label(pieces: Sequence[worker.PieceResult], clusters: SpeakerClusters) -> list[RecognizedSegment]:
    segments: list[RecognizedSegment] = []
    for piece in pieces:
        assert piece.voices is not None
        labels = iter(clusters.label([v for voices in piece.voices for v in voices]))
        for segment, voices in zip(piece.segments, piece.voices, strict=True):
            segments += labelled_segments(segment, voices, [next(labels) for _ in voices])
    return segments


def timeline_truth(spans: Sequence[tuple[float, float, str]]) -> Truth:
    """Speakers active at a moment; between spans, the nearest span's speaker."""

    def at(moment: float) -> set[str]:
        active = {speaker for start, end, speaker in spans if start <= moment <= end}
        if active:
            return active
        nearest = min(spans, key=lambda span: min(abs(span[0] - moment), abs(span[1] - moment)))
        return {nearest[2]}

    return at


def word_accuracy(segments: Sequence[RecognizedSegment], truth: Truth) -> tuple[float, float]:
    """(words right, segments right) up to renaming, with the best one-to-one renaming."""
    words = [(s.speaker, truth((w.start + w.end) / 2)) for s in segments for w in s.words]
    labels = sorted({label for label, _ in words if label is not None})
    speakers = sorted({speaker for _, names in words for speaker in names})
    best: dict[str | None, str] = {}
    best_right = -1
    pool = speakers + [f"extra-{i}" for i in range(max(len(labels) - len(speakers), 0))]
    for assignment in itertools.permutations(pool, len(labels)):
        mapping: dict[str | None, str] = dict(zip(labels, assignment, strict=True))
        right = sum(1 for label, names in words if mapping.get(label) in names)
        if right > best_right:
            best, best_right = mapping, right
    right_segments = 0
    for segment in segments:
        votes = Counter(best.get(segment.speaker) in truth((w.start + w.end) / 2) for w in segment.words)
        right_segments += votes[True] > votes[False]
    return best_right / max(len(words), 1), right_segments / max(len(segments), 1)


def recordings(out: Path) -> list[tuple[str, Path, int, Truth]]:
    found: list[tuple[str, Path, int, Truth]] = []
    for name, lines in synthesize.DIALOGUES.items():
        wav = out / f"{name}.wav"
        turns = synthesize.make_dialogue(lines, synthesize.DIALOGUE_VOICES[name], wav)
        spans = [(float(t["start"]), float(t["end"]), str(t["speaker"])) for t in turns]  # type: ignore[arg-type]
        found.append((name, wav, 2, timeline_truth(spans)))
        mono = out / f"{name}_one_voice.wav"
        synthesize.make_monologue(lines, synthesize.DIALOGUE_VOICES[name][1], mono)
        found.append((f"{name}_one_voice", mono, 1, lambda _moment: {"candidate"}))
    rttm = EVAL_DIR / "ami_excerpt_mixture.rttm"
    if rttm.exists():
        spans = []
        for line in rttm.read_text().splitlines():
            fields = line.split()
            spans.append((float(fields[3]), float(fields[3]) + float(fields[4]), fields[7]))
        found.append(("ami_meeting_4spk", EVAL_DIR / MEETING, 4, timeline_truth(spans)))
    manifest = json.loads((EVAL_DIR / "manifest.json").read_text()) if EVAL_DIR.exists() else []
    for entry in manifest:
        if entry.get("speakers") == 1:
            found.append((entry["file"], EVAL_DIR / entry["file"], 1, lambda _moment: {"the speaker"}))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speaker_split", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the synthetic recordings")
    parser.add_argument("--thresholds", default=None, help="comma-separated thresholds to compare")
    args = parser.parse_args(argv)
    settings = TranscriptionSettings()
    thresholds = (
        [float(t) for t in args.thresholds.split(",")] if args.thresholds else [settings.speaker_threshold]
    )
    worker.init_worker(settings)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        done: list[Recognized] = []
        for name, path, speakers, truth in recordings(out):
            pieces = recognize(path)
            done.append(
                Recognized(
                    name,
                    pieces,
                    speakers,
                    truth,
                    sum(p.recognize_seconds for p in pieces),
                    sum(p.voices_seconds for p in pieces),
                )
            )
    header = f"{'recording':<36} {'thr':>4} {'words':>6} {'segs':>6} {'labels':>6} {'true':>4} {'conf':>5}"
    print(header)
    clustering = 0.0
    for threshold in thresholds:
        for rec in done:
            clusters = SpeakerClusters(threshold, settings.max_speakers, settings.speaker_min_voiced_seconds)
            began = time.perf_counter()
            segments = label(rec.pieces, clusters)
            clustering += time.perf_counter() - began
            words, segs = word_accuracy(segments, rec.truth)
            labels = {s.speaker for s in segments} - {None}
            confidences = [s.speaker_confidence for s in segments for _ in s.words if s.speaker_confidence]
            mean = sum(confidences) / len(confidences) if confidences else 0.0
            # No label at all (every stretch too short to judge) is shown as such, not as 0 %.
            right = f"{words:>6.1%} {segs:>6.1%}" if labels else f"{'-':>6} {'-':>6}"
            print(f"{rec.name:<36} {threshold:>4.2f} {right} {len(labels):>6} {rec.speakers:>4} {mean:>5.2f}")
    recognized = sum(rec.recognize_seconds for rec in done)
    voices = sum(rec.voices_seconds for rec in done) + clustering / len(thresholds)
    print(
        f"speaker split (voice vectors + clustering): {voices:.2f} s for {recognized:.1f} s "
        f"of recognition ({voices / recognized:.2%})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Default speech engine: faster-whisper (CTranslate2, int8 on CPU) with Whisper base.

Whisper leaves out filled pauses and sometimes whole stretches of speech, and loops on a
word. Around the model call this engine: refuses pieces with no speech (VAD), prompts with
fillers, bounds the tokens a piece can produce, drops loops, and listens again to voiced
gaps between words.

Its temperature fallback samples at random; each piece is decoded from the same seed, so one
recording gives the same segments on every run, whatever the process decoded before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.vad import VadOptions, get_speech_timestamps

from streams.transcription.decoding import SAMPLE_RATE
from streams.transcription.pieces import is_voiced, noise_floor_db
from streams.transcription.segments import RecognizedSegment, Word, shift_segment
from streams.transcription.settings import TranscriptionSettings
from streams.transcription.whisper_mapping import Gap, keep_rechecked, map_segments, merge_words, word_gaps

# Whisper imitates the style of its prompt; a prompt full of fillers makes it write them.
FILLER_PROMPT = "Um, uh, so, like, you know, I mean, I was, uh, working on it, um, and, uh, yeah."
# Fast speech is ~4.5 tokens/s; the cap stops a loop from burning a whole 224-token window.
TOKENS_PER_SECOND = 6.0
MIN_SPEECH_SECONDS = 0.3
RECHECK_SEPARATOR_SECONDS = 0.6
MAX_RECHECK_SECONDS = 25.0
#: Seed of the sampling that the temperature fallback does (any fixed value would do).
SAMPLING_SEED = 20240917


class WhisperEngine:
    name = "whisper"

    def __init__(self, model_dir: Path, settings: TranscriptionSettings) -> None:
        self._model_dir = model_dir
        self._settings = settings
        self._model = self._load()

    def _load(self) -> WhisperModel:
        # CTranslate2 seeds a thread's generator once, from the global seed, when that thread
        # first samples: set_random_seed alone does not rewind a model that has sampled.
        ctranslate2.set_random_seed(SAMPLING_SEED)
        model = WhisperModel(
            str(self._model_dir),
            device="cpu",
            compute_type=self._settings.whisper_compute_type,
            cpu_threads=self._settings.asr_threads,
            num_workers=1,
        )
        model.model = SamplingWatch(model.model)  # type: ignore[assignment]  # forwards all
        return model

    def _rewind_sampling(self) -> None:
        """Gives the next piece a generator fresh from the seed: a model whose threads have
        drawn random numbers is loaded again (~0.4 s), which happens only after a fallback."""
        if cast(SamplingWatch, self._model.model).sampled:
            # Freed first: loaded side by side, the allocator keeps both (~150 MB more).
            del self._model
            self._model = self._load()

    def recognize(self, audio: np.ndarray, offset: float) -> list[RecognizedSegment]:
        if speech_seconds(audio) < MIN_SPEECH_SECONDS:
            return []
        self._rewind_sampling()
        segments = self._transcribe(audio)
        # Whisper can skip a stretch of speech without a word: voiced gaps of at least
        # skipped_speech_seconds are always heard again; short gaps (filled pauses) only
        # when recheck_gaps is on, since that costs a second pass and invents some "um"s.
        min_gap = self._settings.filler_gap_seconds if self._settings.recheck_gaps else None
        if min_gap is None and self._settings.recheck_skipped_speech:
            min_gap = self._settings.skipped_speech_seconds
        if min_gap is not None and segments:
            segments = merge_words(segments, self._recheck_gaps(audio, segments, min_gap))
        return [shift_segment(s, offset) for s in segments]

    def _transcribe(self, audio: np.ndarray) -> list[RecognizedSegment]:
        seconds = audio.shape[0] / SAMPLE_RATE
        raw, _info = self._model.transcribe(
            audio,
            language=self._settings.language,
            beam_size=self._settings.whisper_beam_size,
            word_timestamps=True,
            initial_prompt=FILLER_PROMPT,
            # Conditioning on its own output is how one loop infects the next window.
            condition_on_previous_text=False,
            temperature=(0.0, 0.2, 0.4, 0.6),
            compression_ratio_threshold=2.4,
            max_new_tokens=int(seconds * TOKENS_PER_SECOND) + 16,
            vad_filter=False,
        )
        return map_segments(raw, 0.0, self._settings.language)

    def _recheck_gaps(
        self, audio: np.ndarray, segments: list[RecognizedSegment], min_gap: float
    ) -> list[Word]:
        """Listens again to voiced gaps, all of them in one model call.

        The gaps are laid end to end with silence between them, so one 30-s window costs
        one encoder pass however many gaps there are.
        """
        words = [w for s in segments for w in s.words]
        floor = noise_floor_db(audio, SAMPLE_RATE)
        gaps = [
            g
            for g in word_gaps(words, audio.shape[0] / SAMPLE_RATE, min_gap)
            if is_voiced(_slice(audio, g.start, g.end), SAMPLE_RATE, floor)
        ]
        if not gaps:
            return []
        clips: list[np.ndarray] = []
        placed: list[tuple[Gap, float]] = []  # gap, its start in the joined clip
        cursor = 0.0
        silence = np.zeros(int(RECHECK_SEPARATOR_SECONDS * SAMPLE_RATE), dtype=np.float32)
        for gap in sorted(gaps, key=lambda g: g.start):
            clip = _slice(audio, gap.start, gap.end)
            if cursor + clip.shape[0] / SAMPLE_RATE > MAX_RECHECK_SECONDS:
                break
            clips += [clip, silence]
            placed.append((gap, cursor))
            cursor += (clip.shape[0] + silence.shape[0]) / SAMPLE_RATE
        if not clips:  # the first gap alone is longer than a recheck may be (a long wordless stretch)
            return []
        heard = [w for s in self._transcribe(np.concatenate(clips)) for w in s.words]
        found: list[Word] = []
        for gap, at in placed:
            local = Gap(at, at + gap.end - gap.start)
            for word in keep_rechecked(heard, local, self._settings.skipped_speech_seconds):
                shift = gap.start - at
                found.append(
                    Word(word.word, round(word.start + shift, 3), round(word.end + shift, 3), word.confidence)
                )
        return found


class SamplingWatch:
    """Forwards to a CTranslate2 Whisper model and notes whether it has sampled at random
    (faster-whisper asks for sampling with ``sampling_topk=0`` at a temperature above 0)."""

    def __init__(self, model: ctranslate2.models.Whisper) -> None:
        self._model = model
        self.sampled = False

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("sampling_topk", 1) != 1:
            self.sampled = True
        return self._model.generate(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def speech_seconds(audio: np.ndarray) -> float:
    """Seconds Silero VAD (shipped inside faster-whisper) calls speech."""
    spans = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100))
    return sum(s["end"] - s["start"] for s in spans) / SAMPLE_RATE


def _slice(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    return audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]

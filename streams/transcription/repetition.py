"""Guard against Whisper's hallucinated loops ("uh, uh, uh, ..." a hundred times).

A real speaker can repeat a word, even six times, but each repetition takes time. Whisper's
loops squeeze many words into little audio, so a run is cut to what its own span of audio
could hold, and never beyond a hard cap.
"""

from __future__ import annotations

import re

from streams.transcription.segments import Word

# Shortest time a spoken word takes; a filler "uh" is rarely under ~0.15 s.
MIN_WORD_SECONDS = 0.12
MAX_NGRAM = 4
MAX_SAME_WORD_RUN = 8
MAX_PHRASE_RUN = 3
# Inside a run, a word Whisper gives (almost) no time to is a loop artefact, not speech.
SQUEEZED_WORD_SECONDS = 0.05


def normalize(word: str) -> str:
    return re.sub(r"[^\w']+", "", word.lower())


def drop_hallucinated_repeats(words: list[Word]) -> list[Word]:
    """Removes repetitions of a word or short phrase beyond what the audio can hold."""
    result = list(words)
    for size in range(1, MAX_NGRAM + 1):
        result = _trim_runs(result, size)
    return result


def _trim_runs(words: list[Word], size: int) -> list[Word]:
    keys = [normalize(w.word) for w in words]
    out: list[Word] = []
    i = 0
    while i < len(words):
        gram = keys[i : i + size]
        # A phrase made of one repeated word is a same-word run, already handled with size 1.
        if len(gram) < size or not all(gram) or (size > 1 and len(set(gram)) == 1):
            out.append(words[i])
            i += 1
            continue
        repeats = 1
        while keys[i + repeats * size : i + (repeats + 1) * size] == gram:
            repeats += 1
        if repeats == 1:
            out.append(words[i])
            i += 1
            continue
        run = words[i : i + repeats * size]
        next_index = i + repeats * size
        if size == 1:
            kept = [w for w in run if w.end - w.start >= SQUEEZED_WORD_SECONDS]
            run = kept or run[:1]
            repeats = len(run)
        span = run[-1].end - run[0].start
        cap = MAX_SAME_WORD_RUN if size == 1 else MAX_PHRASE_RUN
        fits = int(span / (size * MIN_WORD_SECONDS) + 1e-9)
        allowed = max(1, min(repeats, cap, fits))
        out.extend(run[: allowed * size])
        i = next_index
    return out

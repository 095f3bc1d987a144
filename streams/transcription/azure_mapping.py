"""Pure mapping from Azure Speech's detailed JSON results to our segments.

With ``OutputFormat.Detailed`` and word-level timestamps, each final result
(``result.json``, the ``SpeechServiceResponse_JsonResult`` property) reads::

    {"Id": "...", "RecognitionStatus": "Success", "Offset": 5000000, "Duration": 23400000,
     "Channel": 0, "DisplayText": "Um, so I led it.",
     "NBest": [{"Confidence": 0.91, "Lexical": "um so i led it", "ITN": "...", "MaskedITN": "...",
                "Display": "Um, so I led it.",
                "Words": [{"Word": "um", "Offset": 5000000, "Duration": 2100000, "Confidence": 0.83}, ...]}]}

Times are 100-ns ticks from the start of the audio the recognizer was given (the SDK
rebases the service's per-turn offsets). A conversation transcriber adds
``"Type": "ConversationTranscription"`` and ``"SpeakerId": "Guest-1"``. Any other
``RecognitionStatus`` (NoMatch, InitialSilenceTimeout, BabbleTimeout, Error) carries no speech.

The timed words are the lexical ones: lower case, no punctuation, and they keep "um" and
"uh" even when the display form removed them. Punctuation and capitals are taken from the
display form wherever a display token lines up with a lexical word, because the filler
rules downstream read them ("I was, like, the lead" has a filler; "I was like the lead" has none).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from typing import Any

from streams.transcription.segments import RecognizedSegment, Word, segment_from_words

TICKS_PER_SECOND = 10_000_000
SUCCESS = "Success"
# The conversation transcriber says "Unknown" until it has told speakers apart.
NO_SPEAKER = frozenset({"", "Unknown"})

_NOT_WORD = re.compile(r"[^\w']+")
# Punctuation that ends a clause or sentence; only this is carried onto rewritten words
# ("$900." gives "dollars." its full stop, not its dollar sign).
_CLAUSE_END = re.compile(r"[,;:.!?\u2026\u2014\u2013]+$")

AzureResult = str | Mapping[str, Any]


def map_results(
    results: Iterable[AzureResult], offset: float, language: str | None
) -> list[RecognizedSegment]:
    """Segments of every successful result, on the recording's timeline, in time order."""
    segments = [s for s in (map_result(r, offset, language) for r in results) if s is not None]
    return sorted(segments, key=lambda s: s.start)


def map_result(result: AzureResult, offset: float, language: str | None) -> RecognizedSegment | None:
    """One segment for a successful result with words, shifted by ``offset`` seconds; else None."""
    data: Mapping[str, Any] = json.loads(result) if isinstance(result, str) else result
    if data.get("RecognitionStatus") != SUCCESS:
        return None
    best = (data.get("NBest") or [None])[0]
    if not best:
        return None
    raw_words = [w for w in best.get("Words") or [] if str(w.get("Word", "")).strip()]
    if not raw_words:
        return None
    display = best.get("Display") or data.get("DisplayText") or ""
    texts = punctuate([str(w["Word"]).strip() for w in raw_words], display)
    # Older services and some locales leave out word confidences: the phrase's is the best guess.
    phrase_confidence = float(best.get("Confidence", 0.0))
    words = []
    for raw, text in zip(raw_words, texts, strict=True):
        start = offset + int(raw["Offset"]) / TICKS_PER_SECOND
        end = start + int(raw["Duration"]) / TICKS_PER_SECOND
        confidence = float(raw.get("Confidence", phrase_confidence))
        words.append(Word(text, round(start, 3), round(end, 3), round(confidence, 4)))
    speaker = str(data.get("SpeakerId") or "")
    segment = segment_from_words(words, language)
    return replace(segment, speaker=None if speaker in NO_SPEAKER else speaker)


def punctuate(words: Sequence[str], display: str) -> list[str]:
    """The lexical words, each replaced by its display token when the two line up.

    A lexical word with no display counterpart stays as it is: a filler the display form
    dropped ("um"), or a word the display form rewrote ("six" shown as "6"). A rewritten run
    still takes the punctuation that ends it, so "nineteen" in "in 2019, I" keeps its comma.
    """
    tokens = _display_tokens(display)
    result = list(words)
    matcher = SequenceMatcher(a=[_key(w) for w in words], b=[_key(t) for t in tokens], autojunk=False)
    for tag, first, last, token_first, token_last in matcher.get_opcodes():
        if tag == "equal":
            result[first:last] = tokens[token_first:token_last]
        elif tag == "replace":
            clause_end = _CLAUSE_END.search(tokens[token_last - 1])
            if clause_end:
                result[last - 1] += clause_end.group()
    return result


def _display_tokens(display: str) -> list[str]:
    """Whitespace tokens, with a lone punctuation mark ("-", "...") glued to the word before it."""
    tokens: list[str] = []
    for token in display.split():
        if tokens and not _key(token):
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def _key(token: str) -> str:
    return _NOT_WORD.sub("", token.lower().replace("\u2019", "'"))

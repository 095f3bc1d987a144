"""Changelog codecs for tables whose values are live objects.

Tables keep ``SpeechTotals`` as objects in memory, so an update does not parse and rebuild
a growing document; only the changelog record, written once per update, is JSON (orjson).
A table names its codec when it is made: ``codec_table(..., value_codec=SPEECH_TOTALS)``.
"""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

from streams.speech_metrics import SpeechTotals

SPEECH_TOTALS = "speech_totals"
SPEECH_ENTRY = "speech_entry"


def _totals_document(totals: SpeechTotals) -> dict[str, Any]:
    """``totals.to_dict()`` without copying each filler event and pause: orjson writes the
    tuples of dicts as they are (the same bytes), and this runs for every changelog write,
    over everything the interview has said so far."""
    filler_words = totals.filler_words
    return {
        "seen_seqs": sorted(totals.seen_seqs),
        "word_count": totals.word_count,
        "speaking_seconds": totals.speaking_seconds,
        "filler_words": filler_words if type(filler_words) is dict else dict(filler_words),
        "filler_total": totals.filler_total,
        "filler_events": totals.filler_events,
        "pause_count": totals.pause_count,
        "long_pause_count": totals.long_pause_count,
        "longest_pause_seconds": totals.longest_pause_seconds,
        "long_pauses": totals.long_pauses,
        "clarity_word_sum": totals.clarity_word_sum,
    }


def dump_speech_entry(entry: dict[str, Any]) -> bytes:
    """The changelog bytes of a speech agent's table entry."""
    return orjson.dumps({"ends": entry["ends"], "totals": _totals_document(entry["totals"])})


class SpeechTotalsCodec(codecs.Codec):
    def _dumps(self, totals: SpeechTotals) -> bytes:
        return orjson.dumps(_totals_document(totals))

    def _loads(self, data: bytes) -> SpeechTotals:
        return SpeechTotals.from_dict(orjson.loads(data))


class SpeechEntryCodec(codecs.Codec):
    """``{"ends": {seq: last word end}, "totals": SpeechTotals}`` of the speech agent."""

    def _dumps(self, entry: dict[str, Any]) -> bytes:
        return dump_speech_entry(entry)

    def _loads(self, data: bytes) -> dict[str, Any]:
        stored = orjson.loads(data)
        return {"ends": stored["ends"], "totals": SpeechTotals.from_dict(stored["totals"])}


codecs.register(SPEECH_TOTALS, SpeechTotalsCodec())
codecs.register(SPEECH_ENTRY, SpeechEntryCodec())

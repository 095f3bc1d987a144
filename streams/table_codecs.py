"""Changelog codecs for tables whose values are live objects.

Tables keep ``SpeechCounts`` and ``SpeechTotals`` as objects in memory, so an update does
not parse and rebuild a growing document; only the changelog record, written once per
update, is JSON (orjson).
A table names its codec when it is made: ``codec_table(..., value_codec=SPEECH_TOTALS)``.
"""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

from analysis.speech.metrics import SpeechCounts, SpeechTotals

SPEECH_TOTALS = "speech_totals"
SPEECH_ENTRY = "speech_entry"


def _totals_document(totals: SpeechTotals) -> dict[str, Any]:
    """``totals.to_dict()`` without copying each filler event and pause: orjson writes the
    tuples of dicts as they are (the same bytes), and this runs for every changelog write,
    over everything the interview has said so far."""
    return {
        **totals.counts_dict(),
        "seen_seqs": sorted(totals.seen_seqs),
        "filler_events": totals.filler_events,
        "long_pauses": totals.long_pauses,
    }


def dump_speech_entry(entry: dict[str, Any]) -> bytes:
    """The changelog bytes of a speech agent's table entry."""
    counts = entry["counts"].to_dict()
    return orjson.dumps({"ends": entry["ends"], "counts": counts, "run": entry.get("run", 0)})


def load_speech_entry(data: bytes) -> dict[str, Any]:
    """A speech agent's table entry from its changelog bytes. Entries written before the
    agent kept counts only (``"totals"``, with every filler and pause) read as their counts,
    and those written before analysis runs as run 0."""
    stored = orjson.loads(data)
    counts = stored["counts"] if "counts" in stored else stored["totals"]
    return {"ends": stored["ends"], "counts": SpeechCounts.from_dict(counts), "run": stored.get("run", 0)}


class SpeechTotalsCodec(codecs.Codec):
    def _dumps(self, totals: SpeechTotals) -> bytes:
        return orjson.dumps(_totals_document(totals))

    def _loads(self, data: bytes) -> SpeechTotals:
        return SpeechTotals.from_dict(orjson.loads(data))


class SpeechEntryCodec(codecs.Codec):
    """``{"ends": {seq: last word end}, "counts": SpeechCounts, "run": n}`` of the speech agent."""

    def _dumps(self, entry: dict[str, Any]) -> bytes:
        return dump_speech_entry(entry)

    def _loads(self, data: bytes) -> dict[str, Any]:
        return load_speech_entry(data)


codecs.register(SPEECH_TOTALS, SpeechTotalsCodec())
codecs.register(SPEECH_ENTRY, SpeechEntryCodec())

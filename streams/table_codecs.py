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


class SpeechTotalsCodec(codecs.Codec):
    def _dumps(self, totals: SpeechTotals) -> bytes:
        return orjson.dumps(totals.to_dict())

    def _loads(self, data: bytes) -> SpeechTotals:
        return SpeechTotals.from_dict(orjson.loads(data))


class SpeechEntryCodec(codecs.Codec):
    """``{"ends": {seq: last word end}, "totals": SpeechTotals}`` of the speech agent."""

    def _dumps(self, entry: dict[str, Any]) -> bytes:
        return orjson.dumps({"ends": entry["ends"], "totals": entry["totals"].to_dict()})

    def _loads(self, data: bytes) -> dict[str, Any]:
        stored = orjson.loads(data)
        return {"ends": stored["ends"], "totals": SpeechTotals.from_dict(stored["totals"])}


codecs.register(SPEECH_TOTALS, SpeechTotalsCodec())
codecs.register(SPEECH_ENTRY, SpeechEntryCodec())

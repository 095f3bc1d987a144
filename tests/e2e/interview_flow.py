"""What the fault tests (kill storm, scale out and in) share: the read model, the topics and the
emails read back to show each interview whole and once."""

from __future__ import annotations

from collections import Counter
from email.message import Message
from itertools import pairwise

import httpx
import psycopg

from dev.topic_records import Received
from topics.catalog import TRANSCRIPT_SEGMENTS


def statuses(client: httpx.Client, interview_ids: list[str]) -> Counter[str]:
    """How many of the interviews are in each status, as the gateway answers."""
    return Counter(
        client.get(f"/interviews/{interview_id}/status").json()["status"] for interview_id in interview_ids
    )


def all_finished(client: httpx.Client, interview_ids: list[str]) -> bool:
    counted = statuses(client, interview_ids)
    return counted["COMPLETED"] + counted["FAILED"] == len(interview_ids)


Segment = tuple[int, float, float, str, bool]
"""seq, start, end, text, final."""


def stored_segments(database_url: str, interview_ids: list[str]) -> dict[str, list[Segment]]:
    """Each interview's transcript rows in the read model, by seq."""
    found: dict[str, list[Segment]] = {interview_id: [] for interview_id in interview_ids}
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            'SELECT interview_id, seq, "start", "end", text, final FROM transcript_segments'
            " WHERE interview_id = ANY(%s) ORDER BY interview_id, seq",
            (interview_ids,),
        ).fetchall()
    for interview_id, seq, start, end, text, final in rows:
        found[str(interview_id)].append((int(seq), float(start), float(end), str(text), bool(final)))
    return found


def stored_seqs(database_url: str, table: str, interview_ids: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {interview_id: [] for interview_id in interview_ids}
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            f"SELECT interview_id, seq FROM {table} WHERE interview_id = ANY(%s) ORDER BY interview_id, seq",
            (interview_ids,),
        ).fetchall()
    for interview_id, seq in rows:
        found[str(interview_id)].append(int(seq))
    return found


def transcript_faults(segments: dict[str, list[Segment]]) -> dict[str, str]:
    """Interview → what is wrong with its stored transcript: a seq missing or out of place, no
    final segment or one before the end, a stretch of audio written twice (a segment starting
    before the one before it ended) or a text repeated."""
    faults: dict[str, str] = {}
    for interview_id, rows in segments.items():
        seqs = [seq for seq, *_ in rows]
        finals = [seq for seq, *_, final in rows if final]
        texts = [text.strip() for _, _, _, text, _ in rows]
        overlaps = [(earlier[0], later[0]) for earlier, later in pairwise(rows) if later[1] < earlier[2]]
        if not rows or seqs != list(range(len(rows))):
            faults[interview_id] = f"seqs {seqs}, not 0..final"
        elif finals != [seqs[-1]]:
            faults[interview_id] = f"final segments {finals} of seqs 0..{seqs[-1]}"
        elif overlaps:
            faults[interview_id] = f"segments overlapping in time (stretch written twice): {overlaps}"
        elif len(set(texts)) != len(texts):
            faults[interview_id] = f"a text written twice: {texts}"
    return faults


def segments_redone_differently(records: list[Received]) -> dict[tuple[str, int], int]:
    """(interview, seq) → how many different segments ``transcript.segments`` carries for it.
    A transcription cut by a crash is done again and may write a segment again, but only the
    same one: the recognizer is seeded and the read model keeps one row per seq."""
    versions: dict[tuple[str, int], set[tuple[float, float, str]]] = {}
    for record in records:
        segment = record.decoded(TRANSCRIPT_SEGMENTS)
        key = (segment["interview_id"], segment["seq"])
        versions.setdefault(key, set()).add((segment["start"], segment["end"], segment["text"]))
    return {key: len(found) for key, found in versions.items() if len(found) > 1}


def text_of(message: Message) -> str:
    """Every text part of an email, decoded."""
    return "\n".join(
        part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()
    )


def emails_per_interview(messages: list[Message], interview_ids: list[str]) -> dict[str, int]:
    """How many of ``messages`` link to each interview's page (``/review/<id>``)."""
    texts = [text_of(message) for message in messages]
    return {
        interview_id: sum(f"/review/{interview_id}" in text for text in texts)
        for interview_id in interview_ids
    }

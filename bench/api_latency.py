"""Server-side latency of the dashboard's list call and of one analysis, over a seeded database.

    python -m bench.api_latency [--users 10000] [--interviews 10] [--requests 200] [--concurrency 20]

Seeds a database of its own on the stack's PostgreSQL (``ib_bench_api``, kept between runs and
seeded again only when its size differs from the one asked for) with users × interviews, each
interview with a COMPLETED state and an analysis document shaped like a real one (questions
with their STAR evidence, a sentiment timeline, recommendations: about 12 kB of JSON). Starts a
gateway of its own on that database and sends ``--requests`` requests of each call at
``--concurrency``, each for a random seeded user (a dev token each): ``GET /interviews`` (the
dashboard's first page) and ``GET /interviews/{id}/analysis``. The gateway's own
``Server-Timing`` header gives the server-side time; the client-side time is printed beside it.
Targets: the list's P95 under 50 ms, one analysis's under 100 ms, server side.
A request that fails makes the benchmark say so and exit 1 without a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from dev.service_processes import gateway_process, new_prefix
from gateway.auth import DevIssuer
from gateway.settings import Settings
from sinks.migrate import apply_migrations
from topics.admin import delete_prefixed_topics

BENCH_DATABASE = "ib_bench_api"
TARGETS_MS = {"list": 50.0, "analysis": 100.0}
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def bench_database_url(base_url: str = DATABASE_URL) -> str:
    return base_url.rsplit("/", 1)[0] + "/" + BENCH_DATABASE


def _turn(index: int) -> dict[str, Any]:
    """A turn as the content analysis writes one (every field ``GET .../analysis`` documents)."""
    start = 60.0 * index
    sentence = {"text": "During my internship our website went down before a big sale.", "start": start + 5}
    evidence = [{**sentence, "end": start + 9}]
    star = {
        part: {"present": index % 4 != i, "evidence": evidence}
        for i, part in enumerate(("situation", "task", "action", "result"))
    }
    return {
        "turn_index": index,
        "question": f"Tell me about a time you had to solve problem number {index} under pressure.",
        "answer": "",  # the words stay in the transcript's rows; the document keeps the analysis
        "start": start,
        "end": start + 55,
        "answer_start": start + 6,
        "star": {**star, "score": 75},
        "relevance": 60 + index,
        "relevance_detail": {"score": 60 + index, "to_question": 60 + index, "shared_terms": ["problem"]},
        "confidence": 70 + index,
        "hedges": [
            {"text": "I think", "start": start + 12, "end": start + 12.5, "kind": "hedge"},
            {"text": "maybe", "start": start + 20, "end": start + 20.3, "kind": "hedge"},
        ],
        "enthusiasm": 40,
        "feedback": ["Say what the result was, with a number if you have one."],
        "analyzer": "offline",
    }


def analysis_document(
    interview_id: str, user_id: str, overall: float, completed_at: datetime
) -> dict[str, Any]:
    turns = [_turn(index) for index in range(8)]
    content = {
        "status": "analysed",
        "analyzer": ["offline"],
        "speakers_known": False,
        "questions": [turn["question"] for turn in turns],
        "turns": turns,
        "sentiment_timeline": [{"start": 5.0 * i, "end": 5.0 * i + 4.5, "sentiment": 0.1} for i in range(90)],
        "confidence_score": 74.0,
        "enthusiasm_score": 40.0,
    }
    return {
        "interview_id": interview_id,
        "user_id": user_id,
        "run": 0,
        "overall_score": overall,
        "scores": {
            "speech": 71.9,
            "relevance": 64.0,
            "structure": 75.0,
            "confidence": 74.0,
            "enthusiasm": 40.0,
        },
        "speech": {
            "wpm": 152.0,
            "word_count": 1200,
            "filler_total": 31,
            "filler_words": {"um": 14, "uh": 9, "like": 8},
            "fillers_per_minute": 3.9,
            "pause_count": 80,
            "long_pause_count": 3,
            "longest_pause_seconds": 3.4,
            "clarity_score": 86.5,
            "speech_score": 71.9,
            "score_breakdown": {"pace": 90.0, "fillers": 60.0, "pauses": 80.0, "clarity": 86.5},
            "duration_seconds": 540.0,
            "speaking_seconds": 470.0,
        },
        "content": json.dumps(content),
        "recommendations": ["Cut the filler words: 3.9 per minute, mostly 'um' (at 2:10)."] * 4,
        "preliminary": False,
        "warnings": [],
        "completed_at": completed_at.isoformat(),
    }


def _copy_rows(conn: psycopg.Connection[Any], table: str, columns: list[str], rows: list[list[Any]]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(url: str, users: int, per_user: int) -> None:
    """Fill the bench database with ``users`` × ``per_user`` analysed interviews (again only
    when it holds another number)."""
    with psycopg.connect(url, autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM analyses").fetchone()
        if count and count[0] == users * per_user:
            print(f"database {BENCH_DATABASE}: {count[0]:,} analysed interviews already seeded")
            return
        conn.execute("TRUNCATE interviews, interview_states, analyses")
    started = time.monotonic()
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        for first in range(0, users, 500):
            interviews, states, analyses = [], [], []
            for user_index in range(first, min(first + 500, users)):
                user_id = f"bench-user-{user_index}"
                for n in range(per_user):
                    interview_id = f"bench-{user_index}-{n}"
                    created = now - timedelta(days=per_user - n, minutes=user_index % 1440)
                    interviews.append(
                        [interview_id, user_id, "Acme", "Engineer", "technical", created, created, 1]
                    )
                    states.append([interview_id, user_id, "COMPLETED", 100.0, 9, created])
                    overall = 50.0 + (user_index * 7 + n * 3) % 45
                    document = analysis_document(interview_id, user_id, overall, created)
                    analyses.append([interview_id, user_id, json.dumps(document), overall, created])
            _copy_rows(
                conn,
                "interviews",
                [
                    "interview_id",
                    "user_id",
                    "company",
                    "job_title",
                    "interview_type",
                    "created_at",
                    "updated_at",
                    "version",
                ],
                interviews,
            )
            _copy_rows(
                conn,
                "interview_states",
                ["interview_id", "user_id", "status", "percent", "version", "updated_at"],
                states,
            )
            _copy_rows(
                conn,
                "analyses",
                ["interview_id", "user_id", "document", "overall_score", "completed_at"],
                analyses,
            )
            conn.commit()
        conn.execute("ANALYZE")
    print(
        f"database {BENCH_DATABASE}: seeded {users * per_user:,} analysed interviews"
        f" in {time.monotonic() - started:.0f} s"
    )


def ensure_database(base_url: str) -> str:
    with psycopg.connect(base_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    url = bench_database_url(base_url)
    asyncio.run(apply_migrations(url))
    return url


async def measure(
    base_url: str, issuer: DevIssuer, call: str, users: int, per_user: int, requests: int, concurrency: int
) -> tuple[list[float], list[float], list[str]]:
    """Server-side and client-side milliseconds of each request, and the failures."""
    server: list[float] = []
    client: list[float] = []
    failures: list[str] = []
    pending = asyncio.Semaphore(concurrency)
    rng = random.Random(7)
    tokens = {
        user: issuer.issue(f"bench-user-{user}") for user in rng.sample(range(users), min(users, requests))
    }

    async def one(http: httpx.AsyncClient, user: int) -> None:
        path = (
            "/interviews"
            if call == "list"
            else f"/interviews/bench-{user}-{rng.randrange(per_user)}/analysis"
        )
        async with pending:
            started = time.perf_counter()
            answer = await http.get(path, headers={"Authorization": f"Bearer {tokens[user]}"})
            elapsed = (time.perf_counter() - started) * 1000
        timing = _SERVER_TIMING.search(answer.headers.get("server-timing", ""))
        if answer.status_code != 200 or timing is None:
            failures.append(f"{call} {path}: {answer.status_code} {answer.text[:120]}")
            return
        server.append(float(timing.group(1)))
        client.append(elapsed)

    users_asked = list(tokens)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=30.0, limits=httpx.Limits(max_connections=concurrency)
    ) as http:
        await asyncio.gather(*(one(http, users_asked[i % len(users_asked)]) for i in range(requests)))
    return server, client, failures


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--interviews", type=int, default=10, help="analysed interviews per user")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()

    url = ensure_database(DATABASE_URL)
    seed(url, args.users, args.interviews)
    failures: list[str] = []
    results: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        gateway = gateway_process(new_prefix(), Path(tmp), BOOTSTRAP, url)
        gateway.start()
        try:
            settings = Settings(run_dir=Path(tmp))
            issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
            for call in ("list", "analysis"):
                # A first round warms the pool and the caches; the second is measured.
                asyncio.run(
                    measure(
                        gateway.url,
                        issuer,
                        call,
                        args.users,
                        args.interviews,
                        args.concurrency,
                        args.concurrency,
                    )
                )
                server, client, failed = asyncio.run(
                    measure(
                        gateway.url,
                        issuer,
                        call,
                        args.users,
                        args.interviews,
                        args.requests,
                        args.concurrency,
                    )
                )
                results[call] = (server, client)
                failures += failed
        except httpx.HTTPError as exc:
            print(gateway.log_path.read_text()[-3000:], file=sys.stderr)
            sys.exit(f"FAILED: the gateway stopped answering ({exc!r}; its log above): no figure")
        finally:
            gateway.stop()
            asyncio.run(delete_prefixed_topics(BOOTSTRAP, gateway.topic_prefix))
    if failures:
        print("\n".join(failures[:10]), file=sys.stderr)
        sys.exit(f"FAILED: {len(failures)} requests did not answer 200 with a Server-Timing: no figure")
    print(
        f"{args.users:,} users × {args.interviews} analysed interviews;"
        f" {args.requests} requests per call at {args.concurrency} concurrent"
    )
    for call, (server, client) in results.items():
        p95 = percentile(server, 0.95)
        print(
            f"{call:9} server P50 {percentile(server, 0.50):6.1f} ms  P95 {p95:6.1f} ms"
            f"  max {max(server):6.1f} ms"
            f"  (target P95 < {TARGETS_MS[call]:.0f} ms: {'met' if p95 < TARGETS_MS[call] else 'NOT met'});"
            f"  client P95 {percentile(client, 0.95):6.1f} ms"
        )


if __name__ == "__main__":
    main()

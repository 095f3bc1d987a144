"""Interviews completed per minute with and without a kill storm, in the same run.

    python -m bench.kill_storm [--interviews 20] [--max-kills 4] [--seed N] [--session-timeout 6]

Four rounds (calm, storm, storm, calm), each on a worker and a gateway of their own (own topic
prefix and run folder) on the real Kafka and PostgreSQL, with the default recognizer
(faster-whisper): ``--interviews`` short synthetic interviews are uploaded at once, and the
round lasts from the first upload until all are completed. In a calm round the worker is left
alone; in a storm it is killed with SIGKILL at random moments 0.5-10 s into its work and
started again, up to ``--max-kills`` times (``dev/kill_storm.py``; each storm's seed is printed
and replays it). Prints each round's interviews per minute and the storms' mean as a ratio to
the calm rounds'. Exits 1, without a ratio, when an interview of any round is not completed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from dev.kill_storm import KillStorm, wait_working
from dev.polling import wait_until
from dev.service_processes import ServiceProcess, gateway_process, new_prefix, worker_process
from dev.synthesize import make_short_interviews
from topics.admin import delete_prefixed_topics

IB = Path(sys.executable).parent / "ib"
#: How long a round may take before its interviews count as not completed.
ROUND_SECONDS = 1200.0


class RoundFailed(Exception):
    """An interview of a round was not completed."""


def signed_in(gateway: ServiceProcess, user: str) -> httpx.Client:
    env = {**os.environ, **{k: v for k, v in gateway.env().items() if k.startswith("IB_")}}
    token = subprocess.check_output([str(IB), "dev-token", user], env=env, text=True).strip()
    return httpx.Client(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}, timeout=120)


def upload(client: httpx.Client, recording: Path) -> str:
    interview_id = str(client.post("/interviews", json={"company": "Bench"}).json()["interview_id"])
    with recording.open("rb") as body:
        client.put(
            f"/interviews/{interview_id}/recording",
            content=body,
            headers={"Content-Type": "audio/wav", "X-Filename": recording.name},
        ).raise_for_status()
    return interview_id


def statuses(client: httpx.Client, interview_ids: list[str]) -> Counter[str]:
    return Counter(client.get(f"/interviews/{i}/status").json()["status"] for i in interview_ids)


def run_round(
    recordings: list[Path], run_dir: Path, session_timeout: float, storm_seed: int | None, max_kills: int
) -> float:
    """Interviews completed per minute in one round; a storm round when ``storm_seed`` is given."""
    prefix = new_prefix()
    worker = worker_process(prefix, run_dir, BOOTSTRAP, DATABASE_URL)
    worker.extra_env["IB_KAFKA_SESSION_TIMEOUT_SECONDS"] = str(session_timeout)
    gateway = gateway_process(prefix, run_dir, BOOTSTRAP, DATABASE_URL)
    gateway.extra_env["IB_QUOTA_RECORDINGS"] = str(len(recordings) + 1)
    try:
        worker.start()
        gateway.start()
        wait_working(worker)
        with signed_in(gateway, f"bench-storm-{uuid.uuid4().hex[:8]}") as client:
            started = time.monotonic()
            interview_ids = [upload(client, recording) for recording in recordings]

            def finished() -> bool:
                counted = statuses(client, interview_ids)
                return counted["COMPLETED"] + counted["FAILED"] == len(interview_ids)

            try:
                if storm_seed is not None:
                    storm = KillStorm(worker, storm_seed, max_kills)
                    kills = storm.run(finished)
                    print(f"  {kills} kills, gaps {[round(gap, 1) for gap in storm.gaps]} s")
                wait_until(finished, ROUND_SECONDS, "every interview finishing")
            except (AssertionError, RuntimeError, TimeoutError) as failure:
                # A wait that ran out, or a worker that would not start again.
                raise RoundFailed(f"{failure}: {dict(statuses(client, interview_ids))}") from None
            elapsed = time.monotonic() - started
            counted = statuses(client, interview_ids)
            if counted != {"COMPLETED": len(interview_ids)}:
                raise RoundFailed(f"not all completed: {dict(counted)}\n{worker.problems()}")
    finally:
        gateway.stop()
        worker.stop()
        asyncio.run(delete_prefixed_topics(BOOTSTRAP, prefix))
    return len(recordings) / elapsed * 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--max-kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=None, help="replay a storm (printed by every run)")
    parser.add_argument(
        "--session-timeout", type=float, default=6.0, help="IB_KAFKA_SESSION_TIMEOUT_SECONDS of the worker"
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rates: dict[str, list[float]] = {"calm": [], "storm": []}
    with tempfile.TemporaryDirectory() as tmp:
        recordings = make_short_interviews(Path(tmp) / "recordings", args.interviews)
        # calm, storm, storm, calm: a machine that speeds up or slows down during the run
        # weighs on both sides alike.
        for number, kind in enumerate(("calm", "storm", "storm", "calm")):
            storm_seed = seed + number if kind == "storm" else None
            detail = f", seed {storm_seed}, up to {args.max_kills} kills" if storm_seed is not None else ""
            print(f"{kind}: {args.interviews} interviews{detail}")
            try:
                rate = run_round(
                    recordings,
                    Path(tmp) / f"round-{number}",
                    args.session_timeout,
                    storm_seed,
                    args.max_kills,
                )
            except RoundFailed as failure:
                print(f"run failed (seed {storm_seed}): {failure}")
                return 1
            print(f"  {rate:.1f} interviews per minute")
            rates[kind].append(rate)
    calm, storm = (sum(rates[kind]) / len(rates[kind]) for kind in ("calm", "storm"))
    print(
        f"storm ÷ calm: {storm / calm:.2f} ({storm:.1f} vs {calm:.1f} interviews per minute, "
        f"session timeout {args.session_timeout:g} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""tus ingest speed on loopback: the official client (tuspy) against the gateway's ``/uploads/``.

    python -m bench.tus_ingest [--megabytes 200] [--chunk-megabytes 8] [--checksum]

The gateway runs as its own process (``python -m gateway``) on the local stack's PostgreSQL
and Kafka, with a fresh run directory and topic prefix. Prints MB/s from creation to the
completed hand-over, the gateway's peak RSS, and checks the stored file's SHA-256.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from tusclient.client import TusClient

from dev.service_processes import free_port, new_prefix
from dev.synthesize import wav_bytes
from gateway.auth import DevIssuer
from gateway.settings import Settings
from topics.admin import delete_prefixed_topics

MB = 1024 * 1024


def make_recording(path: Path, size: int) -> str:
    """A WAV header and noise, written in blocks; returns its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as file:
        head = wav_bytes(seconds=0.01)
        file.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            block = os.urandom(min(left, 4 * MB))
            file.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def watch_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    process = psutil.Process(pid)
    while not stop.wait(0.05):
        peak[0] = max(peak[0], process.memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--chunk-megabytes", type=int, default=8)
    parser.add_argument("--checksum", action="store_true", help="send Upload-Checksum (sha1) with each chunk")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ib-tus-bench-") as temp:
        run_dir, port, prefix = Path(temp) / "run", free_port(), new_prefix()
        source = Path(temp) / "recording.wav"
        source_sha256 = make_recording(source, args.megabytes * MB)
        env = {
            **os.environ,
            "IB_RUN_DIR": str(run_dir),
            "IB_GATEWAY_PORT": str(port),
            "IB_TOPIC_PREFIX": prefix,
        }
        settings = Settings(run_dir=run_dir, gateway_port=port, topic_prefix=prefix)
        base = f"http://127.0.0.1:{port}"
        gateway = subprocess.Popen(
            [sys.executable, "-m", "gateway"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if gateway.poll() is not None or time.monotonic() > deadline:
                    sys.exit("the gateway did not start")
                time.sleep(0.1)
            issuer = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience)
            auth = {"Authorization": f"Bearer {issuer.issue('bench-user')}"}
            interview_id = httpx.post(f"{base}/interviews", json={"company": "Bench"}, headers=auth).json()[
                "interview_id"
            ]
            stop, peak = threading.Event(), [0]
            watcher = threading.Thread(target=watch_rss, args=(gateway.pid, stop, peak), daemon=True)
            watcher.start()
            uploader = TusClient(f"{base}/uploads/", headers=auth).uploader(
                file_path=str(source),
                chunk_size=args.chunk_megabytes * MB,
                metadata={"interview_id": interview_id, "filename": "bench.wav"},
                upload_checksum=args.checksum,
            )
            started = time.perf_counter()
            uploader.upload()
            seconds = time.perf_counter() - started
            stop.set()
            watcher.join()
            interview = httpx.get(f"{base}/interviews/{interview_id}", headers=auth).json()
            assert interview["recording"]["sha256"] == source_sha256, "stored file differs from the source"
            print(
                f"tus ingest: {args.megabytes} MB in {args.chunk_megabytes} MB chunks"
                f"{' with sha1 checksums' if args.checksum else ''}: {seconds:.2f} s,"
                f" {args.megabytes / seconds:.0f} MB/s; gateway peak RSS {peak[0] / MB:.0f} MB;"
                " SHA-256 matches"
            )
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)
            asyncio.run(delete_prefixed_topics(settings.kafka_bootstrap, prefix))


if __name__ == "__main__":
    main()

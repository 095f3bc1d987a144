"""The gateway's peak memory while it takes a 2 GB tus upload (target: under 200 MB).

    python -m bench.tus_memory [--megabytes 2048] [--chunk-megabytes 8] [--store local|azure]

``python -m gateway`` runs as the stack runs it (local store by default; ``--store azure``
on the Azurite at 127.0.0.1:10000). A WAV of noise, generated in a temp dir, goes up in
PATCHes of ``--chunk-megabytes`` through the streaming client of :mod:`bench.tus_common`.
The gateway's RSS is sampled every 20 ms (psutil) from creation to the last 204; printed
with the kernel's own high-water mark (VmHWM, since the process started) and the RSS
before the upload. The stored file's SHA-256 is checked against the source.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from bench.tus_common import MB, Gateway, PeakRss, TusClient, make_recording, new_client, start_gateway


async def upload(gateway: Gateway, source: Path, chunk_bytes: int) -> tuple[float, str]:
    async with new_client() as client:
        interview_id, auth = await gateway.new_interview(client, f"bench-{uuid.uuid4().hex[:8]}")
        tus = TusClient(client, f"{gateway.url}/uploads/", auth)
        started = time.perf_counter()
        await tus.upload(source, chunk_bytes, {"interview_id": interview_id, "filename": "bench.wav"})
        seconds = time.perf_counter() - started
        recording = await gateway.recording(client, interview_id, auth)
    return seconds, str(recording["sha256"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=2048)
    parser.add_argument("--chunk-megabytes", type=int, default=8)
    parser.add_argument("--store", choices=["local", "azure"], default="local")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ib-tus-memory-") as temp:
        work = Path(temp)
        source = work / "recording.wav"
        source_sha256 = make_recording(source, args.megabytes * MB, args.seed)
        with start_gateway(work, args.store) as gateway:
            with PeakRss(gateway.pid) as rss:
                seconds, stored_sha256 = asyncio.run(upload(gateway, source, args.chunk_megabytes * MB))
            high_water_mark = rss.high_water_mark
        assert stored_sha256 == source_sha256, "the stored file differs from the source"
        verdict = "under" if rss.peak < 200 * MB else "OVER"
        print(
            f"{args.megabytes} MiB in {args.chunk_megabytes} MiB chunks, {args.store} store:"
            f" {seconds:.1f} s ({args.megabytes / seconds:.0f} MB/s);"
            f" gateway RSS before {rss.start / MB:.0f} MB,"
            f" peak {rss.peak / MB:.0f} MB ({verdict} the 200 MB target),"
            f" VmHWM {high_water_mark / MB:.0f} MB; SHA-256 matches"
        )


if __name__ == "__main__":
    main()

"""tus ingest speed on loopback: the gateway against tusd (the reference Go server), same file, same run.

    bench/install_tusd.sh                        # once: tusd into .cache/bin
    python -m bench.tus_vs_tusd [--megabytes 1024] [--chunk-megabytes 8] [--rounds 1]
                                [--stores local,azure]

One recording (a WAV of noise, generated in a temp dir) goes to five servers in turn, each
round: the gateway with its local store, tusd with its file store and the ceiling (a bare Python
ASGI tus server on the same uvicorn, ``bench.bare_tus``), then the gateway with
Azure Blob and tusd with its Azure store, both on the Azurite at 127.0.0.1:10000 (needs
``dev/azurite/run.sh start``). The gateway runs as ``python -m gateway`` on the local stack's
PostgreSQL and Kafka; tusd as ``tusd -host 127.0.0.1 -port N -upload-dir DIR``. The same
streaming client (:class:`bench.tus_common.TusClient`) drives all of them. Each time is from
the creation request to the last PATCH's 204 (for the gateway that includes the completion:
SHA-256, probe and the move into ``recordings/`` with the local store; with Azure the PATCHes
stage blocks straight into the blob, and completion commits the block list and probes the
blob through a short-lived SAS URL). Prints MB/s (MiB/s) per server and the ratio
gateway ÷ tusd per store (target ≥ 0.8); the stored files' SHA-256 is checked after each
upload, outside the timed part.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from bench.tus_common import (
    MB,
    Gateway,
    TusClient,
    Tusd,
    make_recording,
    new_client,
    sha256_of,
    start_bare_tus,
    start_gateway,
    start_tusd,
)


async def upload_to_gateway(gateway: Gateway, source: Path, chunk_bytes: int, source_sha256: str) -> float:
    async with new_client() as client:
        user_id = f"bench-{uuid.uuid4().hex[:8]}"  # a new user: no quota, no duplicate link
        interview_id, auth = await gateway.new_interview(client, user_id)
        tus = TusClient(client, f"{gateway.url}/uploads/", auth)
        started = time.perf_counter()
        await tus.upload(source, chunk_bytes, {"interview_id": interview_id, "filename": "bench.wav"})
        seconds = time.perf_counter() - started
        recording = await gateway.recording(client, interview_id, auth)
    assert recording["sha256"] == source_sha256, f"gateway ({gateway.store}) stored a different file"
    if gateway.store == "local":
        stored = gateway.blob_root / "recordings" / f"{interview_id}.wav"
        assert sha256_of(stored) == source_sha256, "the file on disk differs from the source"
        stored.unlink()
    return seconds


async def upload_to_tusd(tusd: Tusd, source: Path, chunk_bytes: int, source_sha256: str) -> float:
    size = source.stat().st_size
    async with new_client() as client:
        tus = TusClient(client, tusd.url)
        started = time.perf_counter()
        url = await tus.upload(source, chunk_bytes, {"filename": "bench.wav"})
        seconds = time.perf_counter() - started
        assert await tus.offset(url) == size, "tusd reports fewer bytes than were sent"
    if tusd.container is None:
        stored = tusd.upload_dir / url.rsplit("/", 1)[1]
        assert sha256_of(stored) == source_sha256, "tusd stored a different file"
        stored.unlink()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--chunk-megabytes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--stores", default="local,azure", help="local, azure or both")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    stores = [store.strip() for store in args.stores.split(",") if store.strip()]
    chunk_bytes = args.chunk_megabytes * MB

    with tempfile.TemporaryDirectory(prefix="ib-tus-vs-tusd-") as temp, ExitStack() as stack:
        work = Path(temp)
        source = work / "recording.wav"
        source_sha256 = make_recording(source, args.megabytes * MB, args.seed)
        servers: list[tuple[str, Gateway | Tusd]] = []
        for store in stores:
            tusd_store = "file" if store == "local" else "azure"
            servers.append(
                (f"gateway/{store}", stack.enter_context(start_gateway(work, store, f"gw-{store}")))
            )
            servers.append(
                (
                    f"tusd/{tusd_store}",
                    stack.enter_context(start_tusd(work, tusd_store, f"tusd-{tusd_store}")),
                )
            )
            if store == "local":
                servers.append(("bare-python/file", stack.enter_context(start_bare_tus(work))))
        times: dict[str, list[float]] = defaultdict(list)
        print(f"{args.megabytes} MiB WAV in {args.chunk_megabytes} MiB chunks, {args.rounds} round(s)")
        for round_number in range(1, args.rounds + 1):
            for name, server in servers:
                if isinstance(server, Gateway):
                    seconds = asyncio.run(upload_to_gateway(server, source, chunk_bytes, source_sha256))
                else:
                    seconds = asyncio.run(upload_to_tusd(server, source, chunk_bytes, source_sha256))
                times[name].append(seconds)
                print(
                    f"  round {round_number} {name:14s} {seconds:6.2f} s"
                    f"  {args.megabytes / seconds:6.1f} MB/s"
                )
        rates = {name: args.megabytes / statistics.median(seconds) for name, seconds in times.items()}
        for store in stores:
            tusd_name = "tusd/file" if store == "local" else "tusd/azure"
            ratio = rates[f"gateway/{store}"] / rates[tusd_name]
            print(
                f"{store:5s}: gateway {rates[f'gateway/{store}']:6.1f} MB/s,"
                f" {tusd_name} {rates[tusd_name]:6.1f} MB/s, ratio {ratio:.2f} (target 0.8)"
                f"{'' if ratio >= 0.8 else '  BELOW TARGET'}"
            )
        if "bare-python/file" in rates:
            ceiling = rates["bare-python/file"] / rates["tusd/file"]
            print(
                f"ceiling: a bare Python ASGI tus server on the same uvicorn (no database, hash or"
                f" fsync) {rates['bare-python/file']:6.1f} MB/s, ratio {ceiling:.2f} to tusd/file"
            )
        print("SHA-256 of every stored file matches the source")


if __name__ == "__main__":
    main()

"""Many tus uploads at once: every one completes and its stored file's SHA-256 is the source's.

    python -m bench.tus_concurrent [--uploads 100] [--megabytes 20] [--chunk-megabytes 8]
                                   [--store local|azure]

``python -m gateway`` as the stack runs it (local store by default); ``--uploads`` WAVs of
noise (distinct content, one user each), generated in a temp dir, go up all at once through
the streaming client of :mod:`bench.tus_common` (one connection per upload). Prints how many
completed, the wall time from the first creation to the last 204 and the aggregate MB/s,
then checks each interview's ``recording.sha256`` and, with the local store, the SHA-256 of
the file on disk, against the source.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from bench.tus_common import MB, Gateway, TusClient, make_recording, new_client, sha256_of, start_gateway


async def run(gateway: Gateway, sources: list[Path], chunk_bytes: int) -> tuple[float, list[object]]:
    async with new_client(max_connections=len(sources)) as client:
        users = [f"bench-{uuid.uuid4().hex[:8]}" for _ in sources]
        interviews = await asyncio.gather(*(gateway.new_interview(client, user) for user in users))

        async def one(source: Path, interview_id: str, auth: dict[str, str]) -> str:
            tus = TusClient(client, f"{gateway.url}/uploads/", auth)
            await tus.upload(source, chunk_bytes, {"interview_id": interview_id, "filename": source.name})
            return str((await gateway.recording(client, interview_id, auth))["sha256"])

        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                one(source, interview_id, auth)
                for source, (interview_id, auth) in zip(sources, interviews, strict=True)
            ),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - started
    return seconds, [
        (interview_id, result) for (interview_id, _), result in zip(interviews, results, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--chunk-megabytes", type=int, default=8)
    parser.add_argument("--store", choices=["local", "azure"], default="local")
    parser.add_argument("--seed", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ib-tus-concurrent-") as temp:
        work = Path(temp)
        sources = [work / f"recording-{index:03d}.wav" for index in range(args.uploads)]
        digests = [
            make_recording(path, args.megabytes * MB, args.seed + index) for index, path in enumerate(sources)
        ]
        with start_gateway(work, args.store) as gateway:
            seconds, results = asyncio.run(run(gateway, sources, args.chunk_megabytes * MB))
            completed, matching, failures = 0, 0, []
            for (interview_id, result), digest in zip(results, digests, strict=True):  # type: ignore[misc]
                if isinstance(result, BaseException):
                    failures.append(f"{interview_id}: {result!r}")
                    continue
                completed += 1
                stored_ok = result == digest
                if gateway.store == "local":
                    stored_ok = (
                        stored_ok
                        and sha256_of(gateway.blob_root / "recordings" / f"{interview_id}.wav") == digest
                    )
                matching += stored_ok
            problems = gateway.process.problems() if failures else ""
        total = args.uploads * args.megabytes
        print(
            f"{args.uploads} concurrent uploads of {args.megabytes} MiB ({args.store} store):"
            f" {completed}/{args.uploads} completed, {matching}/{args.uploads} SHA-256 match;"
            f" {seconds:.1f} s, aggregate {total / seconds:.0f} MB/s"
        )
        for failure in failures[:10]:
            print("  failed:", failure)
        if problems:
            print("gateway log, warnings and errors:\n" + problems)


if __name__ == "__main__":
    main()

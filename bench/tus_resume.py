"""Resumability: uploads cut off mid-PATCH at random bytes, then resumed, arrive whole.

    python -m bench.tus_resume [--uploads 100] [--seed 3] [--min-megabytes 2] [--max-megabytes 8]
                               [--store local|azure]

``python -m gateway`` as the stack runs it (local store by default). Each upload (a WAV of
noise of a random size, generated in a temp dir) is cut one to three times at random byte
offsets: a PATCH for the rest of the file is sent over a raw socket up to the cut, then the
client goes away in one of three ways, chosen at random: the socket is closed (FIN), reset
(RST, ``SO_LINGER`` 0), or the client process is killed (SIGKILL) mid-body. After each cut,
once the gateway has let go of the upload, the staged file's size is read and then HEAD
asked: HEAD must never report more bytes than are stored, nor more than were sent. The
upload is resumed from HEAD's ``Upload-Offset`` (8 MiB PATCHes, :mod:`bench.tus_common`);
at the end each interview's ``recording.sha256`` (and, with the local store, the SHA-256 of
the file on disk) must equal the source's. The seed is printed; the same seed gives the
same sizes, cuts and ways of cutting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.tus_common import (
    MB,
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    Gateway,
    TusClient,
    make_recording,
    new_client,
    sha256_of,
    start_gateway,
)
from dev.polling import wait_until_async

CUT_MODES = ("close", "reset", "kill")
#: The client killed mid-body: sends the request up to the cut, says so, and waits to die.
_KILLED_CLIENT = """
import socket, sys
host, port, path, offset, cut, head = sys.argv[1], int(sys.argv[2]), sys.argv[3], *map(int, sys.argv[4:])
sock = socket.create_connection((host, port))
sock.sendall(sys.stdin.buffer.read(head))
with open(path, "rb") as file:
    file.seek(offset)
    left = cut - offset
    while left:
        block = file.read(min(left, 1 << 20))
        sock.sendall(block)
        left -= len(block)
print("sent", flush=True)
sys.stdin.read()
"""


@dataclass
class Plan:
    source: Path
    size: int
    sha256: str
    cuts: list[tuple[int, str]]
    user_id: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")


@dataclass
class Outcome:
    cuts: int = 0
    checks: int = 0
    lost_bytes: int = 0
    violations: list[str] = field(default_factory=list)
    sha256_ok: bool = False


def request_head(url: httpx.URL, auth: dict[str, str], offset: int, length: int) -> bytes:
    lines = [
        f"PATCH {url.raw_path.decode()} HTTP/1.1",
        f"Host: {url.host}:{url.port}",
        f"Authorization: {auth['Authorization']}",
        f"Tus-Resumable: {TUS_VERSION}",
        f"Upload-Offset: {offset}",
        f"Content-Type: {OFFSET_CONTENT_TYPE}",
        f"Content-Length: {length}",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def cut_patch(
    url: httpx.URL, auth: dict[str, str], plan: Plan, offset: int, cut: int, mode: str
) -> None:
    """A PATCH for the rest of the file that stops after byte ``cut`` and goes away by ``mode``."""
    head = request_head(url, auth, offset, plan.size - offset)
    assert url.port is not None and url.host
    if mode == "kill":
        args = [url.host, str(url.port), str(plan.source), str(offset), str(cut), str(len(head))]
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _KILLED_CLIENT, *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(head)
        await child.stdin.drain()
        assert (await child.stdout.readline()).strip() == b"sent"
        child.kill()
        await child.wait()
        return
    _reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(head)
    with plan.source.open("rb") as file:
        file.seek(offset)
        left = cut - offset
        while left:
            block = file.read(min(left, MB))
            writer.write(block)
            await writer.drain()
            left -= len(block)
    if mode == "reset":
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def wait_until_released(client: httpx.AsyncClient, url: str, auth: dict[str, str], size: int) -> None:
    """Until the cut request has let go of the upload's lock: a wrong offset answers 409, not 423."""
    headers = {
        **auth,
        "Tus-Resumable": TUS_VERSION,
        "Upload-Offset": str(size + 1),
        "Content-Type": OFFSET_CONTENT_TYPE,
    }

    async def released() -> bool:
        status = (await client.patch(url, headers=headers, content=b"")).status_code
        if status not in (409, 423):
            raise RuntimeError(f"lock probe answered {status}")
        return status == 409

    await wait_until_async(released, 30, f"{url} releasing its lock", interval=0.02)


async def settle(
    client: httpx.AsyncClient,
    tus: TusClient,
    url: str,
    auth: dict[str, str],
    size: int,
    staged: Path,
    outcome: Outcome,
    what: str,
) -> int:
    """HEAD's offset once the cut request is over; checks HEAD against the stored size on the way.

    Each look is: the staged file's size, HEAD, the size again. The file only grows until the
    next PATCH, so when both sizes agree they are the size at the time of HEAD, and HEAD must
    not exceed it. The request is over when the lock is free and three looks agree.
    """
    last: tuple[int, int] | None = None
    agreeing = 0
    while agreeing < 3:
        await wait_until_released(client, url, auth, size)
        before = staged.stat().st_size
        reported = await tus.offset(url)
        after = staged.stat().st_size
        if before == after:
            outcome.checks += 1
            if reported > before:
                outcome.violations.append(f"{url}: HEAD {reported} > stored {before} after {what}")
            agreeing = agreeing + 1 if last == (reported, before) else 1
            last = (reported, before)
        await asyncio.sleep(0.03)
    assert last is not None
    return last[0]


async def run_one(gateway: Gateway, client: httpx.AsyncClient, plan: Plan) -> Outcome:
    outcome = Outcome()
    interview_id, auth = await gateway.new_interview(client, plan.user_id)
    tus = TusClient(client, f"{gateway.url}/uploads/", auth)
    url = await tus.create(plan.size, {"interview_id": interview_id, "filename": plan.source.name})
    staged = gateway.staged_path(plan.user_id, url)
    offset = 0
    for cut, mode in plan.cuts:
        if cut <= offset:
            continue
        await cut_patch(httpx.URL(url), auth, plan, offset, cut, mode)
        reported = await settle(client, tus, url, auth, plan.size, staged, outcome, f"a {mode} at {cut}")
        outcome.cuts += 1
        outcome.lost_bytes += cut - reported
        if reported > cut:
            outcome.violations.append(f"{url}: HEAD {reported} > sent {cut} after a {mode}")
        offset = reported
    await tus.upload_rest(url, plan.source, offset, plan.size, 8 * MB)
    recording = await gateway.recording(client, interview_id, auth)
    outcome.sha256_ok = recording["sha256"] == plan.sha256
    if gateway.store == "local":
        on_disk = gateway.blob_root / "recordings" / f"{interview_id}.wav"
        outcome.sha256_ok = outcome.sha256_ok and sha256_of(on_disk) == plan.sha256
    return outcome


async def run_all(gateway: Gateway, plans: list[Plan], parallel: int) -> list[Outcome | BaseException]:
    gate = asyncio.Semaphore(parallel)
    async with new_client(max_connections=2 * parallel) as client:

        async def guarded(plan: Plan) -> Outcome:
            async with gate:
                return await run_one(gateway, client, plan)

        return await asyncio.gather(*(guarded(plan) for plan in plans), return_exceptions=True)


def make_plans(work: Path, args: argparse.Namespace) -> list[Plan]:
    rng = random.Random(args.seed)
    plans = []
    for index in range(args.uploads):
        size = rng.randrange(args.min_megabytes * MB, args.max_megabytes * MB) // 2 * 2
        cuts = sorted(rng.sample(range(1, size), rng.randint(1, 3)))
        modes = [rng.choice(CUT_MODES) for _ in cuts]
        source = work / f"recording-{index:03d}.wav"
        digest = make_recording(source, size, args.seed * 1000 + index)
        plans.append(Plan(source, size, digest, list(zip(cuts, modes, strict=True))))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--min-megabytes", type=int, default=2)
    parser.add_argument("--max-megabytes", type=int, default=8)
    parser.add_argument("--parallel", type=int, default=8, help="uploads in flight at once")
    parser.add_argument("--store", choices=["local", "azure"], default="local")
    args = parser.parse_args()
    print(f"seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="ib-tus-resume-") as temp:
        work = Path(temp)
        plans = make_plans(work, args)
        with start_gateway(work, args.store) as gateway:
            started = time.perf_counter()
            outcomes = asyncio.run(run_all(gateway, plans, args.parallel))
            seconds = time.perf_counter() - started
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        done = [outcome for outcome in outcomes if isinstance(outcome, Outcome)]
        cuts = sum(outcome.cuts for outcome in done)
        by_mode = {
            mode: sum(mode == cut_mode for plan in plans for _, cut_mode in plan.cuts) for mode in CUT_MODES
        }
        violations = [violation for outcome in done for violation in outcome.violations]
        matching, checks = sum(o.sha256_ok for o in done), sum(o.checks for o in done)
        lost_kib = sum(o.lost_bytes for o in done) / max(cuts, 1) / 1024
        print(
            f"{len(plans)} uploads ({args.store} store), {cuts} cuts"
            f" ({', '.join(f'{count} {mode}' for mode, count in by_mode.items())} planned), {seconds:.1f} s:"
            f" {matching}/{len(plans)} stored files match the source's SHA-256;"
            f" HEAD over stored or sent bytes: {len(violations)} ({checks} HEADs checked);"
            f" bytes sent but not kept per cut: {lost_kib:.0f} KiB on average"
        )
        for problem in [*map(repr, errors[:5]), *violations[:10]]:
            print("  problem:", problem)


if __name__ == "__main__":
    main()

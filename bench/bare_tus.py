"""The most a Python tus server on uvicorn can ingest here: the bench's ceiling, not a product.

    python -m bench.bare_tus --port N --upload-dir DIR

A bare ASGI app on the gateway's uvicorn (httptools, uvloop) that answers the tus requests
the bench's client sends (POST creates, PATCH appends at Upload-Offset, HEAD tells the offset)
and writes each PATCH body to a file as it arrives, as tusd's file store does: no database,
no lock, no hash, no fsync, no format check. ``bench.tus_vs_tusd`` runs it beside tusd so the
gateway's ratio can be read against what any Python server reaches on the same machine.
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

import uvicorn

Scope = dict[str, Any]


def make_app(upload_dir: Path) -> Any:
    offsets: dict[str, int] = {}

    async def respond(send: Any, status: int, headers: dict[str, str]) -> None:
        raw = [(key.lower().encode(), value.encode()) for key, value in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b""})

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        tus = {"Tus-Resumable": "1.0.0"}
        if method == "OPTIONS":
            await respond(send, 204, {**tus, "Tus-Version": "1.0.0"})
        elif method == "POST":
            upload_id = uuid.uuid4().hex
            offsets[upload_id] = 0
            (upload_dir / upload_id).touch()
            await respond(send, 201, {**tus, "Location": f"/files/{upload_id}"})
        elif method == "HEAD":
            upload_id = path.rsplit("/", 1)[1]
            await respond(send, 200, {**tus, "Upload-Offset": str(offsets[upload_id])})
        elif method == "PATCH":
            upload_id = path.rsplit("/", 1)[1]
            offset = int(headers["upload-offset"])
            with (upload_dir / upload_id).open("r+b") as file:
                file.seek(offset)
                more = True
                while more:
                    message = await receive()
                    file.write(message.get("body", b""))
                    more = message.get("more_body", False)
                offsets[upload_id] = file.tell()
            await respond(send, 204, {**tus, "Upload-Offset": str(offsets[upload_id])})
        else:
            await respond(send, 405, tus)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upload-dir", type=Path, required=True)
    args = parser.parse_args()
    args.upload_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run(make_app(args.upload_dir), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

"""``interview.uploaded`` records carry the completing request's W3C trace context and a request id."""

from __future__ import annotations

import base64
import re
import uuid

import pytest

from dev.synthesize import wav_bytes
from dev.topic_records import Received, wait_for_record
from tests.integration.gateway_helpers import RunningGateway
from topics.catalog import INTERVIEW_UPLOADED

pytestmark = [pytest.mark.stack, pytest.mark.asyncio(loop_scope="session")]

TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"
RECORDING = wav_bytes(seconds=0.1)


async def create_interview(gateway: RunningGateway, user: str) -> str:
    response = await gateway.client.post("/interviews", json={}, headers=gateway.auth(user))
    assert response.status_code == 201, response.text
    return str(response.json()["interview_id"])


async def tus_upload(gateway: RunningGateway, user: str, interview_id: str, **last_patch_headers: str) -> str:
    """Upload in two PATCHes; the one that completes the upload sends ``last_patch_headers``."""
    tus = {**gateway.auth(user), "Tus-Resumable": "1.0.0"}
    created = await gateway.client.post(
        "/uploads/",
        headers={
            **tus,
            "Upload-Length": str(len(RECORDING)),
            "Upload-Metadata": f"interview_id {base64.b64encode(interview_id.encode()).decode()}",
            "traceparent": f"00-{'1' * 32}-{'2' * 16}-01",  # the creating request's trace is not the one
        },
    )
    assert created.status_code == 201, created.text
    half = len(RECORDING) // 2
    body_type = {"Content-Type": "application/offset+octet-stream"}
    first = await gateway.client.patch(
        created.headers["Location"],
        content=RECORDING[:half],
        headers={**tus, **body_type, "Upload-Offset": "0"},
    )
    assert first.status_code == 204, first.text
    last = await gateway.client.patch(
        created.headers["Location"],
        content=RECORDING[half:],
        headers={**tus, **body_type, "Upload-Offset": str(half), **last_patch_headers},
    )
    assert last.status_code == 204, last.text
    return last.headers["X-Request-ID"]


async def uploaded_record(gateway: RunningGateway, interview_id: str) -> Received:
    return await wait_for_record(
        gateway.settings.kafka_bootstrap,
        INTERVIEW_UPLOADED,
        gateway.settings.topic_prefix,
        lambda record: record.key == interview_id.encode(),
        timeout=30,
    )


async def test_the_completing_requests_trace_id_is_kept(gateway: RunningGateway) -> None:
    user = f"user-{uuid.uuid4()}"
    interview_id = await create_interview(gateway, user)

    request_id = await tus_upload(
        gateway,
        user,
        interview_id,
        traceparent=f"00-{CALLER_TRACE_ID}-{CALLER_SPAN_ID}-01",
        tracestate="vendor=opaque,other=1",
        **{"X-Request-ID": "req-from-the-ui-42"},
    )

    record = await uploaded_record(gateway, interview_id)
    match = TRACEPARENT.fullmatch(record.headers["traceparent"].decode())
    assert match, record.headers
    trace_id, span_id, flags = match.groups()
    assert (trace_id, flags) == (CALLER_TRACE_ID, "01")
    assert span_id not in (CALLER_SPAN_ID, "0" * 16)  # the gateway's own span, child of the caller's
    assert record.headers["tracestate"] == b"vendor=opaque,other=1"
    assert record.headers["x-request-id"] == b"req-from-the-ui-42" == request_id.encode()
    assert record.decoded(INTERVIEW_UPLOADED)["interview_id"] == interview_id


async def test_a_request_without_traceparent_starts_a_new_trace(gateway: RunningGateway) -> None:
    user = f"user-{uuid.uuid4()}"
    interview_id = await create_interview(gateway, user)

    request_id = await tus_upload(gateway, user, interview_id)

    record = await uploaded_record(gateway, interview_id)
    match = TRACEPARENT.fullmatch(record.headers["traceparent"].decode())
    assert match, record.headers
    trace_id, _span_id, _flags = match.groups()
    assert trace_id not in ("0" * 32, "1" * 32)
    assert "tracestate" not in record.headers
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert record.headers["x-request-id"] == request_id.encode()


async def test_an_invalid_traceparent_starts_a_new_trace_on_the_plain_upload_route(
    gateway: RunningGateway,
) -> None:
    user = f"user-{uuid.uuid4()}"
    interview_id = await create_interview(gateway, user)
    invalid = f"00-{'0' * 32}-{CALLER_SPAN_ID}-01"  # an all-zero trace id is invalid

    response = await gateway.client.put(
        f"/interviews/{interview_id}/recording",
        content=RECORDING,
        headers={**gateway.auth(user), "traceparent": invalid, "tracestate": "vendor=dropped"},
    )

    assert response.status_code == 202, response.text
    record = await uploaded_record(gateway, interview_id)
    match = TRACEPARENT.fullmatch(record.headers["traceparent"].decode())
    assert match and match.group(1) != "0" * 32
    assert "tracestate" not in record.headers  # meaningless without the trace it belonged to
    assert record.headers["x-request-id"] == response.headers["X-Request-ID"].encode()

"""The gateway's request metrics: one series per route template, never per id; unknown paths
under one label; a request whose handler raises counted as the 500 it answers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gateway.metrics import UNMATCHED, HttpMetricsMiddleware


def requests_of(method: str, route: str, status: str) -> float:
    found = REGISTRY.get_sample_value(
        "ib_http_requests_total", {"method": method, "route": route, "status": status}
    )
    return found or 0.0


def app() -> FastAPI:
    made = FastAPI()

    @made.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"thing_id": thing_id}

    @made.post("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    made.add_middleware(HttpMetricsMiddleware)
    return made


def test_requests_are_counted_per_route_template_status_and_method() -> None:
    client = TestClient(app(), raise_server_exceptions=False)
    ok_before = requests_of("GET", "/things/{thing_id}", "200")
    unmatched_before = requests_of("GET", UNMATCHED, "404")
    broken_before = requests_of("POST", "/broken", "500")

    for thing_id in ("a", "b", "c"):
        assert client.get(f"/things/{thing_id}").status_code == 200
    assert client.get("/no/such/path").status_code == 404
    assert client.post("/broken").status_code == 500

    assert requests_of("GET", "/things/{thing_id}", "200") - ok_before == 3
    assert requests_of("GET", "/things/a", "200") == 0  # an id never becomes a label
    assert requests_of("GET", UNMATCHED, "404") - unmatched_before == 1
    assert requests_of("POST", "/broken", "500") - broken_before == 1
    seconds = REGISTRY.get_sample_value(
        "ib_http_request_seconds_count", {"method": "GET", "route": "/things/{thing_id}"}
    )
    assert seconds is not None and seconds >= 3

"""The web app's API types are the gateway's OpenAPI document run through openapi-typescript:
this fails when the committed ``web/src/api/schema.d.ts`` drifts from the API."""

from __future__ import annotations

from pathlib import Path

from dev.web_types import GENERATOR, SCHEMA_FILE, generate


def test_the_committed_api_types_match_the_gateways_openapi(tmp_path: Path) -> None:
    # A missing generator is a failure, never a skip: `make test` runs `make web` first.
    assert GENERATOR.exists(), f"{GENERATOR} is missing: run `make web` (npm ci in web/)"
    fresh = tmp_path / "schema.d.ts"

    generate(fresh)

    assert fresh.read_text() == SCHEMA_FILE.read_text(), (
        "web/src/api/schema.d.ts is not what the gateway's API gives: run `python -m dev.web_types` "
        "and commit the file (and adapt the app to the change)"
    )

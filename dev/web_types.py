"""The web app's API types (``web/src/api/schema.d.ts``), generated from the gateway's OpenAPI
document with ``openapi-typescript`` (from ``web/node_modules``: ``make web`` installs it).

    python -m dev.web_types    # write them again after an API change, and commit them

``tests/unit/test_web_api_types.py`` fails when the committed file differs from what this makes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from dev.stack.config import REPO_ROOT
from gateway.main import create_app
from gateway.settings import Settings

WEB_DIR = REPO_ROOT / "web"
SCHEMA_FILE = WEB_DIR / "src" / "api" / "schema.d.ts"
GENERATOR = WEB_DIR / "node_modules" / ".bin" / "openapi-typescript"


def openapi_document() -> dict[str, Any]:
    """The API as a development gateway serves it: the dev sign-in included."""
    settings = Settings(auth_mode="dev", environment="development")
    document: dict[str, Any] = create_app(settings).openapi()
    return document


def generate(out: Path) -> None:
    """Write the TypeScript types of the gateway's API to ``out``."""
    if not GENERATOR.exists():
        raise FileNotFoundError(f"{GENERATOR} is missing: run `make web` (npm ci in web/) first")
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "openapi.json"
        document.write_text(json.dumps(openapi_document(), indent=2))
        subprocess.run(
            ["npx", "--no-install", "openapi-typescript", str(document), "--output", str(out)],
            cwd=WEB_DIR,
            check=True,
            capture_output=True,
            text=True,
        )


if __name__ == "__main__":
    generate(SCHEMA_FILE)
    print(f"wrote {SCHEMA_FILE.relative_to(REPO_ROOT)}", file=sys.stderr)

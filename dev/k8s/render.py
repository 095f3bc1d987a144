"""The manifests as a cluster would get them: ``kustomize build`` of the base or an overlay.
The kustomize binary is installed by ``make`` into ``.cache/bin`` (target ``$(KUSTOMIZE)``)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from dev.stack.config import REPO_ROOT

KUSTOMIZE = REPO_ROOT / ".cache" / "bin" / "kustomize"
DEPLOY_DIR = REPO_ROOT / "deploy"
#: What gets applied: the base and each overlay.
TARGETS = ("base", "overlays/dev", "overlays/production")


def build(target: str, kustomize: Path = KUSTOMIZE) -> list[dict[str, Any]]:
    if not kustomize.is_file():
        raise FileNotFoundError(f"{kustomize} is missing: run `make {kustomize.relative_to(REPO_ROOT)}`")
    rendered = subprocess.run(
        [str(kustomize), "build", str(DEPLOY_DIR / target)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(rendered) if doc]

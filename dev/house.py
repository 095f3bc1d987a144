"""The house drawn from the code: which part of the project imports which.

``python -m dev.house`` reads every import statement of the project's packages with ``ast``
(at any depth: an import inside a function counts too) and prints, per part, the parts it
imports, the layers from the top down. ``tests/unit/test_import_boundaries.py`` holds the
rules (ARCHITECTURE.md, "How the parts depend on each other") with the same reading.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The packages of the project, the tools (dev, bench) and the tests, top layer first.
PARTS = ("dev", "bench", "gateway", "streams", "sinks", "analysis", "topics")


def files_of(part: str, root: Path = REPO_ROOT) -> list[Path]:
    """Every .py file of a part (dev/azurite's npm packages are not ours, even where one ships a .py)."""
    return [path for path in sorted((root / part).rglob("*.py")) if "node_modules" not in path.parts]


def imported_modules(path: Path) -> Iterator[str]:
    """The absolute names of the modules ``path`` imports (``from a.b import c`` gives ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def part_of(module: str) -> str | None:
    """The part a module belongs to (``tests`` included), or None when it is not ours."""
    return next((part for part in (*PARTS, "tests") if within(module, part)), None)


def house(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """part → the other parts it imports, in the order of :data:`PARTS`."""
    drawn = {}
    for part in PARTS:
        used = {part_of(module) for path in files_of(part, root) for module in imported_modules(path)}
        drawn[part] = [other for other in (*PARTS, "tests") if other in used and other != part]
    return drawn


def drawing(drawn: dict[str, list[str]]) -> str:
    width = max(len(part) for part in drawn) + 1
    return "\n".join(
        f"{part + '/':<{width}} ──▶ {'  '.join(other + '/' for other in imports) or 'nothing of ours'}"
        for part, imports in drawn.items()
    )


if __name__ == "__main__":
    print(drawing(house()))

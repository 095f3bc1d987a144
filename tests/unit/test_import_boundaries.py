"""Which parts of the project may import which (ARCHITECTURE.md, "How the parts depend on each
other"), one rule per test.

The rules read the import statements with ``ast``, at any depth (an import inside a function
counts too), and import nothing: a file is held to them even where it could not start.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PARTS = ("analysis", "bench", "dev", "gateway", "sinks", "streams", "topics")


def python_files(*, outside: str) -> list[Path]:
    """The top-level scripts and every .py file of the project's packages but ``outside``."""
    files = sorted(REPO_ROOT.glob("*.py"))
    for package in sorted(REPO_ROOT.iterdir()):
        if package.name != outside and (package / "__init__.py").is_file():
            # dev/azurite's npm packages are not ours, even where one ships a .py file
            files += [path for path in sorted(package.rglob("*.py")) if "node_modules" not in path.parts]
    return files


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


def test_nothing_outside_tests_imports_tests() -> None:
    files = python_files(outside="tests")
    reached = {path.relative_to(REPO_ROOT).parts[0] for path in files}
    assert set(PARTS) | {"setup.py"} <= reached, "the walk misses a part of the project"

    offenders = [
        f"{path.relative_to(REPO_ROOT)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if within(module, "tests")
    ]

    assert offenders == [], "only tests/ may import tests/ (move what others need into dev/)"

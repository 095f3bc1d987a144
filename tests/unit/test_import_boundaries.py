"""Which parts of the project may import which (ARCHITECTURE.md, "How the parts depend on each
other"), one rule per part.

The rules read the import statements as ``python -m dev.house`` does (with ``ast``, at any
depth: an import inside a function counts too), and import nothing: a file is held to them
even where it could not start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dev.house import PARTS, REPO_ROOT, files_of, house, imported_modules, part_of, within


def python_files(*, outside: str) -> list[Path]:
    """The top-level scripts and every .py file of the project's packages but ``outside``."""
    files = sorted(REPO_ROOT.glob("*.py"))
    for package in sorted(REPO_ROOT.iterdir()):
        if package.name != outside and (package / "__init__.py").is_file():
            files += files_of(package.name)
    return files


def breaches(files: list[Path], forbidden: Callable[[Path, str], bool]) -> list[str]:
    """``<file> imports <module>`` for each import in ``files`` that ``forbidden`` refuses."""
    return [
        f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path} imports {module}"
        for path in files
        for module in imported_modules(path)
        if forbidden(path, module)
    ]


def ours(module: str) -> bool:
    return part_of(module) is not None


def contracts_rule(path: Path, module: str) -> bool:
    return ours(module) and not within(module, "topics")


def sinks_rule(path: Path, module: str) -> bool:
    return ours(module) and not (within(module, "sinks") or within(module, "topics"))


#: What the analysis logic never needs: the worker's and the gateway's frameworks, the database
#: and the broker. Claude's SDK is allowed in ``analysis/claude/`` only.
FRAMEWORKS_AND_IO = (
    "faust",
    "mode",
    "aiokafka",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "psycopg_pool",
    "azure",
)


def analysis_rule(path: Path, module: str) -> bool:
    if ours(module):
        return not (within(module, "analysis") or module == "topics.errors")
    if module == "anthropic" or module.startswith("anthropic."):
        return "claude" not in path.parts
    return any(within(module, framework) for framework in FRAMEWORKS_AND_IO)


def gateway_rule(path: Path, module: str) -> bool:
    return within(module, "streams")


def streams_rule(path: Path, module: str) -> bool:
    return within(module, "gateway")


def tools_rule(path: Path, module: str) -> bool:
    return within(module, "dev") or within(module, "bench")


RULES = {
    "topics": (contracts_rule, "the contracts import nothing of ours"),
    "sinks": (sinks_rule, "sinks import only sinks and the contracts"),
    "analysis": (
        analysis_rule,
        "analysis imports only analysis and topics.errors, no framework or I/O library "
        "(and anthropic only in analysis/claude/)",
    ),
    "gateway": (gateway_rule, "the gateway never imports the worker (they meet in topics and analysis/)"),
    "streams": (streams_rule, "the worker never imports the gateway (they meet in topics and analysis/)"),
}


@pytest.mark.parametrize("part", sorted(RULES))
def test_each_part_imports_only_what_is_below_it(part: str) -> None:
    rule, why = RULES[part]
    files = files_of(part)
    assert files, f"{part}/ has no Python files: the rule would pass on nothing"
    assert breaches(files, rule) == [], why


@pytest.mark.parametrize("part", ["analysis", "gateway", "sinks", "streams", "topics"])
def test_no_part_imports_the_tools(part: str) -> None:
    assert breaches(files_of(part), tools_rule) == [], "dev/ and bench/ may use any part; no part uses them"


@pytest.mark.parametrize(
    ("part", "source"),
    [
        ("topics", "from sinks.read_model import ReadModel\n"),
        ("sinks", "import analysis.moments\n"),
        ("analysis", "from streams.app import app\n"),
        ("analysis", "def later():\n    import faust\n"),
        ("analysis", "import anthropic\n"),
        ("gateway", "from streams.measure_speech import AGENT\n"),
        ("streams", "from gateway.deps import CurrentUser\n"),
    ],
)
def test_a_forbidden_import_is_caught(tmp_path: Path, part: str, source: str) -> None:
    """Each rule fails on the import it is there to forbid (here in a file outside the tree)."""
    offender = tmp_path / part / "offender.py"
    offender.parent.mkdir()
    offender.write_text(source)
    rule, _ = RULES[part]
    assert len(breaches([offender], rule)) == 1


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


def test_the_house_drawn_from_the_code_has_analysis_below_the_worker_and_the_gateway() -> None:
    drawn = house()
    assert "analysis" in drawn["gateway"] and "analysis" in drawn["streams"]
    assert "streams" not in drawn["gateway"] and "gateway" not in drawn["streams"]
    assert drawn["topics"] == []

"""Which code runs for the speech metric modules: the mypyc-compiled extensions or the .py sources.

``setup.py`` compiles ``analysis/speech/metrics.py``, ``fillers.py`` and ``filler_context.py``
with mypyc on every install (the speech agent's per-segment metrics run ~1.4x faster) and,
once the build has succeeded, records the SHA-256 of each source it compiled in
``native_sources.sha256`` beside them (``sha256sum`` format, git-ignored).

A compiled extension shadows its .py file, so after an edit the old compiled code would keep
running without a word. ``analysis/speech/__init__.py`` calls :func:`use_sources_if_stale` before
anything imports these modules: when compiled modules are present but a source differs from
what was compiled (or no record says what was), all three load from their .py sources (the
modules of one mypyc group call each other directly: all or none) and one warning says which
file changed and how to recompile. ``IB_PURE_PYTHON=1`` makes the install compile nothing and
the worker use the sources (for a machine without a C compiler, a profiler or coverage).

It adds about 5 ms to ``import analysis.speech``, nearly all of it importing hashlib (which the
worker imports anyway); the check itself (three stats, one small read, SHA-256 over ~30 KB)
takes 0.1 ms.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType

#: The modules compiled as one mypyc group, named within the ``analysis.speech`` package.
NATIVE_MODULES = ("metrics", "fillers", "filler_context")
#: What the build compiled: one "<sha256>  <file>.py" line per module, beside the sources.
RECORD_NAME = "native_sources.sha256"
RECOMPILE_COMMAND = "make venv (or .venv/bin/python -m pip install -e .)"
#: Set to 1 to skip compiling at install time and to run the .py sources.
PURE_PYTHON_VARIABLE = "IB_PURE_PYTHON"


def source_hashes(package_dir: str) -> dict[str, str]:
    """file name -> SHA-256 (hex) of each native module's source in ``package_dir``."""
    hashes = {}
    for module in NATIVE_MODULES:
        file_name = f"{module}.py"
        with open(os.path.join(package_dir, file_name), "rb") as source:
            hashes[file_name] = hashlib.sha256(source.read()).hexdigest()
    return hashes


def record_text(hashes: dict[str, str]) -> str:
    return "".join(f"{digest}  {file_name}\n" for file_name, digest in hashes.items())


def recorded_hashes(package_dir: str) -> dict[str, str]:
    """What the last successful build compiled; empty when there is no record."""
    try:
        with open(os.path.join(package_dir, RECORD_NAME), encoding="utf-8") as record:
            lines = record.read().splitlines()
    except OSError:
        return {}
    return {file_name: digest for digest, _, file_name in (line.partition("  ") for line in lines)}


def compiled_modules_present(package_dir: str) -> bool:
    return any(
        os.path.exists(os.path.join(package_dir, module + suffix))
        for module in NATIVE_MODULES
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )


def changed_sources(package_dir: str) -> list[str]:
    """The sources that differ from what was compiled (all of them when nothing was recorded)."""
    recorded = recorded_hashes(package_dir)
    return [
        file_name
        for file_name, digest in source_hashes(package_dir).items()
        if recorded.get(file_name) != digest
    ]


class SourceFinder:
    """A ``sys.meta_path`` finder of the named modules in their .py files, ahead of any
    compiled extension."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources  # full module name -> path of its .py file

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def source_finder(package: str, package_dir: str) -> SourceFinder:
    return SourceFinder(
        {f"{package}.{module}": os.path.join(package_dir, f"{module}.py") for module in NATIVE_MODULES}
    )


def use_sources_if_stale(package: str, package_dir: str) -> list[str]:
    """Make the native modules load from their .py sources when the compiled ones are stale
    (or ``IB_PURE_PYTHON=1``); returns the changed source files. Call it before they are imported."""
    pure = os.environ.get(PURE_PYTHON_VARIABLE) == "1"
    if not pure and not compiled_modules_present(package_dir):
        return []  # an install that compiled nothing (IB_PURE_PYTHON=1 at install): nothing shadows
    changed = [] if pure else changed_sources(package_dir)
    if pure or changed:
        sys.meta_path.insert(0, source_finder(package, package_dir))
    if changed:
        import logging  # here, not above: it would double the cost of ``import analysis.speech``

        logging.getLogger(__name__).warning(
            "%s changed since the last successful mypyc build: %s run from their .py sources "
            "(slower) until you recompile with: %s",
            ", ".join(os.path.join(package_dir, name) for name in changed),
            ", ".join(f"{module}.py" for module in NATIVE_MODULES),
            RECOMPILE_COMMAND,
        )
    return changed

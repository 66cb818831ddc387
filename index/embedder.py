"""Text embedders: the :class:`Embedder` protocol, a sentence-transformers one and a hashing one.

Every embedder returns float32 rows of unit length, so an inner product is a cosine.
``model_id`` names the model and its configuration; an index stores it to detect that it was
built with another model.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import zlib
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from policyqa.errors import ModelUnavailable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Files whose content defines what a model folder computes; a build stamp adds the weights' source.
STAMP_NAME = "policyqa-build.json"  # written by model_build, read here for the model id
_STAMP_IDENTITY_KEYS = ("format", "source_sha256")
_IDENTITY_FILES = (
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "tokenizer_config.json",
)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and passages may differ."""

    model_id: str
    dim: int
    backend: str
    """What computes the vectors: ``torch`` (sentence-transformers), ``onnx-int8`` or ``hash``."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per query, shape ``(len(texts), dim)``."""
        ...

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """One unit-length float32 row per passage; ``progress`` shows a progress bar."""
        ...


class SentenceTransformerEmbedder:
    """Embeds with any local sentence-transformers folder (the built e5 model, a bge folder, …).

    Nothing is read until :meth:`load` (or ``model_id``, which reads a few small files).
    """

    def __init__(
        self,
        folder: Path,
        *,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        num_threads: int | None = None,
    ) -> None:
        """Keep the settings; ``num_threads`` defaults to the CPUs this process may use."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.folder = Path(folder)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.num_threads = num_threads or usable_cpus()
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()

    backend = "torch"

    @cached_property
    def model_id(self) -> str:
        """The folder's :func:`folder_model_id` with these prefixes; raises ModelUnavailable when
        the folder is missing or holds no model config."""
        check_model_folder(self.folder)
        return folder_model_id(self.folder, self.query_prefix, self.passage_prefix)

    @property
    def dim(self) -> int:
        """Embedding size (loads the model if needed)."""
        return int(self._loaded().get_embedding_dimension())

    def load(self) -> SentenceTransformerEmbedder:
        """Load the model on CPU, offline; returns ``self``. Raises ModelUnavailable. Safe to call
        from several threads: the first caller loads, the others wait for it."""
        if self._model is not None:
            return self
        with self._load_lock:
            if self._model is None:
                self._load_model()
        return self

    def _load_model(self) -> None:
        check_model_folder(self.folder)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        from transformers.utils import logging as hf_logging

        torch.set_num_threads(self.num_threads)
        # Its "Loading weights" bar is chatter on a CLI's stderr. Off for good, not restored: a
        # save-and-restore would race with the relevance model loading in another thread.
        hf_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
        except Exception as err:  # any loader failure means this folder cannot serve
            reason = str(err).strip().splitlines()[0] if str(err).strip() else "模型文件无法加载"
            raise ModelUnavailable(
                f"无法加载嵌入模型 {self.folder}：{reason}；"
                "请删除该目录后重建，或改用其他 sentence-transformers 模型目录"
            ) from err
        model.eval()
        self._model = model

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions with the query prefix (loads the model if needed)."""
        return self._encode(texts, self.query_prefix, progress=False)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed clauses with the passage prefix (loads the model if needed)."""
        return self._encode(texts, self.passage_prefix, progress=progress)

    def _encode(self, texts: Sequence[str], prefix: str, *, progress: bool) -> np.ndarray:
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            prompt=prefix,  # explicit (possibly empty) prompt: never the folder's default one
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _loaded(self) -> SentenceTransformer:
        """The model, loaded on first use when :meth:`load` was not called (so work that needs
        no embedding, such as re-indexing unchanged clauses, never pays for loading it)."""
        if self._model is None:
            self.load()
        return self._model


class HashEmbedder:
    """Model-free embedder: character 1- and 2-grams hashed (with a sign) into ``dim`` buckets.

    Deterministic across processes and fast; texts sharing more characters and character pairs
    score higher. A stand-in for a neural model in tests and when no model is wanted; queries
    and passages are treated alike.
    """

    def __init__(self, dim: int = 256) -> None:
        """``dim`` is the number of buckets; raises ValueError unless it is at least 2."""
        if dim < 2:
            raise ValueError(f"dim must be at least 2, got {dim}")
        self.dim = dim
        self.model_id = f"hash-char12-{dim}"
        self.backend = "hash"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """One unit-length float32 row per text (``progress`` is accepted and ignored: it is fast)."""
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in _char_grams(text):
                code = zlib.crc32(gram.encode("utf-8"))
                out[row, code % self.dim] += 1.0 if code & 0x80000000 else -1.0
        # A text has an odd number of grams (2n - 1, or the one marker), so some bucket is odd and
        # no row can cancel to zero.
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _char_grams(text: str) -> list[str]:
    """Unigrams and bigrams of the text with whitespace removed; a fixed marker for empty text."""
    chars = "".join(text.split())
    grams = list(chars) + [chars[i : i + 2] for i in range(len(chars) - 1)]
    return grams or ["\0"]


def folder_model_id(folder: Path, query_prefix: str = "query: ", passage_prefix: str = "passage: ") -> str:
    """``<folder name>-<12 hex digits>`` over the folder's configs, build stamp and the prefixes:
    what an index records as its model. Rebuilding the same model gives the same id (the stamp's
    build time is left out); every backend that computes this folder's vectors shares it."""
    digest = hashlib.sha256(f"{query_prefix}\0{passage_prefix}".encode())
    for name in _IDENTITY_FILES:
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    stamp = read_stamp(folder / STAMP_NAME)
    digest.update(json.dumps([stamp.get(key) for key in _STAMP_IDENTITY_KEYS]).encode())
    return f"{folder.name}-{digest.hexdigest()[:12]}"


def check_model_folder(folder: Path) -> None:
    """Raise ModelUnavailable unless ``folder`` is a sentence-transformers (or transformers) folder."""
    if not folder.is_dir():
        raise ModelUnavailable(
            f"嵌入模型目录 {folder} 不存在："
            "请指向一个 sentence-transformers 模型目录，或不指定以使用内置的 multilingual-e5-small"
        )
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelUnavailable(
            f"{folder} 不是 sentence-transformers 模型目录（缺少 modules.json 和 config.json）："
            "请指向正确的模型目录"
        )


def read_stamp(path: Path) -> dict:
    """The build stamp's fields, or an empty dict when there is no readable stamp."""
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1

"""The one configuration object, loaded once at each entry point and passed down unchanged."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = _REPO_ROOT / "corpus"
"""The corpus shipped with PolicyQA (the default ``corpus_dir``; the embedder's domain adaptation
always reads these files, whatever ``corpus_dir`` says)."""


RERANKER_CHOICES = ("auto", "off")
BACKEND_CHOICES = ("onnx", "onnx-int8", "torch")
STORE_CHOICES = ("faiss", "milvus")
_COLLECTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
MILVUS_FUSION_CHOICES = ("ours", "rrf", "weighted")
MILVUS_ANALYZER_CHOICES = ("tokens", "jieba")


def _env_path(name: str, default: Path | None) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class Config:
    """Where things live and how retrieval behaves.

    Environment variables (all optional): ``POLICYQA_HOME`` (default ``~/.local/share/policyqa``),
    ``POLICYQA_INDEX`` (default ``$POLICYQA_HOME/index``), ``POLICYQA_CACHE`` (model cache, default
    ``~/.cache/policyqa/models``), ``POLICYQA_EMBEDDER`` (``e5`` for the bundled model, ``e5-adapted``
    for it fine-tuned to the domain, or the path of any local sentence-transformers folder), ``POLICYQA_CORPUS`` (the bundled corpus folder),
    ``POLICYQA_RERANKER`` (``auto``, the default: the shipped relevance model reranks and decides
    answerability and verdicts whenever the e5 model is built; ``off``: the fused ranking and the
    word-coverage heuristics alone), ``POLICYQA_BACKEND`` (``onnx``, the default: the embedder
    and the relevance model run as fused float32 ONNX Runtime graphs, exported and checked against
    torch on first use; ``onnx-int8``: int8 graphs, faster, with slightly different retrievals and
    answers (docs/speed.md); ``torch``: both in torch at fp32), ``POLICYQA_USERS`` (the served page's
    accounts, default ``$POLICYQA_HOME/users.json``; see policyqa/access.py), ``POLICYQA_STORE``
    (``faiss``, the default: vectors and BM25 in files of the index folder; ``milvus``: both in a
    Milvus collection, docs/milvus.md), ``POLICYQA_MILVUS_URI`` (a file path for embedded Milvus
    Lite, or ``http://host:19530`` for a server; default ``$POLICYQA_HOME/milvus.db``),
    ``POLICYQA_MILVUS_TOKEN``, ``POLICYQA_MILVUS_COLLECTION`` (default ``policyqa``),
    ``POLICYQA_MILVUS_FUSION`` (``ours``, the default: our weighted reciprocal-rank fusion of
    Milvus's dense and BM25 rankings; ``rrf`` / ``weighted``: Milvus's own ranker) and
    ``POLICYQA_MILVUS_ANALYZER`` (how a new collection's BM25 text is cut: ``tokens``, the default,
    our jieba terms split on spaces by Milvus; ``jieba``: Milvus's jieba analyzer with our
    dictionary and stopwords).
    """

    home: Path
    index_dir: Path
    model_cache: Path
    corpus_dir: Path
    embedder: str = "e5"
    reranker: str = "auto"
    backend: str = "onnx"
    top_k: int = 5
    max_file_bytes: int = 50_000_000
    users_file: Path | None = None
    store: str = "faiss"
    milvus_uri: str = ""
    milvus_token: str = ""
    milvus_collection: str = "policyqa"
    milvus_fusion: str = "ours"
    milvus_analyzer: str = "tokens"

    @property
    def reports_dir(self) -> Path:
        """Where evaluation reports go (the page's and ``policyqa eval``'s), one sub-folder per run."""
        return self.home / "eval-reports"

    @property
    def milvus_target(self) -> str:
        """The Milvus URI to use: ``milvus_uri``, else the Milvus Lite file ``$POLICYQA_HOME/milvus.db``
        (outside the index folder, which every ingest replaces)."""
        return self.milvus_uri or str(self.home / "milvus.db")

    @classmethod
    def load(cls, **overrides: object) -> "Config":
        """Build the config from the environment, then apply non-None ``overrides``."""
        home = _env_path("POLICYQA_HOME", Path.home() / ".local" / "share" / "policyqa")
        config = cls(
            home=home,
            index_dir=_env_path("POLICYQA_INDEX", home / "index"),
            model_cache=_env_path("POLICYQA_CACHE", Path.home() / ".cache" / "policyqa" / "models"),
            corpus_dir=_env_path("POLICYQA_CORPUS", BUNDLED_CORPUS),
            embedder=os.environ.get("POLICYQA_EMBEDDER", "e5"),
            reranker=os.environ.get("POLICYQA_RERANKER", "auto"),
            backend=os.environ.get("POLICYQA_BACKEND", "onnx"),
            users_file=_env_path("POLICYQA_USERS", None),   # None: home / "users.json", wherever home is
            store=os.environ.get("POLICYQA_STORE", "faiss"),
            milvus_uri=os.environ.get("POLICYQA_MILVUS_URI", ""),
            milvus_token=os.environ.get("POLICYQA_MILVUS_TOKEN", ""),
            milvus_collection=os.environ.get("POLICYQA_MILVUS_COLLECTION") or "policyqa",
            milvus_fusion=os.environ.get("POLICYQA_MILVUS_FUSION", "ours"),
            milvus_analyzer=os.environ.get("POLICYQA_MILVUS_ANALYZER", "tokens"),
        )
        return config.with_overrides(**overrides)

    def with_overrides(self, **overrides: object) -> "Config":
        """A copy with the given non-None fields replaced (paths accept str)."""
        clean = {}
        for key, value in overrides.items():
            if value is None:
                continue
            if key.endswith(("_dir", "_file")) or key in ("home", "model_cache"):
                value = Path(str(value)).expanduser()
            clean[key] = value
        if clean.get("reranker", self.reranker) not in RERANKER_CHOICES:
            raise ValueError(f"POLICYQA_RERANKER 只能是 {' 或 '.join(RERANKER_CHOICES)}，收到 {clean.get('reranker', self.reranker)}")
        if clean.get("backend", self.backend) not in BACKEND_CHOICES:
            raise ValueError(f"POLICYQA_BACKEND 只能是 {' 或 '.join(BACKEND_CHOICES)}，收到 {clean.get('backend', self.backend)}")
        if clean.get("store", self.store) not in STORE_CHOICES:
            raise ValueError(f"POLICYQA_STORE 只能是 {' 或 '.join(STORE_CHOICES)}，收到 {clean.get('store', self.store)}")
        if clean.get("milvus_fusion", self.milvus_fusion) not in MILVUS_FUSION_CHOICES:
            raise ValueError(f"POLICYQA_MILVUS_FUSION 只能是 {'、'.join(MILVUS_FUSION_CHOICES)}，收到 {clean.get('milvus_fusion', self.milvus_fusion)}")
        if clean.get("milvus_analyzer", self.milvus_analyzer) not in MILVUS_ANALYZER_CHOICES:
            raise ValueError(f"POLICYQA_MILVUS_ANALYZER 只能是 {' 或 '.join(MILVUS_ANALYZER_CHOICES)}，收到 {clean.get('milvus_analyzer', self.milvus_analyzer)}")
        if not _COLLECTION_NAME.fullmatch(clean.get("milvus_collection", self.milvus_collection)):  # type: ignore[arg-type]
            raise ValueError(f"POLICYQA_MILVUS_COLLECTION 只能由字母、数字和下划线组成且以字母或下划线开头，收到 {clean.get('milvus_collection', self.milvus_collection)}")
        if clean.get("top_k", self.top_k) <= 0:  # type: ignore[operator]
            raise ValueError(f"top_k 必须为正整数，收到 {clean['top_k']}")
        return replace(self, **clean)

"""The index's Python API: ingest documents and (re)build the index; load a retriever.

All writes go to a staging folder that replaces the index folder only when everything succeeded,
so an interrupted ingest leaves the previous index loadable and correct.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policyqa.config import BUNDLED_CORPUS, Config
from policyqa.errors import IndexMismatch, ModelUnavailable, PolicyQAError
from policyqa.atomic import atomic_dir
from policyqa.index.bm25 import BM25Index
from policyqa.index.builder import BuildStats, IndexBuilder
from policyqa.index.catalog import Catalog
from policyqa.index.embedder import Embedder, HashEmbedder, SentenceTransformerEmbedder, folder_model_id
from policyqa.index.manifest import MANIFEST_FILE, Manifest
from policyqa.index.milvus_store import VIEW_FILE, MilvusStore, MilvusTarget, MilvusView
from policyqa.index.onnx_runtime import OnnxEmbedder, export_is_current, onnx_folder
from policyqa.index.rerank import Reranker
from policyqa.index.retriever import HybridRetriever
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.index.vector_store import FaissStore
from policyqa.ingest.pipeline import SOURCES, IngestReport, Library


@dataclass(frozen=True)
class IngestResult:
    """What ``policyqa ingest`` did: the parse report and, when embedding ran, the build figures."""

    report: IngestReport
    build: BuildStats | None

    @property
    def index_note(self) -> str:
        """One line about the index build."""
        if self.build is None:
            return "未建向量索引（--no-embed）。"
        b = self.build
        return f"索引：{b.clauses} 条条款，新嵌入 {b.embedded}，复用 {b.reused}，用时 {b.seconds:.1f} 秒。"


def model_folder(config: Config) -> Path:
    """The sentence-transformers folder to embed with: ``e5`` is the bundled model (built on first
    use), ``e5-adapted`` the same model fine-tuned to the domain (:mod:`policyqa.index.adapt`,
    built on first use), anything else a user's local folder. Raises ModelUnavailable."""
    if config.embedder in ("e5", "e5-adapted"):
        from policyqa.index.model_build import ensure_e5_model

        base = ensure_e5_model(config.model_cache, progress=_say)
        if config.embedder == "e5":
            return base
        from policyqa.index.adapt import ensure_adapted_model
        return ensure_adapted_model(base, BUNDLED_CORPUS, config.model_cache, progress=_say)
    folder = Path(config.embedder).expanduser()
    if not folder.is_dir():
        raise ModelUnavailable(f"嵌入模型目录 {folder} 不存在：设置 POLICYQA_EMBEDDER=e5（或 e5-adapted）或指向本地 sentence-transformers 目录")
    return folder


log = logging.getLogger("policyqa.load")


def load_embedder(config: Config) -> Embedder:
    """The configured embedder on the configured backend (its model loads offline on first use).

    ``onnx`` / ``onnx-int8``: the float32 / int8 export of the model folder, exported and checked
    against torch the first time (:mod:`policyqa.index.onnx_export`, the only part that imports
    torch)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    start = time.perf_counter()
    folder = model_folder(config)
    if config.backend == "torch":
        embedder: Embedder = SentenceTransformerEmbedder(folder)
    else:
        if not export_is_current(onnx_folder(folder), folder_model_id(folder)):
            from policyqa.index.onnx_export import build_onnx_encoder

            build_onnx_encoder(folder, progress=_say)
        embedder = OnnxEmbedder(folder, precision=_onnx_precision(config))
    log.info("embedder %s on %s (loads on first use): %.2f s", folder, embedder.backend, time.perf_counter() - start)
    return embedder


def _onnx_precision(config: Config) -> str:
    """The precision of the ONNX graphs the configured backend runs (embedder and relevance model)."""
    return "int8" if config.backend == "onnx-int8" else "fp32"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _backends_checked(manifest: Manifest, embedder: Embedder) -> bool:
    """Were the index's backend and ``embedder``'s checked against each other? True when the
    ONNX export beside the model passed its check against the torch model the index names (every
    ONNX precision is checked against torch when it is built)."""
    folder = getattr(embedder, "folder", None)
    return folder is not None and export_is_current(onnx_folder(folder), manifest.model_id)


def _link_sources(old: Path, new: Path) -> None:
    if not old.is_dir():
        return
    new.mkdir(parents=True, exist_ok=True)
    for path in old.iterdir():
        try:
            os.link(path, new / path.name)
        except OSError:
            shutil.copy2(path, new / path.name)


def milvus_target(config: Config, *, recreate: bool = False) -> MilvusTarget | None:
    """Where a build writes its vectors: the configured Milvus collection, or None for FAISS."""
    if config.store != "milvus":
        return None
    return MilvusTarget(config.milvus_target, config.milvus_token, config.milvus_collection, recreate=recreate,
                        analyzer=config.milvus_analyzer)


def _rebuild(config: Config, stage: Path, *, embedder: Embedder | None, progress: bool,
             reuse: bool = True) -> IngestResult:
    library = Library(stage, max_file_bytes=config.max_file_bytes)
    report = library.parse_all()
    library.save(report)
    build = None
    if embedder is not None:
        clauses = [c for d in report.documents for c in d.clauses]
        tokenizer = ChineseTokenizer().load()
        previous = config.index_dir if reuse and config.index_dir.exists() else None
        build = IndexBuilder(embedder, tokenizer).build(
            clauses, stage, previous=previous, progress=progress,
            milvus=milvus_target(config, recreate=not reuse), documents=[d.meta for d in report.documents])
    return IngestResult(report, build)


def _prune_milvus(config: Config) -> None:
    """After a Milvus build is in place: delete the collection's rows that the new index does not
    read (older versions of changed documents, removed documents). Readers that loaded the old
    index see those documents vanish whole and pick the new index up at their next question."""
    target = milvus_target(config)
    if target is not None and (config.index_dir / VIEW_FILE).exists():
        target.open().keep_only(MilvusView.load(config.index_dir).doc_keys.values())


def ingest_and_index(config: Config, paths: Sequence[Path], *, rebuild: bool = False, reset: bool = False,
                     embed: bool = True, progress: bool = False, embedder: Embedder | None = None) -> IngestResult:
    """Add ``paths`` to the library in ``config.index_dir`` and rebuild its index incrementally.

    ``rebuild`` keeps every stored document but re-parses and re-embeds all of them, reusing
    nothing from the old index files (the repair for a damaged index or another model);
    ``reset`` starts from an empty library, so only ``paths`` remain. ``embed=False`` parses
    only; it raises IndexMismatch when the folder already holds vectors, which it would drop."""
    if not embed and (config.index_dir / MANIFEST_FILE).exists():
        raise IndexMismatch(f"{config.index_dir} 已有向量索引，--no-embed 会丢掉它：去掉 --no-embed，"
                            "或用 --index 指定另一个目录")
    embedder = embedder or (load_embedder(config) if embed else None)
    with atomic_dir(config.index_dir) as stage:
        if not reset:
            _link_sources(config.index_dir / SOURCES, stage / SOURCES)
        failures = Library(stage, max_file_bytes=config.max_file_bytes).add(paths)
        result = _rebuild(config, stage, embedder=embedder, progress=progress, reuse=not (rebuild or reset))
    if embed:
        _prune_milvus(config)
    report = IngestReport(result.report.documents, tuple(failures) + result.report.failures)
    return IngestResult(report, result.build)


def remove_and_reindex(config: Config, name: str, *, progress: bool = False,
                       embedder: Embedder | None = None) -> IngestResult:
    """Remove one document from the library and rebuild the index without it."""
    embedder = embedder or load_embedder(config)
    with atomic_dir(config.index_dir) as stage:
        _link_sources(config.index_dir / SOURCES, stage / SOURCES)
        Library(stage).remove(name)
        result = _rebuild(config, stage, embedder=embedder, progress=progress)
    _prune_milvus(config)
    return result


def load_retriever(config: Config, *, embedder: Embedder | None = None, **options) -> HybridRetriever:
    """Load the index in ``config.index_dir`` for querying; raises IndexMissing / IndexMismatch."""
    start = time.perf_counter()
    manifest = Manifest.load(config.index_dir)
    catalog = Catalog.load(config.index_dir)
    embedder = embedder or load_embedder(config)
    manifest.check_model(embedder.model_id)
    manifest.check_backend(embedder.backend, checked=_backends_checked(manifest, embedder))
    # a Milvus store is opened before the embedder's warm-up thread starts: a refusal then exits
    # cleanly instead of while the thread is inside ONNX Runtime (a C++ abort at exit)
    store = _load_store(config, manifest, catalog, embedder.model_id) if config.store == "milvus" else None
    _warm_up(embedder)
    store = store or _load_store(config, manifest, catalog, embedder.model_id)
    bm25 = BM25Index.load(config.index_dir)
    tokenizer = ChineseTokenizer().load()
    log.info("index %s (%d clauses, vectors by %s): %.2f s", config.index_dir, len(manifest.clause_hashes),
             manifest.backend or "torch", time.perf_counter() - start)
    if "reranker" not in options:   # the model rides with a neural embedder; a model-free index gets none
        start = time.perf_counter()
        options["reranker"] = None if isinstance(embedder, HashEmbedder) else load_reranker(config)
        log.info("relevance model on %s: %.2f s", config.backend if options["reranker"] else "none",
                 time.perf_counter() - start)
    if config.store == "milvus" and config.milvus_fusion != "ours":
        options.setdefault("engine_fusion", config.milvus_fusion)
    return HybridRetriever(catalog, store, bm25, embedder, tokenizer, k=config.top_k, **options)


def _load_store(config: Config, manifest: Manifest, catalog: Catalog, model_id: str) -> FaissStore | MilvusStore:
    """The index's vectors: its FAISS files, or its view of the Milvus collection (checked against
    the model); raises IndexMismatch when the index was built for the other store."""
    if config.store == "milvus":
        view = MilvusView.load(config.index_dir)
        clause_docs = {c.id: c.doc for c in catalog.clauses}
        return MilvusStore.open(config.milvus_target, config.milvus_token, view, clause_docs, model_id)
    if (config.index_dir / VIEW_FILE).exists():
        raise IndexMismatch(f"{config.index_dir} 的向量在 Milvus 集合中：设置 POLICYQA_STORE=milvus，"
                            "或运行 policyqa ingest --store faiss 建回 FAISS 索引")
    return FaissStore.load(config.index_dir, manifest.dim)


def _warm_up(embedder: Embedder) -> None:
    """Load the embedder's model in a background thread while the index, the word lists and the
    relevance model load here (the model's native loading overlaps with them a little: a cold
    ``policyqa ask`` measured 0.1–0.2 s shorter). A failure is left for the first real use to report."""
    load = getattr(embedder, "load", None)
    if load is None:
        return

    def run() -> None:
        try:
            load()
        except PolicyQAError:
            pass

    threading.Thread(target=run, name="embedder-warm-up", daemon=True).start()


def load_reranker(config: Config) -> Reranker | None:
    """The shipped relevance model on the built e5 weights, or None when ``config.reranker`` is
    ``off`` or the e5 model has not been built (an index made with another embedder)."""
    from policyqa.index.model_build import MODEL_DIR_NAME
    from policyqa.index.relevance import (
        ARTIFACT_DIR, OnnxRelevanceModel, RelevanceCard, RelevanceModel, artifact_digest, require_artifact)

    base = config.model_cache / MODEL_DIR_NAME
    if config.reranker == "off" or not (base / "config.json").exists():
        return None
    if config.backend == "torch":
        return Reranker(RelevanceModel.load(base))   # the ONNX backends share one relevance export
    from policyqa.index.onnx_export import ensure_onnx_relevance

    require_artifact(base)
    digest = artifact_digest()   # hashed once: it names the export and the model
    export = ensure_onnx_relevance(base, config.model_cache, digest=digest, progress=_say)
    return Reranker(OnnxRelevanceModel(export, base, RelevanceCard.read(ARTIFACT_DIR), digest,
                                       precision=_onnx_precision(config)))

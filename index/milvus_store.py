"""The library's passages in a Milvus collection: dense and BM25 search server-side, filtered to
the documents a reader may see, and the writes of an incremental ingest.

``POLICYQA_STORE=milvus`` puts the vectors and the BM25 index in Milvus (a server at
``http://host:19530``, or Milvus Lite embedded in a local file) instead of the FAISS and BM25
files of the index folder; the catalog (clauses, documents, sources) and the manifest stay in the
folder. The folder's ``milvus.json`` (a :class:`MilvusView`) names the collection, the model and
the key of each document's rows: a reader filters every search by those keys, so a document
re-ingested while it reads is seen whole in its old or its new version, never half of each.
pymilvus is imported only here and only when a Milvus store is used.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from policyqa.atomic import atomic_write_text
from policyqa.errors import IndexMismatch, StoreUnavailable
from policyqa.index.milvus_schema import MAX_TOPK, analyzer_params, analyzer_signature, build_schema, in_list, primary_key
from policyqa.index.passages import WINDOW_MARK, clause_id_of
from policyqa.index.query import Query

VIEW_FILE = "milvus.json"
BATCH = 500           # rows per insert / get call
INSTALL = ".venv/bin/pip install 'pymilvus==3.0.2' 'milvus-lite==3.2.2'"
_PROPS = ("policyqa.model", "policyqa.dim", "policyqa.analyzer")


def is_server(uri: str) -> bool:
    """True for a Milvus server address (http://, https://, tcp://), False for a Milvus Lite file."""
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def connect(uri: str, token: str = ""):
    """A ``MilvusClient`` for ``uri``; raises StoreUnavailable (one line, with the fix) when
    pymilvus is not installed or the server or file cannot be opened."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreUnavailable(f"POLICYQA_STORE=milvus 需要 pymilvus 与 milvus-lite：运行 {INSTALL}，"
                               "或设置 POLICYQA_STORE=faiss") from None
    if is_server(uri):
        return _open(lambda: MilvusClient(uri=uri, token=token), f"无法连接 Milvus {uri}",
                     "检查 POLICYQA_MILVUS_URI 与 POLICYQA_MILVUS_TOKEN")
    import jieba   # Milvus Lite runs jieba's global tokenizer in this process: keep its loading notes off stderr

    jieba.setLogLevel(logging.WARNING)
    # Milvus Lite serves gRPC inside this process and refuses pymilvus's 10 s keep-alive pings
    # (a GOAWAY "too_many_pings" line on stderr after each idle spell): no pings to ourselves
    options = {"grpc.keepalive_time_ms": 3_600_000, "grpc.keepalive_permit_without_calls": False}

    def lite():
        Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(uri=uri, token=token, grpc_options=options)

    return _open(lite, f"无法打开 Milvus Lite 文件 {uri}",
                 "Milvus Lite 同一时间只允许一个进程打开它（多个进程共用一个文库请运行 Milvus 服务器）；检查 POLICYQA_MILVUS_URI")


def _open(make, failure: str, fix: str):
    """``make()``, with a failure turned into one StoreUnavailable line (Milvus Lite's own logger,
    which prints a traceback when the file is locked, is held back meanwhile)."""
    lite_log = logging.getLogger("milvus_lite")
    level = lite_log.level
    lite_log.setLevel(logging.CRITICAL)
    try:
        return make()
    except Exception as err:   # pymilvus raises MilvusException, grpc errors or OSError here
        reason = getattr(err, "message", None) or (str(err).splitlines() or ["连接失败"])[0]
        raise StoreUnavailable(f"{failure}（{reason}）：{fix}，或设置 POLICYQA_STORE=faiss（docs/milvus.md）") from None
    finally:
        lite_log.setLevel(level)


@dataclass(frozen=True)
class MilvusTarget:
    """Where a build writes: the server address or Lite file, its token and the collection;
    ``recreate`` drops the collection first (``policyqa ingest --rebuild``)."""

    uri: str
    token: str = ""
    collection: str = "policyqa"
    recreate: bool = False
    analyzer: str = "tokens"    # for a new collection: see milvus_schema.ANALYZERS

    def open(self) -> MilvusCollection:
        """Connect; raises StoreUnavailable."""
        return MilvusCollection(connect(self.uri, self.token), self.collection, uri=self.uri)


@dataclass(frozen=True)
class MilvusView:
    """What one index folder reads from Milvus: the collection, the model that embedded it and
    the key of each document's current rows (written into the folder by a build)."""

    collection: str
    model_id: str
    dim: int
    doc_keys: dict[str, str] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write ``milvus.json`` atomically into ``folder``."""
        record = {"collection": self.collection, "model_id": self.model_id, "dim": self.dim, "doc_keys": self.doc_keys}
        atomic_write_text(Path(folder) / VIEW_FILE, json.dumps(record, ensure_ascii=False, sort_keys=True))

    @classmethod
    def load(cls, folder: Path) -> MilvusView:
        """Read ``milvus.json``; raises IndexMismatch when it is missing (a FAISS index) or damaged."""
        path = Path(folder) / VIEW_FILE
        if not path.exists():
            raise IndexMismatch(f"{folder} 的向量在 FAISS 文件中，而 POLICYQA_STORE=milvus：运行 policyqa ingest "
                                "--store milvus 迁移（已有向量不重新嵌入），或设置 POLICYQA_STORE=faiss")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(str(data["collection"]), str(data["model_id"]), int(data["dim"]), dict(data["doc_keys"]))
        except (ValueError, KeyError, TypeError):
            raise IndexMismatch(f"{path} 已损坏：运行 policyqa ingest --rebuild") from None


class MilvusCollection:
    """One library's pair of collections (clauses, with BM25; and ``NAME_windows``, the sentence
    windows of long clauses, dense only): their creation and checks, and the writes of a build."""

    def __init__(self, client, name: str, *, uri: str = "") -> None:
        self.client, self.name, self.uri = client, name, uri
        self.windows = f"{name}_windows"

    @property
    def names(self) -> tuple[str, str]:
        return self.name, self.windows

    def exists(self) -> bool:
        return all(self.client.has_collection(n) for n in self.names)

    def properties(self) -> dict[str, str]:
        """The recorded model, dim and analyzer (empty when the collections do not exist)."""
        if not self.exists():
            return {}
        return dict(self.client.describe_collection(self.name).get("properties") or {})

    @property
    def analyzer(self) -> str:
        """How the collection's BM25 text was cut (``tokens`` or ``jieba``)."""
        return self.properties().get("policyqa.analyzer", "jieba").split(":")[0]

    def check(self, model_id: str, dim: int, analyzer: str | None = None) -> None:
        """Raise IndexMismatch when the collections are absent, or were built with another
        embedding model or dimension, or (when given) another BM25 ``analyzer`` (the fix:
        rebuild, or another collection); then load them."""
        props = self.properties()
        if not props:
            raise IndexMismatch(f"Milvus {self.uri} 中没有集合 {self.name}：运行 policyqa ingest --store milvus")
        built, built_dim = props.get("policyqa.model", "?"), props.get("policyqa.dim", "?")
        if built != model_id or built_dim != str(dim):
            raise IndexMismatch(f"Milvus 集合 {self.name} 由模型 {built}（{built_dim} 维）构建，当前配置为 {model_id}"
                                f"（{dim} 维）：运行 policyqa ingest --rebuild，或设置 POLICYQA_MILVUS_COLLECTION 为另一个集合")
        if analyzer is not None and self.analyzer != analyzer:
            raise IndexMismatch(f"Milvus 集合 {self.name} 的 BM25 分词方式为 {self.analyzer}，当前配置为 {analyzer}："
                                "运行 policyqa ingest --rebuild，或设置 POLICYQA_MILVUS_ANALYZER=" + self.analyzer)
        for name in self.names:
            self.client.load_collection(name)   # searchable (a no-op when already loaded)

    def create(self, model_id: str, dim: int, analyzer: str = "tokens") -> None:
        """Create both collections (schemas, dense and BM25 indexes, the model in the clause
        collection's properties). Milvus Lite gets an exact FLAT index; a server an HNSW graph
        like FAISS's."""
        self.drop()
        params = analyzer_params(analyzer, server=is_server(self.uri))
        props = dict(zip(_PROPS, (model_id, str(dim), f"{analyzer}:{analyzer_signature(params)}")))
        for name, text in ((self.windows, None), (self.name, params)):   # the clause collection last: it marks completion
            schema = build_schema(dim, text, description="PolicyQA " + ("clauses" if text else "sentence windows"))
            self.client.create_collection(name, schema=schema, index_params=self._indexes(text is not None),
                                          consistency_level="Strong", properties=props)

    def _indexes(self, bm25: bool):
        index = self.client.prepare_index_params()
        if is_server(self.uri):
            index.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 200})
        else:
            index.add_index("dense", index_type="FLAT", metric_type="IP")
        if bm25:   # BM25 as our bm25s index scores it (Lucene's formula, k1 1.5, b 0.75)
            index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                            params={"bm25_k1": 1.5, "bm25_b": 0.75})
        for name in ("doc_key", "doc", "row"):
            index.add_index(name, index_type="INVERTED")
        return index

    def drop(self) -> None:
        for name in self.names:
            if self.client.has_collection(name):
                self.client.drop_collection(name)

    def _get(self, pks: Sequence[str], fields: list[str]) -> list[dict]:
        """The stored rows of ``pks``, each looked up in its collection (a window's id holds @w)."""
        found = []
        for name, window in ((self.name, False), (self.windows, True)):
            part = [pk for pk in pks if (WINDOW_MARK in pk) == window]
            for start in range(0, len(part), BATCH):
                found += self.client.get(name, ids=part[start:start + BATCH], output_fields=fields)
        return found

    def present(self, pks: Sequence[str]) -> set[str]:
        """Which of ``pks`` are stored."""
        return {r["pk"] for r in self._get(pks, ["pk"])}

    def vectors(self, pks: Sequence[str]) -> dict[str, np.ndarray]:
        """The dense vectors of the stored ``pks``."""
        return {r["pk"]: np.asarray(r["dense"], dtype=np.float32) for r in self._get(pks, ["pk", "dense"])}

    def insert(self, records: Sequence[dict]) -> None:
        """Write ``records``, windows to their collection (upsert: a row written by an
        interrupted ingest is replaced), then flush: sealed segments get their search indexes
        built once (Milvus Lite otherwise rebuilds the BM25 index of unflushed rows at every search)."""
        for name, window in ((self.windows, True), (self.name, False)):
            part = [r for r in records if r["window"] == window]
            for start in range(0, len(part), BATCH):
                self.client.upsert(name, part[start:start + BATCH])
            if part:
                self.client.flush(name)

    def keep_only(self, doc_keys: Iterable[str]) -> None:
        """Delete every row whose document key is not in ``doc_keys`` (older versions of changed
        documents, removed documents, rows of an interrupted ingest), one delete request per
        collection: a reader's search sees a document's old rows all there or all gone (its
        windows, dense only, may go a moment before its clauses)."""
        keys = sorted(set(doc_keys))
        for name in self.names:
            self.client.delete(name, filter=f"not ({in_list('doc_key', keys)})" if keys else 'doc_key != ""')

    def count(self) -> int:
        """Rows stored in both collections (every version)."""
        return sum(int(self.client.query(n, filter="", output_fields=["count(*)"])[0]["count(*)"]) for n in self.names)


class MilvusStore:
    """Search over one :class:`MilvusView` of a collection, server-side.

    Every search is filtered to the view's keys of the documents asked for, so the store plays the
    part of the FAISS store's row mask with a filter expression. ``clause_docs`` maps a clause
    id to its document (from the catalog), to turn a passage id into its primary key.
    """

    def __init__(self, collection: MilvusCollection, view: MilvusView, clause_docs: Mapping[str, str], *,
                 analyzer: str = "tokens") -> None:
        self.collection, self.view, self.clause_docs = collection, view, clause_docs
        self.analyzer = analyzer
        self.dim = view.dim
        self.client, self.name = collection.client, collection.name

    @classmethod
    def open(cls, uri: str, token: str, view: MilvusView, clause_docs: Mapping[str, str], model_id: str) -> MilvusStore:
        """Connect and check the collection against the view and ``model_id``; raises
        StoreUnavailable or IndexMismatch (one line each, with the fix)."""
        if view.model_id != model_id:
            raise IndexMismatch(f"索引由模型 {view.model_id} 构建，当前配置为 {model_id}：运行 policyqa ingest --rebuild")
        collection = MilvusCollection(connect(uri, token), view.collection, uri=uri)
        collection.check(model_id, view.dim)
        return cls(collection, view, clause_docs, analyzer=collection.analyzer)

    def _scope(self, docs: Iterable[str]) -> str:
        return in_list("doc_key", (self.view.doc_keys[d] for d in docs if d in self.view.doc_keys))

    def dense_search(self, vector: np.ndarray, k: int, docs: Iterable[str]) -> list[tuple[str, float]]:
        """The ``k`` passages (clause or window ids) of ``docs`` nearest to ``vector``, best first,
        with their cosine (inner product of normalised vectors): both collections searched, merged."""
        scope, limit = self._scope(docs), min(k, MAX_TOPK)
        found = []
        for name in self.collection.names:
            hits = self.client.search(name, data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="dense",
                                      filter=scope, limit=limit, output_fields=["row"],
                                      search_params={"metric_type": "IP", "params": {"ef": max(128, limit)}})
            found += [(h["entity"]["row"], float(h["distance"])) for h in hits[0]]
        return sorted(found, key=lambda pair: -pair[1])[:limit]

    def bm25_text(self, query: Query) -> str:
        """What Milvus analyses for ``query``: with ``tokens``, our terms, each once (bm25s counts
        a query term once; Milvus weighs it by its count); with ``jieba``, the question and the
        legal terms of its colloquial words, cut by Milvus as the clauses were."""
        if self.analyzer == "tokens":
            return " ".join(dict.fromkeys(query.terms))
        return " ".join((query.text, *query.expansions))

    def lexical_search(self, query: Query, k: int, docs: Iterable[str]) -> list[tuple[str, float]]:
        """The ``k`` clauses of ``docs`` best matching ``query`` by BM25 (computed by Milvus),
        best first. A query without terms ranks nothing."""
        text = self.bm25_text(query)
        if not text.strip():
            return []
        hits = self.client.search(self.name, data=[text], anns_field="sparse", limit=min(k, MAX_TOPK),
                                  filter=self._scope(docs), output_fields=["row"], search_params={"metric_type": "BM25"})
        return [(h["entity"]["row"], abs(float(h["distance"]))) for h in hits[0]]

    def fused_search(self, query: Query, k: int, docs: Iterable[str], *, ranker: str,
                     rrf_k: int, weights: tuple[float, float]) -> list[tuple[str, float]]:
        """Dense and BM25 fused by Milvus (``ranker`` ``rrf``: reciprocal rank with ``rrf_k``,
        unweighted; ``weighted``: normalised scores weighted dense : BM25), one hybrid request on
        the clause collection: a hybrid search reads one collection, so sentence windows (the
        dense ranking's best match for long clauses) take no part."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

        scope, text = self._scope(docs), self.bm25_text(query)
        limit = min(k, MAX_TOPK)
        requests = [AnnSearchRequest([np.asarray(query.vector, dtype=np.float32).tolist()], "dense",
                                     {"metric_type": "IP"}, limit, expr=scope)]
        if text.strip():
            requests.append(AnnSearchRequest([text], "sparse", {"metric_type": "BM25"}, limit, expr=scope))
        fuse = RRFRanker(rrf_k) if ranker == "rrf" else WeightedRanker(*weights[:len(requests)], norm_score=True)
        hits = self.client.hybrid_search(self.name, requests, fuse, limit=limit, output_fields=["row"])
        return [(h["entity"]["row"], float(h["distance"])) for h in hits[0]][:k]

    def vectors_for(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vector of each given passage id that is present (as FaissStore's)."""
        pks = {}
        for row in ids:
            doc = self.clause_docs.get(clause_id_of(row))
            if doc in self.view.doc_keys:
                pks[primary_key(row, self.view.doc_keys[doc])] = row
        found = self.collection.vectors(list(pks))
        return {pks[pk]: vector for pk, vector in found.items()}

"""The Milvus store on Milvus Lite (an embedded file, no server): dense top-k against brute-force
numpy cosine, document filters, BM25 server-side, and a library built, re-ingested, migrated
from FAISS and shrunk through the same service calls as the FAISS index."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")   # installed with the test extra; the product runs without it

from policyqa.config import Config
from policyqa.errors import IndexMismatch, StoreUnavailable
from policyqa.index.builder import IndexBuilder
from policyqa.index.embedder import HashEmbedder
from policyqa.index.intent import NO_INTENT
from policyqa.index.query import Query
from policyqa.index.milvus_schema import MilvusRow
from policyqa.index.milvus_store import MilvusCollection, MilvusStore, MilvusTarget, MilvusView, connect
from policyqa.index.service import ingest_and_index, load_retriever, remove_and_reindex
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.index.vector_store import FaissStore

DIM = 32
DOCS = ("a.txt", "b.txt", "c.txt", "d.txt")
TEACHERS = "teachers-law.txt"
BEIJING = "beijing-curriculum-reform-plan.txt"
COMPULSORY = "compulsory-education-law.txt"


def _unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _row(i: int, text: str = "") -> MilvusRow:
    doc = DOCS[i % len(DOCS)]
    meta = (("level", "national"), ("kind", "law"), ("region", ""), ("status", "in_force"), ("draft", False))
    return MilvusRow(f"{doc}#{i}", f"{doc}#{i}", doc, f"key-{doc}", f"h{i}", False, text, meta)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """200 random unit rows over four documents in a fresh collection, and 20 queries."""
    rng = np.random.default_rng(5)
    vectors, queries = _unit_rows(rng, 200), _unit_rows(rng, 20)
    uri = str(tmp_path_factory.mktemp("milvus") / "synthetic.db")
    collection = MilvusCollection(connect(uri), "synthetic", uri=uri)
    collection.create("random-32", DIM)
    rows = [_row(i) for i in range(200)]
    collection.insert([r.record(v) for r, v in zip(rows, vectors)])
    view = MilvusView("synthetic", "random-32", DIM, {d: f"key-{d}" for d in DOCS})
    store = MilvusStore(collection, view, {r.clause: r.doc for r in rows})
    return store, rows, vectors, queries


def _brute_force(vectors: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray) -> list[int]:
    scores = vectors.astype(np.float64) @ query.astype(np.float64)
    scores[~allowed] = -np.inf
    return [int(r) for r in np.argsort(-scores)[:k] if np.isfinite(scores[r])]


def test_dense_top_k_equals_brute_force_cosine(synthetic) -> None:
    store, rows, vectors, queries = synthetic
    everything = np.ones(len(rows), dtype=bool)
    for q in queries:
        hits = store.dense_search(q, 10, DOCS)
        expected = _brute_force(vectors, q, 10, everything)
        assert [h[0] for h in hits] == [rows[r].row for r in expected]
        np.testing.assert_allclose([h[1] for h in hits], vectors[expected] @ q, atol=1e-5)


def test_document_filter_ranks_only_those_documents(synthetic) -> None:
    store, rows, vectors, queries = synthetic
    allowed = np.array([r.doc in ("b.txt", "d.txt") for r in rows])
    for q in queries:
        hits = store.dense_search(q, 7, {"b.txt", "d.txt"})
        assert [h[0] for h in hits] == [rows[r].row for r in _brute_force(vectors, q, 7, allowed)]
    assert store.dense_search(queries[0], 5, {"no-such-document.txt"}) == []


def test_vectors_are_read_back_by_passage_id(synthetic) -> None:
    store, rows, vectors, _ = synthetic
    found = store.vectors_for([rows[3].row, rows[150].row, "a.txt#9999"])
    assert set(found) == {rows[3].row, rows[150].row}
    np.testing.assert_allclose(found[rows[150].row], vectors[150], atol=1e-6)


def _query(text: str) -> Query:
    """A question read for BM25 only (its text, and its terms by our tokenizer)."""
    terms = tuple(ChineseTokenizer().load().tokens(text))
    return Query(text, (), NO_INTENT, terms, (), terms)


def test_bm25_on_our_terms_scores_as_our_bm25_index(corpus_dir, tmp_path) -> None:
    from policyqa.index.bm25 import BM25Index
    from policyqa.index.passages import passage_text
    from policyqa.ingest.pipeline import Library

    library = Library(tmp_path / "lib")
    library.add(_files(corpus_dir, tmp_path / "in", TEACHERS, COMPULSORY))
    clauses = [c for d in library.parse_all().documents for c in d.clauses]
    tokenizer = ChineseTokenizer().load()
    terms = [tokenizer.tokens(passage_text(c)) for c in clauses]
    ours = BM25Index().fit([c.id for c in clauses], terms)
    uri = str(tmp_path / "bm25.db")
    collection = MilvusCollection(connect(uri), "terms", uri=uri)
    collection.create("random-32", DIM, "tokens")
    meta = _row(0).meta
    rows = [MilvusRow(c.id, c.id, c.doc, f"key-{c.doc}", c.hash, False, " ".join(t), meta) for c, t in zip(clauses, terms)]
    collection.insert([r.record(v) for r, v in zip(rows, _unit_rows(np.random.default_rng(2), len(rows)))])
    store = MilvusStore(collection, MilvusView("terms", "random-32", DIM, {d: f"key-{d}" for d in (TEACHERS, COMPULSORY)}),
                        {c.id: c.doc for c in clauses}, analyzer="tokens")
    for question in ("教师节是哪一天", "学校能开除学生吗", "义务教育不收学费杂费", "教师的工资待遇和医疗"):
        query = _query(question)
        expected = ours.search(list(query.terms), 10)
        got = store.lexical_search(query, 10, (TEACHERS, COMPULSORY))
        assert [cid for cid, _ in got] == [cid for cid, _ in expected]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-4)


def test_bm25_ranks_clauses_by_their_jieba_terms_within_the_filter(tmp_path) -> None:
    uri = str(tmp_path / "bm25.db")
    collection = MilvusCollection(connect(uri), "words", uri=uri)
    collection.create("random-32", DIM, "jieba")
    texts = ["学校不得开除义务教育阶段的学生", "教师节为每年九月十日", "县管校聘管理改革", "学校应当保障学生休息"]
    rows = [_row(i, t) for i, t in enumerate(texts)]
    window = MilvusRow("a.txt#0@w1", "a.txt#0", "a.txt", "key-a.txt", "h0", True, "", rows[0].meta)
    vectors = _unit_rows(np.random.default_rng(1), 5)
    collection.insert([r.record(v) for r, v in zip([*rows, window], vectors)])
    view = MilvusView("words", "random-32", DIM, {d: f"key-{d}" for d in DOCS})
    store = MilvusStore(collection, view, {r.clause: r.doc for r in rows}, analyzer="jieba")
    assert [h[0] for h in store.lexical_search(_query("开除学生"), 5, DOCS)][0] == "a.txt#0"
    assert store.lexical_search(_query("县管校聘"), 5, DOCS)[0][0] == "c.txt#2"   # the user dictionary keeps it whole
    assert all("@w" not in h[0] for h in store.lexical_search(_query("学生学校"), 5, DOCS))
    assert [h[0] for h in store.lexical_search(_query("学校学生"), 5, {"d.txt"})] == ["d.txt#3"]
    assert store.lexical_search(_query("的"), 5, DOCS) == []   # a stopword alone matches nothing


# --- a library through the service calls -------------------------------------------------------

def _config(tmp_path: Path, name: str, **overrides) -> Config:
    return Config.load(index_dir=tmp_path / name, store="milvus", milvus_uri=str(tmp_path / "lib.db"),
                       milvus_collection="library", **overrides)


def _files(corpus_dir: Path, folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(corpus_dir / n, folder / n)) for n in names]


def _stored_keys(config: Config) -> set[str]:
    collection = MilvusTarget(config.milvus_target, collection=config.milvus_collection).open()
    collection.client.load_collection(collection.name)
    return {r["doc_key"] for r in collection.client.query(collection.name, filter='pk != ""', output_fields=["doc_key"])}


@pytest.fixture
def library(tmp_path, corpus_dir):
    config = _config(tmp_path, "index")
    files = _files(corpus_dir, tmp_path / "in", TEACHERS, BEIJING, COMPULSORY)
    result = ingest_and_index(config, files, embedder=HashEmbedder())
    return config, result, files


def test_a_milvus_library_answers_like_the_faiss_one_on_dense_ranking(library, tmp_path) -> None:
    config, result, files = library
    assert result.report.failures == () and not (config.index_dir / "vectors.faiss").exists()
    faiss = Config.load(index_dir=tmp_path / "faiss")
    ingest_and_index(faiss, files, embedder=HashEmbedder())
    dense_only = {"routes": False, "lexical": False, "reranker": None}
    on_milvus = load_retriever(config, embedder=HashEmbedder(), **dense_only)
    on_faiss = load_retriever(faiss, embedder=HashEmbedder(), **dense_only)
    for question in ("教师节是哪一天", "学校能开除学生吗", "北京的课程改革有哪些行动", "教师的工资待遇"):
        assert [h.clause.id for h in on_milvus.retrieve(question, k=8)] == \
               [h.clause.id for h in on_faiss.retrieve(question, k=8)]


def test_hybrid_routes_and_engine_fusion_run_on_milvus(library) -> None:
    config, _, _ = library
    retriever = load_retriever(config, embedder=HashEmbedder(), reranker=None)
    first = retriever.retrieve("北京方案第5条")[0]
    assert (first.clause.doc, first.clause.number, first.found_by[0]) == (BEIJING, 5, "lookup")
    hits = retriever.retrieve("每年九月十日是什么节日")
    assert hits[0].clause.doc == TEACHERS and "bm25" in hits[0].found_by
    engine = load_retriever(config.with_overrides(milvus_fusion="rrf"), embedder=HashEmbedder(), reranker=None)
    assert engine.engine_fusion == "rrf"
    assert engine.retrieve("每年九月十日是什么节日")[0].clause.doc == TEACHERS


def test_unchanged_reingest_writes_nothing_and_a_changed_document_is_swapped_whole(library, tmp_path) -> None:
    config, first, files = library
    keys_before = MilvusView.load(config.index_dir).doc_keys
    again = ingest_and_index(config, files, embedder=HashEmbedder())
    assert again.build.embedded == 0 and MilvusView.load(config.index_dir).doc_keys == keys_before

    old_reader = load_retriever(config, embedder=HashEmbedder(), reranker=None, routes=False)
    teachers = files[0]
    teachers.write_text(teachers.read_text(encoding="utf-8").replace("每年九月十日为教师节", "每年九月九日为教师节"),
                        encoding="utf-8")
    changed = ingest_and_index(config, [teachers], embedder=HashEmbedder())
    keys_after = MilvusView.load(config.index_dir).doc_keys
    assert 0 < changed.build.embedded <= 3       # the changed article (and its windows) only
    assert keys_after[BEIJING] == keys_before[BEIJING] and keys_after[TEACHERS] != keys_before[TEACHERS]
    assert _stored_keys(config) == set(keys_after.values())   # the old version is gone, whole
    # the reader that loaded the old index sees no half document: the old version vanished whole
    assert all(h.clause.doc != TEACHERS for h in old_reader.retrieve("教师节", k=10))
    new_reader = load_retriever(config, embedder=HashEmbedder(), reranker=None)
    assert "九月九日" in new_reader.retrieve("教师法第六条")[0].clause.text


def test_a_reader_sees_the_old_version_until_the_new_index_is_in_place(library, tmp_path) -> None:
    config, _, files = library
    reader = load_retriever(config, embedder=HashEmbedder(), reranker=None, routes=False)
    before = [h.clause.id for h in reader.retrieve("教师节 九月十日", k=5)]
    teachers = files[0]
    teachers.write_text(teachers.read_text(encoding="utf-8").replace("九月十日", "九月九日"), encoding="utf-8")
    stage = tmp_path / "stage"
    shutil.copytree(config.index_dir, stage)
    from policyqa.ingest.pipeline import Library
    Library(stage).add([teachers])
    report = Library(stage).parse_all()
    clauses = [c for d in report.documents for c in d.clauses]
    IndexBuilder(HashEmbedder(), ChineseTokenizer().load()).build(
        clauses, stage, previous=config.index_dir, milvus=MilvusTarget(config.milvus_target, collection="library"),
        documents=[d.meta for d in report.documents])
    # the new rows are written, but the old index's reader still ranks the old version, whole
    assert [h.clause.id for h in reader.retrieve("教师节 九月十日", k=5)] == before
    assert len(_stored_keys(config)) == 4


def test_removing_a_document_deletes_its_rows(library) -> None:
    config, _, _ = library
    removed_key = MilvusView.load(config.index_dir).doc_keys[BEIJING]
    remove_and_reindex(config, BEIJING, embedder=HashEmbedder())
    keys = MilvusView.load(config.index_dir).doc_keys
    assert BEIJING not in keys and removed_key not in _stored_keys(config)
    retriever = load_retriever(config, embedder=HashEmbedder(), reranker=None)
    assert all(h.clause.doc != BEIJING for h in retriever.retrieve("北京课程教学改革实验校", k=10))


def test_a_collection_built_with_another_model_is_refused_with_the_fix(library) -> None:
    config, _, files = library
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        load_retriever(config, embedder=HashEmbedder(dim=64))
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        ingest_and_index(config.with_overrides(index_dir=config.index_dir.parent / "other"), files,
                         embedder=HashEmbedder(dim=64))
    with pytest.raises(IndexMismatch, match="POLICYQA_MILVUS_ANALYZER=tokens"):
        ingest_and_index(config.with_overrides(milvus_analyzer="jieba"), files, embedder=HashEmbedder())
    rebuilt = ingest_and_index(config, files, embedder=HashEmbedder(dim=64), rebuild=True)
    assert rebuilt.build.reused == 0
    assert load_retriever(config, embedder=HashEmbedder(dim=64), reranker=None).store.dim == 64


def test_an_index_built_for_one_store_names_the_other_store_fix(library) -> None:
    config, _, _ = library
    with pytest.raises(IndexMismatch, match="POLICYQA_STORE=milvus"):
        load_retriever(config.with_overrides(store="faiss"), embedder=HashEmbedder())


def test_a_faiss_index_moves_to_milvus_without_embedding(tmp_path, corpus_dir) -> None:
    faiss = Config.load(index_dir=tmp_path / "index")
    files = _files(corpus_dir, tmp_path / "in", TEACHERS, COMPULSORY)
    ingest_and_index(faiss, files, embedder=HashEmbedder())
    faiss_store = FaissStore.load(faiss.index_dir)
    with pytest.raises(IndexMismatch, match="--store milvus"):
        load_retriever(faiss.with_overrides(store="milvus", milvus_uri=str(tmp_path / "m.db")), embedder=HashEmbedder())
    milvus = faiss.with_overrides(store="milvus", milvus_uri=str(tmp_path / "m.db"))
    moved = ingest_and_index(milvus, files, embedder=HashEmbedder())
    assert moved.build.embedded == 0 and moved.build.reused > 0
    store = load_retriever(milvus, embedder=HashEmbedder(), reranker=None).store
    expected = faiss_store.vectors_for(faiss_store.ids)
    got = store.vectors_for(faiss_store.ids)
    assert set(got) == set(expected)
    for row, vector in expected.items():
        np.testing.assert_allclose(got[row], vector, atol=1e-6)


def test_a_milvus_file_that_cannot_be_opened_is_one_line_naming_the_setting(tmp_path) -> None:
    (tmp_path / "plain-file").write_text("x")
    with pytest.raises(StoreUnavailable, match="POLICYQA_MILVUS_URI") as caught:
        connect(str(tmp_path / "plain-file" / "milvus.db"))
    assert "\n" not in str(caught.value)


def test_a_bad_store_setting_is_one_line_naming_the_choices(monkeypatch) -> None:
    with pytest.raises(ValueError, match="faiss 或 milvus"):
        Config.load(store="chroma")
    with pytest.raises(ValueError, match="ours、rrf、weighted"):
        Config.load(milvus_fusion="max")
    with pytest.raises(ValueError, match="tokens 或 jieba"):
        Config.load(milvus_analyzer="ik")
    monkeypatch.setenv("POLICYQA_STORE", "chroma")   # from the environment, the message names the value too
    with pytest.raises(ValueError, match="收到 chroma"):
        Config.load()

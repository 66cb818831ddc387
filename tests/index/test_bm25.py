"""BM25Index against a hand computation, on corpus lines, and through save/load."""
from math import log
from pathlib import Path

import numpy as np
import pytest

from policyqa.errors import IndexMismatch
from policyqa.index.bm25 import BM25Index
from policyqa.index.tokenize import ChineseTokenizer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

DOCS = {
    "d1": ["学校", "课后服务", "学校"],
    "d2": ["课后服务", "作业"],
    "d3": ["作业", "设计", "作业", "管理"],
}


def _hand_index() -> BM25Index:
    return BM25Index(k1=1.5, b=0.75).fit(list(DOCS), list(DOCS.values()))


def test_scores_equal_hand_computed_okapi_bm25() -> None:
    # N = 3, avgdl = (3 + 2 + 4) / 3 = 3; idf = ln((N − df + 0.5) / (df + 0.5) + 1)
    idf_school = log((3 - 1 + 0.5) / (1 + 0.5) + 1)    # 学校 in d1 only
    idf_homework = log((3 - 2 + 0.5) / (2 + 0.5) + 1)  # 作业 in d2, d3
    d1 = idf_school * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 3 / 3))
    d2 = idf_homework * 1 * 2.5 / (1 + 1.5 * (0.25 + 0.75 * 2 / 3))
    d3 = idf_homework * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 4 / 3))
    hits = dict(_hand_index().search(["学校", "作业", "作业", "未知词"], k=10))
    assert hits.keys() == {"d1", "d2", "d3"}
    assert hits["d1"] == pytest.approx(d1, abs=1e-6)
    assert hits["d2"] == pytest.approx(d2, abs=1e-6)
    assert hits["d3"] == pytest.approx(d3, abs=1e-6)


def test_idf_equals_hand_computed_value_and_is_highest_for_unseen_terms() -> None:
    index = _hand_index()
    assert index.idf("作业") == pytest.approx(log((3 - 2 + 0.5) / (2 + 0.5) + 1), abs=1e-9)
    assert index.idf("未知词") == pytest.approx(log((3 + 0.5) / 0.5 + 1), abs=1e-9)
    assert index.idf("未知词") > index.idf("学校") > index.idf("作业")


def test_only_positive_scores_are_returned_best_first() -> None:
    index = _hand_index()
    hits = index.search(["学校"], k=10)
    assert [h[0] for h in hits] == ["d1"]
    both = index.search(["课后服务", "学校"], k=10)
    assert [h[0] for h in both] == ["d1", "d2"] and both[0][1] > both[1][1] > 0
    assert index.search(["没有"], k=10) == [] and index.search([], k=10) == []
    assert index.search(["作业"], k=1) == index.search(["作业"], k=5)[:1]


def test_allowed_mask_excludes_documents_before_ranking() -> None:
    index = _hand_index()
    allowed = index.mask(["d2", "d1"])
    assert allowed.tolist() == [True, True, False]
    assert [h[0] for h in index.search(["作业"], k=1, allowed=allowed)] == ["d2"]
    with pytest.raises(ValueError, match="allowed"):
        index.search(["作业"], k=1, allowed=np.array([True, False]))


def test_fit_rejects_mismatched_input() -> None:
    with pytest.raises(ValueError):
        BM25Index().fit(["a", "a"], [["x"], ["y"]])
    with pytest.raises(ValueError):
        BM25Index(b=1.5)


@pytest.fixture(scope="module")
def corpus_index() -> tuple[BM25Index, ChineseTokenizer, dict[str, str]]:
    tokenizer = ChineseTokenizer().load()
    lines = {}
    for name in ("basic-education-expansion-quality-opinion-2023.txt",
                 "provincial-compulsory-quality-opinion-draft.txt", "compulsory-education-law.txt"):
        text = (CORPUS / name).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines()):
            if line.strip():
                lines[f"{name}:{number}"] = line
    index = BM25Index().fit(list(lines), [tokenizer.tokens(t) for t in lines.values()])
    return index, tokenizer, lines


def test_corpus_lines_are_found_by_their_domain_terms(corpus_index) -> None:
    index, tokenizer, lines = corpus_index
    for question, term in (("什么是县管校聘？", "县管校聘"), ("公民同招有哪些规定？", "公民同招")):
        top_id, score = index.search(tokenizer.tokens(question), k=1)[0]
        assert term in lines[top_id] and score > 0
    law_only = index.mask(i for i in lines if i.startswith("compulsory-education-law"))
    hits = index.search(tokenizer.tokens("义务教育学校不得分设重点学校"), k=5, allowed=law_only)
    assert hits and all(i.startswith("compulsory-education-law") for i, _ in hits)


def test_save_load_round_trip(tmp_path: Path, corpus_index) -> None:
    index, tokenizer, _ = corpus_index
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    query = tokenizer.tokens("教师交流轮岗")
    assert loaded.ids == index.ids and (loaded.k1, loaded.b) == (index.k1, index.b)
    assert loaded.search(query, 10) == index.search(query, 10)


def test_damaged_or_missing_files_are_refused(tmp_path: Path) -> None:
    _hand_index().save(tmp_path)
    blob = (tmp_path / "bm25.npz").read_bytes()
    (tmp_path / "bm25.npz").write_bytes(blob[:-10])
    for folder in (tmp_path, tmp_path / "absent"):
        with pytest.raises(IndexMismatch, match="policyqa ingest --rebuild") as caught:
            BM25Index.load(folder)
        assert "\n" not in str(caught.value)

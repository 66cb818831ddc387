"""Training groups for the relevance model: each question with the texts that answer it and the
texts our own retriever ranks high that do not (issue 13).

    policyqa relevance data --out FILE [--wild-index DIR] [--library-index DIR]

Three sources, none of them an evaluation set:

- **stard** (``../shared/training/stard/queries.json``): real layperson questions with the statute
  articles a lawyer judged relevant. Negatives are other articles of the pool (every article any
  question cites) that BM25 over jieba tokens and the e5 embedder rank high, one article of the
  same law, and one at random.
- **wild** (``evals/data/relevance/wild_questions.jsonl``, the *train* split only): questions
  written over corpus-wild documents. The positive is the sentence window holding the quote; the
  negatives are windows of the retriever's top clauses that do not hold it, taken only from
  train-split documents so that no dev or test document's text is seen. A near-miss question
  has no positive: the clause it tempts is its hardest negative.
- **library** (``index/data/adaptation.jsonl``, only with ``--library-index``): questions on the
  bundled documents, for the in-library model; never for the leave-documents-out one.

Each line of the output is one group: ``{"source", "question", "positives": [...],
"negatives": [...]}``. The file is written in a fixed order from fixed seeds, so the same inputs
give the same bytes; ``policyqa relevance train`` reads it and records its digest.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policyqa.index.relevance_text import candidate_text, clause_windows

STARD_FILE = Path("training") / "stard" / "queries.json"
WILD_QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "data" / "relevance" / "wild_questions.jsonl"
ADAPTATION = Path(__file__).resolve().parent / "data" / "adaptation.jsonl"
NEGATIVES_PER_QUESTION = 7
SEED = 13
_ARTICLE = re.compile(r"^(?P<law>.*?)(?P<label>第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?)$")


@dataclass(frozen=True)
class Group:
    """One training question and its labelled texts."""

    source: str
    question: str
    positives: tuple[str, ...]
    negatives: tuple[str, ...]

    def to_record(self) -> dict:
        return {"source": self.source, "question": self.question,
                "positives": list(self.positives), "negatives": list(self.negatives)}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _article_text(name: str, text: str) -> str:
    match = _ARTICLE.match(name)
    law, label = (match["law"], match["label"]) if match else (name, "")
    return candidate_text(law, label, text.strip())


def stard_groups(shared: Path, tokenizer, embedder, *, seed: int = SEED) -> list[Group]:
    """Groups from STARD: positives are the cited articles, negatives mined from the article pool."""
    from policyqa.index.bm25 import BM25Index

    rows = json.loads((shared / STARD_FILE).read_text("utf-8"))
    pool: dict[str, str] = {}
    for row in rows:
        for name, text in row["相关法规"].items():
            pool.setdefault(name, text)
    names = sorted(pool)
    laws = {n: (_ARTICLE.match(n)["law"] if _ARTICLE.match(n) else n) for n in names}
    by_law: dict[str, list[str]] = {}
    for n in names:
        by_law.setdefault(laws[n], []).append(n)
    bm25 = BM25Index().fit(names, [tokenizer.tokens(pool[n]) for n in names])
    vectors = embedder.embed_passages([_article_text(n, pool[n]) for n in names])
    questions = [row["问题"] for row in rows]
    qvectors = embedder.embed_queries(questions)
    rng = random.Random(seed)
    groups = []
    for row, question, qv in zip(rows, questions, qvectors):
        gold = set(row["相关法规"])
        lexical = [n for n, _ in bm25.search(tokenizer.tokens(question), 20) if n not in gold]
        dense = [names[i] for i in np.argsort(-(vectors @ qv))[:20] if names[i] not in gold]
        chosen: list[str] = []
        for ranked in (lexical[:3], dense[:3]):
            chosen += [n for n in ranked if n not in chosen]
        same_law = [n for g in sorted(gold) for n in by_law.get(laws[g], []) if n not in gold and n not in chosen]
        if same_law:
            chosen.append(rng.choice(same_law))
        while len(chosen) < NEGATIVES_PER_QUESTION:
            pick = rng.choice(names)
            if pick not in gold and pick not in chosen:
                chosen.append(pick)
        groups.append(Group("stard", question, tuple(_article_text(n, pool[n]) for n in sorted(gold)),
                            tuple(_article_text(n, pool[n]) for n in chosen[:NEGATIVES_PER_QUESTION])))
    return groups


def _window_with(clause, quote: str) -> str | None:
    key = _norm(quote)[:16]
    for window in clause_windows(clause):
        if key in _norm(window):
            return window
    return None


def retrieved_groups(rows: Iterable[dict], retriever, *, source: str, allowed_docs: set[str],
                     doc_of, seed: int = SEED) -> list[Group]:
    """Groups for questions written about a clause of an indexed document (``quote`` inside it).

    ``doc_of(row)`` names the row's document in the index; only clauses of ``allowed_docs`` are
    used as texts. Negatives are windows of the retriever's top clauses that do not hold the
    quote (a repost of the same sentence in another document is not a negative)."""
    rng = random.Random(seed)
    groups = []
    for row in rows:
        doc, key = doc_of(row), _norm(row["quote"])[:16]
        if doc not in allowed_docs:
            continue
        target = next((c for c in retriever.catalog.clauses_of(doc) if key in _norm(c.text)), None)
        if target is None:
            continue
        window = _window_with(target, row["quote"])
        hits = retriever.retrieve(row["question"], k=40)
        negatives: list[str] = []
        if row.get("label") == "near_miss" and window:
            negatives.append(window)
        for hit in hits:
            clause = hit.clause
            if clause.doc not in allowed_docs or key in _norm(clause.text):
                continue
            windows = clause_windows(clause)
            negatives.append(windows[0] if len(windows) == 1 else rng.choice(windows))
            if len(negatives) >= NEGATIVES_PER_QUESTION:
                break
        positives = (window,) if window and row.get("label", "answers") == "answers" else ()
        groups.append(Group(source, row["question"], positives, tuple(dict.fromkeys(negatives))))
    return groups


def wild_groups(retriever, *, seed: int = SEED) -> list[Group]:
    """Groups from the train split of the corpus-wild questions, over an index holding corpus-wild."""
    rows = [json.loads(line) for line in WILD_QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    splits = {r["doc"].split("/", 1)[-1]: r["split"] for r in rows}
    train_docs = {d.doc for d in retriever.catalog.documents if splits.get(d.doc) == "train"}
    return retrieved_groups((r for r in rows if r["split"] == "train"), retriever, source="wild",
                            allowed_docs=train_docs, doc_of=lambda r: r["doc"].split("/", 1)[-1], seed=seed)


def library_groups(retriever, *, seed: int = SEED) -> list[Group]:
    """Groups from the bundled documents' adaptation questions (the in-library model only)."""
    rows = [json.loads(line) for line in ADAPTATION.read_text("utf-8").splitlines() if line.strip()]
    docs = {d.doc for d in retriever.catalog.documents}
    return retrieved_groups(rows, retriever, source="library", allowed_docs=docs,
                            doc_of=lambda r: r["doc"], seed=seed)


def write_groups(groups: Sequence[Group], path: Path) -> str:
    """Write ``groups`` as JSON lines (groups without any text are dropped); returns the sha256."""
    lines = [json.dumps(g.to_record(), ensure_ascii=False) for g in groups if g.positives or g.negatives]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def read_groups(path: Path) -> list[Group]:
    """The groups of a file written by :func:`write_groups`."""
    groups = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            groups.append(Group(r["source"], r["question"], tuple(r["positives"]), tuple(r["negatives"])))
    return groups

"""The two baselines run next to the assistant: BM25 over clauses, and llama-index's defaults.

Both answer with their top passages (see :class:`~policyqa.evals.systems.ExtractiveSystem`), so
they never invent a word: they show what retrieval alone achieves on key facts and citations,
and what it costs in answer length and in never refusing.
"""
from __future__ import annotations

from pathlib import Path

from policyqa.evals.records import CitedText
from policyqa.evals.retrieval_bench import llamaindex_default_system
from policyqa.evals.systems import ExtractiveSystem, Retrieve
from policyqa.index.embedder import Embedder
from policyqa.index.retriever import HybridRetriever

__all__ = ["BM25_NAME", "LLAMAINDEX_NAME", "baseline_systems", "bm25_baseline", "llamaindex_baseline"]

BM25_NAME = "BM25 only (top-5 clauses)"
LLAMAINDEX_NAME = "llama-index defaults (SentenceSplitter 1024, top-5 chunks)"


def bm25_retrieve(retriever: HybridRetriever) -> Retrieve:
    """BM25 over the same clauses as the assistant, without routes or dense retrieval."""
    lexical = HybridRetriever(retriever.catalog, retriever.store, retriever.bm25, retriever.embedder,
                              retriever.tokenizer, routes=False, dense=False)

    def run(question: str, k: int) -> list[CitedText]:
        out = []
        for hit in lexical.retrieve(question, k=k):
            c = hit.clause
            text = c.text if not c.schedule or c.schedule in c.text else f"{c.text}\n{c.schedule}"
            title = retriever.catalog.meta(c.doc).title or c.doc
            out.append(CitedText(0, c.doc, title, c.label, text, hit.score))
        return out
    return run


def bm25_baseline(retriever: HybridRetriever, *, k: int = 5) -> ExtractiveSystem:
    """The BM25-only baseline: the top ``k`` clauses' text, each sentence cited."""
    return ExtractiveSystem(BM25_NAME, bm25_retrieve(retriever), k=k)


def llamaindex_baseline(corpus_dir: Path, embedder: Embedder, *, k: int = 5) -> ExtractiveSystem:
    """The llama-index defaults baseline (SimpleDirectoryReader + SentenceSplitter(1024) + the same
    embedder, as built by the retrieval benchmark); embeds the corpus chunks once, here."""
    system = llamaindex_default_system(Path(corpus_dir), embedder)

    def run(question: str, top: int) -> list[CitedText]:
        # the benchmark's passages carry file name and text only: no title, label or score
        return [CitedText(0, next(iter(p.docs), ""), "", "", p.text) for p in system(question, top)]
    return ExtractiveSystem(LLAMAINDEX_NAME, run, k=k)


def baseline_systems(retriever: HybridRetriever, corpus_dir: Path, *, k: int = 5) -> list[ExtractiveSystem]:
    """Both baselines over the assistant's own index and embedder (the benchmark and the page's
    evaluation tab run the same pair)."""
    return [bm25_baseline(retriever, k=k), llamaindex_baseline(corpus_dir, retriever.embedder, k=k)]

"""The relevance benchmark runs on its bundled data over a real (HashEmbedder) index."""
from __future__ import annotations

from policyqa.evals import relevance_bench


def test_figures_are_shares_over_the_bundled_data(hash_corpus_index):
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import load_retriever

    assistant = relevance_bench.Timed("hash", Assistant(load_retriever(hash_corpus_index, embedder=HashEmbedder()),
                                                        config=hash_corpus_index))
    compliance = relevance_bench.compliance_figures(assistant)
    assert set(compliance) == {"decided: right verdict citing the clause", "undecided: no verdict"}
    assert all(0.0 <= v <= 1.0 for v in compliance.values())
    wild = relevance_bench.wild_figures(assistant, {"dev"})
    assert {label for _, label in wild} == {"answers", "near_miss"}
    assert all(f["n"] > 0 and f["hit@5"] == 0.0 and f["MRR"] == 0.0 for f in wild.values())   # no corpus-wild document here
    assert len(assistant.latencies) == 60 + sum(f["n"] for f in wild.values())

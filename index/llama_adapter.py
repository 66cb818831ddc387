"""llama-index integration: the hybrid retriever as a ``BaseRetriever``, one node per clause.

The one place where clauses become ``TextNode``s. The node text is the clause text as printed
(what a generator quotes); title, label, heading path and schedule travel as metadata, excluded
from the LLM/embedding views except title and label, which a prompt needs to cite.
"""
from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from policyqa.domain import Clause, Filters
from policyqa.index.retriever import HybridRetriever

_HIDDEN = ["doc", "path", "schedule", "kind", "clause_id"]


def clause_to_node(clause: Clause) -> TextNode:
    """A ``TextNode`` for one clause (id = clause id)."""
    return TextNode(
        id_=clause.id, text=clause.text,
        metadata={"title": clause.title, "label": clause.label, "doc": clause.doc,
                  "path": " > ".join(clause.path), "schedule": clause.schedule or "",
                  "kind": clause.kind, "clause_id": clause.id},
        excluded_llm_metadata_keys=list(_HIDDEN), excluded_embed_metadata_keys=list(_HIDDEN),
    )


class ClauseRetriever(BaseRetriever):
    """Use PolicyQA's clause retrieval inside llama-index query engines."""

    def __init__(self, retriever: HybridRetriever, *, k: int | None = None, filters: Filters | None = None) -> None:
        self._hybrid = retriever
        self._k = k
        self._filters = filters
        super().__init__()

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._hybrid.retrieve(query_bundle.query_str, k=self._k, filters=self._filters)
        return [NodeWithScore(node=clause_to_node(h.clause), score=h.score) for h in hits]

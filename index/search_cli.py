"""``policyqa search``: print ranked clauses for a query."""
from __future__ import annotations

import json

from policyqa.config import Config
from policyqa.domain import Filters
from policyqa.index.aliases import DocumentResolver
from policyqa.index.service import load_retriever


def run_search(config: Config, query: str, *, k: int, docs: list[str] | None, as_json: bool) -> int:
    """Retrieve and print; returns the exit code. Raises UnknownDocument for a bad --doc."""
    retriever = load_retriever(config)
    resolver = DocumentResolver(retriever.catalog.documents)
    filters = Filters(docs=tuple(resolver.resolve(d) for d in docs or ()))
    for problem in retriever.missing_references(query):
        print(f"注意：{problem}")
    hits = retriever.retrieve(query, k=k, filters=filters)
    for rank, hit in enumerate(hits, 1):
        c = hit.clause
        if as_json:
            print(json.dumps({"rank": rank, "score": round(hit.score, 5), "id": c.id, "doc": c.doc,
                              "title": c.title, "label": c.label, "path": list(c.path), "text": c.text,
                              "schedule": c.schedule, "found_by": list(hit.found_by)}, ensure_ascii=False))
        else:
            print(f"{rank}. [{hit.score:.4f} {'+'.join(hit.found_by)}] 《{c.title}》 {c.label}  {' > '.join(c.path)}")
            print("   " + c.text.replace("\n", "\n   ")[:400])
    if not hits:
        print("没有找到相关条款。")
    return 0

"""The summary of an ingest, for the command line: one line per document for a small library, a
few grouped lines (copies, versions, reposts, warnings) for a large one."""
from __future__ import annotations

import re
from collections import Counter

from policyqa.domain import ParsedDocument

PER_DOCUMENT_LIMIT = 20
"""Up to this many documents the summary lists each one; above it, it groups."""
_LISTED = 5


def document_line(doc: ParsedDocument) -> str:
    """One line: file, title, clause count, duplicates and warnings of a parsed document."""
    meta = doc.meta
    dups = sum(1 for c in doc.clauses if c.duplicate_of)
    parts = [f"{meta.doc}", f"《{meta.title}》" if meta.title else "（未识别标题）", f"条款 {len(doc.clauses)}"]
    if meta.copy_of:
        parts.append(f"副本（与 {meta.copy_of} 相同，只收录一次）")
    if meta.superseded_by:
        parts.append(f"已被修订（现行版本 {meta.superseded_by}）")
    if dups:
        parts.append(f"重复 {dups}" + (f"（转载自 {meta.repost_of}）" if meta.repost_of else ""))
    if doc.warnings:
        parts.append(f"提示 {len(doc.warnings)}：" + "；".join(doc.warnings[:3]))
    return "  ".join(parts)


def _listed(items: list[str]) -> str:
    shown = "；".join(items[:_LISTED])
    return shown + (f"；等 {len(items)} 项" if len(items) > _LISTED else "")


def library_lines(documents: tuple[ParsedDocument, ...]) -> list[str]:
    """The grouped lines: copies, older versions, reposts, and the warnings counted by kind."""
    lines = []
    copies = [f"{d.meta.doc} = {d.meta.copy_of}" for d in documents if d.meta.copy_of]
    versions = [f"{d.meta.doc} → {d.meta.superseded_by}" for d in documents if d.meta.superseded_by]
    reposts = [f"{d.meta.doc}（转载自 {d.meta.repost_of}）" for d in documents if d.meta.repost_of]
    for label, items in (("副本，只收录一次", copies), ("旧版本，已被修订", versions), ("转载", reposts)):
        if items:
            lines.append(f"{label} {len(items)}：{_listed(items)}")
    kinds: Counter = Counter()
    for doc in documents:
        for warning in doc.warnings:
            kinds[re.split(r"[（“\"：]", re.sub(r"\d+", "N", warning))[0].strip()] += 1
    if kinds:
        with_warnings = sum(1 for d in documents if d.warnings)
        lines.append(f"提示 {sum(kinds.values())} 条（{with_warnings} 份文件）：" +
                     "；".join(f"{k} ×{n}" for k, n in kinds.most_common(_LISTED)))
    return lines


def format_summary(result) -> str:
    """The summary printed after ``policyqa ingest`` (documents, then index figures)."""
    report = result.report
    documents = report.documents
    lines = [document_line(d) for d in documents] if len(documents) <= PER_DOCUMENT_LIMIT else library_lines(documents)
    total = sum(len(d.clauses) for d in documents)
    lines.append(f"共 {len(documents)} 份文件，{total} 条条款；跳过 {len(report.failures)} 份。")
    if getattr(result, "index_note", None):
        lines.append(result.index_note)
    return "\n".join(lines)

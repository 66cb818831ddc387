"""A per-document summary of an ingest, for the command line."""
from __future__ import annotations

from policyqa.domain import ParsedDocument


def document_line(doc: ParsedDocument) -> str:
    """One line: file, title, clause count, duplicates and warnings of a parsed document."""
    meta = doc.meta
    dups = sum(1 for c in doc.clauses if c.duplicate_of)
    parts = [f"{meta.doc}", f"《{meta.title}》" if meta.title else "（未识别标题）", f"条款 {len(doc.clauses)}"]
    if dups:
        parts.append(f"重复 {dups}" + (f"（转载自 {meta.repost_of}）" if meta.repost_of else ""))
    if doc.warnings:
        parts.append(f"提示 {len(doc.warnings)}：" + "；".join(doc.warnings[:3]))
    return "  ".join(parts)


def format_summary(result) -> str:
    """The summary printed after ``policyqa ingest`` (documents, then index figures)."""
    report = result.report
    lines = [document_line(d) for d in report.documents]
    total = sum(len(d.clauses) for d in report.documents)
    lines.append(f"共 {len(report.documents)} 份文件，{total} 条条款；跳过 {len(report.failures)} 份。")
    if getattr(result, "index_note", None):
        lines.append(result.index_note)
    return "\n".join(lines)

"""The library tab's HTML: the documents table and the report of an upload or removal."""
from __future__ import annotations

from pathlib import Path

from policyqa.domain import DocKind, Level
from policyqa.index.service import IngestResult
from policyqa.index.library_view import STATUSES, status_of
from policyqa.ui.html import LEVEL_NAMES, esc

KIND_NAMES = {DocKind.NOTICE.value: "通知", DocKind.PLAN.value: "方案", DocKind.OPINION.value: "意见",
              DocKind.LAW.value: "法律", DocKind.REPOST.value: "转载", DocKind.OTHER.value: "其他"}
_COLUMNS = ("文件", "标题", "文号", "日期", "层级", "地区", "类型", "状态", "条款数")
# a class per column, so a phone shows each row as a card: the title, then level, date and status
_COLUMN_CLASSES = ("doc", "title", "number", "date", "level", "region", "kind", "status", "clauses")


def _row(rec: dict) -> list[str]:
    level = LEVEL_NAMES.get(Level(rec["level"])) if rec.get("level") else None
    title = rec.get("title") or "（无标题）"
    if rec.get("is_draft") and "征求意见稿" not in title:
        title += "（征求意见稿）"
    if rec.get("repost_of"):
        title += f"（转载 {rec['repost_of']}）"
    status = STATUSES[status_of(rec)]
    if rec.get("superseded_by"):
        status += f"（现行：{rec['superseded_by']}）"
    elif rec.get("copy_of"):
        status += f"（见 {rec['copy_of']}）"
    return [rec["doc"], title, rec.get("doc_number") or "—", rec.get("date") or "—", level or "—",
            rec.get("region") or "—", rec.get("legal_form") or KIND_NAMES.get(rec.get("kind") or "other", "其他"), status,
            str(rec.get("clauses", "—"))]


def library_table(records: list[dict], shown: list[dict] | None = None) -> str:
    """The documents of ``documents.jsonl`` (``shown``: those a filter kept, default all) as an
    escaped, horizontally scrollable table."""
    shown = records if shown is None else shown
    head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    body = "".join("<tr>" + "".join(f'<td class="pqa-c-{c}">{esc(v)}</td>' for c, v in zip(_COLUMN_CLASSES, _row(r)))
                   + "</tr>" for r in shown)
    total = sum(int(r.get("clauses") or 0) for r in records)
    count = f"共 {len(records)} 份文件，{total} 条条款" + (f"；显示 {len(shown)} 份" if len(shown) != len(records) else "")
    return (f'<div class="pqa-muted">{count}</div>'
            f'<div class="pqa-table-wrap"><table class="pqa-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def ingest_report(result: IngestResult, uploaded: list[Path]) -> str:
    """What an upload did: one line per uploaded file (added, or skipped and why), then the index."""
    names = {p.name for p in uploaded}
    parsed = {d.meta.doc: d for d in result.report.documents}
    lines = []
    for failure in result.report.failures:
        lines.append(f'<li class="pqa-error">✗ {esc(Path(failure.path).name)}：{esc(failure.reason)}</li>')
    for name in sorted(names & parsed.keys()):
        doc = parsed[name]
        lines.append(f'<li class="pqa-ok">✓ {esc(name)} 《{esc(doc.meta.title or name)}》，'
                     f"{len(doc.clauses)} 条条款</li>")
    return f'<ul class="pqa-report">{"".join(lines)}</ul><div class="pqa-muted">{esc(result.index_note)}</div>'

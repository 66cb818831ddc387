"""``policyqa ask``: print one answer with its citations, or run a batch file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from policyqa.assistant.answer import Answer
from policyqa.assistant.batch import run_batch
from policyqa.assistant.service import Assistant
from policyqa.config import Config
from policyqa.domain import Filters
from policyqa.errors import InvalidQuestion


def format_answer(answer: Answer) -> str:
    """The answer as terminal text: notices, the answer, then each citation with its clause."""
    confidence = [f"把握：{answer.support:.0%}"] if answer.citations and not answer.abstained else []
    lines = [*answer.notices, answer.text, *confidence, ""]
    for c in answer.citations:
        meta = " ".join(x for x in (c.doc_number, c.doc_date) if x)
        lines.append(f"[{c.n}] 《{c.doc_title}》{c.clause.label}  {' > '.join(c.clause.path)}  {meta}".rstrip())
        lines.append("    " + c.clause.text.replace("\n", "\n    ")[:600])
    return "\n".join(lines).rstrip()


def run_ask(config: Config, *, question: str | None, docs: list[str] | None, as_json: bool,
            batch: Path | None, out: Path | None) -> int:
    """Answer and print; returns the exit code. Raises PolicyQAError subclasses for the CLI."""
    if batch is not None:
        if out is None:
            raise InvalidQuestion("--batch 需要同时给出 --out OUT.jsonl")
        if not batch.is_file():
            raise InvalidQuestion(f"找不到批量输入文件 {batch}")
        stats = run_batch(Assistant.load(config), batch, out)
        print(f"已写入 {out}：{stats.lines} 行，作答 {stats.answered}，拒答 {stats.abstained}，出错 {stats.errors}。",
              file=sys.stderr)
        return 0
    if question is None:
        raise InvalidQuestion("请给出问题，例如：policyqa ask \"教师节是哪一天？\"")
    assistant = Assistant.load(config)
    filters = Filters(docs=tuple(assistant.resolve_document(d) for d in docs or ()))
    answer = assistant.ask(question, filters=filters)
    print(json.dumps(answer.to_record(None), ensure_ascii=False) if as_json else format_answer(answer))
    return 0

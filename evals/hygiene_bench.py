"""Answer hygiene: does an answer quote each clause once, lead with the sentence that decides the
question, and quote a document's outline (提纲) only when the question asks how it is organised?

Reads a hygiene set (``evals/data/hygiene_*.jsonl``: ``q``, ``doc``, ``clause``,
``deciding_sentence``, ``asks_structure``) and, optionally, gold sets of the evaluation suite
(``question``) for the two checks that need no annotation. Prints one table row per file::

    python -m policyqa.evals.hygiene_bench evals/data/hygiene_dev.jsonl evals/data/gold.jsonl

Figures (shares of the answered questions of each file):

- ``decider leads``: the answer's first quotation starts with the deciding sentence (hygiene sets);
- ``decider quoted``: the deciding sentence is quoted somewhere in the answer (hygiene sets);
- ``clause twice``: some clause is quoted in two quotations (lower is better);
- ``outline unasked``: an outline line is quoted though the question does not ask for the
  structure (hygiene sets: ``asks_structure`` false; gold sets: not counted);
- ``answer chars``: the mean length of the answers.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from policyqa.assistant.answer import Answer
from policyqa.evals.question_sets import read_jsonl, share, table_header, table_row

_QUOTE_HEAD = re.compile(r"《([^》]+)》([^：“《]{0,30})：“")
_QUOTE = re.compile(r"“([^”]*)”(?:（[^）]*）)?\[(\d+)\]")
_LABEL = re.compile(r"^(第[零〇一二两三四五六七八九十百千]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[（(]\d+[）)])\s*")
_PUNCT = re.compile(r"[\s。；;，,：:、“”\"'（）()]")


def _plain(text: str) -> str:
    """Text without its leading clause label, whitespace and punctuation (for containment tests)."""
    return _PUNCT.sub("", _LABEL.sub("", text.strip()))


@dataclass(frozen=True)
class HygieneItem:
    """One question, with the sentence that decides it when the file says so."""

    question: str
    deciding_sentence: str | None = None
    asks_structure: bool | None = None


def _item(record: dict) -> HygieneItem:
    return HygieneItem(record.get("q") or record["question"], record.get("deciding_sentence"), record.get("asks_structure"))


def load_items(path: Path) -> list[HygieneItem]:
    """The questions of a hygiene set or a gold set; raises ValueError naming the file and line."""
    return read_jsonl(path, _item, "需要一个带 “q” 或 “question” 字段的 JSON 对象")


def quotes_twice(answer: Answer) -> bool:
    """Does the answer quote some clause in two quotations (《title》label：“… twice)?"""
    heads = Counter(_QUOTE_HEAD.findall(answer.text))
    return any(count > 1 for count in heads.values())


def quotes_outline(answer: Answer) -> bool:
    """Does the answer quote a line of a document's outline?"""
    return any(c.clause.kind == "outline" and any(c.supporting) for c in answer.citations)


def decider_position(answer: Answer, sentence: str) -> int | None:
    """The index of the first quotation of ``answer`` that contains ``sentence`` (None: not quoted);
    0 with the sentence at the start of the first quotation."""
    wanted = _plain(sentence)
    for i, (body, _) in enumerate(_QUOTE.findall(answer.text)):
        plain = _plain(body)
        if wanted[:40] in plain:
            return 0 if i == 0 and plain.startswith(wanted[:40]) else i + 1
    return None


def score(answers: list[tuple[HygieneItem, Answer]]) -> dict[str, float]:
    """The figures of the module docstring over the answered questions."""
    answered = [(item, a) for item, a in answers if not a.abstained]
    deciding = [(item, a) for item, a in answered if item.deciding_sentence]
    unasked = [(item, a) for item, a in answered if item.asks_structure is False]
    return {
        "questions": len(answers), "answered": len(answered),
        "decider leads": share(sum(decider_position(a, i.deciding_sentence) == 0 for i, a in deciding), len(deciding)),
        "decider quoted": share(sum(decider_position(a, i.deciding_sentence) is not None for i, a in deciding), len(deciding)),
        "clause twice": share(sum(quotes_twice(a) for _, a in answered), len(answered)),
        "outline unasked": share(sum(quotes_outline(a) for _, a in unasked), len(unasked)),
        "answer chars": round(sum(len(a.text) for _, a in answered) / len(answered)) if answered else 0,
    }


def main(argv: list[str] | None = None) -> int:
    """Ask every question of each file with the configured index and print the figures."""
    parser = argparse.ArgumentParser(description="回答整洁度：每条只引一次、决定性句子在先、未问结构不引提纲")
    parser.add_argument("files", nargs="+", type=Path, help="hygiene 或 gold 题集（JSONL）")
    parser.add_argument("--index", help="索引目录（默认：配置中的索引）")
    args = parser.parse_args(argv)
    from policyqa.assistant.service import Assistant
    from policyqa.config import Config
    assistant = Assistant.load(Config.load(index_dir=args.index))
    columns = ["questions", "answered", "decider leads", "decider quoted", "clause twice", "outline unasked", "answer chars"]
    print(table_header("file", columns))
    for path in args.files:
        try:
            items = load_items(path)
        except (OSError, ValueError) as err:
            print(f"{path}: {err}", file=sys.stderr)
            continue
        figures = score([(item, assistant.ask(item.question)) for item in items])
        print(table_row(path.name, figures, columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

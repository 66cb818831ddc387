"""Follow-up questions in a conversation: is each turn answered from the right clause, refused
when the documents say nothing, given a verdict only when the gold has one, and is the resolved
reading shown?

Reads conversation sets (``evals/data/conversations_*.jsonl``: ``turns`` of ``q``,
``answerable``, ``answers`` (doc, clause), ``verdict``, ``shape``), asks the turns in order with
the earlier turns as history, as the page does, and prints one table row per file::

    python -m policyqa.evals.followup_bench evals/data/conversations_dev.jsonl

Figures over the follow-up turns (every turn but the first):

- ``cited right``: answerable turns that cite one of the gold clauses;
- ``third turn right``: the same over third turns whose question points back with a pronoun
  (这个/这条/它/该 …);
- ``refused``: turns the documents do not answer that are refused;
- ``false refusal``: answerable turns that are refused;
- ``verdict right``: turns with a gold verdict answered with that verdict;
- ``verdict wrong``: turns given a verdict other than the gold one (none when the gold has none);
- ``reading shown``: follow-up turns (not ``first`` or ``topic_change``) whose resolved reading is
  shown (``effective_question``);
- first turns are reported apart (``first cited right``), to tell retrieval from resolution.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from policyqa.assistant.answer import Answer, Turn
from policyqa.evals.question_sets import label_key, read_jsonl, share, table_header, table_row

_PRONOUN = re.compile(r"这个|这条|这项|这些|该|它|其|此|上面|上述")


@dataclass(frozen=True)
class GoldTurn:
    """One turn of a conversation as the gold file states it."""

    question: str
    answerable: bool
    answers: tuple[tuple[str, str], ...]   # (document file, clause label)
    verdict: str | None
    shape: str


def _conversation(record: dict) -> list[GoldTurn]:
    return [GoldTurn(t["q"], bool(t["answerable"]), tuple((a["doc"], a["clause"]) for a in t["answers"]),
                     t.get("verdict"), t.get("shape", "")) for t in record["turns"]]


def load_conversations(path: Path) -> list[list[GoldTurn]]:
    """The conversations of a file; raises ValueError naming the file and line."""
    return read_jsonl(path, _conversation, "需要 turns 列表，每轮含 q、answerable、answers")


def cites_gold(answer: Answer, gold: GoldTurn) -> bool:
    """Does the answer cite one of the gold clauses?"""
    wanted = {(doc, label_key(clause)) for doc, clause in gold.answers}
    return any((c.clause.doc, label_key(c.clause.label)) in wanted for c in answer.citations)


def score(conversations: list[list[tuple[GoldTurn, Answer]]]) -> dict[str, float]:
    """The figures of the module docstring."""
    firsts = [pair for turns in conversations for pair in turns[:1]]
    follow = [pair for turns in conversations for pair in turns[1:]]
    third = [turns[2] for turns in conversations if len(turns) > 2 and turns[2][0].answerable
             and _PRONOUN.search(turns[2][0].question)]
    answerable = [(g, a) for g, a in follow if g.answerable]
    silent = [(g, a) for g, a in follow if not g.answerable]
    with_verdict = [(g, a) for g, a in follow if g.verdict]
    resolved = [(g, a) for g, a in follow if g.shape not in ("first", "topic_change")]
    verdict = lambda a: a.verdict.value if a.verdict is not None else None        # noqa: E731
    return {
        "follow-ups": len(follow),
        "cited right": share(sum(cites_gold(a, g) and not a.abstained for g, a in answerable), len(answerable)),
        "third turn right": share(sum(cites_gold(a, g) and not a.abstained for g, a in third), len(third)),
        "refused": share(sum(a.abstained for _, a in silent), len(silent)),
        "false refusal": share(sum(a.abstained for _, a in answerable), len(answerable)),
        "verdict right": share(sum(verdict(a) == g.verdict for g, a in with_verdict), len(with_verdict)),
        "verdict wrong": share(sum(verdict(a) not in (None, g.verdict) for g, a in follow), len(follow)),
        "reading shown": share(sum(a.effective_question is not None for _, a in resolved), len(resolved)),
        "first cited right": share(sum(cites_gold(a, g) and not a.abstained for g, a in firsts if g.answerable),
                                   sum(g.answerable for g, _ in firsts)),
    }


def converse(assistant, conversation: list[GoldTurn]) -> list[tuple[GoldTurn, Answer]]:
    """Ask the turns in order, each with the earlier turns as history."""
    history: list[Turn] = []
    out = []
    for turn in conversation:
        answer = assistant.ask(turn.question, history=history)
        history.append(Turn(turn.question, answer))
        out.append((turn, answer))
    return out


COLUMNS = ["follow-ups", "cited right", "third turn right", "refused", "false refusal", "verdict right",
           "verdict wrong", "reading shown", "first cited right"]


def main(argv: list[str] | None = None) -> int:
    """Hold every conversation of each file with the configured index and print the figures."""
    parser = argparse.ArgumentParser(description="多轮追问：指代消解后是否引对条款、该拒答时拒答、不跨话题沿用结论")
    parser.add_argument("files", nargs="+", type=Path, help="对话题集（JSONL）")
    parser.add_argument("--index", help="索引目录（默认：配置中的索引）")
    parser.add_argument("--show", action="store_true", help="逐轮打印问题、理解为、引用（只用于开发集）")
    args = parser.parse_args(argv)
    from policyqa.assistant.service import Assistant
    from policyqa.config import Config
    assistant = Assistant.load(Config.load(index_dir=args.index))
    print(table_header("file", COLUMNS))
    for path in args.files:
        try:
            conversations = [converse(assistant, c) for c in load_conversations(path)]
        except (OSError, ValueError) as err:
            print(f"{path}: {err}", file=sys.stderr)
            continue
        if args.show:
            for turns in conversations:
                for gold, answer in turns:
                    cited = ", ".join(f"{c.clause.doc[:14]}:{c.clause.label}" for c in answer.citations[:3])
                    ok = "✓" if cites_gold(answer, gold) else ("∅" if not gold.answerable else "✗")
                    print(f"{ok} [{gold.shape}] {gold.question} → {answer.effective_question or ''} | "
                          f"{'拒答 ' if answer.abstained else ''}{answer.verdict.value if answer.verdict else ''} "
                          f"(gold {gold.verdict}) | {cited} | gold {gold.answers[:1]}", file=sys.stderr)
                print(file=sys.stderr)
        figures = score(conversations)
        print(table_row(path.name, figures, COLUMNS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

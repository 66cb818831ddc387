"""The evaluation run: gold items → each system's answer records → scores → one report.

    report = run_eval(Config.load(), EvalOptions(baselines=True))

Everything is scored from answer records, so live runs and ``--answers FILE`` share one path.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from policyqa.assistant.support import ClaimJudge, SupportJudge
from policyqa.config import Config
from policyqa.errors import PolicyQAError
from policyqa.evals.aggregate import SystemResult
from policyqa.evals.gold import BUNDLED_GOLD, Evidence, GoldItem, load_aliases, load_gold
from policyqa.evals.records import AnswerRecord, CitedText, load_answers
from policyqa.evals.scoring import ItemScore, score_item
from policyqa.evals.systems import AnswerSystem, AssistantSystem, RecordedSystem

__all__ = ["EvalOptions", "EvalReport", "evaluate_system", "quick_subset", "run_eval"]

QUICK_SIZE = 30


@dataclass(frozen=True)
class EvalOptions:
    """What to evaluate: the gold file, optional baselines, a quick subset, recorded answers."""

    gold: Path = BUNDLED_GOLD
    baselines: bool = False
    quick: bool = False
    answers: Path | None = None
    quick_size: int = QUICK_SIZE
    k: int = 5

    def __post_init__(self) -> None:
        if self.quick_size < 1 or self.k < 1:
            raise ValueError(f"quick_size 和 k 须为正整数，收到 {self.quick_size}、{self.k}")


@dataclass(frozen=True)
class EvalReport:
    """The results of one run: every system on the same gold items."""

    gold: str
    item_count: int
    judge: str
    systems: tuple[SystemResult, ...]
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def to_json(self) -> dict:
        """The whole report as JSON (summaries and per-item results with reasons)."""
        return {"gold": self.gold, "items": self.item_count, "judge": self.judge, "created": self.created,
                "systems": [s.to_json() for s in self.systems]}


def quick_subset(items: Sequence[GoldItem], size: int = QUICK_SIZE) -> list[GoldItem]:
    """``size`` items taken in turn from each question type (file order within a type), so a
    small run still covers every type; returned in file order."""
    by_type: dict[str, list[GoldItem]] = {}
    for item in items:
        by_type.setdefault(item.type.value, []).append(item)
    chosen: set[str] = set()
    for depth in range(max(map(len, by_type.values()), default=0)):
        for group in by_type.values():
            if len(chosen) < size and depth < len(group):
                chosen.add(group[depth].id)
    return [i for i in items if i.id in chosen]


def resolve_docs(items: Sequence[GoldItem], aliases: Mapping[str, str]) -> list[GoldItem]:
    """The items with evidence documents renamed from original file names to corpus names."""
    return [replace(i, evidence=tuple(Evidence(aliases.get(e.doc, e.doc), e.quote) for e in i.evidence))
            for i in items]


def _renamed(record: AnswerRecord, aliases: Mapping[str, str]) -> AnswerRecord:
    def fix(c: CitedText) -> CitedText:
        return replace(c, doc=aliases.get(c.doc, c.doc))
    return replace(record, citations=tuple(map(fix, record.citations)), sources=tuple(map(fix, record.sources)))


def evaluate_system(system: AnswerSystem, items: Sequence[GoldItem], judge: ClaimJudge, *,
                    aliases: Mapping[str, str] | None = None, k: int = 5, progress: bool = True) -> SystemResult:
    """Ask ``system`` every item and score the answers; items it cannot answer (no recorded
    answer, or a domain error) are listed as missing."""
    scores: list[ItemScore] = []
    missing: list[str] = []
    for item in tqdm(items, desc=system.name[:40], file=sys.stderr, disable=not progress, leave=False):
        try:
            record = system.answer(item.id, item.question)
        except PolicyQAError:
            record = None
        if record is None:
            missing.append(item.id)
            continue
        scores.append(score_item(item, _renamed(record, aliases or {}), judge, k=k))
    return SystemResult(system.name, tuple(scores), tuple(missing))


def _systems(config: Config, options: EvalOptions) -> list[AnswerSystem]:
    """Recorded answers or the live assistant, then (optionally) the baselines."""
    systems: list[AnswerSystem] = []
    retriever = None
    if options.answers is not None:
        systems.append(RecordedSystem(f"answers: {options.answers.name}", load_answers(options.answers)))
    else:
        from policyqa.assistant.service import Assistant
        assistant = Assistant.load(config)
        retriever = assistant.retriever
        systems.append(AssistantSystem(assistant))
    if options.baselines:
        from policyqa.evals.baselines import baseline_systems
        from policyqa.index.service import load_retriever
        systems += baseline_systems(retriever or load_retriever(config), config.corpus_dir, k=options.k)
    return systems


def run_eval(config: Config, options: EvalOptions, *, judge: ClaimJudge | None = None,
             systems: Sequence[AnswerSystem] | None = None, progress: bool = True) -> EvalReport:
    """Evaluate the systems chosen by ``options`` (or the given ``systems``) on the gold file.

    Raises GoldFormatError / AnswerFormatError for bad input files, and IndexMissing,
    IndexMismatch or ModelUnavailable when a live system cannot load.
    """
    aliases = load_aliases(config.corpus_dir)
    items = resolve_docs(load_gold(options.gold), aliases)
    if options.quick:
        items = quick_subset(items, options.quick_size)
    judge = judge or SupportJudge()
    chosen = list(systems) if systems is not None else _systems(config, options)
    results = tuple(evaluate_system(s, items, judge, aliases=aliases, k=options.k, progress=progress)
                    for s in chosen)
    return EvalReport(str(options.gold), len(items), _describe(judge), results)


def _describe(judge: ClaimJudge) -> str:
    threshold = getattr(judge, "threshold", None)
    return type(judge).__name__ + (f"(threshold={threshold})" if threshold is not None else "")

"""The gold question set: typed items, a strict JSONL loader and a validator against the corpus.

A gold file has one JSON object per line (see ``docs/gold-format.md``). :func:`load_gold` turns it
into :class:`GoldItem` objects or raises :class:`GoldFormatError`; :func:`validate_gold` checks the
items against the corpus files and returns a list of problems (empty when the file is sound).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from policyqa.errors import PolicyQAError
from policyqa.evals.gold_checks import item_problems, load_aliases, read_corpus

__all__ = [
    "BUNDLED_GOLD", "BUNDLED_GOLD_SETS", "BundledGold", "FRESH_GOLD", "GOLD_SETS", "UNANSWERABLE_GOLD", "UNSEEN_GOLD", "Evidence", "GoldFormatError", "GoldItem", "QuestionType", "Role",
    "bundled_gold", "load_aliases", "load_gold", "validate_gold",
]

DATA_DIR = Path(__file__).parent / "data"
BUNDLED_GOLD = DATA_DIR / "gold.jsonl"
"""The gold set shipped with the package (questions over the bundled corpus)."""
FRESH_GOLD = DATA_DIR / "gold_fresh.jsonl"
UNSEEN_GOLD = DATA_DIR / "gold_unseen.jsonl"
"""Two later question sets over the same corpus, written by people who saw neither the code nor the
first set: ``gold_fresh`` (100 questions) was then used to find and fix retrieval failures, so it
is a development set; ``gold_unseen`` (80 questions) was only ever scored, never inspected."""
GOLD_SETS = {"gold": BUNDLED_GOLD, "fresh": FRESH_GOLD, "unseen": UNSEEN_GOLD}
UNANSWERABLE_GOLD = DATA_DIR / "gold_unanswerable.jsonl"
"""40 unanswerable questions written the same way (close to what the documents cover, or about
documents, laws and regions the library lacks): the independent measure of refusal. Not in
``GOLD_SETS``, which the retrieval benchmark reads (unanswerable questions have no evidence)."""


@dataclass(frozen=True)
class BundledGold:
    """A gold set shipped in ``evals/data``: its file stem and, in Chinese, what it is for."""

    name: str
    purpose: str

    @property
    def path(self) -> Path:
        """The JSONL file."""
        return DATA_DIR / f"{self.name}.jsonl"


BUNDLED_GOLD_SETS: tuple[BundledGold, ...] = (
    BundledGold("gold", "开发集：调参时使用，分数偏高"),
    BundledGold("gold_unseen", "未见集：只评分、从未调试，最接近新问题上的表现"),
    BundledGold("gold_fresh", "新题集：曾用于查找并修复检索失误"),
    BundledGold("gold_unanswerable", "不可回答题：专测拒答"),
    BundledGold("gold_s11_dev", "第二批开发集：开发时逐题读过"),
    BundledGold("gold_s11_test", "第二批测试集：留出，只评分"),
    BundledGold("gold_wild_library_dev", "扩充文档库开发集：文档库须含 corpus-wild 的文件"),
    BundledGold("gold_wild_library_test", "扩充文档库测试集：文档库须含 corpus-wild 的文件"),
)
"""Every gold set shipped in ``evals/data``, in the order the evaluation tab offers them."""


def bundled_gold(name: str) -> Path:
    """The file of the bundled set ``name``; raises ValueError listing the valid names."""
    for gold in BUNDLED_GOLD_SETS:
        if gold.name == name:
            return gold.path
    raise ValueError(f"未知的内置题集 “{name}”。可选：{'、'.join(g.name for g in BUNDLED_GOLD_SETS)}")


FIELDS = ("id", "role", "type", "question", "answer", "must_include", "evidence", "answerable")
EVIDENCE_KEYS = ("doc", "quote")


class QuestionType(str, Enum):
    """What a gold question tests."""

    FACT = "fact"
    CLAUSE = "clause"
    LIST = "list"
    COMPLIANCE = "compliance"
    COMPARE = "compare"
    LOCATE = "locate"
    MULTI = "multi"
    PARAPHRASE = "paraphrase"
    UNANSWERABLE = "unanswerable"
    FALSE_PREMISE = "false_premise"

    @classmethod
    def from_str(cls, value: str) -> "QuestionType":
        """Parse a type name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = "、".join(m.value for m in cls)
            raise ValueError(f"未知题型 “{value}”。可选：{valid}") from None


class Role(str, Enum):
    """Who would ask the question."""

    TEACHER = "teacher"
    ADMIN = "admin"
    EVALUATOR = "evaluator"

    @classmethod
    def from_str(cls, value: str) -> "Role":
        """Parse a role name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = "、".join(m.value for m in cls)
            raise ValueError(f"未知角色 “{value}”。可选：{valid}") from None


@dataclass(frozen=True)
class Evidence:
    """An exact passage of one corpus file that supports the reference answer."""

    doc: str
    quote: str


@dataclass(frozen=True)
class GoldItem:
    """One gold question with its reference answer, key strings and evidence."""

    id: str
    role: Role
    type: QuestionType
    question: str
    answer: str
    must_include: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    answerable: bool


class GoldFormatError(PolicyQAError):
    """A gold file line is not valid JSON or a field has the wrong shape."""

    def __init__(self, path: Path, line: int, field: str, reason: str) -> None:
        """``line`` is 1-based; 0 means the whole file (missing or empty)."""
        self.path, self.line, self.field = path, line, field
        where = f" 第 {line} 行，字段 “{field}”" if line else ""
        super().__init__(f"金标文件 {path}{where}：{reason}。格式见 docs/gold-format.md")


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold JSONL file (blank lines skipped).

    Returns the items in file order. Raises :class:`GoldFormatError` naming the file, line and
    field on the first malformed line, or when the file is missing or holds no item.
    """
    path = Path(path)
    if not path.is_file():
        raise GoldFormatError(path, 0, "-", "文件不存在")
    items = [
        _parse_line(path, number, line)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip()
    ]
    if not items:
        raise GoldFormatError(path, 0, "-", "文件中没有任何题目")
    return items


def _parse_line(path: Path, number: int, line: str) -> GoldItem:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise GoldFormatError(path, number, "(JSON)", f"不是合法的 JSON（{err.msg}）") from None
    if not isinstance(record, dict):
        raise GoldFormatError(path, number, "(JSON)", "每行应是一个 JSON 对象")
    missing = [name for name in FIELDS if name not in record]
    if missing:
        raise GoldFormatError(path, number, missing[0], "缺少该字段")

    def text(name: str) -> str:
        value = record[name]
        if not isinstance(value, str) or not value.strip():
            raise GoldFormatError(path, number, name, "应为非空字符串")
        return value

    def enum(name: str, parse: Callable[[str], Enum]) -> Any:
        try:
            return parse(text(name))
        except ValueError as err:
            raise GoldFormatError(path, number, name, str(err)) from None

    strings = record["must_include"]
    if not isinstance(strings, list) or not all(isinstance(s, str) and s for s in strings):
        raise GoldFormatError(path, number, "must_include", "应为非空字符串组成的列表")
    if not isinstance(record["answerable"], bool):
        raise GoldFormatError(path, number, "answerable", "应为 true 或 false")
    return GoldItem(
        id=text("id"), role=enum("role", Role.from_str), type=enum("type", QuestionType.from_str),
        question=text("question"), answer=text("answer"), must_include=tuple(strings),
        evidence=_parse_evidence(path, number, record["evidence"]), answerable=record["answerable"],
    )


def _parse_evidence(path: Path, number: int, value: object) -> tuple[Evidence, ...]:
    if not isinstance(value, list):
        raise GoldFormatError(path, number, "evidence", "应为列表")
    parsed = []
    for entry in value:
        well_formed = isinstance(entry, dict) and all(
            isinstance(entry.get(key), str) for key in EVIDENCE_KEYS
        )
        if not well_formed:
            reason = '每条证据应为 {"doc": 文件名, "quote": 原文}'
            raise GoldFormatError(path, number, "evidence", reason)
        parsed.append(Evidence(doc=entry["doc"], quote=entry["quote"]))
    return tuple(parsed)


def validate_gold(
    items: Sequence[GoldItem], corpus_dir: Path, aliases: Mapping[str, str] | None = None
) -> list[str]:
    """Check gold items against the ``.txt`` files of ``corpus_dir``.

    ``aliases`` maps other file names (e.g. the original crawl names) to corpus file names; when
    None it is read from ``corpus_dir/PROVENANCE.md`` if that file exists. Returns one message per
    problem: duplicate ids, unknown docs, quotes that are not exact one-line substrings of their
    file or are outside 12–40 characters, answerable items without evidence or key strings, key
    strings found in no evidence file, unanswerable items carrying evidence or key strings. Raises
    nothing for bad items.
    """
    corpus = read_corpus(Path(corpus_dir))
    resolved = dict(load_aliases(Path(corpus_dir)) if aliases is None else aliases)
    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            problems.append(f"{item.id}：题号重复")
        seen.add(item.id)
        problems.extend(item_problems(item, corpus, resolved))
    return problems

"""Typed domain objects passed between the stages (ingest → index → assistant → ui/evals)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Level(str, Enum):
    """Administrative level of the issuing body."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    DISTRICT = "district"      # 区、县、旗

    @classmethod
    def from_str(cls, value: str) -> "Level":
        """Parse a level name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = "、".join(m.value for m in cls)
            raise ValueError(f"未知层级 “{value}”。可选：{valid}") from None


class DocKind(str, Enum):
    """What sort of document a text is."""

    NOTICE = "notice"      # 通知 (often covering a plan)
    PLAN = "plan"          # 方案 / 行动计划
    OPINION = "opinion"    # 意见 / 实施意见
    LAW = "law"            # 法 / 条例 / 规定 with 第X条
    REPOST = "repost"      # a news page reposting another document
    OTHER = "other"

    @classmethod
    def from_str(cls, value: str) -> "DocKind":
        """Parse a kind name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = "、".join(m.value for m in cls)
            raise ValueError(f"未知文件类型 “{value}”。可选：{valid}") from None


@dataclass(frozen=True)
class SourceDocument:
    """The cleaned text of one file, before clause parsing.

    ``name`` is the file name (no folders) and identifies the document everywhere.
    ``lines`` are the cleaned, non-empty lines of the document in order.
    """

    name: str
    lines: tuple[str, ...]
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()
    web_page: bool = False     # web-page chrome was found and removed: likely a repost

    @property
    def text(self) -> str:
        """The cleaned text, one line per paragraph."""
        return "\n".join(self.lines)


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata read from a document's own text; a field is None when the text does not say."""

    doc: str
    title: str | None
    issuers: tuple[str, ...] = ()
    doc_number: str | None = None        # 文号, e.g. 教材厅函〔2023〕3号
    date: str | None = None              # ISO date of signature / publication
    level: Level | None = None
    is_draft: bool = False               # 征求意见稿
    kind: DocKind = DocKind.OTHER
    adopted: str | None = None           # laws: date first adopted (ISO)
    amended: tuple[str, ...] = ()        # laws: amendment dates (ISO)
    region: str | None = None            # 北京市, a province name …
    repost_of: str | None = None         # doc name of the original, for reposts
    copy_of: str | None = None           # the same document in another file: ingested once, there
    superseded_by: str | None = None     # laws: the newer version in force (this one 已被修订)
    legal_form: str | None = None        # texts with articles: 法律, 行政法规, 地方性法规, 规章, 规范性文件


@dataclass(frozen=True)
class Clause:
    """One citable unit: a numbered item, an article, a heading's intro paragraph, or the preamble.

    ``label`` is how a reader cites it (``二、（一）2.`` or ``第四十一条``); ``path`` holds the
    headings above it with their titles, outermost first, ending with this clause's own heading.
    """

    id: str
    doc: str
    title: str
    label: str
    path: tuple[str, ...]
    text: str
    schedule: str | None
    hash: str
    ordinal: int                          # position in the document, 0-based
    number: int | None = None             # the item/article number when the clause has one
    kind: str = "item"                    # item | article | intro | preamble | heading | signature
    duplicate_of: str | None = None

    def to_record(self) -> dict:
        """The clause as a JSON-ready dict (the ``clauses.jsonl`` line)."""
        return {
            "id": self.id, "doc": self.doc, "title": self.title, "label": self.label,
            "path": list(self.path), "text": self.text, "schedule": self.schedule,
            "duplicate_of": self.duplicate_of, "hash": self.hash, "ordinal": self.ordinal,
            "number": self.number, "kind": self.kind,
        }

    @classmethod
    def from_record(cls, rec: dict) -> "Clause":
        """Inverse of :meth:`to_record`."""
        return cls(
            id=rec["id"], doc=rec["doc"], title=rec["title"], label=rec["label"],
            path=tuple(rec["path"]), text=rec["text"], schedule=rec.get("schedule"),
            hash=rec["hash"], ordinal=rec["ordinal"], number=rec.get("number"),
            kind=rec.get("kind", "item"), duplicate_of=rec.get("duplicate_of"),
        )


@dataclass(frozen=True)
class ParsedDocument:
    """A document after ingest: its metadata, its clauses and what went wrong on the way."""

    meta: DocumentMeta
    clauses: tuple[Clause, ...]
    source: SourceDocument
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Hit:
    """A clause found for a query, with its fused score and how it was found.

    ``found_by`` names the routes (lookup, header, outline, section, dense, bm25, followup);
    ``alternates`` are ids of reposted copies of the same clause, kept as alternate sources;
    ``relevance`` the relevance model's probability that the clause answers the question (None
    when no model read it).
    """

    clause: Clause
    score: float
    found_by: tuple[str, ...] = ()
    alternates: tuple[str, ...] = ()
    relevance: float | None = None


@dataclass(frozen=True)
class Filters:
    """Metadata filters applied before ranking; empty tuples mean no restriction."""

    docs: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    kinds: tuple[DocKind, ...] = ()
    include_drafts: bool = True

    def admits(self, meta: DocumentMeta) -> bool:
        """Does a document pass these filters?"""
        return (
            (not self.docs or meta.doc in self.docs)
            and (not self.levels or meta.level in self.levels)
            and (not self.kinds or meta.kind in self.kinds)
            and (self.include_drafts or not meta.is_draft)
        )

"""The main content of a saved web page as lines: one line per block element, chrome left out.

Scripts, styles, navigation, page header/footer and side bars are removed; the content is the
largest ``<article>`` (or ``<main>``), else the deepest element holding most of the prose. A page
``<h1>`` outside that element is kept as the first line (it is usually the document title).
A table row gives one line with its non-empty cells joined by `` | ``; a row with one non-empty
cell (a layout table) gives that cell's own lines, as in the .docx reader.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from policyqa.ingest.text_decoding import DecodedText, decode_text

_DROPPED = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg",
            "button", "select", "head")
# A page's <header>/<footer> is chrome; an article's own header holds its title (its footer's
# chrome, such as “责任编辑”, is left to the shared clean-up).
_PAGE_PARTS = ("header", "footer")
_DROPPED_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
           "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tbody", "thead", "tfoot",
           "tr", "center", "address", "figure", "figcaption", "hr"}
_CONTENT_SHARE = 0.8  # the content element holds at least this share of the page's prose
_CELL_SEPARATOR = " | "
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# GB2312/GBK pages routinely use characters only GB18030 (their superset) names correctly.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def decode_html(data: bytes) -> DecodedText:
    """Decode page bytes by their ``<meta charset>`` when it works, else as plain text would be."""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        encoding = _SUPERSETS.get(name, name)
        try:
            return DecodedText(data.decode(encoding), encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def html_lines(markup: str) -> list[str]:
    """The content lines of a page (raw: the shared clean-up still runs on them)."""
    soup = BeautifulSoup(markup, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROPPED):
        _drop(tag)
    for tag in soup.find_all(_PAGE_PARTS):
        if tag.find_parent(("article", "main")) is None:
            _drop(tag)
    for tag in soup.find_all(attrs={"role": True}):
        if str(tag.get("role", "")).lower() in _DROPPED_ROLES:
            _drop(tag)
    content = _main_content(soup)
    lines = _block_lines(content)
    title = _outside_title(soup, content)
    return ([title] if title and title not in lines[:3] else []) + lines


def _drop(tag: Tag) -> None:
    if not tag.decomposed:
        tag.decompose()


def _main_content(soup: BeautifulSoup) -> Tag:
    """The largest <article>/<main>; else the deepest container holding most of the page's prose.

    Prose is text outside links, so menus and lists of related links weigh nothing. The descent
    stops above paragraph-level elements, so a long paragraph never leaves its signature behind.
    """
    for name in ("article", "main"):
        found = soup.find_all(name)
        if found:
            return max(found, key=lambda tag: len(tag.get_text(strip=True)))
    weights: dict[int, int] = {}
    for text in soup.find_all(string=True):
        if text.find_parent("a") is None:
            for parent in text.parents:
                weights[id(parent)] = weights.get(id(parent), 0) + len(text.strip())
    node: Tag = soup.body or soup
    total = weights.get(id(node), 0)
    while total:
        heavy = [child for child in node.find_all(True, recursive=False)
                 if weights.get(id(child), 0) >= _CONTENT_SHARE * total and _is_container(child)]
        if not heavy:
            return node
        node = heavy[0]
    return node


def _is_container(tag: Tag) -> bool:
    """A layout element worth descending into: table parts, or anything holding block elements."""
    return tag.name in _TABLE_PARTS or tag.find(_BLOCKS) is not None


def _outside_title(soup: BeautifulSoup, content: Tag) -> str | None:
    h1 = soup.find("h1")
    if h1 is None or content in h1.parents or h1 in content.descendants:
        return None
    return h1.get_text(" ", strip=True) or None


def _block_lines(root: Tag) -> list[str]:
    collector = _LineCollector()
    collector.walk(root)
    collector.flush()
    return collector.lines


class _LineCollector:
    """Gathers inline text into the current line and ends the line at every block boundary."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self._buffer)).strip()
        if text:
            self.lines.append(text)
        self._buffer.clear()

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                self._buffer.append(str(child))
            elif child.name == "br" or child.name in _BLOCKS:
                self.flush()
                self._block(child)
                self.flush()
            else:
                self.walk(child)

    def _block(self, tag: Tag) -> None:
        if tag.name == "tr":
            cells = [c for c in tag.find_all(["td", "th"], recursive=False) if c.get_text(strip=True)]
            if len(cells) == 1:  # a layout table: the cell's own lines
                self.walk(cells[0])
            else:
                self._buffer.append(_CELL_SEPARATOR.join(c.get_text(" ", strip=True) for c in cells))
        elif tag.name == "pre":
            self.lines.extend(tag.get_text().splitlines())
        elif tag.name != "br":
            self.walk(tag)

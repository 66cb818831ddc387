"""Generic patterns for the chrome of a saved web page (not keyed to any one site or file).

Each pattern is anchored on a word that a policy sentence does not use in that position
(“首页 》”, “浏览次数：”, “【打印】”, “本文由…编辑整理”, “版权所有” …) and, where a phrase could
also occur in prose, limited to short lines without sentence punctuation.
"""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[。；]")

# "标题 - 栏目 - 网站名" / "标题_栏目_网站名": a headline (≥ 8 characters, so a table row of short
# cells is not taken for one) and two trailing separated segments without punctuation.
_SEP = r"(?:\s+[-–—|｜]\s*|\s*[-–—|｜]\s+|\s*_\s*)"
_SEGMENT = r"[^\s。；，,、:：|｜_]"
_SITE_TITLE = re.compile(rf"^(?P<headline>.+?){_SEP}{_SEGMENT}{{2,20}}{_SEP}{_SEGMENT}{{2,30}}$")
# "标题 - 某某门户网站": one trailing segment that names a site.
_SITE_NAME = re.compile(rf"^(?P<headline>.+?){_SEP}{_SEGMENT}{{0,28}}(?:网|网站|官网|公司|频道|平台)$")
_MIN_HEADLINE = 8
SITE_TITLE_ZONE = 5  # a page title is among the first lines of a saved page

_BREADCRUMB = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|所在位置|当前页面)\s*[:：]"
    r"|(?<!《)(?:网站首页|首页|主页)\s*[》»>›/→]"
)
_VIEW_COUNTER = re.compile(r"(?:浏览|阅读|点击|访问)(?:次数|量|数|人次)\s*(?:[:：]|\d)")
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
# "2024-08-14 | 822|": a date (and time), then a bare counter between bars.
_DATE_BAR = re.compile(rf"^{_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*[|｜]\s*\d+\s*[|｜]?$")

_SHARE_PRINT = re.compile(
    r"[【\[]\s*(?:打印|关闭|关闭窗口|打印本页|收藏|返回顶部|字体|字号)[^】\]]{0,12}[】\]]"
    r"|^(?:分享到|分享至|扫一扫|打印本页|关闭窗口|返回顶部|返回列表|收藏本页|字号\s*[:：]?\s*大)"
)

_REPOST_NOTE = re.compile(r"^本文(?:由|来源|转载|转自|来自|摘自).*(?:编辑|整理|转载|转自|来源|来自|摘自|原创)")
_STAFF = re.compile(
    r"^(?:责任编辑|责编|编辑|审核|校对|初审|复审|终审|撰稿|供稿|作者|摄影|通讯员)\s*[:：]"
)
_COPYRIGHT_START = re.compile(r"^(?:版权所有|版权声明|免责声明|copyright|©)", re.IGNORECASE)
_COPYRIGHT_ANY = re.compile(r"版权所有|ICP备\s*\d+|©|copyright", re.IGNORECASE)
_PREV_NEXT = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上一页|下一页)(?:\s*[:：]|\s+|$)")
_SOURCE = re.compile(r"^(?:文章|信息|文件|新闻|稿件)?来源\s*[:：]")


# The lines a legal database stamps on an exported text: a citation code (北大法宝【法宝引证码】
# CLI.12.1201081: a short name, a bracketed label, a Latin code with dots or dashes) and a link
# back to the original (原文链接：https://…).
_CITATION_CODE = re.compile(r"^[\u4e00-\u9fffA-Za-z]{0,12}\s*[【\[][^】\]]{1,12}[】\]]\s*[A-Z]{2,8}[.\-][0-9A-Z.\-]*\d$")
_LINK_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}(?:链接|网址|地址|URL|url)\s*[:：]\s*)?https?://\S+$")


def is_export_chrome(line: str) -> bool:
    """A line an export adds to a document rather than the document's text: a database citation
    code or a link back to the original (anywhere in the file)."""
    return bool(_CITATION_CODE.match(line) or _LINK_LINE.match(line))


def _short_plain(line: str, limit: int) -> bool:
    """True for a line of at most ``limit`` characters with no 。/； inside it."""
    return len(line) <= limit and not _SENTENCE_END.search(line.rstrip("。"))


def is_site_title(line: str) -> bool:
    """A page-title line such as “… - 教育资讯 - 某某公司” or “…_新闻中心_某某网”.

    Only meaningful near the top of a page: see :func:`is_web_chrome`.
    """
    if line.endswith(("。", "；")):
        return False
    match = _SITE_TITLE.match(line) or _SITE_NAME.match(line)
    return match is not None and len(re.sub(r"\s", "", match.group("headline"))) >= _MIN_HEADLINE


def is_breadcrumb(line: str) -> bool:
    """A navigation trail such as “首页 》 新闻资讯 》 …” or “当前位置：…”."""
    return _short_plain(line, 100) and bool(_BREADCRUMB.search(line))


def is_meta_bar(line: str) -> bool:
    """A date/view-count bar such as “2024-08-14 | 822|” or “发布时间：… 浏览次数：12”."""
    return bool(_DATE_BAR.match(line)) or (_short_plain(line, 100) and bool(_VIEW_COUNTER.search(line)))


def is_share_bar(line: str) -> bool:
    """A share/print/close bar such as “【打印】【关闭】” or “分享到：微信 微博”."""
    return _short_plain(line, 80) and bool(_SHARE_PRINT.search(line))


def is_footer(line: str) -> bool:
    """A page footer: “本文由…编辑整理”, “责任编辑：…”, “版权所有”, “上一篇：…”, “来源：…”."""
    if _REPOST_NOTE.match(line) or _COPYRIGHT_START.match(line):
        return True
    if _short_plain(line, 100) and (_COPYRIGHT_ANY.search(line) or _PREV_NEXT.match(line)):
        return True
    return _short_plain(line, 60) and bool(_STAFF.match(line) or _SOURCE.match(line))


def is_web_chrome(line: str, *, near_top: bool = False) -> bool:
    """True when a cleaned line is web-page chrome rather than document text.

    ``near_top`` says the line is among the first :data:`SITE_TITLE_ZONE` lines, the only place
    where a page-title line is looked for.
    """
    if near_top and is_site_title(line):
        return True
    return any(check(line) for check in (is_breadcrumb, is_meta_bar, is_share_bar, is_footer))

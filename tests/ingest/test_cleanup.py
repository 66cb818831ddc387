"""Line clean-up and web-chrome removal, on the bundled corpus and on generated text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyqa.ingest.cleanup import (
    clean_lines,
    drop_empty,
    normalise_line_endings,
    remove_bookmarks,
    remove_web_chrome,
    split_lines,
    strip_invisible,
)
from policyqa.ingest.web_chrome import (
    is_breadcrumb,
    is_footer,
    is_meta_bar,
    is_share_bar,
    is_site_title,
    is_web_chrome,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REPOST = "beijing-plan-news-repost.txt"
OTHER_FILES = sorted(p.name for p in CORPUS.glob("*.txt") if p.name != REPOST)


def corpus_lines(name: str) -> list[str]:
    return (CORPUS / name).read_text(encoding="utf-8").splitlines()


# --- the small steps -------------------------------------------------------------------------

def test_split_lines_handles_every_line_ending():
    assert split_lines("一\r\n二\r三\n四\u2028五") == ["一", "二", "三", "四", "五"]


def test_normalise_line_endings_resplits_lines_with_breaks_inside():
    assert normalise_line_endings(["甲\r\n乙", "丙", ""]) == ["甲", "乙", "丙", ""]


def test_remove_bookmarks_anywhere_in_a_line():
    lines = ["[bookmark: _GoBack]教育部办公厅", "各地[bookmark: id_1]要", "[bookmark: x]"]
    assert remove_bookmarks(lines) == ["教育部办公厅", "各地要", ""]


def test_strip_invisible_removes_edge_spaces_and_zero_width_chars():
    lines = ["\u3000\u3000一、总体要求", "\u00a0\t第一条\u200b 为了\u200d", "\ufeff标题\u3000", "中 间"]
    assert strip_invisible(lines) == ["一、总体要求", "第一条 为了", "标题", "中 间"]


def test_drop_empty_keeps_order():
    assert drop_empty(["甲", "", "乙", ""]) == ["甲", "乙"]


# --- web chrome patterns -----------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "关注 | 启动数字化赋能等六大行动!北京市深化基础教育课程教学改革实施方案印发 - 教育资讯 - 青岛正日软件有限公司",
    "关于印发义务教育课程方案的通知_政策法规_某某市教育网",
    "教育部关于实施基础教育扩优提质行动计划的意见 - 中华人民共和国教育部政府门户网站",
])
def test_site_title_lines(line):
    assert is_site_title(line)
    assert is_web_chrome(line, near_top=True)
    assert not is_web_chrome(line, near_top=False)


@pytest.mark.parametrize("line", [
    "序号 | 任务 | 责任单位",
    "1 | 完善课程体系 | 市教委",
    "（2024年8月部署安排，至2027年持续推进）",
    "北京市深化基础教育课程教学改革实施方案",
])
def test_not_site_titles(line):
    assert not is_site_title(line)


@pytest.mark.parametrize("line", [
    "教育资讯 首页  》  新闻资讯  》  教育资讯",
    "当前位置：首页 > 政务公开 > 通知公告",
    "您现在的位置: 网站首页 » 政策文件",
])
def test_breadcrumbs(line):
    assert is_breadcrumb(line)


def test_book_title_mark_is_not_a_breadcrumb():
    assert not is_breadcrumb("认真学习《首页》》等栏目内容")
    assert not is_breadcrumb("落实《义务教育课程方案》和课程标准")


@pytest.mark.parametrize("line", [
    "2024-08-14 | 822|",
    "2023-05-09 10:21 ｜ 1536",
    "发布时间：2024-08-14  来源：北京市教委  浏览次数：822",
    "阅读量：1.2万",
    "点击数:35",
])
def test_meta_bars(line):
    assert is_meta_bar(line)


@pytest.mark.parametrize("line", [
    "2023年7月26日",
    "2024-08-14",
    "学生课外阅读量逐年提高",
    "2024-09-01 | 2025-06-30",
])
def test_not_meta_bars(line):
    assert not is_meta_bar(line)


@pytest.mark.parametrize("line", ["【打印】【关闭】", "【字体：大 中 小】【打印本页】", "分享到：微信 微博 QQ空间", "[打印] [关闭窗口]"])
def test_share_bars(line):
    assert is_share_bar(line)


@pytest.mark.parametrize("line", [
    "本文由教育信息化资讯(ID:gxxxhzx)编辑整理,参考北京日报相关报道,文件来源:北京市教育委员会。",
    "版权声明:以上图文,贵在分享,版权归原作者及原出处所有。如涉及侵权,请权利方及时与我们联系。",
    "北京市教育委员会 版权所有 京ICP备05082965号",
    "责任编辑：张三",
    "上一篇：关于开展2024年暑期安全教育的通知",
    "来源：北京日报",
])
def test_footers(line):
    assert is_footer(line)


@pytest.mark.parametrize("line", [
    "第二十四条 学校应当建立、健全安全制度和应急机制，对学生进行安全教育。",
    "本办法由教育部负责解释。",
    "编辑出版教材应当经过审定。",
    "拓宽经费来源渠道，加大投入力度。",
    "作者享有著作权。",
])
def test_policy_sentences_are_not_footers(line):
    assert not is_web_chrome(line, near_top=True)


# --- the corpus ------------------------------------------------------------------------------

def test_repost_chrome_is_removed_and_its_items_survive():
    raw = corpus_lines(REPOST)
    result = clean_lines(raw)
    text = "\n".join(result.lines)
    for chrome in ("青岛正日软件有限公司", "首页  》", "2024-08-14 | 822|", "编辑整理", "版权声明"):
        assert chrome not in text
    items = [line for line in drop_empty(strip_invisible(raw)) if re.match(r"\d{1,2}\.", line)]
    assert sorted({int(line.split(".")[0]) for line in items}) == list(range(1, 22))
    assert all(item in result.lines for item in items)
    assert result.lines[0].startswith("关注 | 启动数字化赋能等六大行动")
    assert result.warnings == ("删去 5 行网页杂项（网页标题、导航、浏览量、版权声明等）",)


@pytest.mark.parametrize("name", OTHER_FILES)
def test_other_corpus_files_lose_only_artefacts(name):
    raw = corpus_lines(name)
    result = clean_lines(raw)
    non_empty = [line for line in raw if line.strip()]
    assert len(result.lines) == len(non_empty)
    assert result.warnings == ()
    for before, after in zip(non_empty, result.lines):
        assert after == re.sub(r"\[bookmark:[^\]]*\]", "", before).strip()


def test_bookmark_line_of_the_national_plan_is_fixed():
    first = clean_lines(corpus_lines("national-curriculum-reform-plan-2023.txt")).lines[0]
    assert first.startswith("教育部办公厅关于印发《基础教育课程教学")


# --- properties ------------------------------------------------------------------------------

_CORPUS_CHARS = sorted({ch for p in CORPUS.glob("*.txt") for ch in p.read_text(encoding="utf-8")
                        if "\u4e00" <= ch <= "\u9fff"})
_PUNCT = list("，。；：、！？（）《》“”|｜-_ :：》>/»1234567890【】")
# Every chrome pattern needs one of these words or separators; a line with none of them is prose.
_TRIGGERS = re.compile(
    r"首页|主页|位置|当前页面|浏览|阅读|点击|访问|打印|关闭|收藏|返回|字号|字体|分享|扫一扫|本文|编辑|责编|审核|"
    r"校对|初审|复审|终审|撰稿|供稿|作者|摄影|通讯员|版权|免责|copyright|©|ICP|来源|上一|下一|[|｜_]|\s[-–—]|[-–—]\s",
    re.IGNORECASE,
)
policy_like = st.text(alphabet=st.sampled_from(_CORPUS_CHARS + _PUNCT), min_size=1, max_size=60)


def _cjk_count(line: str) -> int:
    return sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), policy_like), max_size=12))
def test_cleanup_keeps_order_and_every_long_line_without_chrome_words(lines):
    result = clean_lines(lines)
    normalised = drop_empty(strip_invisible(remove_bookmarks(normalise_line_endings(lines))))
    kept = iter(normalised)
    assert all(any(line == candidate for candidate in kept) for line in result.lines)  # a subsequence
    for line in normalised:
        if _cjk_count(line) >= 8 and not _TRIGGERS.search(line):
            assert line in result.lines


_CHROME_SAMPLES = [
    "首页 》 新闻中心 》 通知公告", "当前位置：首页 > 政策法规", "2024-08-14 | 822|", "浏览次数：1024",
    "【打印】【关闭】", "分享到：微信 微博", "责任编辑：李四", "版权所有 © 某某网站", "上一篇：关于做好招生工作的通知",
    "本文由某某公众号编辑整理。", "来源：某某日报",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(OTHER_FILES), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(_CHROME_SAMPLES)),
                                               max_size=6))
def test_inserted_chrome_is_removed_and_nothing_else(name, insertions):
    original = list(clean_lines(corpus_lines(name)).lines)
    mixed = list(original)
    for position, chrome in insertions:
        mixed.insert(position % (len(mixed) + 1), chrome)
    assert list(remove_web_chrome(mixed)) == original

"""Property: the layout reader never crashes and never loses a line of text."""
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from policyqa.ingest.clauses import ClauseBuilder
from policyqa.ingest.layout import LayoutReader

_TOKENS = [
    "一、总体要求", "（一）指导思想", "（二）基本原则。坚持", "1.加强课程建设。各地要", "6. 推进创新教育", "（1）细化",
    "第一条 为了保障", "第二条 国家实行", "第三条", "第一章 总则", "第二节 学校", "（一）适龄儿童",
    "（2024年8月部署安排，至2027年持续推进）", "附件", "教育部办公厅关于印发《基础教育课程教学", "改革深化行动方案》的通知",
    "教材厅函〔2023〕3号", "各省、自治区、直辖市教育厅：", "教育部", "2023年5月9日", "↓ 文件全文 ↓", "目录", "实施方案",
    "1986年4月12日 第六届全国人民代表大会第四次会议通过",
]
# cleaned lines never hold line breaks or control characters (the readers guarantee it)
_free_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
_line = st.one_of(st.sampled_from(_TOKENS), _free_text).map(str.strip).filter(lambda s: s and len(s.splitlines()) == 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(_line, max_size=40))
def test_every_line_ends_up_in_a_clause_header_schedule_or_skip_list(lines):
    layout = LayoutReader().read(lines)
    clauses = ClauseBuilder().build("doc.txt", "标题", layout)
    covered = Counter()
    for clause in clauses:
        if clause.kind == "outline":
            continue
        covered.update(clause.text.split("\n"))
    covered.update(n.schedule for n in layout.nodes if n.schedule)
    covered.update(layout.skipped)
    bare_headings = Counter(n.lines[0] for n in layout.nodes
                            if n.numbering is not None and len(n.lines) == 1 and n.children)
    missing = Counter(lines) - covered - bare_headings
    assert not missing, missing

"""Is a question about something the library covers at all?

Four checks, each general: a region whose documents the library does not hold (上海市…实施方案),
a document named in 《》 that is neither in the library nor quoted by it, a national law or
regulation named without 《》 that the library does not hold (职业教育法, 教育惩戒规则), and a year
that the documents in scope never mention (2030年 for a plan that runs to 2027).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.domain import DocumentMeta
from policyqa.index.aliases import DocumentResolver
from policyqa.index.catalog import Catalog

REGIONS = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
           "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
           "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "深圳", "广州", "杭州", "南京", "武汉",
           "成都", "西安", "苏州", "厦门", "青岛", "大连", "宁波", "长沙", "郑州", "济南", "沈阳", "哈尔滨")
KNOWN_LAWS = (
    "职业教育法", "高等教育法", "民办教育促进法", "学位法", "国家通用语言文字法", "体育法", "国防教育法",
    "科学技术普及法", "预防未成年人犯罪法", "反家庭暴力法", "妇女权益保障法", "残疾人保障法", "劳动合同法",
    "劳动法", "网络安全法", "个人信息保护法", "数据安全法", "民法典", "治安管理处罚法", "食品安全法",
    "传染病防治法", "公务员法", "社会保险法", "行政诉讼法", "行政复议法", "国家赔偿法", "道路交通安全法",
    "教育惩戒规则", "未成年人学校保护规定", "学生伤害事故处理办法", "教师资格条例", "校车安全管理条例",
    "幼儿园工作规程", "幼儿园管理条例", "义务教育法实施细则", "民办教育促进法实施条例", "教师法实施条例",
)
"""National laws and regulations people name without 《》: a question about one the library does not
hold is refused rather than answered from a neighbouring law (职业教育法 is not 教育法)."""
_DOC_WORD = re.compile(r"(方案|办法|意见|通知|文件|规定|政策|计划|细则|条例|中考|高考|规划)")
_TITLE = re.compile(r"《([^》]{2,60})》")
_YEAR = re.compile(r"(?<!\d)(19|20)(\d{2})年")


@dataclass(frozen=True)
class ScopeGap:
    """Why a question falls outside the library, in one line for the user."""

    reason: str


class ScopeChecker:
    """Finds what a question names that the library does not hold."""

    def __init__(self, catalog: Catalog, resolver: DocumentResolver) -> None:
        self.catalog, self.resolver = catalog, resolver
        self._titles = " ".join((d.title or "") + (d.region or "") for d in catalog.documents)
        parts: dict[str, list[str]] = {d.doc: self._meta_years(d) for d in catalog.documents}
        for clause in catalog.clauses:
            parts.setdefault(clause.doc, []).extend((clause.text, clause.schedule or ""))
        self._texts = {doc: "".join(texts) for doc, texts in parts.items()}   # clauses + metadata years
        self._everything = self._titles + "".join(self._texts.values())

    def gaps(self, question: str, scope_docs: Sequence[str], *, asks_content: bool = True) -> list[ScopeGap]:
        """What ``question`` asks about outside the library (empty when nothing). A year the
        documents never mention is a gap only when the question asks what was said about it
        (2030年提出了什么目标); a question that asserts it (要求在2025年底前完成，怎么赶进度) is
        answered with what the documents do say."""
        found = self._missing_region(question) + self._missing_titles(question) + self._missing_laws(question)
        return found or (self._missing_years(question, scope_docs) if asks_content else [])

    def unmentioned_years(self, question: str, scope_docs: Sequence[str]) -> list[ScopeGap]:
        """Years the question mentions that the documents in scope never do (all documents
        when ``scope_docs`` is empty)."""
        return self._missing_years(question, scope_docs)

    def _missing_region(self, question: str) -> list[ScopeGap]:
        if not _DOC_WORD.search(question):
            return []  # 在上海，学校能开除学生吗？ is answered by national law
        return [ScopeGap(f"库中没有{region}的文件") for region in REGIONS
                if region in question and region not in self._titles]

    def _missing_titles(self, question: str) -> list[ScopeGap]:
        return [ScopeGap(f"库中没有《{m.group(1)}》") for m in _TITLE.finditer(question)
                if m.group(1) not in self._everything and not self.resolver.find(m.group(1))]

    def _missing_laws(self, question: str) -> list[ScopeGap]:
        named = [law for law in KNOWN_LAWS if law in question]
        named = [law for law in named if not any(law != other and law in other for other in named)]  # 实施条例 over 法
        titled = {m.group(1) for m in _TITLE.finditer(question)}
        return [ScopeGap(f"库中没有《{law}》") for law in named
                if law not in self._titles and not any(law in t for t in titled)]

    def _missing_years(self, question: str, scope_docs: Sequence[str]) -> list[ScopeGap]:
        years = [m.group() for m in _YEAR.finditer(question)]
        docs = list(scope_docs) or list(self._texts)
        return [ScopeGap(f"所涉文件没有提到{year}") for year in years
                if not any(year in self._texts.get(doc, "") for doc in docs)]

    @staticmethod
    def _meta_years(meta: DocumentMeta) -> list[str]:
        return [f"{d[:4]}年" for d in (meta.date, meta.adopted, *meta.amended) if d]

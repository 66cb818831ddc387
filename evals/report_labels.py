"""The words of the reports, once: each figure's compact header (Markdown, the printed summary),
Chinese name and one-line legend (HTML report), and the Chinese names of question types and roles.

``report.json`` keeps the machine keys (``Metric`` values, ``quality``, ``p50``/``p95``); only the
presentation reads this table.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from policyqa.evals.gold import QuestionType, Role
from policyqa.evals.scoring import Metric

__all__ = ["FIGURES", "Direction", "FigureLabel", "figure", "role_name", "type_name"]


class Direction(str, Enum):
    """Which way a figure improves (the legend says it in words)."""

    HIGHER = "越高越好"
    LOWER = "越低越好"
    REFERENCE = "参考值，无好坏方向"


@dataclass(frozen=True)
class FigureLabel:
    """How the reports name one figure: ``key`` is its report.json key (a ``Metric`` value,
    ``quality``, ``p50`` or ``p95``)."""

    key: str
    short: str
    name: str
    legend: str
    direction: Direction

    @property
    def explained(self) -> str:
        """The legend with its direction: ``…（越高越好）``."""
        return f"{self.legend}（{self.direction.value}）"


FIGURES: tuple[FigureLabel, ...] = (
    FigureLabel(Metric.RECALL_1.value, "R@1", "首条命中率",
                "排在第 1 位的检索结果含有金标证据原文的比例（不可回答题不计）", Direction.HIGHER),
    FigureLabel(Metric.RECALL_5.value, "R@5", "前五条命中率",
                "前 5 条检索结果中找到的金标证据原文占全部证据的比例", Direction.HIGHER),
    FigureLabel(Metric.MRR.value, "MRR", "平均倒数排名",
                "第一条含证据的检索结果名次的倒数（第 1 名得 1，第 2 名得 0.5，未找到得 0）的平均", Direction.HIGHER),
    FigureLabel(Metric.CONTEXT_CHARS.value, "ctx chars", "检索上下文字数",
                "前 5 条检索结果的总字数：命中率相同时越少越精炼", Direction.REFERENCE),
    FigureLabel(Metric.KEY_FACTS.value, "key facts", "关键信息覆盖率",
                "回答中出现金标要求的关键字词（数字、日期、术语）的比例", Direction.HIGHER),
    FigureLabel(Metric.CITATION_SUPPORT.value, "cite support", "引用含证据",
                "所引条款中至少一条含有金标证据原文的题目比例", Direction.HIGHER),
    FigureLabel(Metric.CITATION_RECALL.value, "cite recall", "引用召回率",
                "回答中能由该句自身所标引用支持的句子比例", Direction.HIGHER),
    FigureLabel(Metric.CITATION_PRECISION.value, "cite prec.", "引用精确率",
                "引用中确实支持其所在句子、并非多余的比例", Direction.HIGHER),
    FigureLabel(Metric.FAITHFULNESS.value, "faithful", "忠实度",
                "回答中能由所引条款共同支持的句子比例，衡量有无编造", Direction.HIGHER),
    FigureLabel(Metric.REJECTION.value, "reject unans.", "不可回答题拒答率",
                "文件中没有答案的问题被正确拒答的比例", Direction.HIGHER),
    FigureLabel(Metric.FALSE_REFUSAL.value, "false refusal", "误拒率",
                "文件中有答案的问题却被拒答的比例", Direction.LOWER),
    FigureLabel(Metric.ANSWER_CHARS.value, "answer chars", "回答字数",
                "回答的平均字数，供比较篇幅", Direction.REFERENCE),
    FigureLabel("quality", "quality", "综合质量",
                "一题各项回答指标的平均（误拒计 0），逐题表按它从差到好排序", Direction.HIGHER),
    FigureLabel("p50", "p50 ms", "延迟中位数（毫秒）", "一半的问题在这段时间内得到回答", Direction.LOWER),
    FigureLabel("p95", "p95 ms", "95% 延迟（毫秒）", "95% 的问题在这段时间内得到回答", Direction.LOWER),
)
_BY_KEY = {f.key: f for f in FIGURES}

_TYPE_NAMES = {
    QuestionType.FACT: "事实", QuestionType.CLAUSE: "条款内容", QuestionType.LIST: "列举",
    QuestionType.COMPLIANCE: "合规判断", QuestionType.COMPARE: "文件对比", QuestionType.LOCATE: "出处定位",
    QuestionType.MULTI: "多条款", QuestionType.PARAPHRASE: "口语改述", QuestionType.UNANSWERABLE: "不可回答",
    QuestionType.FALSE_PREMISE: "错误前提",
}
_ROLE_NAMES = {Role.TEACHER: "教师", Role.ADMIN: "管理人员", Role.EVALUATOR: "评估人员"}


def figure(key: Metric | str) -> FigureLabel:
    """The label of a metric or of ``quality``/``p50``/``p95``; raises KeyError for another key."""
    return _BY_KEY[key.value if isinstance(key, Metric) else key]


def type_name(value: str) -> str:
    """The Chinese name of a question type value (``fact`` → 事实); an unknown value is returned as is."""
    return next((name for t, name in _TYPE_NAMES.items() if t.value == value), value)


def role_name(value: str) -> str:
    """The Chinese name of a role value (``teacher`` → 教师); an unknown value is returned as is."""
    return next((name for r, name in _ROLE_NAMES.items() if r.value == value), value)

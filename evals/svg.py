"""Small hand-written SVG charts for the HTML report (no plotting dependency): horizontal grouped
bars, lines in the unit square, and a histogram. Each function returns one ``<svg>`` element as text.

Labels never overlap: bar labels sit one per row left of their bars (the margin sized from the
longest), legends wrap onto as many rows as they need, and the SVG's height follows from both.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["COLOURS", "bar_chart", "histogram", "line_chart", "text_width"]

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
_W = 720                 # every chart's width
_FONT = 12               # label font size (px)
_TITLE_H = 28            # title band
_ROW = 18                # legend row height
_MAX_LABEL = 220         # longest bar label (px) before it is shortened with …


def text_width(text: str, size: float = _FONT) -> float:
    """Estimated width in px of ``text`` at font ``size``: wide (CJK, full-width) characters one em,
    others 0.6 em (generous for sans-serif Latin, so estimates err towards more room)."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _shorten(text: str, width: float) -> str:
    """``text`` cut with … so that it fits ``width`` px."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _frame(title: str, body: list[str], height: float) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height:.0f}" width="{_W}" '
            f'height="{height:.0f}" font-family="sans-serif" font-size="{_FONT}" role="img" '
            f'aria-label="{escape(title)}">')
    return "\n".join([head, f'<text x="{_W / 2}" y="18" text-anchor="middle" font-size="14" '
                            f'font-weight="bold">{escape(title)}</text>', *body, "</svg>"])


def _legend(names: Sequence[str], top: float, left: float = 12) -> tuple[list[str], float]:
    """Colour keys flowing left to right, wrapping at the chart's width; returns (elements, bottom)."""
    out, x, y = [], left, top + _ROW - 5
    for i, name in enumerate(names):
        shown = _shorten(name, _W - 2 * left - 16)
        width = 16 + text_width(shown) + 18
        if x > left and x + width > _W - left:
            x, y = left, y + _ROW
        out.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="11" height="11" fill="{COLOURS[i % len(COLOURS)]}"/>'
                   f'<text x="{x + 16:.0f}" y="{y:.0f}"><title>{escape(name)}</title>{escape(shown)}</text>')
        x += width
    return out, y + 8


def bar_chart(title: str, groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
              xmax: float = 1.0, xlabel: str = "") -> str:
    """Grouped horizontal bars: a row per label in ``groups`` (label on the left), a bar per
    series with its value at its end (None: "无" instead of a bar, "不适用" for a row of None);
    ``xlabel`` under the axis."""
    labels = [_shorten(g, _MAX_LABEL) for g in groups]
    left = 16 + max((text_width(s) for s in labels), default=0)
    right = _W - 48                         # room for the last bar's value
    bar, gap = 14, 10
    band = bar * max(1, len(series)) + gap
    top = _TITLE_H + 18                     # tick labels above the bars
    bottom = top + band * len(groups)

    def x_of(value: float) -> float:
        return left + (right - left) * min(max(value, 0.0), xmax) / xmax

    body = []
    for i in range(5):
        x = x_of(xmax * i / 4)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="#ddd"/>'
                    f'<text x="{x:.1f}" y="{top - 7}" text-anchor="middle" fill="#555">{xmax * i / 4:.2f}</text>')
    for g, (group, label) in enumerate(zip(groups, labels)):
        y0 = top + g * band + gap / 2
        body.append(f'<text x="{left - 8:.0f}" y="{y0 + band / 2 - gap / 2 + 4:.1f}" text-anchor="end">'
                    f'<title>{escape(group)}</title>{escape(label)}</text>')
        if all(values[g] is None for values in series.values()):
            body.append(f'<text x="{left + 6:.0f}" y="{y0 + band / 2 - gap / 2 + 4:.1f}" fill="#999">不适用</text>')
            continue
        for s, (name, values) in enumerate(series.items()):
            y, value = y0 + s * bar, values[g]
            if value is None:
                body.append(f'<text x="{left + 4:.0f}" y="{y + bar - 3:.1f}" font-size="10" fill="#999">无</text>')
                continue
            body.append(f'<rect x="{left:.0f}" y="{y:.1f}" width="{x_of(value) - left:.1f}" height="{bar - 2}" '
                        f'fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(name)} · {escape(group)}: '
                        f'{value:.2f}</title></rect>'
                        f'<text x="{x_of(value) + 4:.1f}" y="{y + bar - 4:.1f}" font-size="10">{value:.2f}</text>')
    body.append(f'<line x1="{left:.0f}" x2="{left:.0f}" y1="{top - 4}" y2="{bottom}" stroke="#888"/>')
    if xlabel:
        bottom += 18
        body.append(f'<text x="{(left + right) / 2:.0f}" y="{bottom:.0f}" text-anchor="middle">{escape(xlabel)}</text>')
    keys, end = _legend(list(series), bottom + 6)
    return _frame(title, body + keys, end)


def _y_axis(left: float, right: float, top: float, bottom: float, ymax: float, fmt: str = "{:.2f}") -> list[str]:
    out = []
    for i in range(5):
        y = bottom - (bottom - top) * i / 4
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{fmt.format(ymax * i / 4)}</text>')
    return out


def _axis_titles(left: float, right: float, top: float, bottom: float, xlabel: str, ylabel: str) -> list[str]:
    mid = (top + bottom) / 2
    return [f'<text x="{(left + right) / 2:.0f}" y="{bottom + 36:.0f}" text-anchor="middle">{escape(xlabel)}</text>',
            f'<text x="16" y="{mid:.0f}" transform="rotate(-90 16 {mid:.0f})" text-anchor="middle">'
            f'{escape(ylabel)}</text>']


def line_chart(title: str, series: Mapping[str, Sequence[tuple[float, float]]], xlabel: str, ylabel: str,
               marks: Mapping[str, tuple[float, float]] | None = None) -> str:
    """Lines in the unit square (x and y in [0, 1]); ``marks`` puts a dot per series (e.g. the
    system's operating point)."""
    left, top, size = 72, _TITLE_H + 8, 220
    right, bottom = _W - 40, top + size

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + x * (right - left), bottom - y * size

    body = _y_axis(left, right, top, bottom, 1.0)
    for i in range(5):
        body.append(f'<text x="{xy(i / 4, 0)[0]:.1f}" y="{bottom + 18}" text-anchor="middle" fill="#555">'
                    f'{i / 4:.2f}</text>')
    body += _axis_titles(left, right, top, bottom, xlabel, ylabel)
    for i, (name, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        if points:
            path = " ".join("{:.1f},{:.1f}".format(*xy(x, y)) for x, y in points)
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        if marks and name in marks:
            cx, cy = xy(*marks[name])
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}"><title>{escape(name)}: '
                        f'{marks[name][0]:.2f}, {marks[name][1]:.2f}</title></circle>')
    keys, end = _legend(list(series), bottom + 48)
    return _frame(title, body + keys, end)


def histogram(title: str, series: Mapping[str, Sequence[float]], bins: int = 20, xlabel: str = "",
              ylabel: str = "") -> str:
    """Counts of values in ``bins`` equal-width bins from 0 to the largest value, one colour per
    series (bars side by side within a bin); the bin edges are labelled under the axis."""
    values = [v for vs in series.values() for v in vs]
    top_value = max(values, default=1.0) or 1.0
    counts = {name: [0] * bins for name in series}
    for name, vs in series.items():
        for v in vs:
            counts[name][min(bins - 1, int(v / top_value * bins))] += 1
    ymax = math.ceil((max((c for cs in counts.values() for c in cs), default=1) or 1) / 4) * 4
    left, right, top, bottom = 72, _W - 24, _TITLE_H + 8, _TITLE_H + 208
    body = _y_axis(left, right, top, bottom, ymax, fmt="{:.0f}")
    width = (right - left) / bins
    bar = width * 0.9 / max(1, len(series))
    for b in range(bins):
        for s, name in enumerate(series):
            h = (bottom - top) * counts[name][b] / ymax
            if h:
                body.append(f'<rect x="{left + b * width + s * bar:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                            f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(name)}: '
                            f'{counts[name][b]}</title></rect>')
    for b in range(0, bins + 1, max(1, bins // 5)):
        body.append(f'<text x="{left + b * width:.1f}" y="{bottom + 18}" text-anchor="middle" fill="#555">'
                    f'{top_value * b / bins:.0f}</text>')
    body += _axis_titles(left, right, top, bottom, xlabel, ylabel)
    keys, end = _legend(list(series), bottom + 48)
    return _frame(title, body + keys, end)

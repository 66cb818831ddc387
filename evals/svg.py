"""Small hand-written SVG charts for the HTML report (no plotting dependency): grouped bars, lines
in the unit square, and a histogram. Each function returns one ``<svg>`` element as text."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["COLOURS", "bar_chart", "histogram", "line_chart"]

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
_W, _H, _L, _B, _T = 720, 260, 48, 70, 28   # width, height, left/bottom/top margins


def _frame(title: str, body: list[str], height: int = _H) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="{_W}" '
            f'height="{height}" font-family="sans-serif" font-size="11" role="img" aria-label="{escape(title)}">')
    return "\n".join([head, f'<text x="{_W / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>',
                      *body, "</svg>"])


def _legend(names: Sequence[str], y: float) -> list[str]:
    out, x = [], _L
    for i, name in enumerate(names):
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>'
                   f'<text x="{x + 14}" y="{y}">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def _y_axis(top: float, bottom: float, ymax: float, ticks: int = 4, fmt: str = "{:.2f}") -> list[str]:
    out = []
    for i in range(ticks + 1):
        y = bottom - (bottom - top) * i / ticks
        out.append(f'<line x1="{_L}" x2="{_W - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{_L - 4}" y="{y + 4:.1f}" text-anchor="end">{fmt.format(ymax * i / ticks)}</text>')
    return out


def bar_chart(title: str, groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
              ymax: float = 1.0) -> str:
    """Grouped bars: one group per label in ``groups``, one bar per series (None: no bar)."""
    top, bottom = _T, _H - _B
    body = _y_axis(top, bottom, ymax)
    width = (_W - _L - 10) / max(1, len(groups))
    bar = width * 0.8 / max(1, len(series))
    for g, label in enumerate(groups):
        x0 = _L + g * width + width * 0.1
        for s, values in enumerate(series.values()):
            value = values[g]
            if value is None:
                continue
            h = (bottom - top) * min(value, ymax) / ymax
            body.append(f'<rect x="{x0 + s * bar:.1f}" y="{bottom - h:.1f}" width="{bar - 1:.1f}" '
                        f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(label)}: '
                        f'{value:.2f}</title></rect>')
        body.append(f'<text x="{x0 + width * 0.4:.1f}" y="{bottom + 14}" text-anchor="middle">{escape(label)}</text>')
    return _frame(title, body + _legend(list(series), _H - 12))


def line_chart(title: str, series: Mapping[str, Sequence[tuple[float, float]]], xlabel: str, ylabel: str,
               marks: Mapping[str, tuple[float, float]] | None = None) -> str:
    """Lines in the unit square (x and y in [0, 1]); ``marks`` puts a dot per series (e.g. the
    system's operating point)."""
    size = _H - _B - _T
    left = _L + 20

    def xy(x: float, y: float) -> str:
        return f"{left + x * size * 1.6:.1f},{_T + size - y * size:.1f}"

    body = _y_axis(_T, _T + size, 1.0)
    for i in range(5):
        x = left + i / 4 * size * 1.6
        body.append(f'<text x="{x:.1f}" y="{_T + size + 14}" text-anchor="middle">{i / 4:.2f}</text>')
    body.append(f'<text x="{left + size * 0.8:.1f}" y="{_T + size + 30}" text-anchor="middle">{escape(xlabel)}</text>')
    body.append(f'<text x="12" y="{_T + size / 2}" transform="rotate(-90 12 {_T + size / 2})" '
                f'text-anchor="middle">{escape(ylabel)}</text>')
    for i, (name, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        if points:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                        f'points="{" ".join(xy(x, y) for x, y in points)}"/>')
        if marks and name in marks:
            cx, cy = xy(*marks[name]).split(",")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="{colour}"><title>{escape(name)}: '
                        f'{marks[name][0]:.2f}, {marks[name][1]:.2f}</title></circle>')
    return _frame(title, body + _legend(list(series), _H - 12))


def histogram(title: str, series: Mapping[str, Sequence[float]], bins: int = 20, unit: str = "ms") -> str:
    """Counts of values in ``bins`` equal-width bins from 0 to the largest value, one colour per
    series (bars side by side within a bin)."""
    values = [v for vs in series.values() for v in vs]
    top_value = max(values, default=1.0) or 1.0
    counts = {name: [0] * bins for name in series}
    for name, vs in series.items():
        for v in vs:
            counts[name][min(bins - 1, int(v / top_value * bins))] += 1
    ymax = max((c for cs in counts.values() for c in cs), default=1) or 1
    ymax = math.ceil(ymax / 4) * 4
    top, bottom = _T, _H - _B
    body = _y_axis(top, bottom, ymax, fmt="{:.0f}")
    width = (_W - _L - 10) / bins
    bar = width * 0.9 / max(1, len(series))
    for b in range(bins):
        for s, name in enumerate(series):
            h = (bottom - top) * counts[name][b] / ymax
            if h:
                body.append(f'<rect x="{_L + b * width + s * bar:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                            f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(name)}: '
                            f'{counts[name][b]}</title></rect>')
        if b % max(1, bins // 5) == 0:
            body.append(f'<text x="{_L + b * width:.1f}" y="{bottom + 14}">{top_value * b / bins:.0f}</text>')
    body.append(f'<text x="{_W - 10}" y="{bottom + 14}" text-anchor="end">{top_value:.0f} {escape(unit)}</text>')
    return _frame(title, body + _legend(list(series), _H - 12))

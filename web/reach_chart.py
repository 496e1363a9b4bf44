"""The reach report's chart: per college, three bars (sent, clicked, applied), as escaped SVG.

Drawn like web/charts.py: no JavaScript, Okabe–Ito colours, every text escaped here, left to right in
both languages. Bars are horizontal, each college's name on its own line above its bars, so long
names (and Arabic ones) fit a phone's width. Each bar says its figure in words (`<title>`) and in
print beside it: the colours are never the only way to read them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

from fursa.web.charts import _legend, _svg

# Okabe–Ito blue, orange and bluish green: sent, clicked, applied.
REACH_COLOURS = ("#0072B2", "#E69F00", "#009E73")


@dataclass(frozen=True)
class BarGroup:
    """One college's figures: (sent, clicked, applied)."""

    label: str
    values: tuple[int, ...]


def reach_bars(groups: Sequence[BarGroup], series: Sequence[str], title: str) -> Markup:
    """Horizontal bars, one group per college; an empty report draws only the legend."""
    # Narrow on purpose: the chart is scaled to the page's width, and a phone shows it at about this size.
    width, left, bar, gap, label_h = 360, 4, 14, 3, 20
    plot_w = width - left - 44
    peak = max([value for group in groups for value in group.values] + [1])
    parts: list[str] = []
    y = 4
    for group in groups:
        parts.append(f'<text x="{left}" y="{y + 14}" font-size="14" fill="#24292f">{escape(group.label)}</text>')
        y += label_h
        for index, value in enumerate(group.values):
            length = plot_w * value / peak
            name = series[index] if index < len(series) else ""
            parts.append(
                f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" '
                f'fill="{REACH_COLOURS[index % len(REACH_COLOURS)]}"><title>{escape(group.label)}: '
                f'{escape(name)} {value}</title></rect>'
                f'<text x="{left + length + 4:.1f}" y="{y + bar - 2}" font-size="12" fill="#57606a">{value}</text>')
            y += bar + gap
        y += 8
    y += 14
    parts.append(_legend(list(zip(REACH_COLOURS, series)), left, y))
    return _svg(width, y + 6, title, "".join(parts))

"""Server-rendered SVG charts for the dashboard: pictures without a line of JavaScript.

Each function takes plain records and returns escaped SVG markup; every piece of text is escaped
here, since source names and call titles come from outside. Charts draw left to right in both
languages (time runs that way on every axis staff read), with translated labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Sequence

from markupsafe import Markup, escape

# Okabe–Ito colours: told apart by people with the common kinds of colour blindness.
KIND_COLOURS = {
    "scholarship": "#0072B2", "exchange": "#E69F00", "research_funding": "#009E73", "fellowship": "#CC79A7",
    "training": "#56B4E9", "conference": "#D55E00", "job": "#F0E442", "admission": "#000000", "other": "#999999",
}
HEALTH_COLOURS = {"ok": "#1a7f37", "quiet": "#6cc644", "failing": "#d4a72c", "broken": "#cf222e",
                  "paused": "#8c959f", "never": "#d0d7de"}


@dataclass(frozen=True)
class WeekBar:
    """One week's column: its label and counts by kind."""

    label: str
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TimelinePoint:
    """One deadline on the timeline."""

    title: str
    at: datetime
    kind: str
    href: str


@dataclass(frozen=True)
class HealthTile:
    """One source's square: `state` is a key of HEALTH_COLOURS, `detail` its words."""

    name: str
    state: str
    detail: str
    href: str


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    # An image's parts are hidden from screen readers, links included: a chart whose marks link
    # somewhere is a group, so its links stay reachable (axe: nested-interactive).
    role = "group" if "<a " in body else "img"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="{role}" '
        f'direction="ltr" class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def weekly_bars(weeks: Sequence[WeekBar], kind_label: Callable[[str], str], title: str) -> Markup:
    """A stacked column per week, coloured by kind, with a legend of the kinds that occur."""
    width, height, left, bottom, top = 640, 240, 36, 40, 12
    plot_h = height - bottom - top
    peak = max([sum(n for _, n in w.counts) for w in weeks] + [1])
    step = (width - left - 8) / max(len(weeks), 1)
    parts = [_axis_lines(left, top, width, height - bottom, peak)]
    for index, week in enumerate(weeks):
        x = left + index * step + step * 0.15
        y = height - bottom
        for kind, count in week.counts:
            h = plot_h * count / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{KIND_COLOURS.get(kind, "#999999")}"><title>{escape(week.label)}: '
                f'{escape(kind_label(kind))} {count}</title></rect>')
        if index % 2 == 0 or len(weeks) <= 8:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" font-size="10" '
                         f'text-anchor="middle" fill="#57606a">{escape(week.label)}</text>')
    order = list(KIND_COLOURS)   # a kind stored before its colour was added goes last, grey, not a crash
    kinds = sorted({kind for week in weeks for kind, n in week.counts if n},
                   key=lambda k: (order.index(k) if k in order else len(order), k))
    parts.append(_legend([(KIND_COLOURS.get(k, "#999999"), kind_label(k)) for k in kinds], left, height - 10))
    return _svg(width, height, title, "".join(parts))


def _axis_lines(left: int, top: int, right: int, base: int, peak: int) -> str:
    lines = [f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#8c959f"/>']
    for fraction in (0.5, 1.0):
        y = base - (base - top) * fraction
        lines.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#eaeef2"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#57606a">{round(peak * fraction)}</text>')
    return "".join(lines)


def _legend(entries: Sequence[tuple[str, str]], x: int, y: int) -> str:
    parts = []
    for colour, label in entries:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y}" font-size="11" fill="#24292f">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    return "".join(parts)


def deadline_timeline(points: Sequence[TimelinePoint], start: datetime, days: int,
                      day_label: Callable[[datetime], str], title: str) -> Markup:
    """Deadlines as dots on a line from `start` over `days`; dots on the same day stack upwards."""
    width, height, left, right, base = 640, 150, 36, 36, 110
    span = (width - left - right) / days
    parts = [f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#8c959f"/>']
    for week in range(0, days + 1, 7):
        x = left + week * span
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" stroke="#8c959f"/>'
                     f'<text x="{x:.1f}" y="{base + 18}" font-size="10" text-anchor="middle" '
                     f'fill="#57606a">{escape(day_label(start + timedelta(days=week)))}</text>')
    stacked: dict[int, int] = {}
    for point in points:
        day = max(0, min(days, (point.at - start).days))
        level = stacked.get(day, 0)
        stacked[day] = level + 1
        cx, cy = left + day * span, base - 8 - level * 12
        if cy < 8:
            continue  # a crowded day: the list under the chart names them all
        parts.append(f'<a href="{escape(point.href)}"><circle cx="{cx:.1f}" cy="{cy}" r="5" '
                     f'fill="{KIND_COLOURS.get(point.kind, "#999999")}"><title>{escape(day_label(point.at))}: '
                     f'{escape(point.title)}</title></circle></a>')
    return _svg(width, height, title, "".join(parts))


def health_grid(tiles: Sequence[HealthTile], legend: Sequence[tuple[str, str]], title: str) -> Markup:
    """One square per source, coloured by health; each links to its source."""
    size, gap, per_row = 26, 6, 20
    rows = max(1, -(-len(tiles) // per_row))
    width = per_row * (size + gap)
    height = rows * (size + gap) + 24
    parts = []
    for index, tile in enumerate(tiles):
        x, y = (index % per_row) * (size + gap), (index // per_row) * (size + gap)
        parts.append(f'<a href="{escape(tile.href)}"><rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" '
                     f'fill="{HEALTH_COLOURS.get(tile.state, "#d0d7de")}"><title>{escape(tile.name)}: '
                     f'{escape(tile.detail)}</title></rect></a>')
    parts.append(_legend([(HEALTH_COLOURS[state], text) for state, text in legend], 0, height - 6))
    return _svg(width, height, title, "".join(parts))

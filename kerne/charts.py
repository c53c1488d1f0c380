"""The one chart module: small, accessible SVG charts rendered on the server.

The same markup serves web pages and PDFs (WeasyPrint renders inline SVG), so a chart looks
the same in both and needs no JavaScript. Pure functions: data in, SVG text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

# Colours from Det Fælles Designsystem's palette, distinguishable in grey-scale print too.
PALETTE = ["#004993", "#a64500", "#358000", "#6b1f7c", "#00666e", "#8a1538"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number | None]  # None: no value that period (a gap in the line)


def _nice_max(value: float) -> float:
    """The smallest 1/2/2.5/5 × 10^n not below value, for a readable axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _fmt(value: float) -> str:
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", ".")


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    height: int = 260,
    y_min: float | None = None,
    y_max: float | None = None,
    unit: str = "",
    description: str = "",
) -> SafeString:
    """A line chart over periods (e.g. months). Gaps stay gaps; the title is the text
    alternative, and each line has a legend entry and its own dash pattern."""
    left, right, top, bottom = 56, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for s in series for v in s.values if v is not None]
    low = y_min if y_min is not None else min([0.0, *values])
    high = y_max if y_max is not None else _nice_max(max(values, default=1.0))
    span = (high - low) or 1.0
    count = max(len(labels), 1)

    def x(index: int) -> float:
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    parts = [_open(width, height, title, description)]
    for tick in range(5):
        value = low + span * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(_fmt(value))}{escape(unit)}</text>"
        )
    step = max(1, count // 8)
    for index, label in enumerate(labels):
        if index % step == 0 or index == count - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    for number, item in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
        segments: list[list[str]] = [[]]
        for index, value in enumerate(item.values):
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{x(index):.1f},{y(float(value)):.1f}")
        for points in (s for s in segments if s):
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if len(points) == 1:
                cx, cy = points[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash_attr}/>'
                )
    parts.append(_legend(series, left, height - 18))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    height: int = 260,
    unit: str = "",
    description: str = "",
    stacked: bool = False,
) -> SafeString:
    """Vertical bars, one group per label: side by side, or stacked (positive values) when
    `stacked`; negatives go below zero."""
    left, right, top, bottom = 64, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    if stacked:
        values = [
            sum(float(s.values[i] or 0) for s in series if i < len(s.values))
            for i in range(len(labels))
        ]
    else:
        values = [float(v) for s in series for v in s.values if v is not None]
    high = _nice_max(max([0.0, *values]))
    low = -_nice_max(-min([0.0, *values])) if min([0.0, *values]) < 0 else 0.0
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = group_w * 0.8 / (1 if stacked else max(len(series), 1))
    parts = [_open(width, height, title, description)]
    for tick in range(5):
        value = low + span * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(_fmt(value))}{escape(unit)}</text>"
        )
    for index, label in enumerate(labels):
        group_x = left + group_w * index + group_w * 0.1
        base = 0.0
        for number, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else None
            if value is None or (stacked and float(value) <= 0):
                continue
            start = base if stacked else 0.0
            top_y, base_y = sorted((y(start + float(value)), y(start)))
            if stacked:
                base += float(value)
            bar_x = group_x if stacked else group_x + bar_w * number
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{top_y:.1f}" '
                f'width="{bar_w:.1f}" height="{max(base_y - top_y, 0.5):.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}">'
                f"<title>{escape(item.label)}, {escape(label)}: "
                f"{escape(_fmt(float(value)))}{escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{left + group_w * (index + 0.5):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    parts.append(_legend(series, left, height - 18))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _open(width: int, height: int, title: str, description: str = "") -> str:
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="IBM Plex Sans, DejaVu Sans, sans-serif"><title>{escape(title)}</title>'
        f"{desc}"
    )


def _legend(series: Sequence[Series], x: int, y: int) -> str:
    parts, offset = [], 0
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        parts.append(
            f'<rect x="{x + offset}" y="{y - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + offset + 16}" y="{y + 1}" font-size="11">{escape(item.label)}</text>'
        )
        offset += 28 + 7 * len(item.label)
    return "".join(parts)

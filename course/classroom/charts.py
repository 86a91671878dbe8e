"""Small server-drawn SVG charts for class reports. Pure functions, no Flask: numbers in, escaped markup out.

Pages are served with a Content-Security-Policy that forbids inline styles, so the SVG carries classes (coloured by
lanyard.css, in both colour schemes) and presentation attributes, never `style=`. Each chart is drawn at the size it
is meant to be read at, so its text stays at 13 CSS px or more when it shrinks to a phone's width.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

SCORE_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def _t(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Distribution:
    """How many students' best scores fall in each band of SCORE_BANDS."""

    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @staticmethod
    def band_label(band: tuple[int, int]) -> str:
        return f"{band[0]}–{band[1]}%"

    def rows(self) -> list[tuple[str, int]]:
        return [(self.band_label(band), count) for band, count in zip(SCORE_BANDS, self.counts, strict=True)]


def score_distribution(scores: Sequence[float]) -> Distribution:
    """Count scores (percentages) into SCORE_BANDS; anything above 100 counts in the top band, below 0 in the first."""
    counts = [0] * len(SCORE_BANDS)
    for score in scores:
        value = min(max(int(score), 0), 100)
        index = next(i for i, (low, high) in enumerate(SCORE_BANDS) if low <= value <= high)
        counts[index] += 1
    return Distribution(tuple(counts))


def distribution_chart(distribution: Distribution, *, title: str, ident: str) -> Markup:
    """Vertical bars, one per score band, each labelled with its count; the band under it. 300 × 150 units, drawn
    at that size in CSS pixels (a phone's column is wider), so 13-unit text is 13 px."""
    width, height = 300, 150
    left, right, top, bottom = 8, 8, 22, 28
    plot_h = height - top - bottom
    slot = (width - left - right) / len(distribution.counts)
    tallest = max(distribution.counts) or 1
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" class="chart-axis"/>',
    ]
    for index, (label, count) in enumerate(distribution.rows()):
        bar_h = round(plot_h * count / tallest, 1)
        x = left + index * slot
        centre = round(x + slot / 2, 1)
        parts.append(
            f'<rect x="{round(x + 6, 1)}" y="{round(top + plot_h - bar_h, 1)}" width="{round(slot - 12, 1)}" '
            f'height="{bar_h}" class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{centre}" y="{round(top + plot_h - bar_h - 5, 1)}" text-anchor="middle" font-size="13" '
            f'class="chart-text chart-count">{count}</text>'
        )
        parts.append(
            f'<text x="{centre}" y="{height - 9}" text-anchor="middle" font-size="13" class="chart-text">'
            f"{_t(label)}</text>"
        )
    summary = "; ".join(f"{label}: {count}" for label, count in distribution.rows())
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="score-chart" role="img" aria-labelledby="{_t(ident)}-title {_t(ident)}-desc">'
        f'<title id="{_t(ident)}-title">{_t(title)}</title><desc id="{_t(ident)}-desc">{_t(summary)}</desc>'
    )
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704  (every text node and attribute escaped above)

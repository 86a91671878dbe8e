"""The chart comparing designs: one group of bars per risk dimension, one bar per design."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from course.lab.drawing import svg
from course.lab.drawing.svg import INK, MUTED
from course.labmodel import Comparison, Lab, compare, get_lab

SERIES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#6a3d9a", "#000000")


def comparison_chart(comparison: Comparison, *, lab: Lab | None = None, ident: str = "lab-chart") -> Markup:
    """One group per dimension: its name, then one bar per design, each bar's length its level and its level in
    words at the end. Drawn 340 units wide and shown no wider than that, so 14-unit text stays legible on a phone."""
    lab = lab or get_lab()
    levels = lab.levels
    width, left, bar_h, row_gap = 340, 4, 14, 5
    word_room = 72
    step = (width - left - word_room) / max(1, len(levels) - 1)
    parts: list[str] = []
    y = 4
    for dimension, results in comparison.rows():
        y += 16
        parts.append(svg.text(left, y, dimension.label, size=14, fill=INK, weight="600", cls="lab-chart__dimension"))
        y += 6
        for s, result in enumerate(results):
            index = next(i for i, lv in enumerate(levels) if lv.key == result.level.key)
            colour = SERIES[s % len(SERIES)]
            tip = ngettext(
                "%(design)s — %(dimension)s: %(level)s (%(num)d point)",
                "%(design)s — %(dimension)s: %(level)s (%(num)d points)",
                result.points,
                design=comparison.labels[s],
                dimension=dimension.label,
                level=result.level.label,
            )
            length = round(index * step + 4, 1)
            bar = svg.attributes(
                x=left, y=y, width=length, height=bar_h, fill=colour, class_=f"lab-chart__bar lab-chart__bar--{s}"
            )
            parts.append(f"<rect {bar}><title>{svg.escaped(tip)}</title></rect>")
            parts.append(
                svg.text(
                    left + length + 5, y + bar_h - 2, result.level.label, size=13, fill=MUTED, cls="lab-chart__level"
                )
            )
            y += bar_h + row_gap
        y += 6
    y += 4
    for s, label in enumerate(comparison.labels):
        shown = label if len(label) <= 38 else label[:37] + "…"
        parts.append(svg.element("rect", x=left, y=y, width=13, height=13, fill=SERIES[s % len(SERIES)]))
        parts.append(svg.text(left + 19, y + 11.5, shown, size=14, fill=INK, cls="lab-chart__legend"))
        y += 20
    # Built in steps: `pybabel extract` does not see a gettext call nested inside another's arguments.
    rows = []
    for dimension, results in comparison.rows():
        level_texts = [
            _("%(design)s %(level)s", design=comparison.labels[s], level=r.level.label.lower())
            for s, r in enumerate(results)
        ]
        rows.append(_("%(dimension)s: %(levels)s", dimension=dimension.label, levels=", ".join(level_texts)))
    summary = "; ".join(rows)
    return svg.document(
        parts,
        width=width,
        height=y + 4,
        cls="lab-chart",
        title=_("Risk levels of the designs compared"),
        desc=summary,
        ident=ident,
    )


def chart_for(
    designs: Sequence[tuple[str, Mapping[str, Any]]], *, lab: Lab | None = None, ident: str = "lab-chart"
) -> Markup:
    """Convenience: compare labelled designs and draw the chart."""
    return comparison_chart(compare(designs, lab=lab), lab=lab, ident=ident)

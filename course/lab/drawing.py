"""Server-side SVG for the ID Design Lab: the card's front and back, and a chart comparing designs.

The SVG is inlined into pages served with a Content-Security-Policy that forbids inline styles, so shapes carry
presentation attributes and classes, never `style=`. Every piece of text goes through `_t` (XML-escaped), because
chart labels include the titles students give their designs.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from course.lab.engine import NO_EXPIRY, Comparison, Lab, compare, get_lab

CARD_W, CARD_H = 428, 270  # ISO/IEC 7810 ID-1 (85.60 x 53.98 mm), five units to the millimetre

BODY_FILL = {"laminated_paper": "#f1e6c8", "pvc": "#e6eff7", "polycarbonate": "#e3e6e8"}
BODY_EDGE = {"laminated_paper": "#a89f82", "pvc": "#8fa7bd", "polycarbonate": "#7d868c"}
INK = "#1f2a33"
MUTED = "#5b6670"
SENSITIVE = "#a4161a"
CHIP_GOLD = "#c9a23f"
SERIES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#6a3d9a", "#000000")

# What a specimen card shows for each field; a meaningful personal number spells out what it encodes.
SPECIMEN = {
    "name": "SPECIMEN, Alex",
    "date_of_birth": "01.03.1990",
    "gender": "F",
    "marital_status": "Married",
    "blood_type": "B Rh+",
    "nationality": "Examplian",
    "ethnicity": "Group A",
    "religion": "Faith B",
    "address": "12 Sample Street, Example Town",
}
NUMBER_RANDOM = "4821 7730 1956"
NUMBER_MEANINGFUL = "900301-2-13-0457"
FRONT_SKIP = {"photo", "fingerprints", "personal_number", "address"}


def _t(value: Any) -> str:
    """Text escaped for SVG content or an attribute value."""
    return html.escape(str(value), quote=True)


def _attrs(**attrs: Any) -> str:
    return " ".join(f'{k.rstrip("_").replace("_", "-")}="{_t(v)}"' for k, v in attrs.items() if v is not None)


def _el(tag: str, **attrs: Any) -> str:
    """An empty SVG element with escaped attributes."""
    return f"<{tag} {_attrs(**attrs)}/>"


def _text(
    x: float,
    y: float,
    content: Any,
    *,
    size: float = 11,
    fill: str = INK,
    cls: str | None = None,
    weight: str | None = None,
    anchor: str | None = None,
    family: str | None = None,
) -> str:
    attrs = _attrs(
        x=x,
        y=y,
        font_size=size,
        fill=fill,
        class_=cls,
        font_weight=weight,
        text_anchor=anchor,
        font_family=family or "system-ui, sans-serif",
    )
    return f"<text {attrs}>{_t(content)}</text>"


def _svg(body: list[str], *, width: float, height: float, cls: str, title: str, desc: str, ident: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {_attrs(viewBox=f"0 0 {width} {height}", class_=cls)} '
        f'role="img" aria-labelledby="{_t(ident)}-title {_t(ident)}-desc">'
        f'<title id="{_t(ident)}-title">{_t(title)}</title><desc id="{_t(ident)}-desc">{_t(desc)}</desc>'
    )
    # Safe: every attribute and text node above went through _t.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


def _fields_where(design: Mapping[str, Any], lab: Lab, *states: str) -> list[str]:
    return [name for name in lab.field_names if design[f"fields.{name}"] in states]


def _label(lab: Lab, name: str) -> str:
    return lab.options[f"fields.{name}"].label


def _card_base(design: Mapping[str, Any]) -> list[str]:
    body = design["body"]
    parts = [
        _el(
            "rect",
            x=1,
            y=1,
            width=CARD_W - 2,
            height=CARD_H - 2,
            rx=16,
            fill=BODY_FILL[body],
            stroke=BODY_EDGE[body],
            stroke_width=2,
            class_=f"lab-card__body lab-card__body--{body}",
        )
    ]
    if design["security_printing"] == "yes":
        for i in range(6):
            y = 40 + i * 38
            d = f"M 8 {y} " + " ".join(f"q 18 {-14 if k % 2 else 14} 36 0" for k in range(11))
            parts.append(
                _el(
                    "path",
                    d=d,
                    fill="none",
                    stroke="#8fbcae",
                    stroke_width=0.8,
                    opacity=0.7,
                    class_="lab-card__guilloche",
                )
            )
    if body == "laminated_paper":
        parts.append(
            _el(
                "rect",
                x=6,
                y=6,
                width=CARD_W - 12,
                height=CARD_H - 12,
                rx=12,
                fill="none",
                stroke="#c9c1a5",
                stroke_width=1.5,
                stroke_dasharray="2 3",
                class_="lab-card__film",
            )
        )
        parts.append(
            _el("path", d="M 300 6 L 420 6 L 420 70 Z", fill="#ffffff", opacity=0.35, class_="lab-card__sheen")
        )
    return parts


def card_front(design: Mapping[str, Any], *, lab: Lab | None = None, ident: str = "card-front") -> Markup:
    """The front of the card: photo, printed fields (sensitive ones marked), contact pads or contactless mark."""
    lab = lab or get_lab()
    parts = _card_base(design)
    ink = "#30363b" if design["body"] == "polycarbonate" else INK
    parts.append(_text(20, 30, "IDENTITY CARD", size=15, weight="700", fill=ink))
    parts.append(_text(20, 46, "Republic of Examples · specimen", size=9, fill=MUTED))
    # Photo
    if design["fields.photo"] == "printed":
        pasted = design["photo_attachment"] == "pasted"
        group = (
            '<g transform="rotate(-3 72 125)" class="lab-card__photo lab-card__photo--pasted">'
            if pasted
            else '<g class="lab-card__photo">'
        )
        parts.append(group)
        if pasted:
            parts.append(_el("rect", x=17, y=57, width=110, height=140, fill="#ffffff", stroke="#b5ad93"))
        shade = "#6f7880" if design["body"] == "polycarbonate" else "#8a9aa8"
        parts.append(_el("rect", x=22, y=62, width=100, height=130, fill="#cfd8df"))
        parts.append(_el("circle", cx=72, cy=112, r=26, fill=shade))
        parts.append(_el("path", d="M 30 192 Q 30 146 72 146 Q 114 146 114 192 Z", fill=shade))
        if pasted:
            for cx, cy in ((17, 57), (127, 57), (17, 197), (127, 197)):
                parts.append(_el("circle", cx=cx, cy=cy, r=4, fill="#d9c98f", opacity=0.9))
        parts.append("</g>")
        parts.append(
            _text(72, 210, "photo pasted on" if pasted else "photo printed", size=8, fill=MUTED, anchor="middle")
        )
    else:
        parts.append(_el("rect", x=22, y=62, width=100, height=130, fill="none", stroke=MUTED, stroke_dasharray="4 4"))
        parts.append(_text(72, 130, "no photo", size=10, fill=MUTED, anchor="middle"))
    # Chip
    if design["chip"] == "contact":
        parts.append(
            _el(
                "rect",
                x=136,
                y=92,
                width=46,
                height=36,
                rx=6,
                fill=CHIP_GOLD,
                stroke="#8a6d1f",
                class_="lab-card__chip",
            )
        )
        for d in ("M 136 104 H 152 M 166 104 H 182 M 136 116 H 152 M 166 116 H 182 M 152 92 V 128 M 166 92 V 128",):
            parts.append(_el("path", d=d, stroke="#8a6d1f", fill="none"))
        parts.append(_text(159, 142, "contact chip", size=8, fill=MUTED, anchor="middle"))
    elif design["chip"] == "contactless":
        for r in (6, 11, 16):
            parts.append(
                _el(
                    "path",
                    d=f"M {392 + r * 0.2} {22 - r} a {r} {r} 0 0 1 0 {2 * r}",
                    fill="none",
                    stroke=ink,
                    stroke_width=2,
                    class_="lab-card__contactless",
                )
            )
        parts.append(_text(360, 48, "contactless", size=8, fill=MUTED, anchor="middle"))
    if design["chip_access"] == "pace":
        parts.append(_text(410, 258, "CAN 482193", size=9, fill=ink, anchor="end", family="ui-monospace, monospace"))
    # Printed fields, two columns when there are many
    printed = [n for n in _fields_where(design, lab, "printed") if n not in FRONT_SKIP]
    per_column = 5
    for i, name in enumerate(printed):
        col, row = divmod(i, per_column)
        x, y = (196 if col == 0 else 312), 76 + row * 29
        sensitive = lab.options[f"fields.{name}"].sensitive
        cls = "lab-card__field lab-card__field--sensitive" if sensitive else "lab-card__field"
        parts.append(f'<g class="{cls}">')
        parts.append(
            _text(
                x,
                y,
                _label(lab, name).upper() + (" ⚠" if sensitive else ""),
                size=7.5,
                fill=SENSITIVE if sensitive else MUTED,
            )
        )
        parts.append(
            _text(x, y + 13, SPECIMEN.get(name, "…"), size=11.5, fill=SENSITIVE if sensitive else ink, weight="600")
        )
        parts.append("</g>")
    if design["fields.personal_number"] == "printed":
        meaningful = design["number_scheme"] == "meaningful"
        parts.append(
            _text(
                196,
                252,
                f"No. {NUMBER_MEANINGFUL if meaningful else NUMBER_RANDOM}",
                size=12,
                fill=ink,
                family="ui-monospace, monospace",
                cls="lab-card__number",
            )
        )
        if meaningful:
            parts.append(_text(196, 230, "birth date · sex · region · serial", size=7.5, fill=SENSITIVE))
    shown = [_label(lab, n) for n in _fields_where(design, lab, "printed")]
    desc = "Printed on the front and back: " + (", ".join(shown) if shown else "nothing") + "."
    sensitive_shown = [
        _label(lab, n) for n in lab.field_groups.get("sensitive", ()) if design[f"fields.{n}"] == "printed"
    ]
    if sensitive_shown:
        desc += " Sensitive fields printed: " + ", ".join(sensitive_shown) + "."
    title = (
        f"Card front: {lab.options['body'].describe(design['body'])}, "
        f"{lab.options['chip'].describe(design['chip']).lower()}"
    )
    return _svg(parts, width=CARD_W, height=CARD_H, cls="lab-card lab-card--front", title=title, desc=desc, ident=ident)


def card_back(design: Mapping[str, Any], *, lab: Lab | None = None, ident: str = "card-back") -> Markup:
    """The back of the card: antenna, address and fingerprint if printed, validity, MRZ and what the chip holds."""
    lab = lab or get_lab()
    parts = _card_base(design)
    ink = "#30363b" if design["body"] == "polycarbonate" else INK
    if design["chip"] == "contactless":
        for inset in (14, 20, 26):
            parts.append(
                _el(
                    "rect",
                    x=inset,
                    y=inset,
                    width=CARD_W - 2 * inset,
                    height=CARD_H - 2 * inset,
                    rx=10,
                    fill="none",
                    stroke="#c08a2b",
                    stroke_width=1.2,
                    stroke_dasharray="6 3",
                    opacity=0.8,
                    class_="lab-card__antenna",
                )
            )
        parts.append(_text(CARD_W - 34, 42, "antenna inside the card", size=8, fill="#8a5a00", anchor="end"))
    y = 62
    validity = design["validity_years"]
    parts.append(_text(40, y, "VALID FOR", size=7.5, fill=MUTED))
    parts.append(
        _text(
            40, y + 14, "no expiry" if validity == NO_EXPIRY else f"{validity} years", size=12, weight="600", fill=ink
        )
    )
    parts.append(_text(160, y, "ISSUED BY", size=7.5, fill=MUTED))
    parts.append(_text(160, y + 14, "Ministry of Examples", size=12, weight="600", fill=ink))
    y += 38
    if design["fields.address"] == "printed":
        parts.append(_text(40, y, "ADDRESS", size=7.5, fill=MUTED))
        parts.append(_text(40, y + 14, SPECIMEN["address"], size=12, weight="600", fill=ink))
        y += 36
    if design["fields.fingerprints"] == "printed":
        parts.append('<g class="lab-card__fingerprint lab-card__field--sensitive">')
        for r in (6, 11, 16, 21):
            parts.append(
                _el(
                    "path",
                    d=f"M {358 - r} 120 a {r} {r + 4} 0 0 1 {2 * r} 0",
                    fill="none",
                    stroke=SENSITIVE,
                    stroke_width=1.4,
                )
            )
        parts.append(_text(358, 144, "FINGERPRINT ⚠", size=7.5, fill=SENSITIVE, anchor="middle"))
        parts.append("</g>")
    if design["chip"] != "none":
        on_chip = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
        parts.append(_text(40, y, "THE CHIP HOLDS", size=7.5, fill=MUTED))
        line, lines = "", []
        for label in on_chip or ["nothing"]:
            candidate = f"{line}, {label}" if line else label
            if len(candidate) > 44:
                lines.append(line + ",")
                candidate = label
            line = candidate
        lines.append(line)
        for i, text in enumerate(lines[:3]):
            parts.append(_text(40, y + 14 + i * 14, text, size=10.5, fill=ink, cls="lab-card__chip-contents"))
    if design["chip_access"] in ("bac", "pace"):
        mrz = ("IDXMP<4821773019<<<<<<<<<<<<<<<", "9003012F3503014XMP<<<<<<<<<<<6", "SPECIMEN<<ALEX<<<<<<<<<<<<<<<<")
        parts.append(_el("rect", x=14, y=196, width=CARD_W - 28, height=62, fill="#ffffff", opacity=0.7))
        for i, line in enumerate(mrz):
            parts.append(
                _text(
                    24,
                    214 + i * 17,
                    line[:30],
                    size=13,
                    fill=ink,
                    family="ui-monospace, monospace",
                    cls="lab-card__mrz",
                )
            )
    desc_parts = []
    if design["chip"] == "contactless":
        desc_parts.append("A contactless chip's antenna runs around the card.")
    if design["chip"] != "none":
        held = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
        desc_parts.append("The chip holds: " + (", ".join(held) if held else "nothing") + ".")
    if design["chip_access"] in ("bac", "pace"):
        desc_parts.append("A machine-readable zone is printed at the bottom.")
    desc_parts.append("Valid for " + ("ever." if validity == NO_EXPIRY else f"{validity} years."))
    return _svg(
        parts,
        width=CARD_W,
        height=CARD_H,
        cls="lab-card lab-card--back",
        title="Card back",
        desc=" ".join(desc_parts),
        ident=ident,
    )


def comparison_chart(comparison: Comparison, *, lab: Lab | None = None, ident: str = "lab-chart") -> Markup:
    """Horizontal bars, one group per dimension and one bar per design, each bar's length its level."""
    lab = lab or get_lab()
    levels = lab.levels
    n = len(comparison.labels)
    label_w, step, bar_h, gap = 290, 90, 12, 16
    plot_w = step * (len(levels) - 1) + 8
    group_h = n * (bar_h + 3) + gap
    top = 34
    legend_h = 18 * n + 10
    width = label_w + plot_w + 90
    height = top + group_h * len(lab.dimensions) + legend_h
    parts: list[str] = []
    for i, level in enumerate(levels):
        x = label_w + i * step
        parts.append(
            _el(
                "line",
                x1=x,
                y1=top - 8,
                x2=x,
                y2=top + group_h * len(lab.dimensions) - gap / 2,
                stroke="#c6ccd2",
                stroke_width=1,
                class_="lab-chart__grid",
            )
        )
        parts.append(_text(x, top - 14, level.label, size=10, fill=MUTED, anchor="middle"))
    for row, (dimension, results) in enumerate(comparison.rows()):
        y0 = top + row * group_h
        parts.append(
            _text(
                label_w - 10,
                y0 + (group_h - gap) / 2 + 4,
                dimension.label,
                size=11,
                fill=INK,
                anchor="end",
                cls="lab-chart__dimension",
            )
        )
        for s, result in enumerate(results):
            index = next(i for i, lv in enumerate(levels) if lv.key == result.level.key)
            y = y0 + s * (bar_h + 3)
            colour = SERIES[s % len(SERIES)]
            tip = f"{comparison.labels[s]} — {dimension.label}: {result.level.label} ({result.points} points)"
            bar = _attrs(
                x=label_w,
                y=y,
                width=index * step + 4,
                height=bar_h,
                fill=colour,
                class_=f"lab-chart__bar lab-chart__bar--{s}",
            )
            parts.append(f"<rect {bar}><title>{_t(tip)}</title></rect>")
            parts.append(_text(label_w + index * step + 8, y + bar_h - 2, result.level.label, size=9, fill=MUTED))
    ly = top + group_h * len(lab.dimensions) + 4
    for s, label in enumerate(comparison.labels):
        parts.append(_el("rect", x=label_w, y=ly + s * 18, width=12, height=12, fill=SERIES[s % len(SERIES)]))
        parts.append(_text(label_w + 18, ly + s * 18 + 10, label, size=11, fill=INK, cls="lab-chart__legend"))
    summary = "; ".join(
        f"{dimension.label}: "
        + ", ".join(f"{comparison.labels[s]} {r.level.label.lower()}" for s, r in enumerate(results))
        for dimension, results in comparison.rows()
    )
    return _svg(
        parts,
        width=width,
        height=height,
        cls="lab-chart",
        title="Risk levels of the designs compared",
        desc=summary,
        ident=ident,
    )


def chart_for(
    designs: Sequence[tuple[str, Mapping[str, Any]]], *, lab: Lab | None = None, ident: str = "lab-chart"
) -> Markup:
    """Convenience: compare labelled designs and draw the chart."""
    return comparison_chart(compare(designs, lab=lab), lab=lab, ident=ident)

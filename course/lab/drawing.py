"""Server-side SVG for the ID Design Lab: the card's front and back, and a chart comparing designs.

The SVG is inlined into pages served with a Content-Security-Policy that forbids inline styles, so shapes carry
presentation attributes and classes, never `style=`. Every piece of text goes through `_t` (XML-escaped), because
chart labels include the titles students give their designs.

Language: the card is a specimen of the student's own design for a made-up state, so what is printed on it (field
names, headings, specimen values) is written in the reader's language, as a Korean card prints Korean; so are the
notes drawn beside the card and every title and description a screen reader reads. What a machine reads stays as the
standards write it: the machine-readable zone (ICAO Doc 9303 allows only Latin capitals, digits and <), the card
access number and the personal number. Callers pass the lab in the reader's language (catalogue.localized_lab);
outside a request gettext returns English.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from course.labmodel import NO_EXPIRY, Comparison, Lab, compare, get_lab

CARD_W, CARD_H = 428, 270  # ISO/IEC 7810 ID-1 (85.60 x 53.98 mm), five units to the millimetre
# The card is never shown narrower than 330 CSS px (lab.css), so 15.5 units are at least 12 CSS px on a phone.
SMALL = 15.5

BODY_FILL = {"laminated_paper": "#f1e6c8", "pvc": "#e6eff7", "polycarbonate": "#e3e6e8"}
BODY_EDGE = {"laminated_paper": "#a89f82", "pvc": "#8fa7bd", "polycarbonate": "#7d868c"}
INK = "#1f2a33"
MUTED = "#5b6670"
SENSITIVE = "#a4161a"
CHIP_GOLD = "#c9a23f"
SERIES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#6a3d9a", "#000000")

# What a specimen card shows for each field; a meaningful personal number spells out what it encodes.
SPECIMEN = {
    "name": _l("SPECIMEN, Alex"),
    "date_of_birth": "01.03.1990",
    "gender": _l("F"),
    "marital_status": _l("Married"),
    "blood_type": _l("B Rh+"),
    "nationality": _l("Examplian"),
    "ethnicity": _l("Group A"),
    "religion": _l("Faith B"),
    "address": _l("12 Sample Street, Example Town"),
}
NUMBER_RANDOM = "4821 7730 1956"
NUMBER_MEANINGFUL = "900301-2-13-0457"
FRONT_SKIP = {"photo", "fingerprints", "personal_number", "address"}
CHIP_LINE = 27  # columns of the "chip holds" lines on the back; a CJK character takes two


def _columns(text: str) -> int:
    """How wide a line is, counting full-width (Korean, Chinese, Japanese) characters as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _years(years: Any) -> str:
    return ngettext("%(num)d year", "%(num)d years", int(years))


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
    parts.append(_text(20, 32, _("IDENTITY CARD"), size=20, weight="700", fill=ink))
    parts.append(_text(20, 52, _("Republic of Examples · specimen"), size=SMALL, fill=MUTED))
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
            _text(
                72, 212, _("photo pasted on") if pasted else _("photo printed"), size=SMALL, fill=MUTED, anchor="middle"
            )
        )
    else:
        parts.append(_el("rect", x=22, y=62, width=100, height=130, fill="none", stroke=MUTED, stroke_dasharray="4 4"))
        parts.append(_text(72, 130, _("no photo"), size=SMALL, fill=MUTED, anchor="middle"))
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
        parts.append(_text(159, 148, _("chip"), size=SMALL, fill=MUTED, anchor="middle"))
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
        parts.append(_text(360, 52, _("contactless"), size=SMALL, fill=MUTED, anchor="middle"))
    if design["chip_access"] == "pace":
        parts.append(_text(20, 258, "CAN 482193", size=SMALL, fill=ink, family="ui-monospace, monospace"))
    # Printed fields, one line each: the label, then the specimen value
    printed = [n for n in _fields_where(design, lab, "printed") if n not in FRONT_SKIP]
    for i, name in enumerate(printed[:8]):
        y = 78 + i * 20
        sensitive = lab.options[f"fields.{name}"].sensitive
        cls = "lab-card__field lab-card__field--sensitive" if sensitive else "lab-card__field"
        label = _label(lab, name) + (" ⚠" if sensitive else "")
        colour = SENSITIVE if sensitive else MUTED
        line = _attrs(x=192, y=y, font_size=SMALL, fill=colour, class_=cls, font_family="system-ui, sans-serif")
        value = _attrs(font_weight="600", fill=SENSITIVE if sensitive else ink)
        parts.append(f"<text {line}>{_t(label)} <tspan {value}>{_t(SPECIMEN.get(name, '…'))}</tspan></text>")
    if design["fields.personal_number"] == "printed":
        meaningful = design["number_scheme"] == "meaningful"
        parts.append(
            _text(
                192,
                258,
                _("No. %(number)s", number=NUMBER_MEANINGFUL if meaningful else NUMBER_RANDOM),
                size=16,
                fill=ink,
                family="ui-monospace, monospace",
                cls="lab-card__number",
            )
        )
        if meaningful:
            parts.append(_text(20, 238, _("No. = birth date · sex · region · serial"), size=SMALL, fill=SENSITIVE))
    shown = [_label(lab, n) for n in _fields_where(design, lab, "printed")]
    nothing = _("nothing")
    desc = _("Printed on the front and back: %(fields)s.", fields=", ".join(shown) if shown else nothing)
    sensitive_shown = [
        _label(lab, n) for n in lab.field_groups.get("sensitive", ()) if design[f"fields.{n}"] == "printed"
    ]
    if sensitive_shown:
        desc += " " + _("Sensitive fields printed: %(fields)s.", fields=", ".join(sensitive_shown))
    title = _(
        "Card front: %(body)s, %(chip)s",
        body=lab.options["body"].describe(design["body"]),
        chip=lab.options["chip"].describe(design["chip"]).lower(),
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
        parts.append(_text(CARD_W - 34, 44, _("antenna inside the card"), size=SMALL, fill="#7a4f00", anchor="end"))
    y = 62
    validity = design["validity_years"]
    parts.append(_text(40, y + 4, _("Valid for"), size=SMALL, fill=MUTED))
    parts.append(
        _text(
            40, y + 21, _("no expiry") if validity == NO_EXPIRY else _years(validity), size=16, weight="600", fill=ink
        )
    )
    parts.append(_text(160, y + 4, _("Issued by"), size=SMALL, fill=MUTED))
    parts.append(_text(160, y + 21, _("Ministry of Examples"), size=16, weight="600", fill=ink))
    y += 46
    if design["fields.address"] == "printed":
        parts.append(_text(40, y, _label(lab, "address"), size=SMALL, fill=MUTED))
        parts.append(_text(40, y + 17, SPECIMEN["address"], size=16, weight="600", fill=ink))
        y += 40
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
        parts.append(_text(358, 146, _("Fingerprint ⚠"), size=SMALL, fill=SENSITIVE, anchor="middle"))
        parts.append("</g>")
    if design["chip"] != "none":
        on_chip = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
        parts.append(_text(40, y, _("The chip holds"), size=SMALL, fill=MUTED))
        line, lines = "", []
        for label in on_chip or [_("nothing")]:
            candidate = f"{line}, {label}" if line else label
            if _columns(candidate) > CHIP_LINE:
                lines.append(line + ",")
                candidate = label
            line = candidate
        lines.append(line)
        room = 4 if design["chip_access"] not in ("bac", "pace") else max(1, int((190 - y) // 17))
        if len(lines) > room:  # the full list is in the description and beside the card
            lines = lines[: room - 1] + [lines[room - 1].rstrip(",") + " …"]
        for i, text in enumerate(lines):
            parts.append(_text(40, y + 17 + i * 17, text, size=SMALL, fill=ink, cls="lab-card__chip-contents"))
    if design["chip_access"] in ("bac", "pace"):
        mrz = ("IDXMP<4821773019<<<<<<<<<<<<<<<", "9003012F3503014XMP<<<<<<<<<<<6", "SPECIMEN<<ALEX<<<<<<<<<<<<<<<<")
        parts.append(_el("rect", x=14, y=196, width=CARD_W - 28, height=62, fill="#ffffff", opacity=0.7))
        for i, line in enumerate(mrz):
            parts.append(
                _text(
                    24,
                    214 + i * 18,
                    line[:30],
                    size=SMALL,
                    fill=ink,
                    family="ui-monospace, monospace",
                    cls="lab-card__mrz",
                )
            )
    desc_parts = []
    if design["chip"] == "contactless":
        desc_parts.append(_("A contactless chip's antenna runs around the card."))
    if design["chip"] != "none":
        held = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
        nothing = _("nothing")
        desc_parts.append(_("The chip holds: %(fields)s.", fields=", ".join(held) if held else nothing))
    if design["chip_access"] in ("bac", "pace"):
        desc_parts.append(_("A machine-readable zone is printed at the bottom."))
    if validity == NO_EXPIRY:
        desc_parts.append(_("Valid for ever."))
    else:
        desc_parts.append(ngettext("Valid for %(num)d year.", "Valid for %(num)d years.", int(validity)))
    return _svg(
        parts,
        width=CARD_W,
        height=CARD_H,
        cls="lab-card lab-card--back",
        title=_("Card back"),
        desc=" ".join(desc_parts),
        ident=ident,
    )


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
        parts.append(_text(left, y, dimension.label, size=14, fill=INK, weight="600", cls="lab-chart__dimension"))
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
            bar = _attrs(
                x=left, y=y, width=length, height=bar_h, fill=colour, class_=f"lab-chart__bar lab-chart__bar--{s}"
            )
            parts.append(f"<rect {bar}><title>{_t(tip)}</title></rect>")
            parts.append(
                _text(left + length + 5, y + bar_h - 2, result.level.label, size=13, fill=MUTED, cls="lab-chart__level")
            )
            y += bar_h + row_gap
        y += 6
    y += 4
    for s, label in enumerate(comparison.labels):
        shown = label if len(label) <= 38 else label[:37] + "…"
        parts.append(_el("rect", x=left, y=y, width=13, height=13, fill=SERIES[s % len(SERIES)]))
        parts.append(_text(left + 19, y + 11.5, shown, size=14, fill=INK, cls="lab-chart__legend"))
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
    return _svg(
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

"""The ID card a design describes, drawn front and back as a specimen for a made-up state."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from course.lab.drawing import svg
from course.lab.drawing.svg import INK, MONOSPACE, MUTED, SENSITIVE, SMALL
from course.labmodel import NO_EXPIRY, Lab, get_lab

CARD_W, CARD_H = 428, 270  # ISO/IEC 7810 ID-1 (85.60 x 53.98 mm), five units to the millimetre

BODY_FILL = {"laminated_paper": "#f1e6c8", "pvc": "#e6eff7", "polycarbonate": "#e3e6e8"}
BODY_EDGE = {"laminated_paper": "#a89f82", "pvc": "#8fa7bd", "polycarbonate": "#7d868c"}
CHIP_GOLD = "#c9a23f"

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
# The machine-readable zone of ICAO Doc 9303, printed when the chip is read through it (BAC or PACE).
MRZ = ("IDXMP<4821773019<<<<<<<<<<<<<<<", "9003012F3503014XMP<<<<<<<<<<<6", "SPECIMEN<<ALEX<<<<<<<<<<<<<<<<")
MRZ_ACCESS = ("bac", "pace")


def _columns(text: str) -> int:
    """How wide a line is, counting full-width (Korean, Chinese, Japanese) characters as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _years(years: Any) -> str:
    """A validity in years, as the card prints it."""
    return ngettext("%(num)d year", "%(num)d years", int(years))


def _fields_where(design: Mapping[str, Any], lab: Lab, *states: str) -> list[str]:
    """The data fields the design puts in one of these states (printed, chip, …), in the lab's order."""
    return [name for name in lab.field_names if design[f"fields.{name}"] in states]


def _label(lab: Lab, name: str) -> str:
    """A data field's label in the reader's language."""
    return lab.options[f"fields.{name}"].label


def _listed(labels: list[str]) -> str:
    """Labels for a description, or "nothing"."""
    return ", ".join(labels) if labels else _("nothing")


def _ink(design: Mapping[str, Any]) -> str:
    """The colour the card's text is in: a softer grey on a polycarbonate body."""
    return "#30363b" if design["body"] == "polycarbonate" else INK


def _card_base(design: Mapping[str, Any]) -> list[str]:
    """What both sides share: the body in its material's colours, guilloche lines, a laminate's film and sheen."""
    body = design["body"]
    parts = [
        svg.element(
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
                svg.element(
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
            svg.element(
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
            svg.element("path", d="M 300 6 L 420 6 L 420 70 Z", fill="#ffffff", opacity=0.35, class_="lab-card__sheen")
        )
    return parts


def card_front(design: Mapping[str, Any], *, lab: Lab | None = None, ident: str = "card-front") -> Markup:
    """The front of the card: photo, printed fields (sensitive ones marked), contact pads or contactless mark."""
    lab = lab or get_lab()
    ink = _ink(design)
    parts = _card_base(design)
    parts.append(svg.text(20, 32, _("IDENTITY CARD"), size=20, weight="700", fill=ink))
    parts.append(svg.text(20, 52, _("Republic of Examples · specimen"), size=SMALL, fill=MUTED))
    parts += _photo(design) if design["fields.photo"] == "printed" else _no_photo()
    parts += _chip_mark(design["chip"], ink)
    if design["chip_access"] == "pace":
        parts.append(svg.text(20, 258, "CAN 482193", size=SMALL, fill=ink, family=MONOSPACE))
    parts += _printed_fields(design, lab, ink)
    if design["fields.personal_number"] == "printed":
        parts += _personal_number(design["number_scheme"] == "meaningful", ink)
    title = _(
        "Card front: %(body)s, %(chip)s",
        body=lab.options["body"].describe(design["body"]),
        chip=lab.options["chip"].describe(design["chip"]).lower(),
    )
    return svg.document(
        parts,
        width=CARD_W,
        height=CARD_H,
        cls="lab-card lab-card--front",
        title=title,
        desc=_front_description(design, lab),
        ident=ident,
    )


def _photo(design: Mapping[str, Any]) -> list[str]:
    """The holder's portrait, printed on the card or pasted on at a slant with its corners glued."""
    pasted = design["photo_attachment"] == "pasted"
    shade = "#6f7880" if design["body"] == "polycarbonate" else "#8a9aa8"
    parts = [
        '<g transform="rotate(-3 72 125)" class="lab-card__photo lab-card__photo--pasted">'
        if pasted
        else '<g class="lab-card__photo">'
    ]
    if pasted:
        parts.append(svg.element("rect", x=17, y=57, width=110, height=140, fill="#ffffff", stroke="#b5ad93"))
    parts.append(svg.element("rect", x=22, y=62, width=100, height=130, fill="#cfd8df"))
    parts.append(svg.element("circle", cx=72, cy=112, r=26, fill=shade))
    parts.append(svg.element("path", d="M 30 192 Q 30 146 72 146 Q 114 146 114 192 Z", fill=shade))
    if pasted:
        for cx, cy in ((17, 57), (127, 57), (17, 197), (127, 197)):
            parts.append(svg.element("circle", cx=cx, cy=cy, r=4, fill="#d9c98f", opacity=0.9))
    parts.append("</g>")
    caption = _("photo pasted on") if pasted else _("photo printed")
    parts.append(svg.text(72, 212, caption, size=SMALL, fill=MUTED, anchor="middle"))
    return parts


def _no_photo() -> list[str]:
    """An empty dashed frame where a photo would be."""
    return [
        svg.element("rect", x=22, y=62, width=100, height=130, fill="none", stroke=MUTED, stroke_dasharray="4 4"),
        svg.text(72, 130, _("no photo"), size=SMALL, fill=MUTED, anchor="middle"),
    ]


def _chip_mark(chip: str, ink: str) -> list[str]:
    """What shows a chip on the front: gold contact pads, or the contactless symbol in the corner."""
    if chip == "contact":
        pads = "M 136 104 H 152 M 166 104 H 182 M 136 116 H 152 M 166 116 H 182 M 152 92 V 128 M 166 92 V 128"
        return [
            svg.element(
                "rect",
                x=136,
                y=92,
                width=46,
                height=36,
                rx=6,
                fill=CHIP_GOLD,
                stroke="#8a6d1f",
                class_="lab-card__chip",
            ),
            svg.element("path", d=pads, stroke="#8a6d1f", fill="none"),
            svg.text(159, 148, _("chip"), size=SMALL, fill=MUTED, anchor="middle"),
        ]
    if chip == "contactless":
        waves = [
            svg.element(
                "path",
                d=f"M {392 + r * 0.2} {22 - r} a {r} {r} 0 0 1 0 {2 * r}",
                fill="none",
                stroke=ink,
                stroke_width=2,
                class_="lab-card__contactless",
            )
            for r in (6, 11, 16)
        ]
        return [*waves, svg.text(360, 52, _("contactless"), size=SMALL, fill=MUTED, anchor="middle")]
    return []


def _printed_fields(design: Mapping[str, Any], lab: Lab, ink: str) -> list[str]:
    """Up to eight printed fields, one line each: the label, then the specimen value; sensitive ones in red."""
    printed = [n for n in _fields_where(design, lab, "printed") if n not in FRONT_SKIP]
    parts = []
    for i, name in enumerate(printed[:8]):
        sensitive = lab.options[f"fields.{name}"].sensitive
        cls = "lab-card__field lab-card__field--sensitive" if sensitive else "lab-card__field"
        label = _label(lab, name) + (" ⚠" if sensitive else "")
        line = svg.attributes(
            x=192,
            y=78 + i * 20,
            font_size=SMALL,
            fill=SENSITIVE if sensitive else MUTED,
            class_=cls,
            font_family="system-ui, sans-serif",
        )
        value = svg.attributes(font_weight="600", fill=SENSITIVE if sensitive else ink)
        specimen = SPECIMEN.get(name, "…")
        parts.append(f"<text {line}>{svg.escaped(label)} <tspan {value}>{svg.escaped(specimen)}</tspan></text>")
    return parts


def _personal_number(meaningful: bool, ink: str) -> list[str]:
    """The printed personal number; a meaningful one is spelled out, since what it gives away is the lesson."""
    number = NUMBER_MEANINGFUL if meaningful else NUMBER_RANDOM
    parts = [
        svg.text(
            192, 258, _("No. %(number)s", number=number), size=16, fill=ink, family=MONOSPACE, cls="lab-card__number"
        )
    ]
    if meaningful:
        parts.append(svg.text(20, 238, _("No. = birth date · sex · region · serial"), size=SMALL, fill=SENSITIVE))
    return parts


def _front_description(design: Mapping[str, Any], lab: Lab) -> str:
    """What a screen reader hears for the front: every printed field, then the sensitive ones again."""
    shown = [_label(lab, n) for n in _fields_where(design, lab, "printed")]
    desc = _("Printed on the front and back: %(fields)s.", fields=_listed(shown))
    sensitive_shown = [
        _label(lab, n) for n in lab.field_groups.get("sensitive", ()) if design[f"fields.{n}"] == "printed"
    ]
    if sensitive_shown:
        desc += " " + _("Sensitive fields printed: %(fields)s.", fields=", ".join(sensitive_shown))
    return desc


def card_back(design: Mapping[str, Any], *, lab: Lab | None = None, ident: str = "card-back") -> Markup:
    """The back of the card: antenna, address and fingerprint if printed, validity, MRZ and what the chip holds."""
    lab = lab or get_lab()
    ink = _ink(design)
    parts = _card_base(design)
    if design["chip"] == "contactless":
        parts += _antenna()
    parts += _validity_and_issuer(design["validity_years"], ink)
    y = 108  # the next free line under them
    if design["fields.address"] == "printed":
        parts.append(svg.text(40, y, _label(lab, "address"), size=SMALL, fill=MUTED))
        parts.append(svg.text(40, y + 17, SPECIMEN["address"], size=16, weight="600", fill=ink))
        y += 40
    if design["fields.fingerprints"] == "printed":
        parts += _fingerprint()
    if design["chip"] != "none":
        parts += _chip_contents(design, lab, y, ink)
    if design["chip_access"] in MRZ_ACCESS:
        parts.append(svg.element("rect", x=14, y=196, width=CARD_W - 28, height=62, fill="#ffffff", opacity=0.7))
        for i, line in enumerate(MRZ):
            parts.append(
                svg.text(24, 214 + i * 18, line[:30], size=SMALL, fill=ink, family=MONOSPACE, cls="lab-card__mrz")
            )
    return svg.document(
        parts,
        width=CARD_W,
        height=CARD_H,
        cls="lab-card lab-card--back",
        title=_("Card back"),
        desc=_back_description(design, lab),
        ident=ident,
    )


def _antenna() -> list[str]:
    """A contactless chip's antenna: three loops just inside the card's edge."""
    loops = [
        svg.element(
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
        for inset in (14, 20, 26)
    ]
    return [*loops, svg.text(CARD_W - 34, 44, _("antenna inside the card"), size=SMALL, fill="#7a4f00", anchor="end")]


def _validity_and_issuer(validity: Any, ink: str) -> list[str]:
    """The top line of the back: how long the card is valid, and who issued it."""
    valid_for = _("no expiry") if validity == NO_EXPIRY else _years(validity)
    return [
        svg.text(40, 66, _("Valid for"), size=SMALL, fill=MUTED),
        svg.text(40, 83, valid_for, size=16, weight="600", fill=ink),
        svg.text(160, 66, _("Issued by"), size=SMALL, fill=MUTED),
        svg.text(160, 83, _("Ministry of Examples"), size=16, weight="600", fill=ink),
    ]


def _fingerprint() -> list[str]:
    """A printed fingerprint, marked sensitive."""
    ridges = [
        svg.element(
            "path", d=f"M {358 - r} 120 a {r} {r + 4} 0 0 1 {2 * r} 0", fill="none", stroke=SENSITIVE, stroke_width=1.4
        )
        for r in (6, 11, 16, 21)
    ]
    return [
        '<g class="lab-card__fingerprint lab-card__field--sensitive">',
        *ridges,
        svg.text(358, 146, _("Fingerprint ⚠"), size=SMALL, fill=SENSITIVE, anchor="middle"),
        "</g>",
    ]


def _chip_contents(design: Mapping[str, Any], lab: Lab, y: float, ink: str) -> list[str]:
    """The fields the chip holds, listed from line y in as many lines as fit (above the MRZ when there is one)."""
    on_chip = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
    lines = _wrapped(on_chip or [_("nothing")])
    room = max(1, int((190 - y) // 17)) if design["chip_access"] in MRZ_ACCESS else 4
    if len(lines) > room:  # the full list is in the description and beside the card
        lines = lines[: room - 1] + [lines[room - 1].rstrip(",") + " …"]
    parts = [svg.text(40, y, _("The chip holds"), size=SMALL, fill=MUTED)]
    for i, line in enumerate(lines):
        parts.append(svg.text(40, y + 17 + i * 17, line, size=SMALL, fill=ink, cls="lab-card__chip-contents"))
    return parts


def _wrapped(labels: list[str]) -> list[str]:
    """Labels joined with commas into lines of at most CHIP_LINE columns (a label longer than that keeps its line)."""
    line, lines = "", []
    for label in labels:
        candidate = f"{line}, {label}" if line else label
        if _columns(candidate) > CHIP_LINE:
            lines.append(line + ",")
            candidate = label
        line = candidate
    lines.append(line)
    return lines


def _back_description(design: Mapping[str, Any], lab: Lab) -> str:
    """What a screen reader hears for the back: the antenna, the chip's contents, the MRZ and the validity."""
    desc_parts = []
    if design["chip"] == "contactless":
        desc_parts.append(_("A contactless chip's antenna runs around the card."))
    if design["chip"] != "none":
        held = [_label(lab, n) for n in _fields_where(design, lab, "printed", "chip")]
        desc_parts.append(_("The chip holds: %(fields)s.", fields=_listed(held)))
    if design["chip_access"] in MRZ_ACCESS:
        desc_parts.append(_("A machine-readable zone is printed at the bottom."))
    validity = design["validity_years"]
    if validity == NO_EXPIRY:
        desc_parts.append(_("Valid for ever."))
    else:
        desc_parts.append(ngettext("Valid for %(num)d year.", "Valid for %(num)d years.", int(validity)))
    return " ".join(desc_parts)

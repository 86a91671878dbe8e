"""The SVG primitives the card and the chart are drawn with: every attribute and text node is XML-escaped here.

The SVG is inlined into pages served with a Content-Security-Policy that forbids inline styles, so shapes carry
presentation attributes and classes, never `style=`.
"""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup

INK = "#1f2a33"
MUTED = "#5b6670"
SENSITIVE = "#a4161a"
# The card is never shown narrower than 330 CSS px (lab.css), so 15.5 units are at least 12 CSS px on a phone.
SMALL = 15.5
MONOSPACE = "ui-monospace, monospace"


def escaped(value: Any) -> str:
    """Text escaped for SVG content or an attribute value."""
    return html.escape(str(value), quote=True)


def attributes(**attrs: Any) -> str:
    """Escaped attributes, `class_` and `font_size` written `class` and `font-size`; None leaves one out."""
    return " ".join(f'{k.rstrip("_").replace("_", "-")}="{escaped(v)}"' for k, v in attrs.items() if v is not None)


def element(tag: str, **attrs: Any) -> str:
    """An empty SVG element with escaped attributes."""
    return f"<{tag} {attributes(**attrs)}/>"


def text(
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
    """A line of escaped text, in the system font unless another family is given."""
    attrs = attributes(
        x=x,
        y=y,
        font_size=size,
        fill=fill,
        class_=cls,
        font_weight=weight,
        text_anchor=anchor,
        font_family=family or "system-ui, sans-serif",
    )
    return f"<text {attrs}>{escaped(content)}</text>"


def document(body: list[str], *, width: float, height: float, cls: str, title: str, desc: str, ident: str) -> Markup:
    """The whole drawing, its title and description named for screen readers by `ident`."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {attributes(viewBox=f"0 0 {width} {height}", class_=cls)} '
        f'role="img" aria-labelledby="{escaped(ident)}-title {escaped(ident)}-desc">'
        f'<title id="{escaped(ident)}-title">{escaped(title)}</title>'
        f'<desc id="{escaped(ident)}-desc">{escaped(desc)}</desc>'
    )
    # Safe: every attribute and text node above went through escaped().
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704

"""The one place that cleans HTML and typed text. Everything authors write passes through `clean_html` before it
is stored; everything anyone types or imports passes through `without_control_characters`.

Markdown is rendered with raw HTML disabled, and the result is cleaned again here with one allow-list, so a
hostile lesson or quiz cannot smuggle in scripts, event handlers, javascript: URLs, SVG/MathML or inline CSS.
"""

import re
from functools import cache

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "section",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "id", "class"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "th": ["class", "colspan", "rowspan", "scope"],
    "td": ["class", "colspan", "rowspan"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "sup": ["class", "id"],
    "li": ["id"],
    "ol": ["start", "class"],
    "div": ["class", "data-preset", "data-task"],
    "section": ["class"],
    "span": ["class"],
    "code": ["class"],
    "figure": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


@cache
def _cleaner():
    """Bleach's cleaner for the allow-list, made when HTML is first cleaned: content is cleaned when it is saved,
    so a process that only serves pages never imports bleach."""
    import bleach

    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS_AND_TABS = re.compile(r"[\t\n\r]")
_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"']+$", re.IGNORECASE)


def clean_html(html: str) -> str:
    """Reduce HTML to the allow-list; whatever is not on it is removed, its text kept as inert text."""
    return _cleaner().clean(html)


def safe_url(url: str) -> str:
    """An absolute web link an author gave, or '' when it is anything else (javascript:, data:, relative…)."""
    url = (url or "").strip()
    return url if _SAFE_URL.match(url) else ""


def without_control_characters(text: str, multiline: bool = True) -> str:
    """Text without NUL and the other control characters: no one means them, and PostgreSQL refuses NUL, so they
    are removed (the same on SQLite). Tabs and line breaks stay where text has lines: textareas and files."""
    text = _CONTROL_CHARACTERS.sub("", text)
    return text if multiline else _LINE_BREAKS_AND_TABS.sub("", text)

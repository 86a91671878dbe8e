"""GIFT text as the types' `gift_answers` and course.content.gift write it: escaped, one line per answer."""

import re

GIFT_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_CONTROL_CHARACTER = re.compile(r"[\\~=#{}:]")


def gift_escape(text: str) -> str:
    """GIFT text on one line: control characters escaped, line breaks as \\n so a blank line cannot end a question."""
    escaped = _CONTROL_CHARACTER.sub(r"\\\g<0>", str(text).strip())
    return escaped.replace("\r", "").replace("\n", r"\n")


def answer_gift(marker: str, text: str, feedback: str | None = None, weight: float | None = None) -> str:
    """One `=`/`~` answer; a text that starts like a %weight% gets an explicit one so it is not read as a weight."""
    if weight is None and GIFT_WEIGHT.match(text.strip()):
        weight = 100 if marker == "=" else 0
    weight_gift = "" if weight is None else f"%{weight:.5f}".rstrip("0").rstrip(".") + "%"
    feedback_gift = f"#{gift_escape(feedback)}" if feedback else ""
    return f"{marker}{weight_gift}{gift_escape(text)}{feedback_gift}"

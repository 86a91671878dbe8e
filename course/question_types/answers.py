"""How typed answers are compared, shared by the types that take typed answers and by item analysis."""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TypeGuard

MAX_NUMBER_TEXT = 50


def normalise_text(text: str) -> str:
    """Compare typed answers as a reader would: ignore case, accents' encoding, and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def parse_number(text: str) -> float | None:
    """Read a number as people type it: '8', '8.5', '8,5', ' -3 ', '1 000'."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if len(cleaned) > MAX_NUMBER_TEXT:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def accepted_pattern(accepted: str) -> re.Pattern[str]:
    """An accepted answer as a pattern: `*` stands for any run of characters (Moodle's wildcard), the rest is
    compared after normalise_text."""
    parts = normalise_text(accepted).split("*")
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


def accepted_credit(response: str, accepted: Sequence[Mapping]) -> tuple[float, Mapping | None]:
    """The best credit a typed answer earns among accepted answers ({"text", "credit"}), and the one it matched (a
    0% answer too: Moodle's `=%0%*#feedback` gives no credit but its feedback)."""
    typed = normalise_text(response)
    best: tuple[float, Mapping | None] = (0.0, None)
    for answer in accepted:
        if accepted_pattern(answer["text"]).fullmatch(typed) and (best[1] is None or answer["credit"] > best[0]):
            best = (answer["credit"], answer)
    return best


def within_tolerance(value: float, answer: float, tolerance: float) -> bool:
    """Bounds included; a small epsilon so that 0.1 + 0.2 style float error never turns a right answer wrong."""
    return abs(value - answer) <= tolerance + 1e-9 * max(1.0, abs(answer))


def is_number(value: object) -> TypeGuard[int | float]:
    """A finite YAML number (booleans are not numbers here)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def plain_number(value: float) -> int | float:
    """8.0 as 8, so exported files and editor fields read as the author wrote them."""
    return int(value) if float(value).is_integer() else value

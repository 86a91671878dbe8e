"""What matching and ordering share: a select per shown item, sent as "item:option" values under the question's
one form name, so a plain HTML form (no JavaScript) answers them and the values reveal nothing about the key."""

import re

from flask_babel import gettext as _

from course.question_types import Grade

_VALUE = re.compile(r"^(\d{1,3}):(\d{1,3})$")


def parse_selections(values, count_limit: int = 200) -> list | None:
    """{item: option} from "item:option" values as a list indexed by item (None where nothing was chosen)."""
    chosen: dict[int, int] = {}
    for value in values:
        match = _VALUE.match(value.strip())
        if match and int(match[1]) < count_limit:
            chosen[int(match[1])] = int(match[2])
    if not chosen:
        return None
    return [chosen.get(item) for item in range(max(chosen) + 1)]


def grade_selections(response, key: list[int], item_texts: list[str], option_texts: list[str]) -> Grade:
    """Partial credit per item: the share of items given their right option."""
    if not isinstance(response, list) or not any(isinstance(r, int) for r in response):
        return Grade(0.0, _("(no answer)"))
    chosen = [response[i] if i < len(response) and isinstance(response[i], int) else None for i in range(len(key))]
    right = sum(1 for given, wanted in zip(chosen, key, strict=True) if given == wanted)
    shown = "; ".join(
        f"{item} → {option_texts[given] if given is not None and 0 <= given < len(option_texts) else '—'}"
        for item, given in zip(item_texts, chosen, strict=True)
    )
    return Grade(right / len(key), shown)

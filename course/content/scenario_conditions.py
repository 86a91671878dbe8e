"""Scenario conditions and state: `deadline = short and fields != minimal` parsed into lists of (name, operator,
value) and evaluated by comparison only, so nothing an author writes is ever executed."""

import re
from typing import Any

from flask_babel import gettext as _

STATE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TERM = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(!=|=)\s*([A-Za-z0-9][A-Za-z0-9_-]*)\s*$")

Condition = list[list[str]]  # [[name, "=" or "!=", value], …], all of which must hold


def parse_condition(text: Any) -> tuple[Condition, str | None]:
    """`a = x and b != y` as [[a, =, x], [b, !=, y]]; the second value is why it cannot be read, or None."""
    if not isinstance(text, str) or not text.strip():
        return [], _("a condition reads like `deadline = short` or `deadline = short and fields != minimal`")
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        match = TERM.match(part)
        if not match:
            return [], _(
                "cannot read the condition %(condition)s: write name = value or name != value, joined by "
                "'and' (names in lower case, values single words)",
                condition=repr(text.strip()),
            )
        terms.append([match.group(1), match.group(2), match.group(3)])
    return terms, None


def condition_text(condition: Condition) -> str:
    return " and ".join(f"{name} {op} {value}" for name, op, value in condition)


def holds(condition: Condition | None, state: dict[str, str], negate: bool = False) -> bool:
    """Whether a parsed condition holds in this state; state nothing has set yet is empty and equals no value."""
    if not condition:
        return not negate
    result = all((state.get(name, "") == value) == (op == "=") for name, op, value in condition)
    return result != negate


def state_value(value: Any) -> str | None:
    """A value as state holds it: a word, or true/false and numbers as the words YAML read them from."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str) and STATE_VALUE.match(value.strip()):
        return value.strip()
    return None


def offered_choices(node: dict[str, Any], state: dict[str, str]) -> list[tuple[int, dict[str, Any]]]:
    """The choices a node offers in this state, with their index in the node (what a form posts)."""
    return [(index, choice) for index, choice in enumerate(node.get("choices", ())) if holds(choice.get("when"), state)]

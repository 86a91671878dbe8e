"""A design from a posted form (or a preset's YAML), checked option by option, and back to form values.

The messages parse_design writes go through Flask-Babel's gettext, which returns the English text outside a request,
so these functions stay pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from course.labmodel.evaluation import evaluate
from course.labmodel.model import NO_EXPIRY, Design, Lab, Option, default_lab

# Form keys that travel with a design but are not part of it; parse_design ignores them instead of calling them unknown.
MAX_REPORTED_UNKNOWN = 10
FORM_CONTROL_KEYS = frozenset(
    {"csrf_token", "preset", "task", "action", "title", "compare", "submit", "values_before", "levels_before"}
)


def _posted(form: Mapping[str, Any], key: str) -> list[Any]:
    """Every value posted under a key, from a werkzeug MultiDict or a plain mapping."""
    if hasattr(form, "getlist"):
        return list(form.getlist(key))
    value = form.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _shown(value: Any) -> str:
    """A posted value quoted back in a message: short, so a tampered form cannot fill the page."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def parse_design(
    form: Mapping[str, Any], *, lab: Lab | None = None, ignore: Iterable[str] = FORM_CONTROL_KEYS
) -> tuple[Design | None, dict[str, str]]:
    """Turn posted form values into a design, or explain at each field what is wrong.

    Returns (design, {}) or (None, errors) with one message per option key; unknown keys, repeated values, values
    that are not choices, validity out of range and choices that contradict each other are all errors.
    """
    lab = lab or default_lab()
    ignore = frozenset(ignore)
    errors: dict[str, str] = {}
    design: Design = {}
    unknown = [key for key in form if key not in lab.options and key not in ignore]
    for key in unknown[:MAX_REPORTED_UNKNOWN]:  # a tampered form cannot make the error list arbitrarily long
        errors[_shown(key)] = _("“%(key)s” is not an option of the lab.", key=_shown(key))
    for option in lab.options.values():
        value, error = _parse_option(option, _posted(form, option.key))
        if error:
            errors[option.key] = error
        else:
            design[option.key] = value
    if errors:
        return None, errors
    errors = _unmet_requirements(design, lab)
    if errors:
        return None, errors
    return design, {}


def _parse_option(option: Option, values: list[Any]) -> tuple[Any, str]:
    """One option's value from the values posted under its key, or ("", the message explaining what is wrong)."""
    if any(not isinstance(v, str) for v in values):
        return "", _("%(option)s: every value must be text (quote “yes” and “no” in YAML).", option=option.label)
    values = [v.strip() for v in values]
    if option.kind == "multi":
        return _parse_multi(option, values)
    if not values or values == [""]:
        return "", _("Choose a value for %(option)s.", option=option.label)
    if len(values) > 1:
        return "", _("%(option)s was sent more than once; choose one value.", option=option.label)
    if option.kind == "validity":
        return _parse_validity(option, values[0])
    return _parse_choice(option, values[0])


def _parse_multi(option: Option, values: list[str]) -> tuple[Any, str]:
    """The chosen values of a multi-choice option, in the option's order; at least one is needed."""
    unknown = [v for v in values if option.choice(v) is None]
    if unknown:
        return "", _("“%(value)s” is not a choice for %(option)s.", value=_shown(unknown[0]), option=option.label)
    if not values:
        return "", _("Choose at least one option for %(option)s.", option=option.label)
    return tuple(v for v in option.values if v in values), ""


def _parse_validity(option: Option, value: str) -> tuple[Any, str]:
    """A validity in whole years within the option's range, or no expiry."""
    if value == NO_EXPIRY:
        return NO_EXPIRY, ""
    if not value.isascii() or not value.isdigit():
        return "", _(
            "%(option)s must be a whole number of years from %(min)s to %(max)s, or no expiry.",
            option=option.label,
            min=option.minimum,
            max=option.maximum,
        )
    if not option.minimum <= int(value) <= option.maximum:
        return "", _(
            "%(option)s must be between %(min)s and %(max)s years (got %(value)s), or no expiry.",
            option=option.label,
            min=option.minimum,
            max=option.maximum,
            value=_shown(value),
        )
    return int(value), ""


def _parse_choice(option: Option, value: str) -> tuple[Any, str]:
    """One of the option's choices, the message naming them all otherwise."""
    if option.choice(value) is None:
        return "", _(
            "“%(value)s” is not a choice for %(option)s (choose %(choices)s).",
            value=_shown(value),
            option=option.label,
            choices=", ".join(c.label for c in option.choices),
        )
    return value, ""


def _unmet_requirements(design: Design, lab: Lab) -> dict[str, str]:
    """For each option, the first of its chosen values whose requirement the rest of the design contradicts."""
    errors: dict[str, str] = {}
    for option in lab.options.values():
        value = design[option.key]
        for v in value if option.kind == "multi" else (value,):
            choice = option.choice(v)
            if choice and choice.requires is not None and not evaluate(choice.requires, design, lab=lab):
                errors.setdefault(
                    option.key, _("%(option)s: %(problem)s", option=option.label, problem=choice.requires_message)
                )
    return errors


def design_to_form(design: Mapping[str, Any]) -> dict[str, Any]:
    """The form values that reproduce a design: strings, and a list for multi-choice options."""
    return {k: list(v) if isinstance(v, (list, tuple)) else str(v) for k, v in design.items()}


def preset_design(slug: str, *, lab: Lab | None = None) -> Design:
    """A copy of a preset's design, safe to change."""
    lab = lab or default_lab()
    return dict(lab.presets[slug].design)


def preset_form(design: Mapping[str, Any], field_names: Iterable[str]) -> dict[str, Any]:
    """A preset's nested YAML design as the flat mapping a form would post (absent fields: not collected)."""
    form: dict[str, Any] = {}
    for key, value in design.items():
        if key == "fields" and isinstance(value, dict):
            continue
        form[key] = value if isinstance(value, list) else _form_text(value)
    fields = design.get("fields") or {}
    for name in field_names:
        form[f"fields.{name}"] = _form_text(fields.get(name, "not_collected")) if isinstance(fields, dict) else ""
    if isinstance(fields, dict):
        for name in fields:
            if name not in field_names:
                form[f"fields.{name}"] = _form_text(fields[name])
    return form


def _form_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # left for parse_design to reject with a quoting hint
    return str(value) if isinstance(value, int) else value

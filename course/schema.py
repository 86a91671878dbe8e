"""One declarative schema for every YAML file Lanyard reads: course.yaml, lessons' front matter, quizzes and their
questions, glossaries, teacher's guides, and the ID Design Lab's data files.

A file kind declares its keys once, as a `Schema` of `Field`s (required or optional, a type, a slug, text with a
maximum length, a whole number in a range, one of a few values, a list of a kind, a nested mapping, unknown keys
refused or allowed). `problem_in` judges one value against its field and answers with a `Problem`: a code and the
numbers a message needs, never the message itself. The wording belongs to the reader of the message:

- course files (course.content) turn each problem into a gettext message at the value's `path:line`, read from the
  line-aware `LineDict`/`LineList` of course.content.yaml_lines, in the author's interface language;
- the lab's data files (course.labmodel) turn it into an English message at the key path (`rules[x].points`), for
  the people who edit the reviewed YAML beside the code.

This module imports nothing of the project, so both sides use it without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # lower-case words joined by hyphens: card-technology
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")  # lower_case_with_underscores: a lab option or level key
URL = re.compile(r"^https?://[^\s]+$")

TEXT, SLUG_TEXT, IDENT_TEXT, URL_TEXT = "text", "slug", "ident", "url"
INTEGER, NUMBER, BOOLEAN, ENUM, LIST, MAPPING, ANY = "integer", "number", "boolean", "enum", "list", "mapping", "any"
STRING_KINDS = (TEXT, SLUG_TEXT, IDENT_TEXT, URL_TEXT)


@dataclass(frozen=True)
class Field:
    """What one key of a mapping (or one item of a list) holds. `message` is the field's own wording for any
    problem, when the reader's general wording would say less (a callable, so gettext runs in the reader's
    language)."""

    kind: str = ANY
    required: bool = False
    max_length: int | None = None  # text, slugs
    pattern: re.Pattern | None = None  # text: what it must match, beyond the patterns slugs and idents have
    low: float | None = None  # numbers
    high: float | None = None
    choices: tuple[Any, ...] = ()  # enum
    item: Field | None = None  # list
    non_empty: bool = False  # list
    schema: Schema | None = None  # mapping
    default: Any = None  # what an absent optional key stands for
    nullable: bool = False  # whether a key written without a value (`key:`) stands for its default too
    message: Callable[[Problem, str], str] | None = None  # (problem, what the mapping is) -> the message


@dataclass(frozen=True)
class Schema:
    """The keys of one kind of mapping, in the order the file's author writes them. `closed` refuses keys that are
    not declared; an open schema checks the declared keys and ignores the rest."""

    fields: Mapping[str, Field]
    closed: bool = True
    extra: frozenset[str] = field(default_factory=frozenset)  # keys allowed without a spec (checked elsewhere)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.fields) | self.extra

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.fields.items() if spec.required)

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def nested(self, name: str) -> Schema:
        """The schema of the mappings a key holds: its own, or that of each item of its list."""
        spec = self.fields[name]
        nested = spec.item.schema if spec.item is not None else spec.schema
        if nested is None:
            raise KeyError(f"{name} holds no declared mapping")
        return nested

    def with_keys(self, names: frozenset[str] | set[str]) -> Schema:
        """The same schema allowing more keys, which their owner checks (a question type's own fields)."""
        return Schema(self.fields, self.closed, self.extra | frozenset(names))


# Shorthands for the declarations, so a schema reads like the format it describes. Every one takes Field's other
# settings by keyword (required, nullable, default, message).
def text(*, required: bool = True, max_length: int | None = None, **options: Any) -> Field:
    return Field(TEXT, required=required, max_length=max_length, **options)


def slug(*, required: bool = True, max_length: int | None = None, **options: Any) -> Field:
    return Field(SLUG_TEXT, required=required, max_length=max_length, **options)


def ident(*, required: bool = True, **options: Any) -> Field:
    return Field(IDENT_TEXT, required=required, **options)


def url(*, required: bool = True, **options: Any) -> Field:
    return Field(URL_TEXT, required=required, **options)


def integer(*, low: int | None = None, high: int | None = None, **options: Any) -> Field:
    return Field(INTEGER, low=low, high=high, **options)


def number(*, above: float | None = None, **options: Any) -> Field:
    return Field(NUMBER, low=above, **options)


def boolean(**options: Any) -> Field:
    return Field(BOOLEAN, **options)


def one_of(*choices: Any, **options: Any) -> Field:
    return Field(ENUM, choices=choices, **options)


def list_of(item: Field | None = None, *, non_empty: bool = False, **options: Any) -> Field:
    return Field(LIST, item=item, non_empty=non_empty, **options)


def mapping(schema: Schema | None = None, **options: Any) -> Field:
    return Field(MAPPING, schema=schema, **options)


def anything(**options: Any) -> Field:
    return Field(ANY, **options)


# --- judging ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a value does not fit its field. Codes: missing, yes_no (true/false where text belongs), not_text, blank,
    not_slug, not_ident, not_url, no_match, too_long, not_integer, not_number, out_of_range, not_boolean, not_choice,
    not_list, empty_list, not_mapping, unknown_key."""

    code: str
    value: Any = None
    limit: Any = None


def problem_in(spec: Field, value: Any, present: bool = True) -> Problem | None:
    """The first problem of one value against its field, or None. An absent optional key is fine; a key written
    without a value is fine only for a nullable field."""
    if not present:
        return Problem("missing") if spec.required else None
    if value is None:
        return None if spec.nullable and not spec.required else Problem("missing")
    judge = _JUDGES.get(spec.kind)  # ANY takes every value
    return judge(spec, value) if judge else None


def _string_problem(spec: Field, value: Any) -> Problem | None:
    if isinstance(value, bool):
        return Problem("yes_no", value)
    if not isinstance(value, str):
        return Problem("not_text", value)
    if not value.strip():
        return Problem("blank", value)
    pattern = spec.pattern or {SLUG_TEXT: SLUG, IDENT_TEXT: IDENT, URL_TEXT: URL}.get(spec.kind)
    if pattern is not None and not pattern.match(value):
        return Problem("no_match" if spec.pattern else f"not_{spec.kind}", value)
    if spec.max_length is not None and len(value.strip()) > spec.max_length:
        return Problem("too_long", value, spec.max_length)
    return None


def _range_problem(spec: Field, value: int | float) -> Problem | None:
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        return Problem("out_of_range", value, (spec.low, spec.high))
    return None


def _integer_problem(spec: Field, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem("not_integer", value)
    return _range_problem(spec, value)


def _number_problem(spec: Field, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem("not_number", value)
    return None if spec.low is None or value > spec.low else Problem("out_of_range", value)


def _boolean_problem(spec: Field, value: Any) -> Problem | None:
    return None if isinstance(value, bool) else Problem("not_boolean", value)


def _choice_problem(spec: Field, value: Any) -> Problem | None:
    return None if value in spec.choices else Problem("not_choice", value)


def _list_problem(spec: Field, value: Any) -> Problem | None:
    if not isinstance(value, list):
        return Problem("not_list", value)
    return Problem("empty_list", value) if spec.non_empty and not value else None


def _mapping_problem(spec: Field, value: Any) -> Problem | None:
    return None if isinstance(value, dict) else Problem("not_mapping", value)


# How problem_in judges a present value of each kind of field.
_JUDGES: dict[str, Callable[[Field, Any], Problem | None]] = {
    **dict.fromkeys(STRING_KINDS, _string_problem),
    INTEGER: _integer_problem,
    NUMBER: _number_problem,
    BOOLEAN: _boolean_problem,
    ENUM: _choice_problem,
    LIST: _list_problem,
    MAPPING: _mapping_problem,
}


def unknown_keys(schema: Schema, data: Mapping) -> Iterator[Any]:
    """The keys of `data` its schema does not declare (none for an open schema), in the file's order."""
    if schema.closed:
        yield from (key for key in data if key not in schema.names)


def missing_keys(schema: Schema, data: Mapping) -> Iterator[str]:
    """The required keys `data` lacks, in the schema's order."""
    yield from (name for name in schema.required if name not in data)


def cleaned(spec: Field, value: Any) -> Any:
    """A value that passed its field, as the loaders keep it: text stripped, an absent value as its default."""
    if value is None:
        return spec.default
    return value.strip() if spec.kind in STRING_KINDS and isinstance(value, str) else value

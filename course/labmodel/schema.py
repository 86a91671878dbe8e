"""The ID Design Lab's data files, declared once with course.schema, and the reader that holds a file to them.

The lab's files are reviewed with the code and read once per process, so the first problem stops the load: a
LabDataError naming the file and the key path (`rules[pvc-body].points`). These messages are for the people who edit
the YAML and stay English; the texts the files hold are gettext msgids (course/lab/catalogue.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from course import schema as s
from course.labmodel.model import Option

COMBINATORS = ("all", "any", "not")
VALUE_TESTS = ("is", "in", "contains", "lt", "lte", "gt", "gte")
NUMBER_TESTS = ("lt", "lte", "gt", "gte")
CONDITION = s.anything(required=True)
TEXT, IDENT, WHOLE_NUMBER = s.text(), s.ident(), s.integer(required=True)
NON_EMPTY_LIST = s.list_of(required=True, non_empty=True)


class LabDataError(ValueError):
    """A lab data file is malformed; the message names the file and the key, as content errors name path and line."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key}: {message}")


# --- the files, declared (required keys first: a misspelt key's message lists them in this order) ------------------

REQUIRES = s.Schema({"condition": CONDITION, "message": s.text()})
CHOICE = s.Schema(
    {"value": s.text(), "label": s.text(), "explanation": s.text(required=False), "requires": s.mapping(REQUIRES)}
)
OPTION = s.Schema(
    {
        "key": s.ident(),
        "label": s.text(),
        "explanation": s.text(),
        "lesson": s.slug(),
        "kind": s.one_of("choice", "multi", "validity", default="choice"),
        "choices": s.list_of(s.mapping(CHOICE), non_empty=True),
        "min": s.integer(),
        "max": s.integer(),
    }
)
DATA_FIELD = s.Schema({"name": s.ident(), "label": s.text(), "explanation": s.text(), "lesson": s.slug()})
SECTION = s.Schema(
    {
        "key": s.ident(),
        "title": s.text(),
        "explanation": s.text(required=False),
        "options": s.list_of(s.mapping(OPTION)),
        "fields": s.list_of(s.mapping(DATA_FIELD)),
    }
)
OPTIONS_FILE = s.Schema(
    {
        "field_states": s.list_of(s.mapping(CHOICE), required=True, non_empty=True),
        "field_groups": s.mapping(required=True),
        "sections": s.list_of(s.mapping(SECTION), required=True, non_empty=True),
    }
)

LEVEL = s.Schema({"key": s.ident(), "label": s.text(), "min_points": s.integer(required=True)})
DIMENSION = s.Schema({"key": s.ident(), "label": s.text(), "question": s.text(), "lesson": s.slug()})
RULE = s.Schema(
    {
        "id": s.slug(),
        "dimension": s.anything(required=True),
        "condition": CONDITION,
        "points": s.integer(required=True, low=1),
        "message": s.text(),
        "rationale": s.text(),
        "source": s.url(),
        "lesson": s.slug(),
    }
)
RULES_FILE = s.Schema(
    {
        "levels": s.list_of(s.mapping(LEVEL), required=True, non_empty=True),
        "dimensions": s.list_of(s.mapping(DIMENSION), required=True, non_empty=True),
        "rules": s.list_of(s.mapping(RULE), required=True, non_empty=True),
    }
)

SOURCE = s.Schema({"title": s.text(), "url": s.url()})
PRESET = s.Schema(
    {
        "slug": s.slug(),
        "title": s.text(),
        "summary": s.text(),
        "sources": s.list_of(s.mapping(SOURCE), required=True, non_empty=True),
        "design": s.mapping(required=True),
        "assumptions": s.mapping(),
    }
)
PRESETS_FILE = s.Schema({"presets": s.list_of(s.mapping(PRESET), required=True, non_empty=True)})

CHECK = s.Schema({"says": s.text(), "condition": CONDITION})
TASK = s.Schema(
    {
        "slug": s.slug(),
        "title": s.text(),
        "prompt": s.text(),
        "preset": s.anything(required=True),
        "lesson": s.slug(),
        "checks": s.list_of(s.mapping(CHECK), required=True, non_empty=True),
    }
)
TASKS_FILE = s.Schema({"tasks": s.list_of(s.mapping(TASK), required=True, non_empty=True)})

DIMENSION_TEST = s.Schema({"dimension": s.anything(required=True), "at_most": s.anything(required=True)})


def message_for(spec: s.Field, problem: s.Problem) -> str:
    """The lab's English wording of a problem at a key path."""
    code = problem.code
    if code == "yes_no":
        return 'must be text; quote "yes" and "no", which YAML reads as true and false'
    if code in ("missing", "blank", "not_text") and spec.kind in s.STRING_KINDS:
        return "must be non-empty text"
    wording = {
        "not_slug": f"“{problem.value}” must be a lower-case-hyphenated slug",
        "not_ident": f"“{problem.value}” must be lower_case_with_underscores",
        "not_url": f"“{problem.value}” must be an http(s) URL",
        "not_choice": f"“{problem.value}” must be {', '.join(spec.choices[:-1])} or {spec.choices[-1]}",
        "out_of_range": f"must be at least {spec.low:g}" if spec.low is not None else "is out of range",
    }
    if code in wording:
        return wording[code]
    return {
        s.INTEGER: "must be a whole number",
        s.LIST: "must be a non-empty list",
        s.MAPPING: "must be a mapping",
    }.get(spec.kind, "is missing")


class Reader:
    """Walks one YAML file, so that every complaint carries the file and the key path it is about."""

    def __init__(self, path: Path):
        self.file = path.name
        try:
            self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise LabDataError(self.file, "(file)", f"cannot be read: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(file)"
            raise LabDataError(self.file, where, f"is not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        if not isinstance(self.data, dict):
            raise LabDataError(self.file, "(file)", "must be a mapping at the top level")

    def fail(self, key: str, message: str) -> LabDataError:
        return LabDataError(self.file, key, message)

    def mapping(self, value: Any, key: str, schema: s.Schema | None = None) -> dict:
        """A mapping held to its schema: every required key present, no key the schema does not declare."""
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        if schema is None:
            return value
        for name in s.missing_keys(schema, value):
            raise self.fail(f"{key}.{name}", "is required")
        for name in s.unknown_keys(schema, value):
            raise self.fail(f"{key}.{name}", f"is not a known key here (known: {', '.join(schema.fields)})")
        return value

    def check(self, value: Any, key: str, spec: s.Field) -> Any:
        """A value held to its field (text stripped, an absent optional value as its default)."""
        if isinstance(value, str) and spec.kind in s.STRING_KINDS:
            value = value.strip()
        problem = s.problem_in(spec, value)
        if problem is not None:
            raise self.fail(key, message_for(spec, problem))
        return s.cleaned(spec, value)

    def field(self, data: Mapping, schema: s.Schema, name: str, key: str) -> Any:
        """`data[name]` held to its declaration."""
        spec = schema[name]
        value = data.get(name)
        if isinstance(value, str) and spec.kind in s.STRING_KINDS:
            value = value.strip()
        problem = s.problem_in(spec, value, name in data)
        if problem is not None:
            raise self.fail(f"{key}.{name}", message_for(spec, problem))
        return s.cleaned(spec, value)

    def items(self, value: Any, key: str) -> list:
        return self.check(value, key, NON_EMPTY_LIST)

    def integer(self, value: Any, key: str) -> int:
        return self.check(value, key, WHOLE_NUMBER)

    def text(self, value: Any, key: str) -> str:
        return self.check(value, key, TEXT)

    def entries(
        self, value: Any, name: str, schema: s.Schema, id_key: str, noun: str
    ) -> Iterator[tuple[str, dict, str]]:
        """Each item of a list of identified mappings (rules, presets, tasks): its key path, the mapping held to its
        schema, and its id; an id used twice is refused."""
        seen: set[str] = set()
        for index, raw in enumerate(self.items(value, name)):
            key = item_key(name, index, raw, id_key)
            item = self.mapping(raw, key, schema)
            ident = self.field(item, schema, id_key, key)
            key = f"{name}[{ident}]"
            if ident in seen:
                raise self.fail(key, f"this {noun} {id_key} is used twice")
            seen.add(ident)
            yield key, item, ident


def item_key(name: str, index: int, raw: Any, id_key: str) -> str:
    """`rules[blood-type-printed]` when the item has a readable id, else `rules[3]`."""
    ident = raw.get(id_key) if isinstance(raw, dict) else None
    return f"{name}[{ident}]" if isinstance(ident, str) and s.SLUG.match(ident) else f"{name}[{index}]"


class Conditions:
    """Checks that a condition only names options, values and groups that exist, so a typo fails at load time."""

    def __init__(self, options: Mapping[str, Option], groups: Mapping[str, tuple[str, ...]], dimensions=(), levels=()):
        self.options, self.groups = options, groups
        self.dimensions, self.levels = tuple(dimensions), tuple(levels)

    def check(self, r: Reader, cond: Any, key: str) -> None:
        if not isinstance(cond, dict) or not cond:
            raise r.fail(key, "a condition must be a non-empty mapping")
        combinators = [k for k in cond if k in COMBINATORS]
        if combinators:
            if len(cond) != 1:
                raise r.fail(key, f"“{combinators[0]}” must stand alone in its mapping")
            name = combinators[0]
            if name == "not":
                self.check(r, cond["not"], f"{key}.not")
            else:
                for i, sub in enumerate(r.items(cond[name], f"{key}.{name}")):
                    self.check(r, sub, f"{key}.{name}[{i}]")
            return
        if "dimension" in cond:
            self._dimension_test(r, cond, key)
            return
        if "any_field" in cond or "every_field" in cond:
            quant = "any_field" if "any_field" in cond else "every_field"
            tests = [k for k in cond if k != quant]
            if len(tests) != 1 or tests[0] not in ("is", "in"):
                raise r.fail(key, f"“{quant}” takes exactly one test: is or in")
            self._fields_of(r, cond[quant], f"{key}.{quant}")
            states = self.options[next(k for k in self.options if k.startswith("fields."))]
            self._values(r, states, tests[0], cond[tests[0]], f"{key}.{tests[0]}")
            return
        if "field" not in cond:
            raise r.fail(key, "a condition needs all, any, not, field, any_field, every_field or dimension")
        tests = [k for k in cond if k != "field"]
        if len(tests) != 1 or tests[0] not in VALUE_TESTS:
            raise r.fail(key, f"“field” takes exactly one test: {', '.join(VALUE_TESTS)}")
        name = cond["field"]
        if name not in self.options:
            raise r.fail(f"{key}.field", f"“{name}” is not an option in options.yaml")
        self._values(r, self.options[name], tests[0], cond[tests[0]], f"{key}.{tests[0]}")

    def _dimension_test(self, r: Reader, cond: dict, key: str) -> None:
        if not self.dimensions:
            raise r.fail(key, "a dimension test is allowed in tasks only, not in rules or requirements")
        r.mapping(cond, key, DIMENSION_TEST)
        if cond["dimension"] not in self.dimensions:
            raise r.fail(f"{key}.dimension", f"“{cond['dimension']}” is not a dimension")
        if cond["at_most"] not in self.levels:
            raise r.fail(f"{key}.at_most", f"“{cond['at_most']}” is not a level ({', '.join(self.levels)})")

    def _fields_of(self, r: Reader, spec: Any, key: str) -> None:
        if isinstance(spec, str):
            if spec not in self.groups:
                raise r.fail(key, f"“{spec}” is not a field group (known: {', '.join(self.groups)})")
            return
        for name in r.items(spec, key):
            if f"fields.{name}" not in self.options:
                raise r.fail(key, f"“{name}” is not a data field")

    def _values(self, r: Reader, option: Option, test: str, value: Any, key: str) -> None:
        if test in NUMBER_TESTS:
            if option.kind != "validity":
                raise r.fail(key, f"“{test}” compares numbers; “{option.key}” is not a number option")
            r.integer(value, key)
            return
        if test == "contains":
            if option.kind != "multi":
                raise r.fail(key, f"“contains” tests a multi-choice option; “{option.key}” is not one")
            values = [value]
        elif option.kind == "multi":
            raise r.fail(key, f"“{option.key}” is a multi-choice option: test it with “contains”")
        else:
            values = r.items(value, key) if test == "in" else [value]
        for v in values:
            if isinstance(v, bool):
                raise r.fail(key, 'quote "yes" and "no": YAML reads them unquoted as true and false')
            if option.choice(v) is None:
                raise r.fail(key, f"“{v}” is not a value of “{option.key}” ({', '.join(option.values)})")

"""The ID Design Lab's engine: loads the reviewed data files, parses a design from a form and explains its risks.

Pure Python without Flask, so it is tested as plain functions. Every rule, preset and task lives in the YAML files
beside this module; this code only checks them, evaluates their conditions and adds up points.

The YAML texts are English and are the gettext msgids (course/lab/catalogue.py extracts them and gives the lab in the
reader's language). The messages parse_design writes go through Flask-Babel's gettext, which returns the English text
outside a request, so these functions stay pure; data-file errors (LabDataError) are for the people editing the YAML
and stay English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _

LAB_DIR = Path(__file__).resolve().parent
NO_EXPIRY = "none"
DEFAULT_PRESET = "minimal"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
URL_RE = re.compile(r"^https?://[^\s]+$")
COMBINATORS = ("all", "any", "not")
VALUE_TESTS = ("is", "in", "contains", "lt", "lte", "gt", "gte")
NUMBER_TESTS = ("lt", "lte", "gt", "gte")
# Form keys that travel with a design but are not part of it; parse_design ignores them instead of calling them unknown.
MAX_REPORTED_UNKNOWN = 10
FORM_CONTROL_KEYS = frozenset(
    {"csrf_token", "preset", "task", "action", "title", "compare", "submit", "values_before", "levels_before"}
)

Design = dict[str, Any]
Condition = Mapping[str, Any]


class LabDataError(ValueError):
    """A lab data file is malformed; the message names the file and the key, as content errors name path and line."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key}: {message}")


# --- the data model -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One value an option can take, with the constraint (if any) that it puts on the rest of the design."""

    value: str
    label: str
    explanation: str = ""
    requires: Condition | None = None
    requires_message: str = ""


@dataclass(frozen=True)
class Option:
    """One design choice a student makes; data fields are options keyed `fields.<name>`."""

    key: str
    label: str
    explanation: str
    lesson: str
    section: str
    kind: str = "choice"  # choice | multi | validity
    choices: tuple[Choice, ...] = ()
    minimum: int = 0
    maximum: int = 0
    sensitive: bool = False

    @property
    def is_field(self) -> bool:
        return self.key.startswith("fields.")

    @property
    def field_name(self) -> str:
        return self.key.removeprefix("fields.")

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def choice(self, value: Any) -> Choice | None:
        """The choice with this value, or None (validity options answer for their years too)."""
        for c in self.choices:
            if c.value == value or (self.kind == "validity" and str(value) == c.value):
                return c
        return None

    def describe(self, value: Any) -> str:
        """The label a student reads for a stored value."""
        if self.kind == "multi" and isinstance(value, (list, tuple)):
            return ", ".join(self.describe(v) for v in value)
        c = self.choice(value)
        return c.label if c else str(value)


@dataclass(frozen=True)
class Section:
    """A group of options shown together in the form."""

    key: str
    title: str
    explanation: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    min_points: int


@dataclass(frozen=True)
class Dimension:
    """One axis of the risk profile, with the question it answers for the student."""

    key: str
    label: str
    question: str
    lesson: str


@dataclass(frozen=True)
class Rule:
    """A reviewed risk rule: when its condition holds, it adds points to one dimension and says why."""

    id: str
    dimension: str
    condition: Condition
    points: int
    message: str
    rationale: str
    source: str
    lesson: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Preset:
    """A real design (or the baseline), with its sources and a note for each value no source confirms."""

    slug: str
    title: str
    summary: str
    sources: tuple[Source, ...]
    design: Mapping[str, Any]
    assumptions: Mapping[str, str]


@dataclass(frozen=True)
class Check:
    says: str
    condition: Condition


@dataclass(frozen=True)
class Task:
    """A graded task: it starts from a preset and is complete when every check holds."""

    slug: str
    title: str
    prompt: str
    preset: str
    lesson: str
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Lab:
    """Everything the data files define, checked and cross-referenced."""

    sections: tuple[Section, ...]
    options: Mapping[str, Option]
    field_states: tuple[Choice, ...]
    field_groups: Mapping[str, tuple[str, ...]]
    levels: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    rules: tuple[Rule, ...]
    presets: Mapping[str, Preset]
    tasks: Mapping[str, Task]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(o.field_name for o in self.options.values() if o.is_field)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def level(self, key: str) -> Level:
        return next(lv for lv in self.levels if lv.key == key)

    def level_for(self, points: int) -> Level:
        """The highest level whose threshold the points reach."""
        reached = [lv for lv in self.levels if points >= lv.min_points]
        return max(reached, key=lambda lv: lv.min_points) if reached else self.levels[0]


# --- reading the files --------------------------------------------------------------------------------------------


class _Reader:
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

    def mapping(self, value: Any, key: str, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        required, optional = tuple(required), tuple(optional)
        for name in required:
            if name not in value:
                raise self.fail(f"{key}.{name}", "is required")
        if required or optional:
            for name in value:
                if name not in required and name not in optional:
                    allowed = ", ".join(required + optional)
                    raise self.fail(f"{key}.{name}", f"is not a known key here (known: {allowed})")
        return value

    def items(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def text(self, value: Any, key: str) -> str:
        if isinstance(value, bool):
            raise self.fail(key, 'must be text; quote "yes" and "no", which YAML reads as true and false')
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        return value.strip()

    def slug(self, value: Any, key: str) -> str:
        value = self.text(value, key)
        if not SLUG_RE.match(value):
            raise self.fail(key, f"“{value}” must be a lower-case-hyphenated slug")
        return value

    def ident(self, value: Any, key: str) -> str:
        value = self.text(value, key)
        if not KEY_RE.match(value):
            raise self.fail(key, f"“{value}” must be lower_case_with_underscores")
        return value

    def integer(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be a whole number")
        return value

    def url(self, value: Any, key: str) -> str:
        value = self.text(value, key)
        if not URL_RE.match(value):
            raise self.fail(key, f"“{value}” must be an http(s) URL")
        return value


def _item_key(name: str, index: int, raw: Any, id_key: str) -> str:
    """`rules[blood-type-printed]` when the item has a readable id, else `rules[3]`."""
    ident = raw.get(id_key) if isinstance(raw, dict) else None
    return f"{name}[{ident}]" if isinstance(ident, str) and SLUG_RE.match(ident) else f"{name}[{index}]"


def _read_choice(r: _Reader, raw: Any, key: str) -> Choice:
    c = r.mapping(raw, key, required=("value", "label"), optional=("explanation", "requires"))
    requires, message = None, ""
    if "requires" in c:
        req = r.mapping(c["requires"], f"{key}.requires", required=("condition", "message"))
        requires = req["condition"]  # checked once every option is known
        message = r.text(req["message"], f"{key}.requires.message")
    return Choice(
        value=r.text(c["value"], f"{key}.value"),
        label=r.text(c["label"], f"{key}.label"),
        explanation=r.text(c["explanation"], f"{key}.explanation") if "explanation" in c else "",
        requires=requires,
        requires_message=message,
    )


def _read_options(path: Path) -> tuple[tuple[Section, ...], dict[str, Option], tuple[Choice, ...], dict]:
    r = _Reader(path)
    top = r.mapping(r.data, "(file)", required=("field_states", "field_groups", "sections"))
    states = tuple(
        _read_choice(r, c, f"field_states[{i}]") for i, c in enumerate(r.items(top["field_states"], "field_states"))
    )
    sections: list[Section] = []
    options: dict[str, Option] = {}
    for si, raw_section in enumerate(r.items(top["sections"], "sections")):
        skey = f"sections[{si}]"
        s = r.mapping(raw_section, skey, required=("key", "title"), optional=("explanation", "options", "fields"))
        section_key = r.ident(s["key"], f"{skey}.key")
        skey = f"sections[{section_key}]"
        section_options: list[Option] = []
        for oi, raw in enumerate(s.get("options") or []):
            okey = f"{skey}.options[{oi}]"
            o = r.mapping(
                raw,
                okey,
                required=("key", "label", "explanation", "lesson"),
                optional=("kind", "choices", "min", "max"),
            )
            key = r.ident(o["key"], f"{okey}.key")
            okey = f"{skey}.options[{key}]"
            kind = o.get("kind", "choice")
            if kind not in ("choice", "multi", "validity"):
                raise r.fail(f"{okey}.kind", f"“{kind}” must be choice, multi or validity")
            minimum = maximum = 0
            if kind == "validity":
                minimum, maximum = r.integer(o.get("min"), f"{okey}.min"), r.integer(o.get("max"), f"{okey}.max")
                if not 1 <= minimum <= maximum:
                    raise r.fail(f"{okey}.max", "min and max must satisfy 1 <= min <= max")
                if "choices" in o:
                    raise r.fail(
                        f"{okey}.choices", "a validity option lists no choices: they are min..max and no expiry"
                    )
                choices = tuple(Choice(str(n), f"{n} year{'s' if n > 1 else ''}") for n in range(minimum, maximum + 1))
                choices += (Choice(NO_EXPIRY, "No expiry"),)
            else:
                items = r.items(o.get("choices"), f"{okey}.choices")
                choices = tuple(_read_choice(r, c, f"{okey}.choices[{i}]") for i, c in enumerate(items))
            section_options.append(
                Option(
                    key=key,
                    label=r.text(o["label"], f"{okey}.label"),
                    explanation=r.text(o["explanation"], f"{okey}.explanation"),
                    lesson=r.slug(o["lesson"], f"{okey}.lesson"),
                    section=section_key,
                    kind=kind,
                    choices=choices,
                    minimum=minimum,
                    maximum=maximum,
                )
            )
        for fi, raw in enumerate(s.get("fields") or []):
            fkey = f"{skey}.fields[{fi}]"
            f = r.mapping(raw, fkey, required=("name", "label", "explanation", "lesson"))
            name = r.ident(f["name"], f"{fkey}.name")
            fkey = f"{skey}.fields[{name}]"
            section_options.append(
                Option(
                    key=f"fields.{name}",
                    label=r.text(f["label"], f"{fkey}.label"),
                    explanation=r.text(f["explanation"], f"{fkey}.explanation"),
                    lesson=r.slug(f["lesson"], f"{fkey}.lesson"),
                    section=section_key,
                    choices=states,
                )
            )
        if not section_options:
            raise r.fail(skey, "has neither options nor fields")
        for option in section_options:
            if option.key in options:
                raise r.fail(skey, f"option “{option.key}” is defined twice")
            if len(set(option.values)) != len(option.values):
                raise r.fail(f"{skey}.{option.key}", "has the same choice value twice")
            options[option.key] = option
        sections.append(
            Section(
                key=section_key,
                title=r.text(s["title"], f"{skey}.title"),
                explanation=r.text(s["explanation"], f"{skey}.explanation") if "explanation" in s else "",
                options=tuple(section_options),
            )
        )
    field_names = {o.field_name for o in options.values() if o.is_field}
    groups: dict[str, tuple[str, ...]] = {}
    for name, members in r.mapping(top["field_groups"], "field_groups").items():
        gkey = f"field_groups.{name}"
        for m in r.items(members, gkey):
            if m not in field_names:
                raise r.fail(gkey, f"“{m}” is not a data field (known: {', '.join(sorted(field_names))})")
        groups[r.ident(name, gkey)] = tuple(members)
    if "sensitive" in groups:
        for name in groups["sensitive"]:
            options[f"fields.{name}"] = replace(options[f"fields.{name}"], sensitive=True)
        sections = [Section(s.key, s.title, s.explanation, tuple(options[o.key] for o in s.options)) for s in sections]
    return tuple(sections), options, states, groups


class _Conditions:
    """Checks that a condition only names options, values and groups that exist, so a typo fails at load time."""

    def __init__(self, options: Mapping[str, Option], groups: Mapping[str, tuple[str, ...]], dimensions=(), levels=()):
        self.options, self.groups = options, groups
        self.dimensions, self.levels = tuple(dimensions), tuple(levels)

    def check(self, r: _Reader, cond: Any, key: str) -> None:
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
            if not self.dimensions:
                raise r.fail(key, "a dimension test is allowed in tasks only, not in rules or requirements")
            r.mapping(cond, key, required=("dimension", "at_most"))
            if cond["dimension"] not in self.dimensions:
                raise r.fail(f"{key}.dimension", f"“{cond['dimension']}” is not a dimension")
            if cond["at_most"] not in self.levels:
                raise r.fail(f"{key}.at_most", f"“{cond['at_most']}” is not a level ({', '.join(self.levels)})")
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

    def _fields_of(self, r: _Reader, spec: Any, key: str) -> None:
        if isinstance(spec, str):
            if spec not in self.groups:
                raise r.fail(key, f"“{spec}” is not a field group (known: {', '.join(self.groups)})")
            return
        for name in r.items(spec, key):
            if f"fields.{name}" not in self.options:
                raise r.fail(key, f"“{name}” is not a data field")

    def _values(self, r: _Reader, option: Option, test: str, value: Any, key: str) -> None:
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


def _read_rules(path: Path, options, groups) -> tuple[tuple[Level, ...], tuple[Dimension, ...], tuple[Rule, ...]]:
    r = _Reader(path)
    top = r.mapping(r.data, "(file)", required=("levels", "dimensions", "rules"))
    levels = []
    for i, raw in enumerate(r.items(top["levels"], "levels")):
        lv = r.mapping(raw, f"levels[{i}]", required=("key", "label", "min_points"))
        levels.append(
            Level(
                r.ident(lv["key"], f"levels[{i}].key"),
                r.text(lv["label"], f"levels[{i}].label"),
                r.integer(lv["min_points"], f"levels[{i}].min_points"),
            )
        )
    if levels[0].min_points != 0 or any(a.min_points >= b.min_points for a, b in zip(levels, levels[1:], strict=False)):
        raise r.fail("levels", "must start at min_points 0 and rise strictly")
    dimensions = []
    for i, raw in enumerate(r.items(top["dimensions"], "dimensions")):
        d = r.mapping(raw, f"dimensions[{i}]", required=("key", "label", "question", "lesson"))
        dimensions.append(
            Dimension(
                r.ident(d["key"], f"dimensions[{i}].key"),
                r.text(d["label"], f"dimensions[{i}].label"),
                r.text(d["question"], f"dimensions[{i}].question"),
                r.slug(d["lesson"], f"dimensions[{i}].lesson"),
            )
        )
    dimension_keys = [d.key for d in dimensions]
    if len(set(dimension_keys)) != len(dimension_keys):
        raise r.fail("dimensions", "a dimension key is used twice")
    conditions = _Conditions(options, groups)
    rules, seen = [], set()
    for i, raw in enumerate(r.items(top["rules"], "rules")):
        key = _item_key("rules", i, raw, "id")
        fields = ("id", "dimension", "condition", "points", "message", "rationale", "source", "lesson")
        rr = r.mapping(raw, key, required=fields)
        rule_id = r.slug(rr["id"], f"{key}.id")
        key = f"rules[{rule_id}]"
        if rule_id in seen:
            raise r.fail(key, "this rule id is used twice")
        seen.add(rule_id)
        if rr["dimension"] not in dimension_keys:
            raise r.fail(f"{key}.dimension", f"“{rr['dimension']}” is not one of {', '.join(dimension_keys)}")
        conditions.check(r, rr["condition"], f"{key}.condition")
        points = r.integer(rr["points"], f"{key}.points")
        if points < 1:
            raise r.fail(f"{key}.points", "must be at least 1")
        rules.append(
            Rule(
                id=rule_id,
                dimension=rr["dimension"],
                condition=rr["condition"],
                points=points,
                message=r.text(rr["message"], f"{key}.message"),
                rationale=r.text(rr["rationale"], f"{key}.rationale"),
                source=r.url(rr["source"], f"{key}.source"),
                lesson=r.slug(rr["lesson"], f"{key}.lesson"),
            )
        )
    return tuple(levels), tuple(dimensions), tuple(rules)


def _preset_form(design: Mapping[str, Any], field_names: Iterable[str]) -> dict[str, Any]:
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


def _read_presets(path: Path, lab_without_presets: Lab) -> dict[str, Preset]:
    r = _Reader(path)
    top = r.mapping(r.data, "(file)", required=("presets",))
    presets: dict[str, Preset] = {}
    for i, raw in enumerate(r.items(top["presets"], "presets")):
        key = _item_key("presets", i, raw, "slug")
        p = r.mapping(raw, key, required=("slug", "title", "summary", "sources", "design"), optional=("assumptions",))
        slug = r.slug(p["slug"], f"{key}.slug")
        key = f"presets[{slug}]"
        if slug in presets:
            raise r.fail(key, "this preset slug is used twice")
        sources = []
        for si, raw_source in enumerate(r.items(p["sources"], f"{key}.sources")):
            s = r.mapping(raw_source, f"{key}.sources[{si}]", required=("title", "url"))
            sources.append(
                Source(r.text(s["title"], f"{key}.sources[{si}].title"), r.url(s["url"], f"{key}.sources[{si}].url"))
            )
        raw_design = r.mapping(p["design"], f"{key}.design")
        for option in lab_without_presets.options.values():
            if not option.is_field and option.key not in raw_design:
                raise r.fail(f"{key}.design.{option.key}", "is required: a preset gives every option")
        if "fields" in raw_design and not isinstance(raw_design["fields"], dict):
            raise r.fail(f"{key}.design.fields", "must be a mapping of field name to where it is kept")
        design, errors = parse_design(
            _preset_form(raw_design, lab_without_presets.field_names), lab=lab_without_presets, ignore=()
        )
        if errors:
            name, message = next(iter(errors.items()))
            raise r.fail(f"{key}.design.{name}", message)
        assumptions = r.mapping(p.get("assumptions") or {}, f"{key}.assumptions")
        for name, note in assumptions.items():
            if name not in lab_without_presets.options:
                raise r.fail(f"{key}.assumptions.{name}", "is not an option of the design")
            r.text(note, f"{key}.assumptions.{name}")
        presets[slug] = Preset(
            slug=slug,
            title=r.text(p["title"], f"{key}.title"),
            summary=r.text(p["summary"], f"{key}.summary"),
            sources=tuple(sources),
            design=design,
            assumptions={k: v.strip() for k, v in assumptions.items()},
        )
    return presets


def _read_tasks(path: Path, lab: Lab) -> dict[str, Task]:
    r = _Reader(path)
    top = r.mapping(r.data, "(file)", required=("tasks",))
    conditions = _Conditions(
        lab.options, lab.field_groups, [d.key for d in lab.dimensions], [lv.key for lv in lab.levels]
    )
    tasks: dict[str, Task] = {}
    for i, raw in enumerate(r.items(top["tasks"], "tasks")):
        key = _item_key("tasks", i, raw, "slug")
        t = r.mapping(raw, key, required=("slug", "title", "prompt", "preset", "lesson", "checks"))
        slug = r.slug(t["slug"], f"{key}.slug")
        key = f"tasks[{slug}]"
        if slug in tasks:
            raise r.fail(key, "this task slug is used twice")
        if t["preset"] not in lab.presets:
            raise r.fail(f"{key}.preset", f"“{t['preset']}” is not a preset ({', '.join(lab.presets)})")
        checks = []
        for ci, raw_check in enumerate(r.items(t["checks"], f"{key}.checks")):
            ckey = f"{key}.checks[{ci}]"
            c = r.mapping(raw_check, ckey, required=("says", "condition"))
            conditions.check(r, c["condition"], f"{ckey}.condition")
            checks.append(Check(r.text(c["says"], f"{ckey}.says"), c["condition"]))
        tasks[slug] = Task(
            slug=slug,
            title=r.text(t["title"], f"{key}.title"),
            prompt=r.text(t["prompt"], f"{key}.prompt"),
            preset=t["preset"],
            lesson=r.slug(t["lesson"], f"{key}.lesson"),
            checks=tuple(checks),
        )
    return tasks


def load_lab(directory: Path | str = LAB_DIR) -> Lab:
    """Read and cross-check options, rules, presets and tasks; raise LabDataError naming the file and key at fault."""
    directory = Path(directory)
    sections, options, states, groups = _read_options(directory / "options.yaml")
    r = _Reader(directory / "options.yaml")
    conditions = _Conditions(options, groups)
    for option in options.values():
        for choice in option.choices:
            if choice.requires is not None:
                where = "field_states" if option.is_field else f"sections[{option.section}].options[{option.key}]"
                conditions.check(r, choice.requires, f"{where}.choices[{choice.value}].requires.condition")
    levels, dimensions, rules = _read_rules(directory / "rules.yaml", options, groups)
    lab = Lab(sections, options, states, groups, levels, dimensions, rules, {}, {})
    presets = _read_presets(directory / "presets.yaml", lab)
    lab = Lab(sections, options, states, groups, levels, dimensions, rules, presets, {})
    if DEFAULT_PRESET not in presets:
        raise LabDataError("presets.yaml", "presets", f"the default preset “{DEFAULT_PRESET}” is missing")
    tasks = _read_tasks(directory / "tasks.yaml", lab)
    return Lab(sections, options, states, groups, levels, dimensions, rules, presets, tasks)


@functools.cache
def get_lab() -> Lab:
    """The bundled lab, loaded once per process (the files ship with the code and change only with a deploy)."""
    return load_lab(LAB_DIR)


# --- designs from forms -------------------------------------------------------------------------------------------


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
    lab = lab or get_lab()
    ignore = frozenset(ignore)
    errors: dict[str, str] = {}
    design: Design = {}
    unknown = [key for key in form if key not in lab.options and key not in ignore]
    for key in unknown[:MAX_REPORTED_UNKNOWN]:  # a tampered form cannot make the error list arbitrarily long
        errors[_shown(key)] = _("“%(key)s” is not an option of the lab.", key=_shown(key))
    for option in lab.options.values():
        values = _posted(form, option.key)
        label = option.label
        if any(not isinstance(v, str) for v in values):
            errors[option.key] = _("%(option)s: every value must be text (quote “yes” and “no” in YAML).", option=label)
            continue
        values = [v.strip() for v in values]
        if option.kind == "multi":
            unknown = [v for v in values if option.choice(v) is None]
            if unknown:
                errors[option.key] = _(
                    "“%(value)s” is not a choice for %(option)s.", value=_shown(unknown[0]), option=label
                )
            elif not values:
                errors[option.key] = _("Choose at least one option for %(option)s.", option=label)
            else:
                design[option.key] = tuple(v for v in option.values if v in values)
            continue
        if not values or values == [""]:
            errors[option.key] = _("Choose a value for %(option)s.", option=label)
            continue
        if len(values) > 1:
            errors[option.key] = _("%(option)s was sent more than once; choose one value.", option=label)
            continue
        value = values[0]
        if option.kind == "validity":
            if value == NO_EXPIRY:
                design[option.key] = NO_EXPIRY
            elif not value.isascii() or not value.isdigit():
                errors[option.key] = _(
                    "%(option)s must be a whole number of years from %(min)s to %(max)s, or no expiry.",
                    option=label,
                    min=option.minimum,
                    max=option.maximum,
                )
            elif not option.minimum <= int(value) <= option.maximum:
                errors[option.key] = _(
                    "%(option)s must be between %(min)s and %(max)s years (got %(value)s), or no expiry.",
                    option=label,
                    min=option.minimum,
                    max=option.maximum,
                    value=_shown(value),
                )
            else:
                design[option.key] = int(value)
            continue
        if option.choice(value) is None:
            errors[option.key] = _(
                "“%(value)s” is not a choice for %(option)s (choose %(choices)s).",
                value=_shown(value),
                option=label,
                choices=", ".join(c.label for c in option.choices),
            )
            continue
        design[option.key] = value
    if errors:
        return None, errors
    for option in lab.options.values():
        value = design[option.key]
        for v in value if option.kind == "multi" else (value,):
            choice = option.choice(v)
            if choice and choice.requires is not None and not evaluate(choice.requires, design, lab=lab):
                errors.setdefault(
                    option.key, _("%(option)s: %(problem)s", option=option.label, problem=choice.requires_message)
                )
    if errors:
        return None, errors
    return design, {}


def design_to_form(design: Mapping[str, Any]) -> dict[str, Any]:
    """The form values that reproduce a design: strings, and a list for multi-choice options."""
    return {k: list(v) if isinstance(v, (list, tuple)) else str(v) for k, v in design.items()}


def preset_design(slug: str, *, lab: Lab | None = None) -> Design:
    """A copy of a preset's design, safe to change."""
    lab = lab or get_lab()
    return dict(lab.presets[slug].design)


# --- conditions ---------------------------------------------------------------------------------------------------


def _field_set(spec: Any, lab: Lab) -> tuple[str, ...]:
    return lab.field_groups[spec] if isinstance(spec, str) else tuple(spec)


def _test(value: Any, test: str, expected: Any) -> bool:
    if test == "is":
        return str(value) == str(expected)
    if test == "in":
        return str(value) in {str(e) for e in expected}
    if test == "contains":
        return expected in value
    if not isinstance(value, int):
        return False  # "no expiry" is not a number of years and matches no comparison
    return {"lt": value < expected, "lte": value <= expected, "gt": value > expected, "gte": value >= expected}[test]


def evaluate(
    condition: Condition, design: Mapping[str, Any], *, lab: Lab | None = None, profile: Profile | None = None
) -> bool:
    """Whether a (load-checked) condition holds for a design; dimension tests need the design's profile."""
    lab = lab or get_lab()
    if "all" in condition:
        return all(evaluate(c, design, lab=lab, profile=profile) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, design, lab=lab, profile=profile) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], design, lab=lab, profile=profile)
    if "dimension" in condition:
        if profile is None:
            profile = explain(design, lab=lab)
        return profile.level(condition["dimension"]).min_points <= lab.level(condition["at_most"]).min_points
    for quantifier, combine in (("any_field", any), ("every_field", all)):
        if quantifier in condition:
            test = "is" if "is" in condition else "in"
            names = _field_set(condition[quantifier], lab)
            return combine(_test(design[f"fields.{n}"], test, condition[test]) for n in names)
    test = next(k for k in condition if k != "field")
    return _test(design[condition["field"]], test, condition[test])


# --- profiles, tasks, comparisons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's level for one design, with every rule that contributed to it."""

    dimension: Dimension
    points: int
    level: Level
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Profile:
    """The explained risk profile of a design: per dimension a level and the rules behind it."""

    dimensions: tuple[DimensionResult, ...]

    @property
    def fired(self) -> tuple[Rule, ...]:
        return tuple(rule for d in self.dimensions for rule in d.rules)

    @property
    def fired_ids(self) -> frozenset[str]:
        return frozenset(rule.id for rule in self.fired)

    def result(self, key: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.dimension.key == key)

    def level(self, key: str) -> Level:
        return self.result(key).level

    def levels(self) -> dict[str, str]:
        return {d.dimension.key: d.level.key for d in self.dimensions}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the lab's fetch endpoint."""
        return {
            d.dimension.key: {
                "label": d.dimension.label,
                "level": d.level.key,
                "level_label": d.level.label,
                "points": d.points,
                "rules": [{"id": r.id, "message": r.message, "source": r.source, "lesson": r.lesson} for r in d.rules],
            }
            for d in self.dimensions
        }


def explain(design: Mapping[str, Any], *, lab: Lab | None = None) -> Profile:
    """Evaluate every rule on a parsed design and sum each dimension's points into a level."""
    lab = lab or get_lab()
    fired = [rule for rule in lab.rules if evaluate(rule.condition, design, lab=lab)]
    results = []
    for dimension in lab.dimensions:
        rules = tuple(rule for rule in fired if rule.dimension == dimension.key)
        points = sum(rule.points for rule in rules)
        results.append(DimensionResult(dimension, points, lab.level_for(points), rules))
    return Profile(tuple(results))


def profile(design: Mapping[str, Any], *, lab: Lab | None = None) -> Profile:
    """The risk profile of a parsed design (see explain)."""
    return explain(design, lab=lab)


@dataclass(frozen=True)
class TaskResult:
    """A graded task: each check with whether it holds; complete when all do."""

    task: Task
    checks: tuple[tuple[Check, bool], ...]

    @property
    def passed(self) -> bool:
        return all(ok for _check, ok in self.checks)


def check_task(
    task: Task | str, design: Mapping[str, Any], *, lab: Lab | None = None, design_profile: Profile | None = None
) -> TaskResult:
    """Grade a design against a task's checks (on the server; the browser only shows the result)."""
    lab = lab or get_lab()
    if isinstance(task, str):
        task = lab.tasks[task]
    design_profile = design_profile or explain(design, lab=lab)
    return TaskResult(
        task,
        tuple((check, evaluate(check.condition, design, lab=lab, profile=design_profile)) for check in task.checks),
    )


@dataclass(frozen=True)
class Comparison:
    """Several designs side by side: their profiles, and the options on which they differ."""

    labels: tuple[str, ...]
    designs: tuple[Mapping[str, Any], ...]
    profiles: tuple[Profile, ...]
    differing_options: tuple[Option, ...] = field(default=())

    def rows(self) -> list[tuple[Dimension, list[DimensionResult]]]:
        """Per dimension, the result of each design, in the order of `labels`."""
        return (
            [
                (p0.dimension, [p.dimensions[i] for p in self.profiles])
                for i, p0 in enumerate(self.profiles[0].dimensions)
            ]
            if self.profiles
            else []
        )


def compare(
    designs: Sequence[tuple[str, Mapping[str, Any]]] | Mapping[str, Mapping[str, Any]], *, lab: Lab | None = None
) -> Comparison:
    """Profile several labelled designs and list the options whose values differ between them."""
    lab = lab or get_lab()
    pairs = list(designs.items()) if isinstance(designs, Mapping) else list(designs)
    labels = tuple(label for label, _ in pairs)
    ds = tuple(d for _label, d in pairs)
    differing = tuple(o for o in lab.options.values() if len({repr(d[o.key]) for d in ds}) > 1)
    return Comparison(labels, ds, tuple(explain(d, lab=lab) for d in ds), differing)

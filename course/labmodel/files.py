"""Reading the ID Design Lab's four data files into a checked, cross-referenced `Lab`.

Each file is held to its schema (course.labmodel.schema); what a schema cannot say (a rule's condition names a real
option, a preset gives every option a valid value, a task starts from a real preset) is checked here.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

from course.labmodel import schema as ls
from course.labmodel.designs import parse_design, preset_form
from course.labmodel.model import (
    DEFAULT_PRESET,
    NO_EXPIRY,
    Check,
    Choice,
    Dimension,
    Lab,
    Level,
    Option,
    Preset,
    Rule,
    Section,
    Source,
    Task,
)
from course.labmodel.schema import Conditions, LabDataError, Reader

# The reviewed data files live with the lab's pages (course/lab/), where their translations are extracted from.
LAB_DIR = Path(__file__).resolve().parent.parent / "lab"


def _read_choice(r: Reader, raw: Any, key: str) -> Choice:
    c = r.mapping(raw, key, ls.CHOICE)
    requires, message = None, ""
    if "requires" in c:
        req = r.mapping(c["requires"], f"{key}.requires", ls.REQUIRES)
        requires = req["condition"]  # checked once every option is known
        message = r.field(req, ls.REQUIRES, "message", f"{key}.requires")
    return Choice(
        value=r.field(c, ls.CHOICE, "value", key),
        label=r.field(c, ls.CHOICE, "label", key),
        explanation=r.field(c, ls.CHOICE, "explanation", key) or "",
        requires=requires,
        requires_message=message,
    )


def _read_option(r: Reader, raw: Any, okey: str, section_key: str) -> Option:
    o = r.mapping(raw, okey, ls.OPTION)
    key = r.field(o, ls.OPTION, "key", okey)
    okey = okey.rsplit("[", 1)[0] + f"[{key}]"
    kind = r.field(o, ls.OPTION, "kind", okey)
    minimum = maximum = 0
    if kind == "validity":
        minimum, maximum = r.integer(o.get("min"), f"{okey}.min"), r.integer(o.get("max"), f"{okey}.max")
        if not 1 <= minimum <= maximum:
            raise r.fail(f"{okey}.max", "min and max must satisfy 1 <= min <= max")
        if "choices" in o:
            raise r.fail(f"{okey}.choices", "a validity option lists no choices: they are min..max and no expiry")
        choices = tuple(Choice(str(n), f"{n} year{'s' if n > 1 else ''}") for n in range(minimum, maximum + 1))
        choices += (Choice(NO_EXPIRY, "No expiry"),)
    else:
        items = r.items(o.get("choices"), f"{okey}.choices")
        choices = tuple(_read_choice(r, c, f"{okey}.choices[{i}]") for i, c in enumerate(items))
    return Option(
        key=key,
        label=r.field(o, ls.OPTION, "label", okey),
        explanation=r.field(o, ls.OPTION, "explanation", okey),
        lesson=r.field(o, ls.OPTION, "lesson", okey),
        section=section_key,
        kind=kind,
        choices=choices,
        minimum=minimum,
        maximum=maximum,
    )


def _read_data_field(r: Reader, raw: Any, fkey: str, section_key: str, states: tuple[Choice, ...]) -> Option:
    f = r.mapping(raw, fkey, ls.DATA_FIELD)
    name = r.field(f, ls.DATA_FIELD, "name", fkey)
    fkey = fkey.rsplit("[", 1)[0] + f"[{name}]"
    return Option(
        key=f"fields.{name}",
        label=r.field(f, ls.DATA_FIELD, "label", fkey),
        explanation=r.field(f, ls.DATA_FIELD, "explanation", fkey),
        lesson=r.field(f, ls.DATA_FIELD, "lesson", fkey),
        section=section_key,
        choices=states,
    )


def _read_section(r: Reader, raw: Any, si: int, states: tuple[Choice, ...], options: dict[str, Option]) -> Section:
    s = r.mapping(raw, f"sections[{si}]", ls.SECTION)
    section_key = r.field(s, ls.SECTION, "key", f"sections[{si}]")
    skey = f"sections[{section_key}]"
    section_options = [
        _read_option(r, raw, f"{skey}.options[{i}]", section_key) for i, raw in enumerate(s.get("options") or [])
    ]
    section_options += [
        _read_data_field(r, raw, f"{skey}.fields[{i}]", section_key, states)
        for i, raw in enumerate(s.get("fields") or [])
    ]
    if not section_options:
        raise r.fail(skey, "has neither options nor fields")
    for option in section_options:
        if option.key in options:
            raise r.fail(skey, f"option “{option.key}” is defined twice")
        if len(set(option.values)) != len(option.values):
            raise r.fail(f"{skey}.{option.key}", "has the same choice value twice")
        options[option.key] = option
    return Section(
        key=section_key,
        title=r.field(s, ls.SECTION, "title", skey),
        explanation=r.field(s, ls.SECTION, "explanation", skey) or "",
        options=tuple(section_options),
    )


def _read_options(path: Path) -> tuple[tuple[Section, ...], dict[str, Option], tuple[Choice, ...], dict]:
    r = Reader(path)
    top = r.mapping(r.data, "(file)", ls.OPTIONS_FILE)
    states = tuple(
        _read_choice(r, c, f"field_states[{i}]") for i, c in enumerate(r.items(top["field_states"], "field_states"))
    )
    options: dict[str, Option] = {}
    sections = [
        _read_section(r, raw, si, states, options) for si, raw in enumerate(r.items(top["sections"], "sections"))
    ]
    field_names = {o.field_name for o in options.values() if o.is_field}
    groups: dict[str, tuple[str, ...]] = {}
    for name, members in r.mapping(top["field_groups"], "field_groups").items():
        gkey = f"field_groups.{name}"
        for m in r.items(members, gkey):
            if m not in field_names:
                raise r.fail(gkey, f"“{m}” is not a data field (known: {', '.join(sorted(field_names))})")
        groups[r.check(name, gkey, ls.IDENT)] = tuple(members)
    if "sensitive" in groups:
        for name in groups["sensitive"]:
            options[f"fields.{name}"] = replace(options[f"fields.{name}"], sensitive=True)
        sections = [Section(s.key, s.title, s.explanation, tuple(options[o.key] for o in s.options)) for s in sections]
    return tuple(sections), options, states, groups


def _read_rules(path: Path, options, groups) -> tuple[tuple[Level, ...], tuple[Dimension, ...], tuple[Rule, ...]]:
    r = Reader(path)
    top = r.mapping(r.data, "(file)", ls.RULES_FILE)
    levels = []
    for i, raw in enumerate(r.items(top["levels"], "levels")):
        lv = r.mapping(raw, f"levels[{i}]", ls.LEVEL)
        levels.append(Level(*(r.field(lv, ls.LEVEL, name, f"levels[{i}]") for name in ls.LEVEL.fields)))
    if levels[0].min_points != 0 or any(a.min_points >= b.min_points for a, b in zip(levels, levels[1:], strict=False)):
        raise r.fail("levels", "must start at min_points 0 and rise strictly")
    dimensions = []
    for i, raw in enumerate(r.items(top["dimensions"], "dimensions")):
        d = r.mapping(raw, f"dimensions[{i}]", ls.DIMENSION)
        dimensions.append(
            Dimension(*(r.field(d, ls.DIMENSION, name, f"dimensions[{i}]") for name in ls.DIMENSION.fields))
        )
    dimension_keys = [d.key for d in dimensions]
    if len(set(dimension_keys)) != len(dimension_keys):
        raise r.fail("dimensions", "a dimension key is used twice")
    conditions = Conditions(options, groups)
    rules: list[Rule] = []
    for key, rr, rule_id in r.entries(top["rules"], "rules", ls.RULE, "id", "rule"):
        if rr["dimension"] not in dimension_keys:
            raise r.fail(f"{key}.dimension", f"“{rr['dimension']}” is not one of {', '.join(dimension_keys)}")
        conditions.check(r, rr["condition"], f"{key}.condition")
        points = r.field(rr, ls.RULE, "points", key)
        rules.append(
            Rule(
                rule_id,
                rr["dimension"],
                rr["condition"],
                points,
                *(r.field(rr, ls.RULE, name, key) for name in ("message", "rationale", "source", "lesson")),
            )
        )
    return tuple(levels), tuple(dimensions), tuple(rules)


def _read_presets(path: Path, lab_without_presets: Lab) -> dict[str, Preset]:
    r = Reader(path)
    top = r.mapping(r.data, "(file)", ls.PRESETS_FILE)
    presets: dict[str, Preset] = {}
    for key, p, slug in r.entries(top["presets"], "presets", ls.PRESET, "slug", "preset"):
        sources = []
        for si, raw_source in enumerate(r.items(p["sources"], f"{key}.sources")):
            skey = f"{key}.sources[{si}]"
            src = r.mapping(raw_source, skey, ls.SOURCE)
            sources.append(Source(r.field(src, ls.SOURCE, "title", skey), r.field(src, ls.SOURCE, "url", skey)))
        design = _preset_design(r, r.mapping(p["design"], f"{key}.design"), key, lab_without_presets)
        assumptions = r.mapping(p.get("assumptions") or {}, f"{key}.assumptions")
        for name, note in assumptions.items():
            if name not in lab_without_presets.options:
                raise r.fail(f"{key}.assumptions.{name}", "is not an option of the design")
            r.text(note, f"{key}.assumptions.{name}")
        presets[slug] = Preset(
            slug=slug,
            title=r.field(p, ls.PRESET, "title", key),
            summary=r.field(p, ls.PRESET, "summary", key),
            sources=tuple(sources),
            design=design,
            assumptions={k: v.strip() for k, v in assumptions.items()},
        )
    return presets


def _preset_design(r: Reader, raw_design: dict, key: str, lab_without_presets: Lab) -> dict[str, Any]:
    """A preset's design checked as if a student had posted it: every option given, every value a choice."""
    for option in lab_without_presets.options.values():
        if not option.is_field and option.key not in raw_design:
            raise r.fail(f"{key}.design.{option.key}", "is required: a preset gives every option")
    if "fields" in raw_design and not isinstance(raw_design["fields"], dict):
        raise r.fail(f"{key}.design.fields", "must be a mapping of field name to where it is kept")
    form = preset_form(raw_design, lab_without_presets.field_names)
    design, errors = parse_design(form, lab=lab_without_presets, ignore=())
    if design is None:
        name, message = next(iter(errors.items()))
        raise r.fail(f"{key}.design.{name}", message)
    return design


def _read_tasks(path: Path, lab: Lab) -> dict[str, Task]:
    r = Reader(path)
    top = r.mapping(r.data, "(file)", ls.TASKS_FILE)
    conditions = Conditions(
        lab.options, lab.field_groups, [d.key for d in lab.dimensions], [lv.key for lv in lab.levels]
    )
    tasks: dict[str, Task] = {}
    for key, t, slug in r.entries(top["tasks"], "tasks", ls.TASK, "slug", "task"):
        if t["preset"] not in lab.presets:
            raise r.fail(f"{key}.preset", f"“{t['preset']}” is not a preset ({', '.join(lab.presets)})")
        checks = []
        for ci, raw_check in enumerate(r.items(t["checks"], f"{key}.checks")):
            ckey = f"{key}.checks[{ci}]"
            c = r.mapping(raw_check, ckey, ls.CHECK)
            conditions.check(r, c["condition"], f"{ckey}.condition")
            checks.append(Check(r.field(c, ls.CHECK, "says", ckey), c["condition"]))
        tasks[slug] = Task(
            slug=slug,
            title=r.field(t, ls.TASK, "title", key),
            prompt=r.field(t, ls.TASK, "prompt", key),
            preset=t["preset"],
            lesson=r.field(t, ls.TASK, "lesson", key),
            checks=tuple(checks),
        )
    return tasks


def load_lab(directory: Path | str = LAB_DIR) -> Lab:
    """Read and cross-check options, rules, presets and tasks; raise LabDataError naming the file and key at fault."""
    directory = Path(directory)
    sections, options, states, groups = _read_options(directory / "options.yaml")
    r = Reader(directory / "options.yaml")
    conditions = Conditions(options, groups)
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

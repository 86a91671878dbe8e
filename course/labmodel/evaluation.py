"""How the ID Design Lab judges a design: conditions, risk profiles, graded tasks and comparisons.

Pure functions of a (load-checked) lab and a parsed design; the browser only shows what they compute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from course.labmodel.model import Check, Condition, Dimension, Lab, Level, Option, Rule, Task, default_lab


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
    lab = lab or default_lab()
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
    lab = lab or default_lab()
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
    lab = lab or default_lab()
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
    lab = lab or default_lab()
    pairs = list(designs.items()) if isinstance(designs, Mapping) else list(designs)
    labels = tuple(label for label, _ in pairs)
    ds = tuple(d for _label, d in pairs)
    differing = tuple(o for o in lab.options.values() if len({repr(d[o.key]) for d in ds}) > 1)
    return Comparison(labels, ds, tuple(explain(d, lab=lab) for d in ds), differing)

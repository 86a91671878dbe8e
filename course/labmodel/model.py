"""The ID Design Lab's data model: what options.yaml, rules.yaml, presets.yaml and tasks.yaml define, once checked.

Frozen dataclasses without behaviour beyond lookups, so designs, rules and tasks can be shared between requests and
cached per language (course.lab.catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NO_EXPIRY = "none"
DEFAULT_PRESET = "minimal"

Design = dict[str, Any]
Condition = Mapping[str, Any]


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


def default_lab() -> Lab:
    """The bundled lab, for the functions called without one. Looked up when called (not imported at the top)
    because loading the lab's presets parses their designs with those very functions."""
    from course.labmodel.files import get_lab

    return get_lab()

"""The ID Design Lab without Flask: its data model, its data files held to one schema, designs parsed from forms,
and their evaluation (risk profiles, graded tasks, comparisons). The lab blueprint (course.lab) serves it.

    model.py       the dataclasses a loaded lab is made of
    schema.py      the four data files declared with course.schema, the reader and the condition checks
    files.py       load_lab / get_lab: the files read, checked and cross-referenced
    designs.py     parse_design and back: a design from posted form values
    evaluation.py  evaluate, explain, check_task, compare
"""

from course.labmodel.designs import (
    FORM_CONTROL_KEYS,
    MAX_REPORTED_UNKNOWN,
    design_to_form,
    parse_design,
    preset_design,
)
from course.labmodel.evaluation import (
    Comparison,
    DimensionResult,
    Profile,
    TaskResult,
    check_task,
    compare,
    evaluate,
    explain,
    profile,
)
from course.labmodel.files import LAB_DIR, get_lab, load_lab
from course.labmodel.model import (
    DEFAULT_PRESET,
    NO_EXPIRY,
    Check,
    Choice,
    Condition,
    Design,
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
from course.labmodel.schema import LabDataError

__all__ = [
    "DEFAULT_PRESET",
    "FORM_CONTROL_KEYS",
    "LAB_DIR",
    "MAX_REPORTED_UNKNOWN",
    "NO_EXPIRY",
    "Check",
    "Choice",
    "Comparison",
    "Condition",
    "Design",
    "Dimension",
    "DimensionResult",
    "Lab",
    "LabDataError",
    "Level",
    "Option",
    "Preset",
    "Profile",
    "Rule",
    "Section",
    "Source",
    "Task",
    "TaskResult",
    "check_task",
    "compare",
    "design_to_form",
    "evaluate",
    "explain",
    "get_lab",
    "load_lab",
    "parse_design",
    "preset_design",
    "profile",
]

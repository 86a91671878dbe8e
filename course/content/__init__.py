"""Course folders ⇄ database: load and check a folder, import it. No Flask views here.

The names below load their modules when first used (PEP 562), so a process that only plays a scenario or serves
pages, and imports course.content.scenario for it, never loads the importer, the loader and YAML."""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course.content.importer import import_course
    from course.content.loader import check_course, course_folders, load_course
    from course.content.problems import ContentError, ContentProblem

_HOMES = {
    "import_course": "importer",
    "check_course": "loader",
    "course_folders": "loader",
    "load_course": "loader",
    "ContentError": "problems",
    "ContentProblem": "problems",
}

__all__ = ["ContentError", "ContentProblem", "check_course", "course_folders", "import_course", "load_course"]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)

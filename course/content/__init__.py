"""Course folders ⇄ database: load and check a folder, import it. No Flask views here."""

from course.content.importer import import_course
from course.content.loader import check_course, course_folders, load_course
from course.content.problems import ContentError, ContentProblem

__all__ = ["ContentError", "ContentProblem", "check_course", "course_folders", "import_course", "load_course"]

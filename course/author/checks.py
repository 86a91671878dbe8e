"""What an instructor typed, checked by the loader's own rules and shown at the field.

A lesson or quiz from the browser is written out as the file export writes (course.content.exporter), checked by
course.content.loader exactly as `flask course check` checks a folder, and each problem's line is traced back to
the key it belongs to and so to a form field. The database and the course folder stay two views of one course.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from course.content.exporter import lesson_file
from course.content.loader import SOURCE_FIELDS, LessonData, load_lesson_text
from course.content.problems import ContentProblem
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.extensions import db
from course.models import Course, Figure, Lesson, Module

QUESTION_PREFIX = re.compile(r"^question '[^']*': ")
LESSON_CONTENT = ("slug", "title", "minutes", "objectives", "key_terms", "sources", "body_markdown")


@dataclass
class CourseContext:
    """What a lesson or quiz is checked against: the course's lessons, glossary, figures and modules."""

    course: Course
    modules: list[tuple[int, str, str]]  # (id, slug, title) in order
    lesson_slugs: dict[str, int]  # slug → lesson id
    figures: set[str]
    module_sources: dict[str, set[str]] = field(default_factory=dict)
    module_objectives: dict[str, list[str]] = field(default_factory=dict)

    @property
    def anchors(self) -> set[str]:
        return {term["anchor"] for term in self.course.glossary}

    @property
    def module_slugs(self) -> dict[int, str]:
        return {module_id: slug for module_id, slug, _title in self.modules}

    def objectives_for(self, module_slug: str | None) -> list[str]:
        """The objectives a question may name: its module's, or the whole course's for the final assessment."""
        if module_slug:
            return self.module_objectives.get(module_slug, [])
        return list(dict.fromkeys(o for objectives in self.module_objectives.values() for o in objectives))

    def sources_for(self, module_slug: str | None) -> list[str]:
        """The source ids a question may cite, as objectives_for."""
        if module_slug:
            return sorted(self.module_sources.get(module_slug, set()))
        return sorted({s for sources in self.module_sources.values() for s in sources})


def course_context(course: Course) -> CourseContext:
    """Everything the checks need, in three queries whatever the course's size."""
    modules = db.session.execute(
        select(Module.id, Module.slug, Module.title).where(Module.course_id == course.id).order_by(Module.position)
    ).all()
    context = CourseContext(
        course=course,
        modules=[(row.id, row.slug, row.title) for row in modules],
        lesson_slugs={},
        figures=set(db.session.scalars(select(Figure.name).where(Figure.course_id == course.id))),
    )
    slugs = context.module_slugs
    context.module_sources = {slug: set() for slug in slugs.values()}
    context.module_objectives = {slug: [] for slug in slugs.values()}
    lessons = db.session.execute(
        select(Lesson.id, Lesson.slug, Lesson.module_id, Lesson.sources, Lesson.objectives)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id == course.id)
        .order_by(Module.position, Lesson.position)
    )
    for row in lessons:
        context.lesson_slugs[row.slug] = row.id
        module_slug = slugs[row.module_id]
        context.module_sources[module_slug].update(s["id"] for s in row.sources)
        context.module_objectives[module_slug].extend(
            o for o in row.objectives if o not in context.module_objectives[module_slug]
        )
    return context


# --- tracing a problem's line back to a key --------------------------------------------------------------------


def key_paths(text: str, first_line: int = 1) -> dict[int, tuple]:
    """Line → the deepest key path written on it, e.g. 7 → ("questions", 2, "prompt"), for block-style YAML."""
    data, _problems = load_yaml(text, "", first_line)
    paths: dict[int, tuple] = {}

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, LineDict):
            for key, value in node.items():
                paths[node.line_of(key)] = (*path, key)
                walk(value, (*path, key))
        elif isinstance(node, LineList):
            for index, value in enumerate(node):
                paths[node.line_of(index)] = (*path, index)
                walk(value, (*path, index))

    walk(data, ())
    return paths


def add_error(field_or_list, message: str) -> None:
    """Attach a message to a WTForms field (or to a list the template shows), whether or not it was validated. A
    loader message starts in lower case after its path:line; beside a field it starts a sentence."""
    message = message[:1].upper() + message[1:]
    if isinstance(field_or_list, list):
        field_or_list.append(message)
    else:
        field_or_list.errors = [*field_or_list.errors, message]


def place_problems(
    problems: list[ContentProblem], paths: dict[int, tuple], place: Callable[[tuple, str], bool], form
) -> None:
    """Each problem at the field its line belongs to; the rest, which no field of this form holds, at the top."""
    for problem in problems:
        if not place(paths.get(problem.line, ()), QUESTION_PREFIX.sub("", problem.message)):
            form.form_errors.append(problem.message)


# --- lessons --------------------------------------------------------------------------------------------------


def lesson_content(lesson: Lesson) -> dict[str, Any]:
    """A lesson's editable content, as a revision stores it."""
    content = {name: getattr(lesson, name) for name in LESSON_CONTENT}
    content["sources"] = [{k: v for k, v in source.items() if k in SOURCE_FIELDS} for source in lesson.sources]
    return content


def lesson_text(content: dict[str, Any]) -> str:
    """The lesson file export would write for this content."""
    return lesson_file(Lesson(**content))


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea that holds one item per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def lesson_content_from_form(form) -> tuple[dict[str, Any], list[int]]:
    """The content a lesson form describes, and for each kept source the form row it came from."""
    sources, rows = [], []
    for index, entry in enumerate(form.sources.entries):
        source = {key: (value or "").strip() for key, value in entry.data.items()}
        if any(source.values()):
            sources.append({key: value for key, value in source.items() if value or key in ("id", "title")})
            rows.append(index)
    content = {
        "slug": (form.slug.data or "").strip(),
        "title": (form.title.data or "").strip(),
        "minutes": form.minutes.data,
        "objectives": lines(form.objectives.data),
        "key_terms": lines(form.key_terms.data),
        "sources": sources,
        "body_markdown": (form.body.data or "").replace("\r\n", "\n"),
    }
    return content, rows


def check_lesson_content(content: dict[str, Any], context: CourseContext, lesson_id: int | None):
    """(the lesson file's text, LessonData or None, problems) for lesson content, with the course-level rules too:
    a unique slug, links to existing lessons, glossary anchors and figures. The lesson's own slug counts as
    existing, as a lesson may link to itself."""
    text = lesson_text(content)
    slugs = set(context.lesson_slugs) | {content["slug"]}
    data, problems = load_lesson_text(text, "lesson.md", slugs, context.anchors, context.figures)
    other = context.lesson_slugs.get(content["slug"])
    if other is not None and other != lesson_id:
        problems.append(ContentProblem("lesson.md", 2, _("another lesson of this course has this address")))
    return text, data, problems


def check_lesson_form(form, context: CourseContext, lesson_id: int | None) -> tuple[LessonData | None, bool]:
    """Check a lesson form with the loader and put every problem at its field. Returns the lesson as rendered
    (None when its front matter could not be read) and whether it can be saved; a preview shows it either way."""
    content, rows = lesson_content_from_form(form)
    text, data, problems = check_lesson_content(content, context, lesson_id)
    front_matter = text.partition("\n---\n")[0].removeprefix("---\n")
    paths = key_paths(front_matter, first_line=2)
    body_first_line = front_matter.count("\n") + 4  # '---', the front matter's lines, '---'

    def place(path: tuple, message: str) -> bool:
        if not path:
            return False
        name = path[0]
        if name in ("slug", "title", "minutes"):
            add_error(getattr(form, name), message)
        elif name in ("objectives", "key_terms"):
            add_error(
                getattr(form, name),
                _("Line %(line)s: %(message)s", line=path[1] + 1, message=message) if len(path) > 1 else message,
            )
        elif name == "sources" and len(path) > 2 and path[2] in SOURCE_FIELDS:
            add_error(form.sources.entries[rows[path[1]]].form[path[2]], message)
        else:
            return False
        return True

    for problem in (p for p in problems if p.line >= body_first_line):
        add_error(
            form.body, _("Line %(line)s: %(message)s", line=problem.line - body_first_line + 1, message=problem.message)
        )
    place_problems([p for p in problems if p.line < body_first_line], paths, place, form)
    return data, data is not None and not problems

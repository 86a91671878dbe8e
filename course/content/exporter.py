"""Write a course from the database back to a course folder (DESIGN.md, "Content format").

The folder is what `flask course import` reads, built from the stored Markdown and specs, never from rendered
HTML. Output is deterministic (fixed key order, one YAML style, files named from positions), so export → import →
export gives byte-identical files and an exported course diffs cleanly in git.

Only published quizzes are written: the format has no draft state, and import publishes every quiz it reads.
Every module and lesson is written, because other lessons link to them and quizzes cite their sources.
"""

from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.models import Course, Lesson, Module, Question, Quiz, Scenario
from course.question_types import question_type

SOURCE_ORDER = ("id", "title", "publisher", "date", "url", "accessed", "note")  # the loader's SOURCE_FIELDS, in order
GUIDE_ORDER = ("audience", "prerequisites", "content_note", "timing", "discussion", "activity", "misconceptions")


class _CourseYamlDumper(yaml.SafeDumper):
    """Block style with indented lists, as the bundled course is written; multi-line text as literal blocks."""

    multi_line_style = "|"
    line_width = 120

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


class _FrontMatterDumper(_CourseYamlDumper):
    """In front matter any line reading '---' ends it early, so multi-line text is quoted and nothing is folded."""

    multi_line_style = '"'
    line_width = 1_000_000


def _represent_text(dumper: _CourseYamlDumper, text: str) -> yaml.ScalarNode:
    style = dumper.multi_line_style if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_CourseYamlDumper.add_representer(str, _represent_text)


def _yaml(document: Any, dumper: type[_CourseYamlDumper] = _CourseYamlDumper) -> str:
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=dumper.line_width)


def _plain_number(number: float) -> int | float:
    """2 rather than 2.0, as an author writes it; floats that are not whole stay as they are."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def course_for_export(slug: str, with_figures: bool = True) -> Course | None:
    """The course with everything an export writes, loaded in a fixed number of queries whatever its size; without
    its figures' bytes when only the text files are wanted (`course_files(course, with_figures=False)`)."""
    options = [
        selectinload(Course.modules).selectinload(Module.lessons),
        selectinload(Course.quizzes).selectinload(Quiz.questions),
    ]
    if with_figures:
        options.append(selectinload(Course.figures))
    return db.session.scalar(select(Course).where(Course.slug == slug).options(*options))


def course_files(course: Course, with_figures: bool = True) -> dict[str, bytes]:
    """Every file of the course folder, keyed on its path inside it; a key ending in '/' is a folder (so a module
    without lessons still has the folder import expects). Without figures, only the text files."""
    files: dict[str, bytes] = {"lessons/": b""}
    modules = []
    scenarios = course_scenarios(course)
    for number, module in enumerate(course.modules, start=1):
        folder = f"lessons/{number:02d}-{module.slug}/"
        files[folder] = b""
        for lesson_number, lesson in enumerate(module.lessons, start=1):
            scenario = scenarios.get(lesson.id)
            files[f"{folder}{lesson_number:02d}-{lesson.slug}.md"] = lesson_file(lesson, scenario is not None).encode()
            if scenario is not None:
                files[f"{folder}{lesson_number:02d}-{lesson.slug}.scenario.yaml"] = scenario_file(scenario).encode()
        if module.teacher_guide:
            files[f"{folder}guide.yaml"] = _yaml(guide_document(module.teacher_guide)).encode()
        modules.append({"slug": module.slug, "title": module.title, "summary": module.summary})
    course_document = {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "modules": modules,
    }
    files["lessons/course.yaml"] = _yaml(course_document).encode()
    if course.glossary:
        terms = [{"term": t["term"], "anchor": t["anchor"], "definition": t["definition"]} for t in course.glossary]
        files["lessons/glossary.yaml"] = _yaml({"terms": terms}).encode()
    if with_figures and course.figures:
        files["lessons/figures/"] = b""
        for figure in sorted(course.figures, key=lambda f: f.name):
            files[f"lessons/figures/{figure.name}"] = figure.data
    module_slugs = {module.id: module.slug for module in course.modules}
    quizzes = sorted((quiz for quiz in course.quizzes if quiz.published), key=lambda q: q.slug)
    if quizzes:
        files["quizzes/"] = b""
        for quiz in quizzes:
            files[f"quizzes/{quiz.slug}.yaml"] = _yaml(quiz_document(quiz, module_slugs)).encode()
    return dict(sorted(files.items()))


def course_scenarios(course: Course) -> dict[int, Scenario]:
    """The course's scenario lessons' nodes keyed on lesson id, in one query."""
    query = select(Scenario).join(Lesson, Lesson.id == Scenario.lesson_id).where(Lesson.course_id == course.id)
    return {scenario.lesson_id: scenario for scenario in db.session.scalars(query)}


def scenario_file(scenario: Scenario) -> str:
    """A scenario lesson's nodes in the .scenario.yaml format, from the document as written (never the HTML)."""
    return _yaml(scenario.document)


def lesson_file(lesson: Lesson, is_scenario: bool = False) -> str:
    """A lesson as Markdown with YAML front matter; the sources' computed numbers are left out."""
    front: dict[str, Any] = {"slug": lesson.slug, "title": lesson.title}
    if is_scenario:
        front["type"] = "scenario"
    front.update(minutes=lesson.minutes, objectives=list(lesson.objectives))
    if lesson.key_terms:
        front["key_terms"] = list(lesson.key_terms)
    if lesson.sources:
        front["sources"] = [{key: source[key] for key in SOURCE_ORDER if key in source} for source in lesson.sources]
    body = "\n".join(lesson.body_markdown.splitlines())  # the loader reads lines, so CRLF from a browser goes
    return f"---\n{_yaml(front, _FrontMatterDumper)}---\n{body}\n"


def guide_document(guide: dict[str, Any]) -> dict[str, Any]:
    """A module's teacher's guide as an author writes it, its parts in one fixed order."""
    return {key: guide[key] for key in GUIDE_ORDER if guide.get(key)}


def quiz_document(quiz: Quiz, module_slugs: dict[int, str]) -> dict[str, Any]:
    """A quiz in the quiz-file format (also what export_gift takes). A quiz outside any module is course-level,
    which the format writes as `final: true`."""
    document: dict[str, Any] = {"slug": quiz.slug, "title": quiz.title}
    if quiz.is_final or quiz.module_id not in module_slugs:
        document["final"] = True
    else:
        document["module"] = module_slugs[quiz.module_id]
    document.update(
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        shuffle=quiz.shuffle,
        questions=[question_document(question) for question in quiz.questions],
    )
    return document


def question_document(question: Question) -> dict[str, Any]:
    """A question as an author writes it (DESIGN.md's field order), from its Markdown and spec, not its HTML."""
    document: dict[str, Any] = {"id": question.key, "type": question.type, "prompt": question.prompt_markdown}
    document.update(question_type(question.type).document(question.spec))
    for key, value in (
        ("explanation", question.explanation_markdown),
        ("source", question.source),
        ("objective", question.objective),
    ):
        if value:
            document[key] = value
    if question.points != 1:
        document["points"] = _plain_number(question.points)
    for key in ("tags", "title"):
        if key in question.spec:
            document[key] = question.spec[key]
    return document


def write_course_folder(files: dict[str, bytes], folder: Path) -> None:
    """Write an exported course into a new or empty folder; a folder holding anything is refused, since stale files
    (a lesson deleted since) would otherwise come back on the next import."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(_("%(folder)s exists and is not an empty folder", folder=folder))
    for name, data in files.items():
        target = folder / name
        if name.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

"""Warnings that keep a course true after it ships, for `flask course check` and the course's authoring page.

Unlike the loader's problems these never block an import: a source not re-read for a year, a claim whose
"as of" date has aged, an objective no question assesses, a question without an objective. Both callers look at
course files as text (a folder on disk, or the files an export would write), so each warning names the same
path:line an author would open.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

from course.content.exporter import course_files, course_for_export
from course.content.loader import AS_OF, NUMBERED, _display, course_folders
from course.content.problems import ContentProblem
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.render import calendar_date


@dataclass
class _Lesson:
    path: str
    module: str
    front: LineDict
    body_lines: list[tuple[int, str]]  # (line number in the file, text)


@dataclass
class _Review:
    stale_after: int | None
    today: date
    warnings: list[ContentProblem] = field(default_factory=list)

    def warn(self, path: str, line: int, message: str) -> None:
        self.warnings.append(ContentProblem(path, line, _("warning: %(message)s", message=message)))


def _lesson(path: str, module: str, text: str) -> _Lesson | None:
    """A lesson's front matter (with its lines) and body lines; None if the loader would refuse it anyway."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None
    front, problems = load_yaml("\n".join(lines[1:end]), path, first_line=2)
    if problems or not isinstance(front, LineDict):
        return None
    return _Lesson(path, module, front, [(number, line) for number, line in enumerate(lines[end + 1 :], end + 2)])


def review_texts(
    lessons: list[tuple[str, str, str]],
    quizzes: list[tuple[str, str]],
    stale_after: int | None = None,
    today: date | None = None,
) -> list[ContentProblem]:
    """Warnings for a course given as `lessons` (path, module slug, text) and `quizzes` (path, text).

    With `stale_after` (days), every source whose `accessed` date is older, or missing, and every `[as of …]`
    date older than that is reported. Objectives are always reviewed: each lesson objective must be named by a
    question of its module's quiz or of a course-level quiz (the final), and each question should name one.
    """
    review = _Review(stale_after, today or date.today())
    parsed = [lesson for lesson in (_lesson(*entry) for entry in lessons) if lesson is not None]
    if stale_after is not None:
        for lesson in parsed:
            _review_dates(review, lesson)
    _review_objectives(review, parsed, _assessed_objectives(review, quizzes))
    return sorted(review.warnings)


def _assessed_objectives(review: _Review, quizzes: list[tuple[str, str]]) -> dict[str | None, set[str]]:
    """The objectives the questions name, by module slug (None: course-level quizzes); a question naming none is a
    warning."""
    assessed: dict[str | None, set[str]] = {}
    for path, text in quizzes:
        data, problems = load_yaml(text, path)
        if problems or not isinstance(data, LineDict):
            continue
        module = None if data.get("final") is True else data.get("module")
        questions = data.get("questions")
        if not isinstance(questions, LineList):
            continue
        for index, question in enumerate(questions):
            if not isinstance(question, LineDict):
                continue
            objective = str(question.get("objective") or "").strip()
            if objective:
                assessed.setdefault(module, set()).add(objective)
            else:
                line = question.line_of("id") if "id" in question else questions.line_of(index)
                review.warn(path, line, _("question '%(id)s' names no objective (objective: …)", id=question.get("id")))
    return assessed


def _review_objectives(review: _Review, lessons: list[_Lesson], assessed: dict[str | None, set[str]]) -> None:
    """Warn of each lesson objective that no question of its module's quiz or of the final names."""
    course_level = assessed.get(None, set())
    for lesson in lessons:
        objectives = lesson.front.get("objectives")
        if not isinstance(objectives, LineList):
            continue
        for index, objective in enumerate(objectives):
            text = str(objective).strip()
            if text not in assessed.get(lesson.module, set()) and text not in course_level:
                message = _(
                    "objective '%(objective)s' is not assessed by any question of its module's quiz or the final",
                    objective=text,
                )
                review.warn(lesson.path, objectives.line_of(index), message)


def _review_dates(review: _Review, lesson: _Lesson) -> None:
    limit = review.today - timedelta(days=review.stale_after or 0)
    written_sources = lesson.front.get("sources")
    sources = written_sources if isinstance(written_sources, LineList) else LineList()  # none to review if no list
    for index, source in enumerate(sources):
        if not isinstance(source, LineDict):
            continue
        name = source.get("id")
        accessed = calendar_date(source.get("accessed"), allow_month=False) if "accessed" in source else None
        if "accessed" not in source:
            message = _("source '%(id)s' has no accessed: date; re-check it", id=name)
            review.warn(lesson.path, sources.line_of(index), message)
        elif accessed is not None and accessed < limit:
            message = ngettext(
                "source '%(id)s' was last checked on %(date)s, more than %(num)d day ago; re-check it "
                "and update accessed:",
                "source '%(id)s' was last checked on %(date)s, more than %(num)d days ago; re-check it "
                "and update accessed:",
                review.stale_after,
                id=name,
                date=accessed.isoformat(),
            )
            review.warn(lesson.path, source.line_of("accessed"), message)
    for number, line in lesson.body_lines:
        for written in AS_OF.findall(line):
            checked = calendar_date(written)
            if checked is not None and checked < limit:
                message = ngettext(
                    "[as of %(date)s] is more than %(num)d day old; re-check the claim and its source",
                    "[as of %(date)s] is more than %(num)d days old; re-check the claim and its source",
                    review.stale_after,
                    date=written,
                )
                review.warn(lesson.path, number, message)


def review_folder(
    path: str | os.PathLike, stale_after: int | None = None, today: date | None = None
) -> list[ContentProblem]:
    """The warnings for a course folder on disk, named by the paths `course check` prints."""
    lessons_dir, quizzes_dir = course_folders(path)
    lessons = []
    if lessons_dir.is_dir():
        for folder in sorted(lessons_dir.iterdir()):
            match = NUMBERED.match(folder.name)
            if folder.is_dir() and match:
                for file in sorted(folder.glob("*.md")):
                    lessons.append((_display(file), match.group(2), _read(file)))
    quiz_files = sorted(quizzes_dir.glob("*.y*ml")) if quizzes_dir.is_dir() else []
    quizzes = [(_display(file), _read(file)) for file in quiz_files]
    return review_texts(lessons, quizzes, stale_after, today)


_EXPORTED_LESSON = re.compile(r"^lessons/\d{2}-([a-z0-9-]+)/\d{2}-[a-z0-9-]+\.md$")


def review_files(
    files: dict[str, bytes], stale_after: int | None = None, today: date | None = None
) -> list[ContentProblem]:
    """The warnings for a course in the database, from the files its export writes (course_files), so the
    authoring page names the path:line an exported folder would show."""
    lessons, quizzes = [], []
    for name, data in files.items():
        match = _EXPORTED_LESSON.match(name)
        if match:
            lessons.append((name, match.group(1), data.decode()))
        elif name.startswith("quizzes/") and name.endswith(".yaml"):
            quizzes.append((name, data.decode()))
    return review_texts(lessons, quizzes, stale_after, today)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""  # the loader reports it


def review_course(slug: str, stale_after: int | None = None, today: date | None = None) -> list[ContentProblem]:
    """The warnings for a course in the database (its authoring page), from the text files its export would write;
    a fixed number of queries whatever the course's size."""
    course = course_for_export(slug, with_figures=False)
    return [] if course is None else review_files(course_files(course, with_figures=False), stale_after, today)

"""Read and check a course folder (DESIGN.md, "Content format") without touching the database.

Every problem is collected with its path and line, so an author sees all of them in one run; a folder with any
problem is never imported. Each file kind has its own module, its schema declared there with course.schema:
course_file.py (course.yaml and the checks across files), lessons.py, quizzes.py, glossary.py (and figures),
guides.py; checking.py holds what they share. This module is their public face.
"""

import os
from pathlib import Path

from course.content.checking import (  # noqa: F401  (the names other modules import from here)
    MAX_SLUG,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE,
    SLUG,
    _display,
    course_folders,
    text_too_large,
)
from course.content.course_data import CourseData, LessonData, ModuleData, QuestionData, QuizData  # noqa: F401
from course.content.course_file import CourseChecker
from course.content.glossary import FIGURE_TYPES, MAX_FIGURE_BYTES, figure_problem  # noqa: F401
from course.content.guides import GUIDE_FILE, render_guide  # noqa: F401
from course.content.lessons import AS_OF, COURSE_LINK, IMAGE, NUMBERED, SOURCE_FIELDS  # noqa: F401
from course.content.problems import ContentError, ContentProblem
from course.content.quizzes import QUESTION_FIELDS  # noqa: F401
from course.content.yaml_lines import LineDict


def load_lesson_text(text: str, path: str, lesson_slugs, anchors, figures) -> tuple[LessonData | None, list]:
    """Check one lesson file's text (as the browser editor builds it) with the rules of `course check`, including
    its links to the course's other lessons (`lesson_slugs`), glossary `anchors` and `figures`.
    Returns the lesson (None when its front matter is unreadable) and every problem found."""
    checker = CourseChecker()
    lesson = checker.parse_lesson(text, Path(path))
    if lesson is not None:
        checker.check_lesson_references(lesson, text, lesson_slugs, anchors, figures)
    return lesson, checker.problems


def load_quiz_text(text: str, path: str, module_sources: dict, module_objectives: dict) -> tuple[QuizData | None, list]:
    """Check one quiz file's text against its course: the source ids and objectives of each module's lessons, keyed
    on module slug. Returns the quiz (None when unreadable, kept even without questions so the editor can hold an
    empty draft) and every problem found."""
    checker = CourseChecker()
    quiz = checker.parse_quiz(text, Path(path), module_sources, module_objectives)
    return quiz, checker.problems


def load_questions(entries: list[LineDict], path: str) -> list[QuestionData]:
    """Check and render questions that arrive without a quiz file (a GIFT file's) by the rules a quiz file's
    questions follow, each reported at its `line`; raises ContentError listing every problem."""
    checker = CourseChecker()
    questions = [checker.load_question(entry, entry.line, path, set(), set()) for entry in entries]
    if checker.problems:
        raise ContentError(checker.problems)
    return questions


def load_course(path: str | os.PathLike) -> CourseData:
    """Read and check a course folder; raises ContentError listing every problem."""
    return CourseChecker(path).load()


def check_course(path: str | os.PathLike) -> list[ContentProblem]:
    """Every problem in a course folder, sorted by path and line; empty when it is ready to import."""
    try:
        load_course(path)
    except ContentError as error:
        return error.problems
    return []

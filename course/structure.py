"""The published structure of every course, cached per process: titles, order, slugs and the rendered lessons that
every student request shows, without asking the database for them each time.

A content version in the database says when to reload. Any flush that adds, changes or deletes course content
(an import, a publish, an authoring save, from any process or server) writes a new version in the same
transaction, so every process sees the change on its next request; the check is one primary-key read.
"""

import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from flask import abort, current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event, exists, insert, select, update
from sqlalchemy.orm import Session

from course.extensions import db
from course.models import Course, Figure, Lesson, Module, Question, Quiz, Scenario, SiteSetting

CONTENT_VERSION_KEY = "content_version"
CONTENT_CLASSES = (Course, Module, Lesson, Quiz, Question, Figure, Scenario)
_refresh_lock = threading.Lock()


@dataclass(frozen=True)
class LessonEntry:
    """What a student's lesson page shows of a lesson."""

    id: int
    slug: str
    title: str
    minutes: int
    module_id: int
    objectives: tuple[str, ...]
    key_terms: tuple[str, ...]
    lab_tasks: tuple[str, ...]
    body_html: str
    sources_html: str
    is_scenario: bool = False  # a branching scenario (course.scenario) is played from the lesson page
    published = True  # only published lessons are cached


@dataclass(frozen=True)
class QuizEntry:
    id: int
    slug: str
    title: str
    module_id: int | None
    is_final: bool


@dataclass(frozen=True)
class ModuleEntry:
    id: int
    slug: str
    title: str
    summary: str
    lessons: tuple[LessonEntry, ...]
    quiz: QuizEntry | None
    teacher_guide: Mapping[str, Any]
    teacher_guide_html: str


@dataclass(frozen=True)
class CourseEntry:
    """A course as students see it: its published modules, lessons (in reading order) and quizzes (module quizzes,
    then the final). Draft courses are cached too, for instructors' class reports, but never served to students."""

    id: int
    slug: str
    title: str
    summary: str
    language: str
    published: bool
    position: int
    glossary: tuple[Mapping[str, Any], ...]
    modules: tuple[ModuleEntry, ...]
    quizzes: tuple[QuizEntry, ...]
    lessons: tuple[LessonEntry, ...] = field(default=())
    lesson_index: Mapping[str, int] = field(default_factory=dict)

    def lesson(self, slug: str) -> LessonEntry | None:
        index = self.lesson_index.get(slug)
        return None if index is None else self.lessons[index]

    def neighbours(self, lesson: LessonEntry) -> tuple[LessonEntry | None, LessonEntry | None]:
        """The lessons before and after `lesson` in reading order (None at either end)."""
        index = self.lesson_index[lesson.slug]
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return (self.lessons[index - 1] if index else None), following

    def module_of(self, lesson: LessonEntry) -> ModuleEntry:
        return next(module for module in self.modules if module.id == lesson.module_id)


@dataclass(frozen=True)
class Structure:
    version: str
    courses: Mapping[str, CourseEntry]
    by_id: Mapping[int, CourseEntry]
    # Pages' parts rendered from this version (course.fragments): they go when the version does.
    fragments: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def catalog(self) -> list[CourseEntry]:
        """Published courses in the order instructors gave them."""
        return sorted((c for c in self.courses.values() if c.published), key=lambda c: (c.position, c.title))


def published_course(slug: str) -> CourseEntry:
    """A published course from the cache, or the styled 404."""
    course = current_structure().courses.get(slug)
    if course is None or not course.published:
        abort(404, description=_("There is no course at this address."))
    return course


def course_entry(course_id: int) -> CourseEntry:
    """Any course by id, drafts included (an instructor's class may use a course not yet published)."""
    return current_structure().by_id[course_id]


_CONTENT_VERSION = select(SiteSetting.value).where(SiteSetting.key == CONTENT_VERSION_KEY)


def current_structure() -> Structure:
    """The cached structure, reloaded first if the content version in the database has moved on. The version is
    read once per request (a page that asks twice gets the same answer) and once per call outside requests."""
    if has_request_context():
        structure = g.get("lanyard_structure")
        if structure is None:
            structure = g.lanyard_structure = _checked_structure()
        return structure
    return _checked_structure()


def _checked_structure() -> Structure:
    """The structure for the content version the database holds now."""
    version = db.session.scalar(_CONTENT_VERSION) or ""
    cached = current_app.extensions.get("lanyard_structure")
    if cached is not None and cached.version == version:
        return cached
    with _refresh_lock:
        cached = current_app.extensions.get("lanyard_structure")
        if cached is None or cached.version != version:
            courses = _load_courses()
            cached = Structure(version, courses, {course.id: course for course in courses.values()})
            current_app.extensions["lanyard_structure"] = cached
    return cached


def _load_courses() -> dict[str, CourseEntry]:
    """Every course with its published modules, lessons and quizzes, in four queries."""
    courses = db.session.execute(
        select(
            Course.id,
            Course.slug,
            Course.title,
            Course.summary,
            Course.language,
            Course.published,
            Course.position,
            Course.glossary,
        )
    ).all()
    course_ids = [course.id for course in courses]
    modules = db.session.execute(
        select(
            Module.id,
            Module.course_id,
            Module.slug,
            Module.title,
            Module.summary,
            Module.teacher_guide,
            Module.teacher_guide_html,
        )
        .where(Module.course_id.in_(course_ids), Module.published.is_(True))
        .order_by(Module.position, Module.id)
    ).all()
    lessons = db.session.execute(
        select(
            Lesson.id,
            Lesson.slug,
            Lesson.title,
            Lesson.minutes,
            Lesson.module_id,
            Lesson.objectives,
            Lesson.key_terms,
            Lesson.lab_tasks,
            Lesson.body_html,
            Lesson.sources_html,
            exists().where(Scenario.lesson_id == Lesson.id).label("is_scenario"),
        )
        .where(Lesson.course_id.in_(course_ids), Lesson.published.is_(True))
        .order_by(Lesson.position, Lesson.id)
    ).all()
    quizzes = db.session.execute(
        select(Quiz.id, Quiz.course_id, Quiz.slug, Quiz.title, Quiz.module_id, Quiz.is_final)
        .where(Quiz.course_id.in_(course_ids), Quiz.published.is_(True))
        .order_by(Quiz.is_final, Quiz.id)
    ).all()
    lessons_of: dict[int, list[LessonEntry]] = {}
    for row in lessons:
        lessons_of.setdefault(row.module_id, []).append(
            LessonEntry(
                row.id,
                row.slug,
                row.title,
                row.minutes,
                row.module_id,
                tuple(row.objectives or ()),
                tuple(row.key_terms or ()),
                tuple(row.lab_tasks or ()),
                row.body_html,
                row.sources_html,
                bool(row.is_scenario),
            )
        )
    published_modules = {row.id for row in modules}
    quiz_of: dict[int, QuizEntry] = {}
    quizzes_of: dict[int, list[QuizEntry]] = {}
    for quiz_row in quizzes:
        if quiz_row.module_id is not None and quiz_row.module_id not in published_modules:
            continue  # a draft module hides its quiz
        quiz_entry = QuizEntry(quiz_row.id, quiz_row.slug, quiz_row.title, quiz_row.module_id, quiz_row.is_final)
        quizzes_of.setdefault(quiz_row.course_id, []).append(quiz_entry)
        if quiz_row.module_id is not None and not quiz_row.is_final:
            quiz_of.setdefault(quiz_row.module_id, quiz_entry)
    modules_of: dict[int, list[ModuleEntry]] = {}
    for row in modules:
        entry = ModuleEntry(
            row.id,
            row.slug,
            row.title,
            row.summary,
            tuple(lessons_of.get(row.id, ())),
            quiz_of.get(row.id),
            row.teacher_guide or {},
            row.teacher_guide_html,
        )
        modules_of.setdefault(row.course_id, []).append(entry)
    entries = {}
    for row in courses:
        course_modules = tuple(modules_of.get(row.id, ()))
        ordered = tuple(chain.from_iterable(module.lessons for module in course_modules))
        # Quizzes in course order: each module's quiz where its module stands, the final assessment last.
        position = {module.id: index for index, module in enumerate(course_modules)}
        course_quizzes = sorted(
            quizzes_of.get(row.id, ()), key=lambda quiz: (quiz.is_final, position.get(quiz.module_id, len(position)))
        )
        entries[row.slug] = CourseEntry(
            row.id,
            row.slug,
            row.title,
            row.summary,
            row.language,
            row.published,
            row.position,
            tuple(row.glossary or ()),
            course_modules,
            tuple(course_quizzes),
            ordered,
            {lesson.slug: index for index, lesson in enumerate(ordered)},
        )
    return entries


@event.listens_for(Session, "before_flush")
def _note_content_changes(session: Session, flush_context, instances) -> None:
    """Remember that this flush changes course content, so the version moves with it."""
    if any(isinstance(item, CONTENT_CLASSES) for item in chain(session.new, session.dirty, session.deleted)):
        session.info["content_changed"] = True


@event.listens_for(Session, "after_flush")
def _move_content_version(session: Session, flush_context) -> None:
    """Write a new content version in the flush's own transaction: committed with the change, or not at all."""
    if not session.info.pop("content_changed", False):
        return
    token = secrets.token_hex(8)
    connection = session.connection()
    changed = connection.execute(
        update(SiteSetting).where(SiteSetting.key == CONTENT_VERSION_KEY).values(value=token)
    ).rowcount
    if not changed:
        connection.execute(insert(SiteSetting).values(key=CONTENT_VERSION_KEY, value=token))

"""A student's progress through a course, computed in a fixed number of queries whatever the course size.

A lesson counts when marked complete; a module quiz counts when any attempt passed; a lab task that a lesson embeds
counts when any submission of it passed. A course is completed when every lesson is completed, every module quiz
passed and every embedded lab task completed. The final assessment is shown but optional.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, and_, bindparam, func, select

from course.extensions import db
from course.lab.progress import record_lab_tasks
from course.models import Attempt, AttemptSummary, Course, Lesson, LessonProgress, Quiz
from course.structure import CourseEntry, LessonEntry, ModuleEntry, QuizEntry, course_entry


@dataclass
class QuizStanding:
    quiz: QuizEntry
    attempts: int = 0
    best_percent: float | None = None
    passed: bool = False


@dataclass
class ModuleStanding:
    """One student's standing in one module: lessons completed and the module quiz, if it has one."""

    module: ModuleEntry
    lessons_done: int
    lessons_total: int
    quiz: QuizStanding | None

    @property
    def lessons_finished(self) -> bool:
        return self.lessons_done == self.lessons_total


@dataclass
class CourseProgress:
    course: CourseEntry
    user_id: int
    modules: list[ModuleEntry]
    lesson_status: dict[int, str]
    quizzes: dict[int | None, list[QuizStanding]]
    last_viewed: LessonEntry | None = None
    last_viewed_at: datetime | None = None
    lessons_total: int = 0
    lessons_done: int = 0
    quizzes_total: int = 0
    quizzes_passed: int = 0
    standings: list[QuizStanding] = field(default_factory=list)
    lab_tasks: list[str] = field(default_factory=list)  # graded ID Design Lab tasks the lessons embed
    lab_tasks_passed: set[str] = field(default_factory=set)

    @property
    def lab_tasks_done(self) -> int:
        return len(self.lab_tasks_passed.intersection(self.lab_tasks))

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total + len(self.lab_tasks)
        done = self.lessons_done + self.quizzes_passed + self.lab_tasks_done
        return round(100 * done / total) if total else 0

    @property
    def completed(self) -> bool:
        return (
            self.lessons_done == self.lessons_total
            and self.quizzes_passed == self.quizzes_total
            and self.lab_tasks_done == len(self.lab_tasks)
        )

    @property
    def lessons(self) -> list[LessonEntry]:
        return [lesson for module in self.modules for lesson in module.lessons if lesson.published]

    @property
    def module_standings(self) -> list[ModuleStanding]:
        """Per module, in course order, what the student has done: the same view for the student (My progress)
        and the teacher (the class dashboard)."""
        standing_of = {standing.quiz.id: standing for standing in self.standings}
        result = []
        for module in self.modules:
            lessons = [lesson for lesson in module.lessons if lesson.published]
            done = sum(1 for lesson in lessons if self.lesson_status.get(lesson.id) == "completed")
            quiz = standing_of.get(module.quiz.id) if module.quiz else None
            result.append(ModuleStanding(module, done, len(lessons), quiz))
        return result

    @property
    def continue_lesson(self) -> LessonEntry | None:
        """Where to pick up: the first unfinished lesson after the last one viewed, else the first unfinished."""
        lessons = self.lessons
        start = lessons.index(self.last_viewed) if self.last_viewed in lessons else 0
        for lesson in lessons[start:] + lessons[:start]:
            if self.lesson_status.get(lesson.id) != "completed":
                return lesson
        return None


def course_progress(course: Course | CourseEntry, user_id: int) -> CourseProgress:
    """Everything the outline page shows, in four queries."""
    return progress_table([course], [user_id])[course.id, user_id]


def courses_progress(courses: Sequence[Course | CourseEntry], user_id: int) -> list[CourseProgress]:
    """One student's progress in each of these courses (My progress, the catalogue), in the same four queries
    however many courses there are."""
    table = progress_table(courses, [user_id])
    return [table[course.id, user_id] for course in courses]


def class_progress(course: Course | CourseEntry, user_ids: Collection[int]) -> dict[int, CourseProgress]:
    """Each student's progress in one course, keyed on user id (the gradebook asks for a whole class at once)."""
    table = progress_table([course], user_ids)
    return {user_id: table[course.id, user_id] for user_id in user_ids}


# The statements are built once: building a SELECT costs more than SQLite takes to run it, on every page that shows
# progress. Lesson records are read as plain rows with a completed flag, and only each student's latest view per
# course keeps its timestamp: a class of 500 has 12,000 lesson records, and parsing two dates for each cost most of
# the gradebook.
_records, _lessons = LessonProgress.__table__.c, Lesson.__table__.c
_OF_THESE = (
    _records.user_id.in_(bindparam("user_ids", expanding=True)),
    _lessons.course_id.in_(bindparam("course_ids", expanding=True)),
)
_LESSON_ROWS = (
    select(
        _records.user_id, _lessons.course_id, _records.lesson_id, _records.completed_at.is_not(None).label("completed")
    )
    .join(Lesson.__table__, _lessons.id == _records.lesson_id)
    .where(*_OF_THESE)
)
_newest = (
    select(_records.user_id, _lessons.course_id, func.max(_records.last_viewed_at).label("viewed_at"))
    .join(Lesson.__table__, _lessons.id == _records.lesson_id)
    .where(*_OF_THESE)
    .group_by(_records.user_id, _lessons.course_id)
    .subquery()
)
_LATEST_VIEWS = (
    select(_records.user_id, _lessons.course_id, _records.lesson_id, _records.last_viewed_at)
    .join(Lesson.__table__, _lessons.id == _records.lesson_id)
    .join(
        _newest,
        and_(
            _newest.c.user_id == _records.user_id,
            _newest.c.course_id == _lessons.course_id,
            _newest.c.viewed_at == _records.last_viewed_at,
        ),
    )
)
# Percent and passed from the attempt's summary, a small row: in SQLite the attempt's own columns sit behind its
# snapshot's overflow pages, which reading them walks (the attempt's own serve a row recorded without a summary).
_BEST_ATTEMPTS = (
    select(
        Attempt.user_id,
        Quiz.course_id,
        Attempt.quiz_id,
        func.count(Attempt.id).label("attempts"),
        func.max(func.coalesce(AttemptSummary.percent, Attempt.percent)).label("best"),
        func.max(func.coalesce(AttemptSummary.passed, Attempt.passed, False).cast(db.Integer)).label("passed"),
    )
    .join(Quiz, Quiz.id == Attempt.quiz_id)
    .outerjoin(AttemptSummary, AttemptSummary.attempt_id == Attempt.id)
    .where(
        Attempt.user_id.in_(bindparam("user_ids", expanding=True)),
        Quiz.course_id.in_(bindparam("course_ids", expanding=True)),
        Attempt.submitted_at.is_not(None),
    )
    .group_by(Attempt.user_id, Quiz.course_id, Attempt.quiz_id)
)


def progress_table(
    courses: Sequence[Course | CourseEntry], user_ids: Collection[int]
) -> dict[tuple[int, int], CourseProgress]:
    """Each student's progress in each course, keyed on (course id, user id), in four queries whatever the number
    of courses and students; the courses' structure comes from the per-process cache."""
    entries = [course_entry(course.id) for course in courses]
    users = list(user_ids)
    keys = [(entry.id, user_id) for entry in entries for user_id in users]
    if not keys:
        return {}
    parameters = {"user_ids": users, "course_ids": [entry.id for entry in entries]}
    connection = db.session.connection()
    lesson_rows: dict[tuple[int, int], list[Row]] = {key: [] for key in keys}
    # Rows are fetched all at once (.all()): iterating a result fetches them one by one, slower for a class.
    for row in connection.execute(_LESSON_ROWS, parameters).all():
        lesson_rows[row[1], row[0]].append(row)  # (user_id, course_id, lesson_id, completed)
    latest: dict[tuple[int, int], Row] = {}
    for row in connection.execute(_LATEST_VIEWS, parameters).all():
        latest.setdefault((row.course_id, row.user_id), row)
    best: dict[tuple[int, int], dict[int, Row]] = {key: {} for key in keys}
    for row in connection.execute(_BEST_ATTEMPTS, parameters).all():
        best[row.course_id, row.user_id][row.quiz_id] = row
    table = {}
    for entry in entries:
        layout = _Layout(entry)
        for user_id in users:
            key = (entry.id, user_id)
            table[key] = layout.progress_of(user_id, lesson_rows[key], latest.get(key), best[key])
    record_lab_tasks(table.values())
    return table


class _Layout:
    """What every student's progress in one course is measured against, worked out once per course: its modules,
    its lessons by id and its quizzes (a class of 500 would otherwise rebuild them 500 times)."""

    def __init__(self, course: CourseEntry) -> None:
        self.course = course
        self.modules = list(course.modules)
        self.lessons = {lesson.id: lesson for lesson in course.lessons}
        self.module_ids = {module.id for module in self.modules}

    def progress_of(self, user_id: int, rows: list[Row], last_row: Row | None, best: dict[int, Row]) -> CourseProgress:
        """One student's progress from their lesson rows, their latest view and their best attempt per quiz."""
        lesson_status = {row.lesson_id: "completed" if row.completed else "viewed" for row in rows}
        progress = CourseProgress(
            course=self.course, user_id=user_id, modules=self.modules, lesson_status=lesson_status, quizzes={}
        )
        progress.last_viewed = self.lessons.get(last_row.lesson_id) if last_row else None
        progress.last_viewed_at = last_row.last_viewed_at if last_row else None
        progress.lessons_total = len(self.lessons)
        progress.lessons_done = sum(1 for row in rows if row.completed and row.lesson_id in self.lessons)
        for quiz in self.course.quizzes:
            row = best.get(quiz.id)
            standing = QuizStanding(quiz, row.attempts, row.best, bool(row.passed)) if row else QuizStanding(quiz)
            progress.standings.append(standing)
            in_a_module = quiz.module_id in self.module_ids
            progress.quizzes.setdefault(quiz.module_id if in_a_module else None, []).append(standing)
            if not quiz.is_final and in_a_module:
                progress.quizzes_total += 1
                progress.quizzes_passed += standing.passed
        return progress

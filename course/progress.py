"""A student's progress through a course, computed in a fixed number of queries whatever the course size.

A lesson counts when marked complete; a module quiz counts when any attempt passed; a lab task that a lesson embeds
counts when any submission of it passed. A course is completed when every lesson is completed, every module quiz
passed and every embedded lab task completed. The final assessment is shown but optional.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, and_, func, select

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
class CourseProgress:
    course: CourseEntry
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
    def continue_lesson(self) -> LessonEntry | None:
        """Where to pick up: the first unfinished lesson after the last one viewed, else the first unfinished."""
        lessons = self.lessons
        start = lessons.index(self.last_viewed) if self.last_viewed in lessons else 0
        for lesson in lessons[start:] + lessons[:start]:
            if self.lesson_status.get(lesson.id) != "completed":
                return lesson
        return None


def course_progress(course: Course | CourseEntry, user_id: int) -> CourseProgress:
    """Everything the outline and progress pages show, in four queries."""
    return class_progress(course, [user_id])[user_id]


def class_progress(course: Course | CourseEntry, user_ids: Collection[int]) -> dict[int, CourseProgress]:
    """Each student's progress, keyed on user id, in the same four queries however many students there are
    (the gradebook asks for a whole class at once); the course's structure comes from the per-process cache.
    Lesson records are read as plain rows with a completed flag, and only each student's latest view keeps its
    timestamp: a class of 500 has 12,000 lesson records, and parsing two dates for each cost most of the page."""
    entry = course_entry(course.id)
    records, lessons = LessonProgress.__table__.c, Lesson.__table__.c
    of_this_class = (records.user_id.in_(user_ids), lessons.course_id == entry.id)
    connection = db.session.connection()
    lesson_rows: dict[int, list[Row]] = {user_id: [] for user_id in user_ids}
    for row in connection.execute(
        select(records.user_id, records.lesson_id, records.completed_at.is_not(None).label("completed"))
        .join(Lesson.__table__, lessons.id == records.lesson_id)
        .where(*of_this_class)
    ).all():
        lesson_rows[row.user_id].append(row)
    newest = (
        select(records.user_id, func.max(records.last_viewed_at).label("viewed_at"))
        .join(Lesson.__table__, lessons.id == records.lesson_id)
        .where(*of_this_class)
        .group_by(records.user_id)
        .subquery()
    )
    latest: dict[int, Row] = {}
    for row in connection.execute(
        select(records.user_id, records.lesson_id, records.last_viewed_at)
        .join(Lesson.__table__, lessons.id == records.lesson_id)
        .join(newest, and_(newest.c.user_id == records.user_id, newest.c.viewed_at == records.last_viewed_at))
        .where(lessons.course_id == entry.id)
    ):
        latest.setdefault(row.user_id, row)
    best: dict[int, dict[int, Row]] = {user_id: {} for user_id in user_ids}
    # Percent and passed from the attempt's summary, a small row: in SQLite the attempt's own columns sit behind its
    # snapshot's overflow pages, which reading them walks (the attempt's own serve a row recorded without a summary).
    for row in db.session.execute(
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            func.count(Attempt.id).label("attempts"),
            func.max(func.coalesce(AttemptSummary.percent, Attempt.percent)).label("best"),
            func.max(func.coalesce(AttemptSummary.passed, Attempt.passed, False).cast(db.Integer)).label("passed"),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(AttemptSummary, AttemptSummary.attempt_id == Attempt.id)
        .where(Attempt.user_id.in_(user_ids), Quiz.course_id == entry.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.quiz_id)
    ):
        best[row.user_id][row.quiz_id] = row
    modules = list(entry.modules)
    progress = {
        user_id: _progress_of(entry, modules, entry.quizzes, lesson_rows[user_id], latest.get(user_id), best[user_id])
        for user_id in user_ids
    }
    record_lab_tasks(progress, modules)
    return progress


def _progress_of(
    course: CourseEntry,
    modules: list[ModuleEntry],
    quizzes: Sequence[QuizEntry],
    rows: list[Row],
    last_row: Row | None,
    best: dict[int, Row],
) -> CourseProgress:
    """One student's progress from their lesson rows, their latest view and their best attempt per quiz."""
    lesson_status = {row.lesson_id: "completed" if row.completed else "viewed" for row in rows}
    progress = CourseProgress(course=course, modules=modules, lesson_status=lesson_status, quizzes={})
    lessons = progress.lessons
    progress.last_viewed = next((lesson for lesson in lessons if last_row and lesson.id == last_row.lesson_id), None)
    progress.last_viewed_at = last_row.last_viewed_at if last_row else None
    progress.lessons_total = len(lessons)
    progress.lessons_done = sum(1 for lesson in lessons if lesson_status.get(lesson.id) == "completed")
    module_ids = {m.id for m in modules}
    for quiz in quizzes:
        row = best.get(quiz.id)
        standing = QuizStanding(quiz, row.attempts, row.best, bool(row.passed)) if row else QuizStanding(quiz)
        progress.standings.append(standing)
        progress.quizzes.setdefault(quiz.module_id if quiz.module_id in module_ids else None, []).append(standing)
        if not quiz.is_final and quiz.module_id in module_ids:
            progress.quizzes_total += 1
            progress.quizzes_passed += standing.passed
    return progress

"""The data behind the gradebook, the per-student page and item analysis, each in a fixed number of queries
whatever the size of the class or the quiz (no query per student, per quiz or per question)."""

import csv
import gc
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from course.classroom.item_analysis import QuestionInfo, QuizStatistics, analyse_answers
from course.extensions import db
from course.learn.figures import figure_addresses
from course.models import Attempt, AttemptSummary, Classroom, Course, Enrollment, QuestionSet, Quiz, User
from course.progress import CourseProgress, class_progress
from course.question_types import question_type
from course.structure import QuizEntry

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading quote stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class QuizCell:
    """One student's standing in one quiz."""

    attempts: int = 0
    best: float | None = None
    last: float | None = None
    last_number: int = 0
    passed: bool = False


@dataclass
class GradebookRow:
    student: User
    progress: CourseProgress
    quizzes: dict[int, QuizCell] = field(default_factory=dict)
    last_activity: datetime | None = None

    @property
    def sort_name(self) -> str:
        return self.student.name.casefold()


@dataclass
class Gradebook:
    classroom: Classroom
    course: Course
    quizzes: list[QuizEntry]
    rows: list[GradebookRow]

    def sort_keys(self) -> dict[str, Callable[[GradebookRow], Any]]:
        """Every column the gradebook can be sorted by, keyed as it appears in ?sort=."""
        keys: dict[str, Callable[[GradebookRow], Any]] = {
            "student": lambda row: row.sort_name,
            "lessons": lambda row: row.progress.lessons_done,
            "progress": lambda row: row.progress.percent,
            "activity": lambda row: row.last_activity,
        }
        for quiz in self.quizzes:
            keys[f"best:{quiz.slug}"] = partial(_best_of, quiz.id)
            keys[f"last:{quiz.slug}"] = partial(_last_of, quiz.id)
        return keys

    def sorted_rows(self, key: str, descending: bool) -> list[GradebookRow]:
        """Rows sorted by one column; blanks (never attempted, never active) always last, ties by name."""
        value = self.sort_keys()[key]
        by_name = sorted(self.rows, key=lambda row: row.sort_name)
        present = [row for row in by_name if value(row) is not None]
        blank = [row for row in by_name if value(row) is None]
        return sorted(present, key=value, reverse=descending) + blank


def class_members(classroom: Classroom) -> list[User]:
    """Everyone enrolled in the class, by username, in one query."""
    return list(
        db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.classroom_id == classroom.id)
            .order_by(User.username)
        )
    )


def _best_of(quiz_id: int, row: GradebookRow) -> Any:
    return row.quizzes[quiz_id].best


def _last_of(quiz_id: int, row: GradebookRow) -> Any:
    return row.quizzes[quiz_id].last


def build_gradebook(classroom: Classroom, course: Course) -> Gradebook:
    """Progress, lessons completed, best and last score per quiz, and last activity, for the whole class: the
    roster, the core's class_progress (five queries) and one query over the class's attempts and their summaries."""
    students = class_members(classroom)
    ids = [student.id for student in students]
    progress = class_progress(course, ids)
    quizzes = [standing.quiz for standing in next(iter(progress.values())).standings] if progress else []
    rows = {student.id: GradebookRow(student, progress[student.id]) for student in students}
    for row in rows.values():
        row.quizzes = {
            standing.quiz.id: QuizCell(standing.attempts, standing.best_percent, passed=standing.passed)
            for standing in row.progress.standings
        }
        row.last_activity = row.progress.last_viewed_at
    for attempt in db.session.execute(
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            Attempt.number,
            func.coalesce(AttemptSummary.percent, Attempt.percent).label("percent"),
            Attempt.started_at,
            Attempt.submitted_at,
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(AttemptSummary, AttemptSummary.attempt_id == Attempt.id)  # percent from the small row
        .where(Attempt.user_id.in_(ids), Quiz.course_id == course.id)
    ):
        row = rows[attempt.user_id]
        active = attempt.submitted_at or attempt.started_at
        if row.last_activity is None or active > row.last_activity:
            row.last_activity = active
        cell = row.quizzes.get(attempt.quiz_id)
        if cell is not None and attempt.submitted_at is not None and attempt.number > cell.last_number:
            cell.last, cell.last_number = attempt.percent, attempt.number
    return Gradebook(classroom, course, quizzes, list(rows.values()))


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def gradebook_csv(gradebook: Gradebook, rows: list[GradebookRow]) -> str:
    """The gradebook as CSV, one line per student in the order shown on screen; percentages as plain numbers."""
    header = [_("Username"), _("Name"), _("Lessons completed"), _("Lessons in course"), _("Course progress %")]
    for quiz in gradebook.quizzes:
        header += [
            _("%(quiz)s: best %%", quiz=quiz.title),
            _("%(quiz)s: last %%", quiz=quiz.title),
            _("%(quiz)s: attempts", quiz=quiz.title),
        ]
    header.append(_("Last activity (UTC)"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        cells: list[Any] = [
            row.student.username,
            row.student.display_name or "",
            row.progress.lessons_done,
            row.progress.lessons_total,
            row.progress.percent,
        ]
        for quiz in gradebook.quizzes:
            cell = row.quizzes[quiz.id]
            cells += [_number(cell.best), _number(cell.last), cell.attempts]
        cells.append(row.last_activity.strftime("%Y-%m-%d %H:%M") if row.last_activity else "")
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def student_attempts(course: Course, student: User) -> list[Attempt]:
    """A student's attempts at the course's quizzes, with their quiz, in one query."""
    return list(
        db.session.scalars(
            select(Attempt)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == student.id, Quiz.course_id == course.id)
            .order_by(Quiz.is_final, Quiz.id, Attempt.number)
            .options(selectinload(Attempt.quiz))
        )
    )


@dataclass
class QuizReport:
    """Item analysis of one quiz for one class; `statistics` is None until enough students have answered."""

    quiz: Quiz
    students: int
    threshold: int
    statistics: QuizStatistics | None


def quiz_report(classroom: Classroom, quiz: Quiz, threshold: int) -> QuizReport:
    """Statistics over each class member's first submitted attempt, computed only when at least `threshold`
    students have one, so a report never shows one student's answers as the class's. Reads the attempts' stored
    summaries (AttemptSummary), never their snapshots, except one snapshot per question no longer in the quiz, for
    its prompt."""
    first = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .join(Enrollment, and_(Enrollment.user_id == Attempt.user_id, Enrollment.classroom_id == classroom.id))
        .where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id)
        .subquery()
    )
    with _cyclic_collection_paused():
        rows = db.session.execute(
            select(AttemptSummary.attempt_id, AttemptSummary.question_set, AttemptSummary.answers)
            .join(Attempt, Attempt.id == AttemptSummary.attempt_id)
            .join(first, and_(Attempt.user_id == first.c.user_id, Attempt.number == first.c.number))
            .where(Attempt.quiz_id == quiz.id)
        ).all()
        if len(rows) < threshold:
            return QuizReport(quiz, len(rows), threshold, None)
        shown = figure_addresses(quiz.course.slug)
        questions = [
            QuestionInfo(q.key, q.type, shown(q.prompt_html), q.objective, question_type(q.type).listed_answers(q.spec))
            for q in quiz.questions
        ]
        sets: dict[str, tuple[list[dict], list[dict]]] = {
            digest: (asked, [])
            for digest, asked in db.session.execute(
                select(QuestionSet.digest, QuestionSet.questions).where(
                    QuestionSet.digest.in_({row.question_set for row in rows})
                )
            )
        }
        for row in rows:
            sets[row.question_set][1].append(row.answers)
        statistics = analyse_answers(questions, sets.values())
        _removed_prompts(statistics, sets, rows)
        return QuizReport(quiz, len(rows), threshold, statistics)


def _removed_prompts(
    statistics: QuizStatistics, sets: dict[str, tuple[list[dict], list[dict]]], rows: Sequence
) -> None:
    """The prompt of each question no longer in the quiz, from the snapshot of one attempt that asked it: one query,
    and only when the quiz lost a question since some of the class answered it."""
    removed = {item.key: item for item in statistics.items if item.removed}
    if not removed:
        return
    attempt_of_set: dict[str, int] = {}
    for row in rows:
        attempt_of_set.setdefault(row.question_set, row.attempt_id)
    asked_in = {
        question["key"]: attempt_of_set[digest]
        for digest, (asked, _) in sets.items()
        for question in asked
        if question["key"] in removed
    }
    for snapshot in db.session.scalars(select(Attempt.snapshot).where(Attempt.id.in_(set(asked_in.values())))):
        for question in snapshot:
            if question["key"] in removed:
                removed[question["key"]].prompt_html = question.get("prompt_html", "")


@contextmanager
def _cyclic_collection_paused() -> Iterator[None]:
    """Decoding a class's answer summaries makes a hundred thousand objects at once, and Python's cyclic collector
    would walk all of them again and again as they arrive. Nothing here makes reference cycles, so the collector
    waits until the report is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

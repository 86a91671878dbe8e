"""A class at a glance: per module how many students finished the lessons and passed the quiz, a heat map of
students × quizzes in course order, who has not started, who is stuck and who has finished, and each quiz's score
distribution. Built on the gradebook's data, so the page runs a fixed number of queries whatever the class size."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template, request
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from course.auth.access import instructor_required
from course.classroom import bp
from course.classroom.access import own_classroom_or_404
from course.classroom.charts import Distribution, distribution_chart, score_distribution
from course.classroom.gradebook import _choose_course_first
from course.classroom.reports import GradebookRow, QuizCell, build_gradebook
from course.extensions import db
from course.models import Classroom, Quiz
from course.models.users import utcnow
from course.structure import ModuleEntry, QuizEntry

DEFAULT_IDLE_DAYS = 7
MAX_IDLE_DAYS = 365


@dataclass
class ModuleSummary:
    """A module across the class."""

    module: ModuleEntry
    lessons_total: int
    finished_lessons: int = 0
    quiz: QuizEntry | None = None
    attempted_quiz: int = 0
    passed_quiz: int = 0


@dataclass
class StuckStudent:
    row: GradebookRow
    reasons: list[str]


@dataclass
class QuizSummary:
    quiz: QuizEntry
    pass_mark: int
    distribution: Distribution
    passed: int
    chart: Markup


@dataclass
class Dashboard:
    classroom: Classroom
    quizzes: list[QuizEntry]
    rows: list[GradebookRow]
    modules: list[ModuleSummary]
    not_started: list[GradebookRow] = field(default_factory=list)
    stuck: list[StuckStudent] = field(default_factory=list)
    finished: list[GradebookRow] = field(default_factory=list)
    quiz_summaries: list[QuizSummary] = field(default_factory=list)
    idle_days: int = DEFAULT_IDLE_DAYS


def heat_band(cell: QuizCell) -> str:
    """The heat map's colour band for one cell; the cell always carries the same meaning in words."""
    if cell.best is None:
        return "none"
    if cell.passed:
        return "pass"
    return "near" if cell.best >= 50 else "low"


def build_dashboard(classroom: Classroom, idle_days: int, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows: the gradebook's queries plus one for the quizzes' attempt limits."""
    course = classroom.course
    if course is None:  # the view asks the teacher to choose a course first
        raise ValueError(f"class {classroom.id} follows no course, so it has no dashboard")
    book = build_gradebook(classroom, course)
    rows = sorted(book.rows, key=lambda row: row.sort_name)
    limits = {
        quiz_id: (max_attempts, pass_mark)
        for quiz_id, max_attempts, pass_mark in db.session.execute(
            select(Quiz.id, Quiz.max_attempts, Quiz.pass_mark).where(Quiz.course_id == classroom.course_id)
        )
    }
    quizzes: list[QuizEntry] = list(book.quizzes)
    modules_of_course = rows[0].progress.modules if rows else []
    summaries = {
        module.id: ModuleSummary(module, sum(1 for lesson in module.lessons if lesson.published), quiz=module.quiz)
        for module in modules_of_course
    }
    dashboard = Dashboard(classroom, quizzes, rows, list(summaries.values()), idle_days=idle_days)
    idle_since = (now or utcnow()) - timedelta(days=idle_days)
    for row in rows:
        for standing in row.progress.module_standings:
            summary = summaries[standing.module.id]
            summary.finished_lessons += standing.lessons_finished
            if standing.quiz is not None:
                summary.attempted_quiz += standing.quiz.attempts > 0
                summary.passed_quiz += standing.quiz.passed
        if row.progress.completed:
            dashboard.finished.append(row)
            continue
        if row.last_activity is None and row.progress.lessons_done == 0:
            dashboard.not_started.append(row)
            continue
        reasons = _stuck_reasons(row, quizzes, limits, idle_since)
        if reasons:
            dashboard.stuck.append(StuckStudent(row, reasons))
    for quiz in quizzes:
        bests = [best for row in rows if (best := row.quizzes[quiz.id].best) is not None]
        distribution = score_distribution(bests)
        dashboard.quiz_summaries.append(
            QuizSummary(
                quiz=quiz,
                pass_mark=limits.get(quiz.id, (0, 0))[1],
                distribution=distribution,
                passed=sum(1 for row in rows if row.quizzes[quiz.id].passed),
                chart=distribution_chart(
                    distribution, title=_("Best scores in %(quiz)s", quiz=quiz.title), ident=f"scores-{quiz.slug}"
                ),
            )
        )
    return dashboard


def _stuck_reasons(
    row: GradebookRow, quizzes: list[QuizEntry], limits: dict[int, tuple[int, int]], idle_since: datetime
) -> list[str]:
    """Why a student who has not finished may be stuck: a failed quiz with attempts left, or no recent activity."""
    reasons = []
    for quiz in quizzes:
        cell = row.quizzes[quiz.id]
        max_attempts = limits.get(quiz.id, (0, 0))[0]
        if cell.attempts and not cell.passed and (not max_attempts or cell.attempts < max_attempts):
            if not max_attempts:
                reasons.append(_("failed %(quiz)s (attempts left)", quiz=quiz.title))
            else:
                reasons.append(
                    ngettext(
                        "failed %(quiz)s (%(num)d of %(most)d left)",
                        "failed %(quiz)s (%(num)d of %(most)d left)",
                        max_attempts - cell.attempts,
                        quiz=quiz.title,
                        most=max_attempts,
                    )
                )
    if row.last_activity is not None and row.last_activity < idle_since:
        reasons.append(_("no activity since %(date)s", date=format_date(row.last_activity)))
    return reasons


def _idle_days() -> int:
    """?idle= days without activity before a student counts as stuck (default 7)."""
    try:
        return min(max(int(request.args.get("idle", DEFAULT_IDLE_DAYS)), 1), MAX_IDLE_DAYS)
    except ValueError:
        return DEFAULT_IDLE_DAYS


@bp.route("/teach/classes/<int:classroom_id>/dashboard")
@instructor_required
def dashboard(classroom_id: int):
    """The class at a glance, for a teacher with thirty students: who is where, who needs help, how quizzes went."""
    classroom = own_classroom_or_404(classroom_id)
    if classroom.course is None:
        return _choose_course_first(classroom)
    return render_template(
        "classroom/dashboard.html",
        classroom=classroom,
        board=build_dashboard(classroom, _idle_days()),
        heat_band=heat_band,
    )

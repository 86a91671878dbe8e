"""What re-importing a course folder over the stored course would take away, counted before anything is written.

The importer updates rows in place, keyed on slugs: lessons, modules, questions and figures that left the folder
are deleted (a deleted lesson takes its students' progress with it), and quizzes that left it are withdrawn from
students (their attempts are kept). An import that loses any of this goes ahead only when someone confirmed these
very counts: `flask course import --yes`, or the confirmation page of the browser's zip import."""

from dataclasses import astuple, dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from course.content.loader import CourseData
from course.extensions import db
from course.models import Attempt, Course, Figure, Lesson, LessonProgress, Module, Question, Quiz


@dataclass(frozen=True)
class ImportLosses:
    lessons: int = 0
    progress: int = 0
    quizzes: int = 0
    attempts: int = 0
    modules: int = 0
    questions: int = 0
    figures: int = 0

    def __bool__(self) -> bool:
        return any(astuple(self))

    def lines(self) -> list[str]:
        """What will be lost, in words, one line per kind of thing (only the kinds that lose something)."""
        said = []
        if self.lessons or self.progress:
            said.append(
                _(
                    "%(lessons)s deleted, with %(records)s of students",
                    lessons=ngettext("%(num)d lesson", "%(num)d lessons", self.lessons),
                    records=ngettext(
                        "%(num)d lesson progress record", "%(num)d lesson progress records", self.progress
                    ),
                )
            )
        if self.quizzes or self.attempts:
            said.append(
                _(
                    "%(quizzes)s withdrawn from students, with %(attempts)s on them (the attempts are kept, "
                    "hidden with the quiz)",
                    quizzes=ngettext("%(num)d quiz", "%(num)d quizzes", self.quizzes),
                    attempts=ngettext("%(num)d attempt", "%(num)d attempts", self.attempts),
                )
            )
        if self.questions:
            said.append(
                ngettext(
                    "%(num)d question deleted from quizzes that stay",
                    "%(num)d questions deleted from quizzes that stay",
                    self.questions,
                )
            )
        if self.modules:
            said.append(ngettext("%(num)d module deleted", "%(num)d modules deleted", self.modules))
        if self.figures:
            said.append(ngettext("%(num)d figure deleted", "%(num)d figures deleted", self.figures))
        return said

    def fingerprint(self) -> str:
        """The counts as one short string, so a confirmation holds for exactly what was shown."""
        return "-".join(str(n) for n in astuple(self))


class LossesNeedConfirmation(Exception):  # noqa: N818  (a refusal, not a failure)
    """Raised before anything is written, when an import would lose what `losses` says and nobody confirmed it."""

    def __init__(self, course: Course, losses: ImportLosses):
        super().__init__(
            _(
                "importing would change course '%(slug)s': %(losses)s",
                slug=course.slug,
                losses="; ".join(losses.lines()),
            )
        )
        self.course, self.losses = course, losses


def import_losses(data: CourseData, course: Course | None) -> ImportLosses:
    """Count what importing `data` over `course` (None: a new course) would delete or withdraw, in four queries."""
    if course is None:
        return ImportLosses()
    lesson_slugs = [lesson.slug for module in data.modules for lesson in module.lessons]
    quiz_slugs = [quiz.slug for quiz in data.quizzes]
    lost_lessons = select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug.not_in(lesson_slugs))
    withdrawn = select(Quiz.id).where(
        Quiz.course_id == course.id, Quiz.slug.not_in(quiz_slugs), Quiz.published.is_(True)
    )
    lessons, progress, quizzes, attempts, modules = db.session.execute(
        select(
            select(func.count()).select_from(lost_lessons.subquery()).scalar_subquery(),
            select(func.count(LessonProgress.id)).where(LessonProgress.lesson_id.in_(lost_lessons)).scalar_subquery(),
            select(func.count()).select_from(withdrawn.subquery()).scalar_subquery(),
            select(func.count(Attempt.id)).where(Attempt.quiz_id.in_(withdrawn)).scalar_subquery(),
            select(func.count(Module.id))
            .where(Module.course_id == course.id, Module.slug.not_in([m.slug for m in data.modules]))
            .scalar_subquery(),
        )
    ).one()
    new_keys = {quiz.slug: {question.key for question in quiz.questions} for quiz in data.quizzes}
    stored_keys = db.session.execute(
        select(Quiz.slug, Question.key).join(Question, Question.quiz_id == Quiz.id).where(Quiz.course_id == course.id)
    ).all()
    questions = sum(1 for slug, key in stored_keys if slug in new_keys and key not in new_keys[slug])
    figure_names = db.session.scalars(select(Figure.name).where(Figure.course_id == course.id)).all()
    figures = sum(1 for name in figure_names if name not in data.figures)
    return ImportLosses(lessons, progress, quizzes, attempts, modules, questions, figures)


def confirm_losses(confirmed: bool | str = False):
    """An import guard that refuses an import losing anything, unless `confirmed` is True (the CLI's --yes) or the
    fingerprint of exactly the losses the person confirmed (the browser's confirmation page)."""

    def guard(data: CourseData, course: Course | None) -> None:
        losses = import_losses(data, course)
        if course is not None and losses and confirmed is not True and confirmed != losses.fingerprint():
            raise LossesNeedConfirmation(course, losses)

    return guard

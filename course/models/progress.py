"""Learning records: lessons completed and quiz attempts. No IP address or device data is ever stored here."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import Model
from course.models.content import Lesson, Quiz
from course.models.privacy import CONTENT, LEARNING, N_, ROW_ID, YOU_TEACHERS, not_personal, personal
from course.models.users import User, utcnow


class LessonProgress(Model):
    """A student's visit to and completion of one lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        info=personal(N_("whose progress it is"), YOU_TEACHERS, LEARNING),
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"),
        info=personal(N_("which lesson"), YOU_TEACHERS, LEARNING),
    )
    last_viewed_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when you last opened the lesson"), YOU_TEACHERS, LEARNING),
    )
    completed_at: Mapped[datetime | None] = mapped_column(
        info=personal(N_("when you marked it complete"), YOU_TEACHERS, LEARNING),
    )

    lesson: Mapped[Lesson] = relationship()


class Attempt(Model):
    """One attempt at a quiz. `snapshot` is the questions exactly as shown (with their key, kept server-side);
    once `submitted_at` is set, snapshot, responses and results never change. An answer an instructor marks (an
    essay) is pending until then: percent and passed stay None, and each mark (AnswerMark) updates score, percent
    and passed, which always follow from the results and the marks."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        info=personal(N_("whose attempt it is"), YOU_TEACHERS, LEARNING),
    )
    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"),
        info=personal(N_("which quiz"), YOU_TEACHERS, LEARNING),
    )
    number: Mapped[int] = mapped_column(
        info=personal(N_("which attempt at the quiz (1, 2, …)"), YOU_TEACHERS, LEARNING)
    )
    started_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when you started"), YOU_TEACHERS, LEARNING),
    )
    submitted_at: Mapped[datetime | None] = mapped_column(
        info=personal(N_("when you submitted"), YOU_TEACHERS, LEARNING)
    )
    snapshot: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON,
        info=personal(N_("the questions exactly as you saw them"), YOU_TEACHERS, LEARNING),
    )
    responses: Mapped[dict[str, Any]] = mapped_column(
        JSON,
        default=dict,
        info=personal(N_("your answers"), YOU_TEACHERS, LEARNING),
    )
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON,
        info=personal(N_("how each answer was graded"), YOU_TEACHERS, LEARNING),
    )
    score: Mapped[float | None] = mapped_column(info=personal(N_("your points"), YOU_TEACHERS, LEARNING))
    max_score: Mapped[float] = mapped_column(info=personal(N_("the points available"), YOU_TEACHERS, LEARNING))
    percent: Mapped[float | None] = mapped_column(info=personal(N_("your score in percent"), YOU_TEACHERS, LEARNING))
    passed: Mapped[bool | None] = mapped_column(info=personal(N_("whether you passed"), YOU_TEACHERS, LEARNING))

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()


class QuestionSet(Model):
    """The questions of a quiz as attempts asked them, as the class reports need them (key, type, points,
    objective, and for listed answers the key they were graded with): the same for every attempt at one version of
    the quiz, so kept once, named by its digest (grading.question_set_digest)."""

    __tablename__ = "question_sets"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True, info=not_personal("names the set"))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, info=CONTENT)


class AttemptSummary(Model):
    """What the class reports need of a submitted attempt, written in the same transaction as its submission and
    again whenever an instructor marks one of its answers: score, percent and passed, the set of questions it asked
    (QuestionSet) and, per question of that set in order, the points earned, whether it was answered or awaits a
    mark, and what item analysis counts of the answer (`answers`, see grading.summarise_attempt). The gradebook and
    item analysis read these small rows, never the attempt's snapshot."""

    __tablename__ = "attempt_summaries"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"),
        primary_key=True,
        info=personal(N_("the attempt summarised"), YOU_TEACHERS, LEARNING),
    )
    question_set: Mapped[str] = mapped_column(String(64), info=not_personal("the questions the attempt asked"))
    score: Mapped[float] = mapped_column(info=personal(N_("your points"), YOU_TEACHERS, LEARNING))
    max_score: Mapped[float] = mapped_column(info=personal(N_("the points available"), YOU_TEACHERS, LEARNING))
    percent: Mapped[float | None] = mapped_column(info=personal(N_("your score in percent"), YOU_TEACHERS, LEARNING))
    passed: Mapped[bool | None] = mapped_column(info=personal(N_("whether you passed"), YOU_TEACHERS, LEARNING))
    answers: Mapped[dict[str, list]] = mapped_column(
        JSON,
        info=personal(
            N_(
                "per question: the points you earned, whether you answered, and your answer as the "
                "class's statistics count it"
            ),
            YOU_TEACHERS,
            LEARNING,
        ),
    )


class AnswerMark(Model):
    """An instructor's mark for one answer of a submitted attempt (an essay): points and written feedback, its
    Markdown kept for editing and its HTML rendered once when saved."""

    __tablename__ = "answer_marks"
    __table_args__ = (UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"),
        info=personal(N_("the attempt an instructor marked"), YOU_TEACHERS, LEARNING),
    )
    question_key: Mapped[str] = mapped_column(
        String(80), info=personal(N_("the question marked"), YOU_TEACHERS, LEARNING)
    )
    points: Mapped[float] = mapped_column(info=personal(N_("the points given"), YOU_TEACHERS, LEARNING))
    feedback_markdown: Mapped[str] = mapped_column(
        Text,
        default="",
        info=personal(N_("the instructor's feedback"), YOU_TEACHERS, LEARNING),
    )
    feedback_html: Mapped[str] = mapped_column(
        Text,
        default="",
        info=personal(N_("the same feedback, ready to show"), YOU_TEACHERS, LEARNING),
    )
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        info=personal(N_("which instructor marked it"), YOU_TEACHERS, LEARNING),
    )
    marked_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when it was marked"), YOU_TEACHERS, LEARNING),
    )

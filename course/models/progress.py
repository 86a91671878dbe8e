"""Learning records: lessons completed and quiz attempts. No IP address or device data is ever stored here."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.content import Lesson, Quiz
from course.models.users import User, utcnow


class LessonProgress(db.Model):
    """A student's visit to and completion of one lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    lesson: Mapped[Lesson] = relationship()


class Attempt(db.Model):
    """One attempt at a quiz. `snapshot` is the questions exactly as shown (with their key, kept server-side);
    once `submitted_at` is set, snapshot, responses and results never change. An answer an instructor marks (an
    essay) is pending until then: percent and passed stay None, and each mark (AnswerMark) updates score, percent
    and passed, which always follow from the results and the marks."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    responses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    score: Mapped[float | None]
    max_score: Mapped[float]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()


class AnswerMark(db.Model):
    """An instructor's mark for one answer of a submitted attempt (an essay): points and written feedback, its
    Markdown kept for editing and its HTML rendered once when saved."""

    __tablename__ = "answer_marks"
    __table_args__ = (UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80))
    points: Mapped[float]
    feedback_markdown: Mapped[str] = mapped_column(Text, default="")
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Learning records: lessons completed and quiz attempts. No IP address or device data is ever stored here."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
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
    once `submitted_at` is set the row is never changed again."""

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

"""Authoring records: every version of a lesson or a quiz an instructor saved in the browser."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import Model
from course.models.privacy import CONTENT, N_, REVISION_KEPT, ROW_ID, STAFF, personal
from course.models.users import User, utcnow


class Revision(Model):
    """One saved version of a lesson or a quiz: who saved it, when, and its whole editable content in the
    course-folder format (as JSON), so any earlier version can be read and restored. Deleting the lesson or quiz
    deletes its history with it."""

    __tablename__ = "revisions"
    __table_args__ = (CheckConstraint("(lesson_id IS NULL) <> (quiz_id IS NULL)", name="ck_revisions_one_item"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"),
        index=True,
        info=CONTENT,
    )
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True, info=CONTENT)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        info=personal(N_("who saved this version of a lesson or quiz"), STAFF, REVISION_KEPT),
    )
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when its author saved it"), STAFF, REVISION_KEPT),
    )
    summary: Mapped[str] = mapped_column(String(200), default="", info=CONTENT)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, info=CONTENT)

    author: Mapped[User | None] = relationship()

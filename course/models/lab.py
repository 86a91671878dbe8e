"""The ID Design Lab's records: designs students save and share, and task submissions graded on the server."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.users import User, utcnow


def new_design_token() -> str:
    """The design's address: random, so a link is only found by those it was given to."""
    return secrets.token_urlsafe(12)


class LabDesign(db.Model):
    """A design a student saved. `design` holds the form values (options.yaml keys), re-checked when loaded."""

    __tablename__ = "lab_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_design_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    design: Mapped[dict[str, Any]] = mapped_column(JSON)
    preset: Mapped[str | None] = mapped_column(String(80))
    task_slug: Mapped[str | None] = mapped_column(String(80))
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class LabSubmission(db.Model):
    """One graded submission of a lab task. Like a quiz attempt it is never changed: it keeps the design as
    submitted and the result of each check; a task counts as completed once any submission passed."""

    __tablename__ = "lab_submissions"
    __table_args__ = (Index("ix_lab_submissions_user_task", "user_id", "task_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    task_slug: Mapped[str] = mapped_column(String(80), index=True)
    design: Mapped[dict[str, Any]] = mapped_column(JSON)
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    passed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

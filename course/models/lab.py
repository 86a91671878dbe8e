"""The ID Design Lab's records: designs students save and share, and task submissions graded on the server."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import Model
from course.models.privacy import DESIGN_READERS, N_, ROW_ID, WITH_ACCOUNT, YOU_TEACHERS, personal
from course.models.users import User, utcnow


def new_design_token() -> str:
    """The design's address: random, so a link is only found by those it was given to."""
    return secrets.token_urlsafe(12)


class LabDesign(Model):
    """A design a student saved. `design` holds the form values (options.yaml keys), re-checked when loaded."""

    __tablename__ = "lab_designs"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    token: Mapped[str] = mapped_column(
        String(32),
        unique=True,
        default=new_design_token,
        info=personal(N_("the design's private address"), DESIGN_READERS, WITH_ACCOUNT),
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        info=personal(N_("whose design it is"), DESIGN_READERS, WITH_ACCOUNT),
    )
    title: Mapped[str] = mapped_column(
        String(120),
        info=personal(N_("the title you gave it"), DESIGN_READERS, WITH_ACCOUNT),
    )
    design: Mapped[dict[str, Any]] = mapped_column(
        JSON,
        info=personal(N_("the choices you made in the lab"), DESIGN_READERS, WITH_ACCOUNT),
    )
    preset: Mapped[str | None] = mapped_column(
        String(80),
        info=personal(N_("the preset you started from"), DESIGN_READERS, WITH_ACCOUNT),
    )
    task_slug: Mapped[str | None] = mapped_column(
        String(80),
        info=personal(N_("the task you were working on"), DESIGN_READERS, WITH_ACCOUNT),
    )
    shared: Mapped[bool] = mapped_column(
        default=False,
        info=personal(N_("whether you shared it"), DESIGN_READERS, WITH_ACCOUNT),
    )
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when you saved it first"), DESIGN_READERS, WITH_ACCOUNT),
    )
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        onupdate=utcnow,
        info=personal(N_("when you saved it last"), DESIGN_READERS, WITH_ACCOUNT),
    )

    user: Mapped[User] = relationship()


class LabSubmission(Model):
    """One graded submission of a lab task. Like a quiz attempt it is never changed: it keeps the design as
    submitted and the result of each check; a task counts as completed once any submission passed."""

    __tablename__ = "lab_submissions"
    __table_args__ = (Index("ix_lab_submissions_user_task", "user_id", "task_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        info=personal(N_("whose submission it is"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    task_slug: Mapped[str] = mapped_column(
        String(80),
        index=True,
        info=personal(N_("the task submitted"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    design: Mapped[dict[str, Any]] = mapped_column(
        JSON,
        info=personal(N_("the design as submitted"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    checks: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON,
        info=personal(N_("the result of each of the task's checks"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    passed: Mapped[bool] = mapped_column(
        default=False, info=personal(N_("whether it passed"), YOU_TEACHERS, WITH_ACCOUNT)
    )
    submitted_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when you submitted it"), YOU_TEACHERS, WITH_ACCOUNT),
    )

    user: Mapped[User] = relationship()

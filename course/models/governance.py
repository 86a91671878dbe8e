"""Who answers for what: the owners of each course, and the audit trail an administrator reads.

The audit trail is a security log, not a learning record: it never holds a student's answers or progress, and it
keeps a client address only for sign-in events, for AUDIT_ADDRESS_DAYS (see course/audit.py)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import Model
from course.models.content import Course
from course.models.privacy import (
    ADDRESS_KEPT,
    ADMINS,
    AUDIT_KEPT,
    N_,
    ROW_ID,
    STAFF,
    WITH_ACCOUNT,
    not_personal,
    personal,
)
from course.models.users import User, utcnow


class CourseOwner(Model):
    """An owner of a course: one of the instructors who may edit, re-import, publish or delete it (with admins)."""

    __tablename__ = "course_owners"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"),
        primary_key=True,
        info=not_personal("the course"),
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
        info=personal(N_("who may edit the course"), STAFF, WITH_ACCOUNT),
    )
    added_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        info=personal(N_("when they became an owner"), STAFF, WITH_ACCOUNT),
    )

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()


class AuditEvent(Model):
    """One thing that happened: who (the actor, by name so it survives the account), what (action and target),
    when; and for sign-in events only, the client address until it is purged."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow,
        index=True,
        info=personal(N_("when it happened"), ADMINS, AUDIT_KEPT),
    )
    action: Mapped[str] = mapped_column(
        String(40),
        index=True,
        info=personal(N_("what happened: a failed sign-in, an account created, a role changed…"), ADMINS, AUDIT_KEPT),
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        info=personal(N_("who did it (their account)"), ADMINS, AUDIT_KEPT),
    )
    actor_name: Mapped[str] = mapped_column(
        String(40),
        default="",
        info=personal(N_("who did it, by name"), ADMINS, AUDIT_KEPT),
    )
    target: Mapped[str] = mapped_column(
        String(200),
        default="",
        info=personal(N_("what it was done to, such as an account's username"), ADMINS, AUDIT_KEPT),
    )
    detail: Mapped[str] = mapped_column(
        String(500),
        default="",
        info=personal(N_("details, such as the old and new role"), ADMINS, AUDIT_KEPT),
    )
    address: Mapped[str | None] = mapped_column(
        String(45),
        info=personal(
            N_("the network address of a sign-in attempt, to recognise attacks; no other event has one"),
            ADMINS,
            ADDRESS_KEPT,
        ),
    )

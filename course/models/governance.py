"""Who answers for what: the owners of each course, and the audit trail an administrator reads.

The audit trail is a security log, not a learning record: it never holds a student's answers or progress, and it
keeps a client address only for sign-in events, for AUDIT_ADDRESS_DAYS (see course/audit.py)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.content import Course
from course.models.users import User, utcnow


class CourseOwner(db.Model):
    """An owner of a course: one of the instructors who may edit, re-import, publish or delete it (with admins)."""

    __tablename__ = "course_owners"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """One thing that happened: who (the actor, by name so it survives the account), what (action and target),
    when; and for sign-in events only, the client address until it is purged."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    address: Mapped[str | None] = mapped_column(String(45))

"""Retention: what `flask --app app retention run` does, daily from cron or a systemd timer.

1. A class whose end date (`ends_on`) is more than RETENTION_GRACE_DAYS (default 30) days ago: each real student in
   it is replaced by an anonymous placeholder holding their records of the class's course (course.privacy.erasure).
2. A student account unused (no sign-in) for RETENTION_INACTIVE_DAYS (default 365; 0 turns this off) is flagged:
   administrators see it on the accounts page, and the student sees a warning if they sign in, which keeps it.
3. An account still unused RETENTION_WARNING_DAYS (default 30) after being flagged is deleted (erase_account).

Each step only acts on what is due, so running it twice changes nothing the second time; `dry_run` reports the same
actions and writes nothing. Instructors and administrators are never deleted here: administrators manage them."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from course.extensions import db
from course.models import Classroom, Enrollment, User
from course.models.users import utcnow
from course.privacy.erasure import anonymise_in_class, erase_account

DEFAULTS = {"RETENTION_GRACE_DAYS": 30, "RETENTION_INACTIVE_DAYS": 365, "RETENTION_WARNING_DAYS": 30}


def setting(name: str) -> int:
    """A whole number of days from the configuration (LANYARD_<NAME>); a value that is not one counts as the
    default, never as 'keep forever'."""
    try:
        return max(0, int(current_app.config.get(name, DEFAULTS[name])))
    except (TypeError, ValueError):
        return DEFAULTS[name]


@dataclass
class RetentionReport:
    anonymised: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"anonymise: {line}" for line in self.anonymised]
            + [f"flag unused: {line}" for line in self.flagged]
            + [f"delete unused: {line}" for line in self.deleted]
        )


def deletion_due(user: User):
    """When a flagged account is deleted unless its owner signs in."""
    if user.inactive_warned_at is None:
        return None
    return user.inactive_warned_at + timedelta(days=setting("RETENTION_WARNING_DAYS"))


def _last_use():
    return func.coalesce(User.last_seen_at, User.created_at)


def run(dry_run: bool = False) -> RetentionReport:
    """Apply the policy (or only report it). Commits unless dry_run."""
    report = RetentionReport()
    now = utcnow()
    ended_before = (now - timedelta(days=setting("RETENTION_GRACE_DAYS"))).date()
    expired = db.session.scalars(
        select(Classroom).where(Classroom.ends_on.is_not(None), Classroom.ends_on < ended_before).order_by(Classroom.id)
    ).all()
    expired_ids = {classroom.id for classroom in expired}
    for classroom in expired:
        assert classroom.ends_on is not None  # the query above selects only classes with an end date
        students = db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.classroom_id == classroom.id, User.placeholder.is_(False), User.role == "student")
            .order_by(User.id)
        ).all()
        for student in students:
            report.anonymised.append(
                f"{student.username} in class {classroom.name} (#{classroom.id}), ended {classroom.ends_on.isoformat()}"
            )
            if dry_run:
                continue
            live = {
                course_id  # never None (the query excludes it); the test tells mypy so
                for course_id in db.session.scalars(
                    select(Classroom.course_id)
                    .join(Enrollment, Enrollment.classroom_id == Classroom.id)
                    .where(
                        Enrollment.user_id == student.id,
                        Classroom.id.not_in(expired_ids),
                        Classroom.course_id.is_not(None),
                    )
                )
                if course_id is not None
            }
            anonymise_in_class(student, classroom, other_live_courses=live)

    inactive_days = setting("RETENTION_INACTIVE_DAYS")
    if inactive_days:
        unused = select(User).where(
            User.role == "student", User.placeholder.is_(False), _last_use() < now - timedelta(days=inactive_days)
        )
        for user in db.session.scalars(unused.where(User.inactive_warned_at.is_(None)).order_by(User.id)).all():
            report.flagged.append(f"{user.username}, last used {(user.last_seen_at or user.created_at):%Y-%m-%d}")
            if not dry_run:
                user.inactive_warned_at = now
        warned_before = now - timedelta(days=setting("RETENTION_WARNING_DAYS"))
        for user in db.session.scalars(unused.where(User.inactive_warned_at < warned_before).order_by(User.id)).all():
            report.deleted.append(f"{user.username}, flagged {user.inactive_warned_at:%Y-%m-%d}")
            if not dry_run:
                erase_account(user, how="unused, deleted by the retention policy after a warning")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report

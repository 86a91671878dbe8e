"""Deleting an account, and anonymising a student's records in a class.

A class's statistics (gradebook, item analysis, dashboard) still need the attempts and lesson progress of students
who have gone. So those rows are handed to an anonymous placeholder account made for that one class: a random
username, no display name, no email, a password nobody knows, never the same placeholder for two classes, so the
rows cannot be linked back to the person or across classes. Everything else about the person is deleted by the
foreign keys (ON DELETE CASCADE), or loses its pointer to them (SET NULL) where it belongs to someone else, such as
a class they taught. Their name is removed from the security log too, unless they were staff (who did what to
accounts stays accountable)."""

import secrets

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import delete, select, update

from course import audit
from course.extensions import db
from course.models import AuditEvent, Classroom, Enrollment, Lesson, LessonProgress, Quiz, User
from course.models.progress import Attempt

DELETED = "a deleted account"


def new_placeholder() -> User:
    """An anonymous stand-in: nothing in it comes from the person it replaces."""
    stand_in = User(username=f"former-{secrets.token_hex(6)}", role="student", placeholder=True)
    stand_in.set_password(secrets.token_urlsafe(24))
    db.session.add(stand_in)
    db.session.flush()
    return stand_in


def _hand_over(user: User, classroom: Classroom, keep_records: bool) -> User:
    """Put a placeholder in the student's place in the class; with `keep_records`, the student's attempts and
    lesson progress in the class's course go to the placeholder too."""
    stand_in = new_placeholder()
    db.session.add(Enrollment(user_id=stand_in.id, classroom_id=classroom.id, joined_at=classroom.created_at))
    if keep_records and classroom.course_id is not None:
        db.session.execute(
            update(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.quiz_id.in_(select(Quiz.id).where(Quiz.course_id == classroom.course_id)),
            )
            .values(user_id=stand_in.id)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(LessonProgress)
            .where(
                LessonProgress.user_id == user.id,
                LessonProgress.lesson_id.in_(select(Lesson.id).where(Lesson.course_id == classroom.course_id)),
            )
            .values(user_id=stand_in.id)
            .execution_options(synchronize_session=False)
        )
    return stand_in


def anonymise_in_class(user: User, classroom: Classroom, *, other_live_courses: set[int]) -> None:
    """The student leaves the class and a placeholder keeps the class's statistics. Records of a course the student
    still follows in another, running class stay theirs (that class needs them); the placeholder then holds none."""
    keep = classroom.course_id is not None and classroom.course_id not in other_live_courses
    _hand_over(user, classroom, keep)
    db.session.execute(delete(Enrollment).where(Enrollment.user_id == user.id, Enrollment.classroom_id == classroom.id))


def erase_account(user: User, *, how: str) -> None:
    """Delete the account and everything about the person; the statistics their classes need stay with one
    anonymous placeholder per class (per course: a course's records go to the first of its classes). The caller
    commits. `how` says who asked, for the security log, which names no student."""
    handed: set[int] = set()
    classrooms = db.session.scalars(
        select(Classroom)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.id)
    ).all()
    for classroom in classrooms:
        if classroom.course_id is None or classroom.course_id in handed:
            continue
        handed.add(classroom.course_id)
        _hand_over(user, classroom, keep_records=True)
    staff = user.role != "student"
    if not staff:
        db.session.execute(update(AuditEvent).where(AuditEvent.target == audit.describe(user)).values(target=DELETED))
        db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id).values(actor_name=DELETED))
        _forget_in_roster_imports(user.username)
    signed_in = has_request_context() and current_user.is_authenticated
    if signed_in and current_user.id == user.id:
        actor = user.username if staff else DELETED
    else:
        actor = current_user._get_current_object() if signed_in else audit.COMMAND_LINE
    audit.record(
        "account.deleted",
        user if staff else None,
        actor=actor,
        detail=f"was {user.role}" if staff else f"a student, {how}",
    )
    user_id = user.id
    db.session.delete(user)
    db.session.flush()
    # Rows the ORM does not know about go with the account through the foreign keys; make sure on every database.
    _remove_leftovers(user_id)


def _forget_in_roster_imports(username: str) -> None:
    """A roster import's log entry lists the usernames it created ("3 student accounts created: a, b, c")."""
    imports = select(AuditEvent).where(
        AuditEvent.action == "class.roster_imported", AuditEvent.detail.contains(username, autoescape=True)
    )
    for event in db.session.scalars(imports):
        head, separator, names = event.detail.partition(": ")
        event.detail = head + separator + ", ".join(DELETED if name == username else name for name in names.split(", "))


def _remove_leftovers(user_id: int) -> None:
    """Every column that points at users.id: CASCADE rows are deleted, SET NULL rows let go, whatever the
    database did on its own (SQLite without foreign keys switched on does nothing)."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table.name != "users":
                    continue
                if key.ondelete == "CASCADE":
                    db.session.execute(delete(table).where(column == user_id))
                else:
                    db.session.execute(update(table).where(column == user_id).values({column.name: None}))

"""Who may see which class and whose learning records: instructors their own classes and the students in them,
administrators everything. Every classroom view goes through these helpers, so the rule lives in one place."""

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, exists, select

from course.auth.access import instructor_required
from course.extensions import db
from course.models import Classroom, Enrollment, User


def admin_required(view):
    """Administrators only: anonymous visitors are sent to sign in, students and instructors get 403."""

    @wraps(view)
    @instructor_required
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403, description=_("This page is for administrators."))
        return view(*args, **kwargs)

    return wrapped


def visible_classrooms() -> Select:
    """Instructors see their own classes; administrators see all."""
    query = select(Classroom).order_by(Classroom.created_at, Classroom.id)
    if current_user.role != "admin":
        query = query.where(Classroom.owner_id == current_user.id)
    return query


def own_classroom_or_404(classroom_id: int) -> Classroom:
    """The class, if the signed-in instructor may manage it; a 404 otherwise, so other classes' ids leak nothing."""
    classroom = db.session.scalar(visible_classrooms().where(Classroom.id == classroom_id))
    if classroom is None:
        abort(404, description=_("There is no class of yours at this address."))
    return classroom


def enrolled_user_or_404(classroom: Classroom, user_id: int) -> User:
    """A member of this class, or a 404: an instructor reaches students only through a class of theirs."""
    user = db.session.scalar(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.classroom_id == classroom.id, User.id == user_id)
    )
    if user is None:
        abort(404, description=_("There is no such student in this class."))
    return user


def may_see_records_of(student_id: int) -> bool:
    """Whether the signed-in user may read this student's attempts: the student, an administrator, or the
    instructor of a class the student is in."""
    if not current_user.is_authenticated:
        return False
    if current_user.id == student_id or current_user.role == "admin":
        return True
    if not current_user.is_instructor:
        return False
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(Enrollment.user_id == student_id)
                .where(Enrollment.classroom_id == Classroom.id)
                .where(Classroom.owner_id == current_user.id)
            )
        )
    )

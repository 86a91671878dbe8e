"""Who may change a course: its owners and the administrators. Every view that changes a course (authoring,
re-import, GIFT import, publishing, deletion) goes through `require_owner`, so the rule lives in one place, apart
from any blueprint; adding and removing co-authors too (their views are in course/author/owners.py)."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from course.audit import record
from course.extensions import db
from course.models import Course, CourseOwner, User


def is_owner(user, course_id: int) -> bool:
    """Whether this account owns the course (administrators may act on every course, owner or not)."""
    return (
        db.session.scalar(
            select(CourseOwner.user_id).where(CourseOwner.course_id == course_id, CourseOwner.user_id == user.id)
        )
        is not None
    )


def may_change(course: Course) -> bool:
    """Owners and administrators change a course; other instructors do not."""
    return current_user.role == "admin" or is_owner(current_user, course.id)


def require_owner(course: Course) -> Course:
    """A 403 for an instructor who does not own the course."""
    if not may_change(course):
        abort(
            403,
            description=_(
                "Only the owners of this course and administrators may change it. Ask an owner "
                "to add you as a co-author."
            ),
        )
    return course


def owned_course_ids() -> set[int] | None:
    """The courses the signed-in user may change, in one query; None means all of them (an administrator)."""
    if current_user.role == "admin":
        return None
    return set(db.session.scalars(select(CourseOwner.course_id).where(CourseOwner.user_id == current_user.id)))


def first_admin() -> User | None:
    """The earliest administrator account: the owner of what is imported without one (and of courses that
    existed before ownership did)."""
    return db.session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))


def owners_of(course: Course) -> list[User]:
    """The course's owners by username, for its authoring page."""
    return list(
        db.session.scalars(
            select(User)
            .join(CourseOwner, CourseOwner.user_id == User.id)
            .where(CourseOwner.course_id == course.id)
            .order_by(User.username)
        )
    )


def owner_ids(course: Course) -> set[int]:
    """The accounts that own the course."""
    return set(db.session.scalars(select(CourseOwner.user_id).where(CourseOwner.course_id == course.id)))


def add_owner(course: Course, user: User) -> None:
    """Make an instructor a co-author, with an owner's rights; the audit log says who did."""
    db.session.add(CourseOwner(course_id=course.id, user_id=user.id))
    record("course.owner_added", course, detail=f"added {user.username}")
    db.session.commit()


def remove_owner(course: Course, user_id: int) -> User | None:
    """Take an owner off the course (the caller keeps the last one); the account, if it still exists."""
    user = db.session.get(User, user_id)
    db.session.execute(delete(CourseOwner).where(CourseOwner.course_id == course.id, CourseOwner.user_id == user_id))
    record("course.owner_removed", course, detail=f"removed {user.username if user else user_id}")
    db.session.commit()
    return user

"""Who may change a course: its owners and the administrators. Every view that changes a course (authoring,
re-import, GIFT import, publishing, deletion) goes through `require_owner`, so the rule lives in one place; the
owners of a course add and remove co-authors from its authoring page."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, select

from course.audit import record
from course.auth.access import instructor_required
from course.auth.usernames import fold_username
from course.author import bp
from course.author.forms import CoAuthorForm
from course.extensions import db
from course.models import Course, CourseOwner, User


def is_owner(user, course_id: int) -> bool:
    """Whether this account owns the course (administrators may act on every course, owner or not)."""
    return db.session.scalar(
        select(CourseOwner.user_id).where(CourseOwner.course_id == course_id, CourseOwner.user_id == user.id)
    ) is not None


def may_change(course: Course) -> bool:
    """Owners and administrators change a course; other instructors do not."""
    return current_user.role == "admin" or is_owner(current_user, course.id)


def require_owner(course: Course) -> Course:
    """A 403 for an instructor who does not own the course."""
    if not may_change(course):
        abort(403, description=_("Only the owners of this course and administrators may change it. Ask an owner "
                                 "to add you as a co-author."))  # fmt: skip
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
    return list(
        db.session.scalars(
            select(User).join(CourseOwner, CourseOwner.user_id == User.id)
            .where(CourseOwner.course_id == course.id).order_by(User.username)
        )
    )


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404, description=_("There is no course at this address."))
    return require_owner(course)


@bp.route("/courses/<slug>/owners", methods=["POST"])
@instructor_required
def add_owner(slug: str):
    """An owner makes another instructor a co-author: an owner with the same rights."""
    course = _course_or_404(slug)
    form = CoAuthorForm()
    if not form.validate_on_submit():
        messages = [str(error) for errors in form.errors.values() for error in errors]
        flash(" ".join(messages) or _("The form expired. Reload the page and try again."), "error")
        return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))
    username = fold_username(form.username.data)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_instructor:
        flash(_("There is no instructor or administrator with the username “%(username)s”.", username=username),
              "error")
    elif is_owner(user, course.id):
        flash(_("%(username)s already owns this course.", username=user.username), "info")
    else:
        db.session.add(CourseOwner(course_id=course.id, user_id=user.id))
        record("course.owner_added", course, detail=f"added {user.username}")
        db.session.commit()
        flash(_("%(username)s is now an owner of this course.", username=user.username), "success")
    return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))


@bp.route("/courses/<slug>/owners/<int:user_id>/remove", methods=["POST"])
@instructor_required
def remove_owner(slug: str, user_id: int):
    """Take an owner off the course; the last owner stays, so a course never falls to administrators alone."""
    course = _course_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400, description=_("The form expired. Reload the page and try again."))
    owner_ids = set(db.session.scalars(select(CourseOwner.user_id).where(CourseOwner.course_id == course.id)))
    if user_id not in owner_ids:
        abort(404, description=_("This account does not own the course."))
    if owner_ids == {user_id}:
        flash(_("A course keeps at least one owner: add another owner first."), "error")
        return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))
    user = db.session.get(User, user_id)
    db.session.execute(delete(CourseOwner).where(CourseOwner.course_id == course.id, CourseOwner.user_id == user_id))
    record("course.owner_removed", course, detail=f"removed {user.username if user else user_id}")
    db.session.commit()
    flash(_("%(username)s no longer owns this course.", username=user.username) if user
          else _("The account no longer owns this course."), "info")
    if user_id == current_user.id and current_user.role != "admin":
        return redirect(url_for("author.index"))
    return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))

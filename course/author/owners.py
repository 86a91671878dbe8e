"""Co-authors: the owners of a course add and remove owners from its authoring page. The rule of who may change a
course is course/ownership.py's."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select

from course.audit import record
from course.auth.access import instructor_required
from course.auth.usernames import fold_username
from course.author import bp
from course.author.forms import CoAuthorForm
from course.extensions import db
from course.lookups import owned_course_or_404
from course.models import CourseOwner, User
from course.ownership import is_owner


@bp.route("/courses/<slug>/owners", methods=["POST"])
@instructor_required
def add_owner(slug: str):
    """An owner makes another instructor a co-author: an owner with the same rights."""
    course = owned_course_or_404(slug)
    form = CoAuthorForm()
    if not form.validate_on_submit():
        messages = [str(error) for errors in form.errors.values() for error in errors]
        flash(" ".join(messages), "error")
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
    course = owned_course_or_404(slug)
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

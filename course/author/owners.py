"""Co-authors: the owners of a course add and remove owners from its authoring page. The rule of who may change a
course is course/ownership.py's."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course import ownership
from course.auth.access import instructor_required
from course.auth.usernames import fold_username
from course.author.forms import CoAuthorForm
from course.extensions import db
from course.lookups import owned_course_or_404
from course.models import User


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
        flash(
            _("There is no instructor or administrator with the username “%(username)s”.", username=username), "error"
        )
    elif ownership.is_owner(user, course.id):
        flash(_("%(username)s already owns this course.", username=user.username), "info")
    else:
        ownership.add_owner(course, user)
        flash(_("%(username)s is now an owner of this course.", username=user.username), "success")
    return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))


@instructor_required
def remove_owner(slug: str, user_id: int):
    """Take an owner off the course; the last owner stays, so a course never falls to administrators alone."""
    course = owned_course_or_404(slug)
    owners = ownership.owner_ids(course)
    if user_id not in owners:
        abort(404, description=_("This account does not own the course."))
    if owners == {user_id}:
        flash(_("A course keeps at least one owner: add another owner first."), "error")
        return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))
    user = ownership.remove_owner(course, user_id)
    flash(
        _("%(username)s no longer owns this course.", username=user.username)
        if user
        else _("The account no longer owns this course."),
        "info",
    )
    if user_id == current_user.id and current_user.role != "admin":
        return redirect(url_for("author.index"))
    return redirect(url_for("author.course", slug=course.slug, _anchor="owners"))

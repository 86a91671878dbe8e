"""Student-side class and account pages: joining a class with its code, and choosing a new password after a
one-time password (enforced on every request until done)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.auth.sessions import start_session
from course.classroom import bp
from course.classroom.forms import ChangePasswordForm, JoinClassForm
from course.extensions import db, limiter
from course.models import Classroom, Enrollment

# While an account is on a one-time password, only these pages open; everything else leads to the password form.
OPEN_DURING_PASSWORD_CHANGE = {"classroom.change_password", "auth.logout", "static"}


@bp.before_app_request
def require_new_password():
    """A one-time password opens one page only: the form to choose a password of one's own."""
    if request.endpoint in OPEN_DURING_PASSWORD_CHANGE or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("classroom.change_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password: after a one-time password (no current password asked, it was just typed) or any
    time (the current password is asked, so an unattended signed-in screen cannot be used to take the account)."""
    one_time = current_user.must_change_password
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not one_time and not current_user.check_password(form.current_password.data or ""):
            form.current_password.errors.append(_("This is not your current password."))
        elif current_user.check_password(form.password.data):
            form.password.errors.append(_("Choose a password different from the one you signed in with."))
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data)
            user.must_change_password = False
            db.session.commit()
            start_session(user)  # the new password signed every session out; keep this one
            flash(_("Your new password is set."), "success")
            return redirect(url_for("learn.catalog"))
    return render_template("classroom/change_password.html", form=form, one_time=one_time)


@bp.route("/classes/join", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"])
def join():
    """Join a class with its code when already signed in (new students join while registering)."""
    form = JoinClassForm()
    if form.validate_on_submit():
        classroom = Classroom.by_open_code(form.join_code.data)
        if classroom is None:
            form.join_code.errors.append(_("No open class has this code. Check it with your teacher."))
        else:
            enrolled = db.session.scalar(
                select(Enrollment.id).where(
                    Enrollment.user_id == current_user.id, Enrollment.classroom_id == classroom.id
                )
            )
            if enrolled:
                flash(_("You are already in %(name)s.", name=classroom.name), "info")
            else:
                db.session.add(Enrollment(user_id=current_user.id, classroom_id=classroom.id))
                try:
                    db.session.commit()
                except IntegrityError:  # the same form sent twice at once: the first one enrolled the student
                    db.session.rollback()
                flash(_("You joined %(name)s.", name=classroom.name), "success")
            course = classroom.course
            if course is not None and course.published:
                return redirect(url_for("learn.outline", slug=course.slug))
            return redirect(url_for("learn.catalog"))
    classrooms = db.session.scalars(
        select(Classroom)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Enrollment.user_id == current_user.id)
        .order_by(Classroom.name)
    ).all()
    return render_template("classroom/join.html", form=form, classrooms=classrooms)

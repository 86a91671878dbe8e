"""Instructor views of classes."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from course.auth.access import instructor_required
from course.auth.routes import OPEN_REGISTRATION
from course.classroom import bp
from course.extensions import db
from course.models import Classroom, Enrollment, SiteSetting
from course.models.users import new_join_code


def _visible_classrooms():
    """Instructors see their own classes; administrators see all."""
    query = select(Classroom).order_by(Classroom.created_at)
    if current_user.role != "admin":
        query = query.where(Classroom.owner_id == current_user.id)
    return query


@bp.route("/")
@instructor_required
def index():
    """Classes with their join codes and sizes, and the open-registration switch."""
    classrooms = db.session.scalars(_visible_classrooms()).all()
    sizes = dict(
        db.session.execute(
            select(Enrollment.classroom_id, func.count(Enrollment.id)).group_by(Enrollment.classroom_id)
        ).all()
    )
    return render_template(
        "classroom/index.html",
        classrooms=classrooms,
        sizes=sizes,
        open_registration=SiteSetting.get_flag(OPEN_REGISTRATION),
        form=FlaskForm(),
    )


def _own_classroom_or_404(classroom_id: int) -> Classroom:
    classroom = db.session.scalar(_visible_classrooms().where(Classroom.id == classroom_id))
    if classroom is None:
        abort(404, description="There is no class of yours at this address.")
    return classroom


def _require_form() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400, description="The form expired. Reload the page and try again.")


@bp.route("/classes/<int:classroom_id>/join-code", methods=["POST"])
@instructor_required
def regenerate_join_code(classroom_id: int):
    """A new code, for when the old one was shared too widely; students already in the class stay."""
    _require_form()
    classroom = _own_classroom_or_404(classroom_id)
    classroom.join_code = new_join_code()
    db.session.commit()
    flash(f"New join code for {classroom.name}: {classroom.join_code}", "success")
    return redirect(url_for("classroom.index"))


@bp.route("/classes/<int:classroom_id>/open", methods=["POST"])
@instructor_required
def toggle_open(classroom_id: int):
    """Close a class to new students (the code stops working) or open it again."""
    _require_form()
    classroom = _own_classroom_or_404(classroom_id)
    classroom.is_open = not classroom.is_open
    db.session.commit()
    flash(f"{classroom.name} is now {'open' if classroom.is_open else 'closed'} to new students.", "info")
    return redirect(url_for("classroom.index"))


@bp.route("/open-registration", methods=["POST"])
@instructor_required
def toggle_open_registration():
    """Let anyone create a student account without a join code, or stop that."""
    _require_form()
    SiteSetting.set_flag(OPEN_REGISTRATION, not SiteSetting.get_flag(OPEN_REGISTRATION))
    db.session.commit()
    flash("Open registration is " + ("on." if SiteSetting.get_flag(OPEN_REGISTRATION) else "off."), "info")
    return redirect(url_for("classroom.index"))

"""Instructor views of classes: create and edit classes, join codes, rosters, one-time passwords, removal."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from course.audit import record
from course.auth.access import instructor_required
from course.classroom import bp
from course.classroom.access import enrolled_user_or_404, own_classroom_or_404, visible_classrooms
from course.classroom.forms import ClassroomForm, RosterImportForm
from course.classroom.pages import confirm_page, one_time_passwords_page
from course.classroom.roster import (
    RosterError,
    create_student_accounts,
    issue_one_time_password,
    read_roster,
)
from course.extensions import db
from course.models import Classroom, Course, Enrollment, Module, Quiz, SiteSetting, User
from course.models.users import OPEN_REGISTRATION, new_join_code
from course.redirects import safe_next


@bp.route("/teach/")
@instructor_required
def index():
    """Classes with their course, join code and size, and the open-registration switch."""
    classrooms = db.session.scalars(
        visible_classrooms().options(selectinload(Classroom.course), selectinload(Classroom.owner))
    ).all()
    sizes = dict(
        db.session.execute(
            select(Enrollment.classroom_id, func.count(Enrollment.id))
            .where(Enrollment.classroom_id.in_([c.id for c in classrooms]))
            .group_by(Enrollment.classroom_id)
        ).all()
    )
    return render_template(
        "classroom/index.html",
        classrooms=classrooms,
        sizes=sizes,
        open_registration=SiteSetting.get_flag(OPEN_REGISTRATION),
        form=FlaskForm(),
    )


def _classroom_form(classroom: Classroom | None = None) -> ClassroomForm:
    """The class form with every course to choose from (drafts too: a class may be set up before publishing);
    administrators also choose the instructor, for example to hand over a class."""
    form = ClassroomForm(obj=classroom, data=None if classroom else {"owner_id": current_user.id})
    form.course_id.choices = [
        SelectChoice(course.id, course.title if course.published else _("%(title)s (draft)", title=course.title))
        for course in db.session.scalars(select(Course).order_by(Course.position, Course.title))
    ]
    if current_user.role == "admin":
        form.owner_id.choices = [
            SelectChoice(user.id, f"{user.name} ({user.username})")
            for user in db.session.scalars(
                select(User).where(User.role.in_(("instructor", "admin"))).order_by(User.username)
            )
        ]
    else:
        del form.owner_id
    return form


def _owner_from(form: ClassroomForm) -> int:
    return form.owner_id.data if "owner_id" in form else current_user.id


@bp.route("/teach/classes/new", methods=["GET", "POST"])
@instructor_required
def create_classroom():
    """A new class for one course, owned by the instructor who creates it, with its own join code."""
    form = _classroom_form()
    if form.course_id.choices and form.validate_on_submit():  # the page explains when there is no course yet
        classroom = Classroom(
            name=form.name.data,
            course_id=form.course_id.data,
            owner_id=_owner_from(form),
            ends_on=form.ends_on.data,
            deletion_needs_approval=form.deletion_needs_approval.data,
        )
        db.session.add(classroom)
        db.session.commit()
        flash(
            _("Class %(name)s created. Its join code is %(code)s.", name=classroom.name, code=classroom.join_code),
            "success",
        )
        return redirect(url_for("classroom.classroom", classroom_id=classroom.id))
    return render_template("classroom/classroom_form.html", form=form, classroom=None)


@bp.route("/teach/classes/<int:classroom_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_classroom(classroom_id: int):
    """Rename a class or move it to another course (its students and their records stay)."""
    classroom = own_classroom_or_404(classroom_id)
    form = _classroom_form(classroom)
    if form.validate_on_submit():
        classroom.name = form.name.data
        classroom.course_id = form.course_id.data
        classroom.owner_id = _owner_from(form)
        classroom.ends_on = form.ends_on.data
        classroom.deletion_needs_approval = form.deletion_needs_approval.data
        db.session.commit()
        flash(_("Class saved."), "success")
        return redirect(url_for("classroom.classroom", classroom_id=classroom.id))
    return render_template("classroom/classroom_form.html", form=form, classroom=classroom)


@bp.route("/teach/classes/<int:classroom_id>/delete", methods=["GET", "POST"])
@instructor_required
def delete_classroom(classroom_id: int):
    """Delete a class after confirmation. Student accounts and their learning records are kept."""
    classroom = own_classroom_or_404(classroom_id)
    if request.method == "POST":
        db.session.delete(classroom)
        db.session.commit()
        flash(_("Class %(name)s deleted. Its students keep their accounts and progress.", name=classroom.name), "info")
        return redirect(url_for("classroom.index"))
    return confirm_page(
        title=_("Delete the class %(name)s?", name=classroom.name),
        message=_(
            "Its join code stops working and its students leave the class. Their accounts, progress and "
            "quiz attempts are kept."
        ),
        action=_("Delete the class"),
        cancel=url_for("classroom.classroom", classroom_id=classroom.id),
    )


@bp.route("/teach/classes/<int:classroom_id>")
@instructor_required
def classroom(classroom_id: int):
    """One class: join code, roster with per-student actions, and links to its gradebook and reports."""
    classroom = own_classroom_or_404(classroom_id)
    members = db.session.execute(
        select(User, Enrollment.joined_at)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.classroom_id == classroom.id)
        .order_by(User.username)
    ).all()
    quizzes = (
        db.session.scalars(
            select(Quiz)
            .outerjoin(Module, Module.id == Quiz.module_id)
            .where(Quiz.course_id == classroom.course_id)
            .order_by(Quiz.is_final, Module.position.is_(None), Module.position, Quiz.id)  # course order
        ).all()
        if classroom.course_id
        else []
    )
    return render_template(
        "classroom/classroom.html", classroom=classroom, members=members, quizzes=quizzes, form=FlaskForm()
    )


def _back_to_class_list():
    """Buttons on the class list and on a class page post here; each goes back where it came from."""
    return redirect(safe_next(request.form.get("next")) or url_for("classroom.index"))


@bp.route("/teach/classes/<int:classroom_id>/join-code", methods=["GET", "POST"])
@instructor_required
def regenerate_join_code(classroom_id: int):
    """A new code, for when the old one was shared too widely; students already in the class stay. Asked first,
    since every printed or posted copy of the old code stops working."""
    classroom = own_classroom_or_404(classroom_id)
    if request.method == "GET":
        return confirm_page(
            title=_("Replace the join code of %(name)s?", name=classroom.name),
            message=_(
                "The code %(code)s stops working at once: handouts, slides and messages that show it will no "
                "longer let anyone join. Students already in the class stay in it. Share the new code with "
                "anyone who still has to join.",
                code=classroom.join_code,
            ),
            action=_("Replace the join code"),
            cancel=safe_next(request.args.get("next")) or url_for("classroom.classroom", classroom_id=classroom.id),
            next_url=safe_next(request.args.get("next")),
        )
    classroom.join_code = new_join_code()
    record("class.join_code", classroom, detail="new code")
    db.session.commit()
    flash(_("New join code for %(name)s: %(code)s", name=classroom.name, code=classroom.join_code), "success")
    return _back_to_class_list()


@bp.route("/teach/classes/<int:classroom_id>/open", methods=["POST"])
@instructor_required
def toggle_open(classroom_id: int):
    """Close a class to new students (the code stops working) or open it again."""
    classroom = own_classroom_or_404(classroom_id)
    classroom.is_open = not classroom.is_open
    record("class.join_code", classroom, detail="code opened" if classroom.is_open else "code closed")
    db.session.commit()
    flash(
        _("%(name)s is now open to new students.", name=classroom.name)
        if classroom.is_open
        else _("%(name)s is now closed to new students.", name=classroom.name),
        "info",
    )
    return _back_to_class_list()


@bp.route("/teach/open-registration", methods=["POST"])
@instructor_required
def toggle_open_registration():
    """Let anyone create a student account without a join code, or stop that."""
    SiteSetting.set_flag(OPEN_REGISTRATION, not SiteSetting.get_flag(OPEN_REGISTRATION))
    db.session.commit()
    flash(
        _("Open registration is on.") if SiteSetting.get_flag(OPEN_REGISTRATION) else _("Open registration is off."),
        "info",
    )
    return redirect(url_for("classroom.index"))


@bp.route("/teach/classes/<int:classroom_id>/roster", methods=["GET", "POST"])
@instructor_required
def import_roster(classroom_id: int):
    """Create student accounts from a CSV roster, all or nothing, and show their one-time passwords once."""
    classroom = own_classroom_or_404(classroom_id)
    form = RosterImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.roster_file.data
        data = upload.read() if upload and upload.filename else (form.roster_text.data or "").encode()
        if not data.strip():
            form.roster_file.errors.append(_("Choose a CSV file, or paste the rows below."))
        else:
            try:
                issued = create_student_accounts(read_roster(data), classroom)
            except RosterError as error:
                problems = error.problems
            else:
                record(
                    "class.roster_imported",
                    classroom,
                    detail=f"{len(issued)} student accounts created: " + ", ".join(entry.username for entry in issued),
                    commit=True,
                )
                return one_time_passwords_page(
                    issued,
                    classroom,
                    ngettext(
                        "%(num)d account created in %(name)s",
                        "%(num)d accounts created in %(name)s",
                        len(issued),
                        name=classroom.name,
                    ),
                )
    return render_template("classroom/roster_import.html", form=form, classroom=classroom, problems=problems)


def _enrolled_student_or_404(classroom: Classroom, user_id: int) -> User:
    """Instructors act on students only; an instructor or admin who joined a class is managed by an admin."""
    user = enrolled_user_or_404(classroom, user_id)
    if user.role != "student":
        abort(404, description=_("There is no such student in this class."))
    return user


@bp.route("/teach/classes/<int:classroom_id>/students/<int:user_id>/reset-password", methods=["GET", "POST"])
@instructor_required
def reset_password(classroom_id: int, user_id: int):
    """Give a student who forgot their password a one-time password; they choose a new one when signing in."""
    classroom = own_classroom_or_404(classroom_id)
    student = _enrolled_student_or_404(classroom, user_id)
    if request.method == "POST":
        issued = issue_one_time_password(student)
        record("account.password_reset", student, detail=f"one-time password issued in class {classroom.name}")
        db.session.commit()
        return one_time_passwords_page([issued], classroom, _("New one-time password for %(name)s", name=student.name))
    return confirm_page(
        title=_("Reset the password of %(name)s?", name=student.name),
        message=_(
            "Their current password stops working. You will see a one-time password to give to %(name)s, "
            "who then chooses a new password at the next sign-in.",
            name=student.name,
        ),
        action=_("Reset the password"),
        cancel=url_for("classroom.classroom", classroom_id=classroom.id),
    )


@bp.route("/teach/classes/<int:classroom_id>/students/<int:user_id>/remove", methods=["GET", "POST"])
@instructor_required
def remove_student(classroom_id: int, user_id: int):
    """Take a student out of the class. Their account, progress and attempts are kept."""
    classroom = own_classroom_or_404(classroom_id)
    student = _enrolled_student_or_404(classroom, user_id)
    if request.method == "POST":
        db.session.execute(
            delete(Enrollment).where(Enrollment.classroom_id == classroom.id, Enrollment.user_id == student.id)
        )
        db.session.commit()
        flash(_("%(student)s is no longer in %(name)s.", student=student.name, name=classroom.name), "info")
        return redirect(url_for("classroom.classroom", classroom_id=classroom.id))
    return confirm_page(
        title=_("Remove %(student)s from %(name)s?", student=student.name, name=classroom.name),
        message=_(
            "They leave the class and its gradebook. Their account, progress and quiz attempts are kept; "
            "they can join again with the class code."
        ),
        action=_("Remove from the class"),
        cancel=url_for("classroom.classroom", classroom_id=classroom.id),
    )

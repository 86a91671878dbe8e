"""Account administration for the admin role: list and find accounts, create one, change a role, issue a
one-time password, delete with confirmation. An administrator never changes or deletes their own account here,
so the site always keeps at least one administrator."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from course.audit import record
from course.auth.usernames import existing_lookalike, fold_username
from course.classroom import bp
from course.classroom.access import admin_required
from course.classroom.forms import AccountForm, RoleForm
from course.classroom.pages import confirm_page, one_time_passwords_page
from course.classroom.roster import issue_one_time_password
from course.extensions import db
from course.models import Attempt, Classroom, Enrollment, User
from course.privacy import retention
from course.privacy.erasure import erase_account
from course.redirects import safe_next

USERS_PER_PAGE = 50


def _role_form(user: User) -> RoleForm:
    """One role form per row; the prefix keeps field ids unique on the page."""
    return RoleForm(prefix=f"user-{user.id}", role=user.role)


@bp.route("/teach/admin/users")
@admin_required
def users():
    """Accounts, searchable by username or name, a page at a time, with their classes."""
    search = request.args.get("q", "").strip()[:80]
    query = select(User).order_by(User.username)
    if search:
        needle = search.lower()
        query = query.where(
            or_(
                User.username.contains(fold_username(search), autoescape=True),
                func.lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=USERS_PER_PAGE, error_out=False)
    ids = [user.id for user in page.items]
    memberships = dict(
        db.session.execute(
            select(Enrollment.user_id, func.count(Enrollment.id))
            .where(Enrollment.user_id.in_(ids))
            .group_by(Enrollment.user_id)
        ).all()
    )
    owned = dict(
        db.session.execute(
            select(Classroom.owner_id, func.count(Classroom.id))
            .where(Classroom.owner_id.in_(ids))
            .group_by(Classroom.owner_id)
        ).all()
    )
    return render_template(
        "classroom/admin_users.html",
        page=page,
        search=search,
        memberships=memberships,
        owned=owned,
        role_forms={user.id: _role_form(user) for user in page.items},
        retention_warning=timedelta(days=retention.setting("RETENTION_WARNING_DAYS")),
    )


def _other_user_or_404(user_id: int) -> User:
    """An account other than the administrator's own (their own is changed from the password page)."""
    user = db.get_or_404(User, user_id, description=_("There is no account at this address."))
    if user.id == current_user.id:
        abort(403, description=_("You cannot change or delete your own administrator account here."))
    return user


@bp.route("/teach/admin/users/new", methods=["GET", "POST"])
@admin_required
def create_user():
    """Create an account (an instructor, typically) with a one-time password to hand over."""
    form = AccountForm()
    if form.validate_on_submit():
        if db.session.scalar(select(User.id).where(User.username == form.username.data)):
            form.username.errors.append(_("This username is taken. Try another."))
        elif lookalike := existing_lookalike(form.username.data):
            form.username.errors.append(
                _("This username looks too much like the account “%(name)s”. Try another.", name=lookalike)
            )
        else:
            user = User(username=form.username.data, display_name=form.display_name.data or None, role=form.role.data)
            issued = issue_one_time_password(user)
            db.session.add(user)
            record("account.created", user, detail=f"as {user.role}")
            db.session.commit()
            return one_time_passwords_page(
                [issued],
                None,
                _("Account %(username)s created (%(role)s)", username=user.username, role=user.role_name),
            )
    return render_template("classroom/admin_user_form.html", form=form)


def _role_changed(user: User) -> str:
    """The notice after a role change: a whole sentence per role, as languages differ in more than the noun."""
    if user.role == "admin":
        return _("%(username)s is now an admin.", username=user.username)
    if user.role == "instructor":
        return _("%(username)s is now an instructor.", username=user.username)
    return _("%(username)s is now a student.", username=user.username)


@bp.route("/teach/admin/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    """Make an account a student, an instructor or an administrator."""
    user = _other_user_or_404(user_id)
    form = _role_form(user)
    if not form.validate_on_submit():
        abort(400, description=_("Choose one of the roles offered, and reload the page if the form expired."))
    if user.role != form.role.data:
        record("account.role", user, detail=f"{user.role} → {form.role.data}")
    user.role = form.role.data
    db.session.commit()
    flash(_role_changed(user), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("classroom.users"))


@bp.route("/teach/admin/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@admin_required
def admin_reset_password(user_id: int):
    """Issue a one-time password for any other account, instructors included."""
    user = _other_user_or_404(user_id)
    if request.method == "POST":
        issued = issue_one_time_password(user)
        record("account.password_reset", user, detail="one-time password issued by an administrator")
        db.session.commit()
        return one_time_passwords_page([issued], None, _("New one-time password for %(name)s", name=user.username))
    return confirm_page(
        title=_("Reset the password of %(name)s?", name=user.username),
        message=_(
            "Their current password stops working. You will see a one-time password to hand over; they "
            "choose a new password at the next sign-in."
        ),
        action=_("Reset the password"),
        cancel=url_for("classroom.users"),
    )


@bp.route("/teach/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_user(user_id: int):
    """Delete an account and its learning records, after a confirmation that says what will go."""
    user = _other_user_or_404(user_id)
    if request.method == "POST":
        username = user.username
        erase_account(user, how="deleted by an administrator")
        try:
            db.session.commit()
        except IntegrityError:  # a record that names the account without saying what happens when it goes
            db.session.rollback()
            flash(
                _("The account %(username)s is still referred to elsewhere and was not deleted.", username=username),
                "error",
            )
        else:
            flash(_("The account %(username)s and its learning records are deleted.", username=username), "info")
        return redirect(url_for("classroom.users"))
    attempts = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == user.id))
    classes = db.session.scalar(select(func.count(Classroom.id)).where(Classroom.owner_id == user.id))
    consequences = [
        ngettext(
            "Their %(num)d quiz attempt and lesson progress stay in their classes' gradebooks and statistics under an "
            "anonymous placeholder, one per class, that no longer names them; everything else about them is deleted.",
            "Their %(num)d quiz attempts and lesson progress stay in their classes' gradebooks and statistics under an "
            "anonymous placeholder, one per class, that no longer names them; everything else about them is deleted.",
            attempts,
        )
    ]
    if classes:
        consequences.append(
            ngettext(
                "The %(num)d class they teach stays, without an instructor: only administrators see it until one gives "
                "it a new instructor (Edit class).",
                "The %(num)d classes they teach stay, without an instructor: only administrators see them until one "
                "gives them a new instructor (Edit class).",
                classes,
            )
        )
    return confirm_page(
        title=_("Delete the account %(username)s (%(role)s)?", username=user.username, role=user.role_name),
        message=" ".join([_("This cannot be undone."), *consequences]),
        action=_("Delete the account"),
        cancel=url_for("classroom.users"),
    )

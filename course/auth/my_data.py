"""A person's own data: the generated "What Lanyard keeps about you" page, its export as one zip, and deleting the
account. Also the hooks that log staff looks at a student's records (course.privacy.access_log)."""

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from course.auth import bp
from course.auth.sessions import BROWSER_SESSION, remember_lifetime
from course.extensions import db, limiter
from course.forms import BaseForm
from course.models import Classroom, Enrollment, User
from course.models.privacy import DeletionRequest
from course.models.users import utcnow
from course.privacy import retention
from course.privacy.access_log import log_view, record_page_view, views_of
from course.privacy.declarations import personal_tables
from course.privacy.erasure import erase_account
from course.privacy.records import TableRecords, export_response, records_of

NOTICE_CATEGORY = "record-view"


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(message=_l("Type your password to confirm."))]
    )
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[DataRequired(message=_l("Tick this box to confirm."))],
    )


def approval_classes(user: User) -> list[Classroom]:
    """The student's classes whose instructor must approve an account deletion first."""
    return list(
        db.session.scalars(
            select(Classroom)
            .join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Enrollment.user_id == user.id, Classroom.deletion_needs_approval.is_(True))
            .order_by(Classroom.name)
        )
    )


@bp.route("/account/data")
def my_data():
    """What Lanyard keeps about you: every personal column's purpose, readers and retention, generated from the
    declarations in the models, with your own values beside them, and who looked at your records. Open to
    visitors too (without values), so anyone can read it before registering."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return render_template(
        "auth/my_data.html",
        records=records_of(user) if user else [TableRecords(table, []) for table in personal_tables(_)],
        views=views_of(user) if user else [],
        browser_hours=int(BROWSER_SESSION.total_seconds() // 3600),
        remember_days=remember_lifetime().days,
        grace_days=retention.setting("RETENTION_GRACE_DAYS"),
        inactive_days=retention.setting("RETENTION_INACTIVE_DAYS"),
        warning_days=retention.setting("RETENTION_WARNING_DAYS"),
        approval=approval_classes(user) if user else [],
        request_pending=user and db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id)),
    )


@bp.route("/account/data/export")
@login_required
@limiter.limit("20 per hour")
def export_my_data():
    """Everything about you as one zip: a readable page, JSON with the declarations, and CSV per table."""
    return export_response(current_user._get_current_object())


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete your own account after typing your password. Staff accounts are deleted by an administrator, and a
    class may ask for its instructor's approval first (the request waits until then)."""
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    approval = approval_classes(user)
    pending = db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id))
    if user.role == "student" and form.validate_on_submit():
        if not user.check_password(form.password.data):
            form.password.errors.append(_("This is not your password."))
        elif approval:
            if pending is None:
                db.session.add(DeletionRequest(user_id=user.id, requested_at=utcnow()))
                db.session.commit()
            flash(
                _(
                    "Your request is with the instructor of %(classes)s. Your account is deleted as soon as they "
                    "approve it.",
                    classes=", ".join(c.name for c in approval),
                ),
                "info",
            )
            return redirect(url_for("auth.my_data"))
        else:
            erase_account(user, how="deleted by its owner")
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account is deleted. Your records in your classes' statistics no longer name you."), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/delete_account.html", form=form, approval=approval, pending=pending)


@bp.before_app_request
def tell_staff_the_student_will_see():
    """On a page showing one student's records, tell the instructor or administrator first that the student will
    see this visit; the entry itself is written once the page is served."""
    found = record_page_view()
    if found is not None:
        student, page = found
        g.record_view = (student, page)
        flash(
            _(
                "%(name)s will see this visit on their data page: who opened it, which page and when.",
                name=student.name,
            ),
            NOTICE_CATEGORY,
        )


@bp.after_app_request
def log_record_view(response):
    """Write the access-log entry for a record page that was shown; take the notice back if it was not."""
    found = g.pop("record_view", None)
    if found is None:
        return response
    if 200 <= response.status_code < 300:
        log_view(found[0], found[1], request.path)
    else:
        session["_flashes"] = [item for item in session.get("_flashes", []) if item[0] != NOTICE_CATEGORY]
    return response

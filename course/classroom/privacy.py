"""Staff side of learner privacy: an instructor exports a student's data for a request the school must answer,
an administrator exports any account, and an instructor approves a student's account deletion where the class asks
for it. Each export is a look at the student's records, so it goes into the student's access log."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.auth.access import instructor_required
from course.classroom import bp
from course.classroom.access import admin_required, enrolled_user_or_404, own_classroom_or_404
from course.extensions import db
from course.models import User
from course.models.privacy import DeletionRequest
from course.privacy.access_log import log_view
from course.privacy.erasure import erase_account
from course.privacy.records import export_response


@bp.route("/teach/classes/<int:classroom_id>/students/<int:user_id>/export")
@instructor_required
def export_student(classroom_id: int, user_id: int):
    """Everything Lanyard holds about a student of the class, as the student would download it."""
    classroom = own_classroom_or_404(classroom_id)
    student = enrolled_user_or_404(classroom, user_id)
    log_view(
        student,
        _("an export of all their data, from the class %(name)s", name=classroom.name),
        url_for("classroom.export_student", classroom_id=classroom.id, user_id=student.id),
    )
    return export_response(student)


@bp.route("/teach/admin/users/<int:user_id>/export")
@admin_required
def export_user(user_id: int):
    """Everything Lanyard holds about any account, for an administrator answering a request."""
    user = db.get_or_404(User, user_id, description=_("There is no account at this address."))
    if user.id != current_user.id:
        log_view(
            user,
            _("an export of all their data, by an administrator"),
            url_for("classroom.export_user", user_id=user.id),
        )
    return export_response(user)


@bp.route("/teach/classes/<int:classroom_id>/students/<int:user_id>/approve-deletion", methods=["POST"])
@instructor_required
def approve_deletion(classroom_id: int, user_id: int):
    """Approve a student's request to delete their account: the account goes now, and the class keeps its
    statistics under an anonymous placeholder."""
    classroom = own_classroom_or_404(classroom_id)
    student = enrolled_user_or_404(classroom, user_id)
    pending = db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == student.id))
    if pending is None:
        abort(404, description=_("This student has not asked to delete their account."))
    erase_account(student, how=f"asked by the student, approved by the instructor of {classroom.name}")
    db.session.commit()
    flash(_("The account is deleted. The class's statistics keep its records under an anonymous placeholder."), "info")
    return redirect(url_for("classroom.gradebook", classroom_id=classroom.id))

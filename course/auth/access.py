"""Role checks for views: anonymous visitors are sent to sign in, students get 403 on instructor pages."""

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required


def instructor_required(view):
    """Allow instructors and administrators only."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_instructor:
            abort(403, description=_("This page is for instructors."))
        return view(*args, **kwargs)

    return wrapped

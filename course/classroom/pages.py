"""Pages the class and account views share: a confirmation whose button posts back, and the one page that ever
shows a one-time password."""

from flask import make_response, render_template
from flask_wtf import FlaskForm

from course.classroom.roster import IssuedPassword
from course.models import Classroom


def one_time_passwords_page(issued: list[IssuedPassword], classroom: Classroom | None, heading: str):
    """The only place a one-time password is ever shown: on screen and as printable slips, never cached."""
    response = make_response(
        render_template("classroom/one_time_passwords.html", issued=issued, classroom=classroom, heading=heading)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def confirm_page(title: str, message: str, action: str, cancel: str, next_url: str | None = None):
    """A confirmation page whose button posts back to the same address; no JavaScript needed."""
    return render_template(
        "classroom/confirm.html",
        title=title,
        message=message,
        action=action,
        cancel=cancel,
        form=FlaskForm(),
        next_url=next_url,
    )

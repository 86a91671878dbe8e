"""Account forms. Usernames are case-insensitive; email is optional and never required."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from course.forms import BaseForm

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MIN_PASSWORD = 8


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def username_problem(username: str) -> str | None:
    """Why a username cannot be used, or None."""
    if not USERNAME.match(username):
        return _("Use 3 to 40 letters, digits, dots, hyphens or underscores, starting with a letter or digit.")
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD)
    if len(password) > 200:
        return _("Use at most %(num)d characters.", num=200)
    return None


def _username_validator(form, field):
    field.data = normalise_username(field.data)
    problem = username_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _password_validator(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewAccountForm(BaseForm):
    """Fields every new account has."""

    username = StringField(_l("Username"), validators=[InputRequired(), _username_validator],
                           description=_l("Letters, digits, dots, hyphens or underscores. Not your email."))
    display_name = StringField(_l("Name shown to your teacher (optional)"), validators=[Optional(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), _password_validator],
                             description=_l("At least %(num)d characters.", num=MIN_PASSWORD))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))])


class SetupForm(NewAccountForm):
    """The first instructor account."""


class RegisterForm(NewAccountForm):
    email = EmailField(
        _l("Email (optional, only for password help)"),
        validators=[Optional(), Length(max=254), Regexp(EMAIL, message=_l("This is not an email address."))],
    )
    join_code = StringField(_l("Class join code"), validators=[Optional(), Length(max=32)],
                            description=_l("Your teacher gives you this code."))


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay signed in on this device"))

"""Account forms. Usernames follow course.auth.usernames (any script, case-insensitive); email is optional and never
required."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from course.auth.usernames import UsernameError, normalise_username
from course.forms import BaseForm

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MIN_PASSWORD = 8


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD)
    if len(password) > 200:
        return _("Use at most %(num)d characters.", num=200)
    return None


def valid_username(form, field):
    """A WTForms validator that leaves the field holding the normalised username, or says why it cannot be one."""
    try:
        field.data = normalise_username(field.data)
    except UsernameError as error:
        raise ValidationError(str(error)) from None


def _password_validator(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewAccountForm(BaseForm):
    """Fields every new account has."""

    username = StringField(
        _l("Username"),
        validators=[InputRequired(), valid_username],
        description=_l("Letters of any alphabet, digits, dots, hyphens or underscores. Not your email."),
    )
    display_name = StringField(_l("Name shown to your teacher (optional)"), validators=[Optional(), Length(max=80)])
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), _password_validator],
        description=_l("At least %(num)d characters.", num=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class SetupForm(NewAccountForm):
    """The first instructor account."""


class RegisterForm(NewAccountForm):
    email = EmailField(
        _l("Email (optional, only for password help)"),
        validators=[Optional(), Length(max=254), Regexp(EMAIL, message=_l("This is not an email address."))],
    )
    join_code = StringField(
        _l("Class join code"),
        validators=[Optional(), Length(max=32)],
        description=_l("Your teacher gives you this code."),
    )


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay signed in on this device"))

"""Account forms. Usernames follow course.auth.usernames (any script, case-insensitive); email is optional and never
required."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from course.auth.usernames import UsernameError, normalise_username
from course.forms import BaseForm

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MIN_PASSWORD = 8


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
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

    username = StringField("Username", validators=[InputRequired(), valid_username],
                           description=_l("Letters of any alphabet, digits, dots, hyphens or underscores. Not your "
                                          "email."))  # fmt: skip
    display_name = StringField("Name shown to your teacher (optional)", validators=[Optional(), Length(max=80)])
    password = PasswordField("Password", validators=[InputRequired(), _password_validator],
                             description=f"At least {MIN_PASSWORD} characters.")
    confirm = PasswordField("Repeat the password",
                            validators=[InputRequired(), EqualTo("password", message="The passwords differ.")])


class SetupForm(NewAccountForm):
    """The first instructor account."""


class RegisterForm(NewAccountForm):
    email = EmailField(
        "Email (optional, only for password help)",
        validators=[Optional(), Length(max=254), Regexp(EMAIL, message="This is not an email address.")],
    )
    join_code = StringField("Class join code", validators=[Optional(), Length(max=32)],
                            description="Your teacher gives you this code.")


class LoginForm(BaseForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    remember = BooleanField("Stay signed in on this device")

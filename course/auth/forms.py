"""Account forms. Usernames are case-insensitive; email is optional and never required."""

import re

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
        return "Use 3 to 40 letters, digits, dots, hyphens or underscores, starting with a letter or digit."
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
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

    username = StringField("Username", validators=[InputRequired(), _username_validator],
                           description="Letters, digits, dots, hyphens or underscores. Not your email.")
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

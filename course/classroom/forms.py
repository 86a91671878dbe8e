"""Forms for classes, rosters, accounts and passwords. Username and password rules are the auth forms' own."""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from course.auth.forms import MIN_PASSWORD, password_problem, valid_username
from course.classroom.roster import MAX_DISPLAY_NAME
from course.forms import BaseForm
from course.models.users import ROLE_LABELS, ROLES


def checked_by(problem_of: Callable[[str], str | None]):
    """A WTForms validator from one of the auth rules that return why a value is refused (or None)."""

    def validate(form, field):
        problem = problem_of(field.data or "")
        if problem:
            raise ValidationError(problem)

    return validate


def stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ClassroomForm(BaseForm):
    name = StringField(
        _l("Class name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[stripped],
        description=_l("For example: Year 10 civics, Tuesday group."),
    )
    course_id = SelectField(
        _l("Course"),
        coerce=int,
        validate_choice=True,
        description=_l("The gradebook and reports of this class follow this course."),
    )
    owner_id = SelectField(
        _l("Instructor"),
        coerce=int,
        validate_choice=True,
        description=_l("Only administrators see this field; the instructor sees and runs the class."),
    )
    ends_on = DateField(
        _l("Last day of the class (term end)"),
        validators=[Optional()],
        description=_l(
            "After this date and the site's grace period, the students' records in this "
            "class are anonymised: the statistics stay, the names go. Leave empty to "
            "keep them."
        ),
    )
    deletion_needs_approval = BooleanField(
        _l("Students need my approval to delete their account"),
        description=_l("For example while grades are still being decided. Students are told so on their data page."),
    )


class RosterImportForm(BaseForm):
    """A CSV file, or the same rows pasted from a spreadsheet."""

    roster_file = FileField(
        _l("Roster file (CSV)"),
        description=_l("One student per line: username, display name. A header line is allowed."),
    )
    roster_text = TextAreaField(
        _l("…or paste the rows"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Copy the two columns from your spreadsheet and paste them here."),
    )


class JoinClassForm(BaseForm):
    join_code = StringField(
        _l("Class join code"),
        validators=[InputRequired(), Length(max=32)],
        description=_l("Your teacher gives you this code."),
    )


class ChangePasswordForm(BaseForm):
    """`current_password` is asked only when the account is not on a one-time password (the view decides)."""

    current_password = PasswordField(_l("Current password"), validators=[Optional(), Length(max=200)])
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(), checked_by(password_problem)],
        description=_l("At least %(num)d characters.", num=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])


class AccountForm(BaseForm):
    """An account an administrator creates; it gets a one-time password."""

    username = StringField(_l("Username"), validators=[InputRequired(), valid_username])
    display_name = StringField(
        _l("Display name (optional)"), validators=[Optional(), Length(max=MAX_DISPLAY_NAME)], filters=[stripped]
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])

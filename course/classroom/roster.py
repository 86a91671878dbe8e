"""Accounts an instructor creates for students: roster CSV files and one-time passwords.

A roster is read and checked completely before anything is written, so a file with one bad row creates nothing.
One-time passwords are shown once and stored only as a hash; the student must choose a new password at the first
sign-in (`User.must_change_password`).
"""

import csv
import io
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from course.auth.usernames import Lookalikes, UsernameError, normalise_username
from course.extensions import db
from course.models import Classroom, Enrollment, User
from course.sanitize import without_control_characters

MAX_ROSTER_ROWS = 1000
MAX_DISPLAY_NAME = 80
USERNAME_HEADERS = {"username", "user name"}
# Lower case without look-alikes (0/o, 1/l/i), grouped by four: easy to copy from a printed slip.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 12
# A one-time password is random (about 59 bits), not chosen by a person, so guessing it offline is hopeless even with
# a light scrypt setting; the light setting keeps a roster of 500 students to seconds instead of a minute.
ONE_TIME_HASH_METHOD = "scrypt:4096:8:1"


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong with a roster file, located by row (the file's line) and column."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row and self.column:
            return _(
                "Row %(row)s, column %(column)s: %(message)s", row=self.row, column=self.column, message=self.message
            )
        if self.row:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        if self.column:
            return _("Column %(column)s: %(message)s", column=self.column, message=self.message)
        return self.message


class RosterError(Exception):
    """The roster cannot be imported; `problems` says every reason, so the teacher fixes the file once."""

    def __init__(self, problems: list[RosterProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterEntry:
    row: int
    username: str
    display_name: str | None


@dataclass(frozen=True)
class IssuedPassword:
    """What a printed slip shows a student: who they are and the password that works once."""

    username: str
    name: str
    password: str


def new_one_time_password() -> str:
    raw = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, ONE_TIME_LENGTH, 4))


def issue_one_time_password(user: User) -> IssuedPassword:
    """Replace the user's password with a new one-time password (returned, never stored in clear); the next
    sign-in must set a new password."""
    password = new_one_time_password()
    user.password_hash = generate_password_hash(password, method=ONE_TIME_HASH_METHOD)
    user.must_change_password = True
    return IssuedPassword(user.username, user.name, password)


def _delimiter(text: str) -> str:
    """Spreadsheets save CSV with commas, or semicolons where the comma is the decimal mark, or tabs."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first_line.count) if first_line else ","


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().lower() in USERNAME_HEADERS


def read_roster(data: bytes) -> list[RosterEntry]:
    """Every row of a roster file (username, display name), checked in full; raises RosterError naming every
    problem by row and column, including usernames already taken on this site."""
    try:
        text = without_control_characters(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problem = RosterProblem(_("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."))
        raise RosterError([problem]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    problems: list[RosterProblem] = []
    entries: list[RosterEntry] = []
    first_row_of: dict[str, int] = {}
    in_file = Lookalikes()
    try:
        for cells in reader:
            row = reader.line_num
            if not any(cell.strip() for cell in cells) or (not entries and not problems and _is_header(cells)):
                continue
            if len(entries) + len(problems) >= MAX_ROSTER_ROWS:
                most = _("A roster may hold at most %(num)d students.", num=MAX_ROSTER_ROWS)
                problems.append(RosterProblem(most, row))
                break
            entry = _read_row(row, cells, first_row_of, in_file, problems)
            if entry:
                entries.append(entry)
    except csv.Error as error:
        problems.append(RosterProblem(_("This is not a readable CSV line (%(error)s).", error=error), reader.line_num))
    if not entries and not problems:
        problems.append(RosterProblem(_("The file holds no students. Put one per line: username, display name.")))
    if entries:
        taken = set(db.session.scalars(select(User.username).where(User.username.in_([e.username for e in entries]))))
        problems += [
            RosterProblem(
                _(
                    "“%(username)s” is already an account on this site. Remove the row, or ask that "
                    "student to join with the class code.",
                    username=e.username,
                ),
                e.row,
                _("username"),
            )
            for e in entries
            if e.username in taken
        ]
        on_site = Lookalikes(db.session.scalars(select(User.username)))
        problems += [
            RosterProblem(
                _(
                    "“%(username)s” looks too much like the account “%(other)s” on this site. Choose another username.",
                    username=e.username,
                    other=other,
                ),
                e.row,
                "username",
            )
            for e in entries
            if e.username not in taken and (other := on_site.of(e.username))
        ]
    if problems:
        raise RosterError(sorted(problems, key=lambda p: p.row or 0))
    return entries


def _read_row(
    row: int, cells: list[str], first_row_of: dict[str, int], in_file: Lookalikes, problems: list[RosterProblem]
):
    """One roster line as an entry, or None after adding its problems."""
    found: list[RosterProblem] = []
    extra = [n for n, cell in enumerate(cells[2:], start=3) if cell.strip()]
    if extra:
        message = _("unexpected value; a roster has two columns: username, display name.")
        found.append(RosterProblem(message, row, str(extra[0])))
    username = _checked_username(row, cells[0], found)
    display_name = cells[1].strip() if len(cells) > 1 else ""
    if username in first_row_of:
        found.append(
            RosterProblem(
                _("“%(username)s” is already in row %(row)s.", username=username, row=first_row_of[username]),
                row,
                _("username"),
            )
        )
    elif username and (lookalike := in_file.of(username)):
        message = _(
            "“%(username)s” looks too much like “%(other)s” in row %(row)d.",
            username=username,
            other=lookalike,
            row=first_row_of[lookalike],
        )
        found.append(RosterProblem(message, row, _("username")))
    elif username:
        first_row_of[username] = row
        in_file.add(username)
    if len(display_name) > MAX_DISPLAY_NAME:
        found.append(RosterProblem(_("use at most %(num)d characters.", num=MAX_DISPLAY_NAME), row, _("display name")))
    problems.extend(found)
    return None if found else RosterEntry(row, username, display_name or None)


def _checked_username(row: int, cell: str, found: list[RosterProblem]) -> str:
    """The username a roster cell stands for, or "" after adding why it cannot be one."""
    if not cell.strip():
        found.append(RosterProblem(_("the username is missing."), row, _("username")))
        return ""
    try:
        return normalise_username(cell)
    except UsernameError as problem:
        refused = _("“%(typed)s” cannot be a username. %(problem)s", typed=cell.strip(), problem=problem)
        found.append(RosterProblem(refused, row, _("username")))
        return ""


def create_student_accounts(entries: list[RosterEntry], classroom: Classroom) -> list[IssuedPassword]:
    """Create every account and enrol it in one transaction; if a username was taken meanwhile, nothing is kept."""
    issued = []
    for entry in entries:
        user = User(username=entry.username, display_name=entry.display_name, role="student")
        issued.append(issue_one_time_password(user))
        db.session.add(user)
        db.session.add(Enrollment(user=user, classroom=classroom))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RosterError(
            [
                RosterProblem(
                    _(
                        "Another account with one of these usernames was created meanwhile. "
                        "Nothing was imported; upload the file again."
                    )
                )
            ]
        ) from None
    return issued

"""People, classes and site settings. Only what the platform needs: no email required, no addresses kept."""

import hashlib
import secrets
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, TypeGuard

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from course.extensions import Model, db
from course.models.privacy import (
    LEARNING,
    N_,
    NOBODY,
    ROW_ID,
    SESSION,
    WITH_ACCOUNT,
    YOU_ADMINS,
    YOU_TEACHERS,
    not_personal,
    personal,
)

if TYPE_CHECKING:  # content's models import this module, so only mypy imports them back
    from course.models.content import Course

ROLES = ("student", "instructor", "admin")
# How passwords are hashed unless PASSWORD_HASH_METHOD says otherwise: Werkzeug's salted scrypt. Only the test suite
# sets a cheaper method, so its hundreds of accounts do not spend minutes hashing.
DEFAULT_PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method, not a password)
# How the interface names each role: as a choice or heading, and inside a sentence.
ROLE_LABELS = {"student": _l("Student"), "instructor": _l("Instructor"), "admin": _l("Admin")}
ROLE_NAMES = {"student": _l("student"), "instructor": _l("instructor"), "admin": _l("admin")}
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, so a code read aloud is typed right


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_join_code() -> str:
    """A short code a teacher can write on the board; 32^8 possibilities, so it cannot be guessed in practice."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


class User(UserMixin, Model):
    """An account: a username and a password hash; email and display name are optional."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(
        primary_key=True, info=personal(N_("identifies your account inside the database"), YOU_TEACHERS, WITH_ACCOUNT)
    )
    username: Mapped[str] = mapped_column(
        String(40),
        unique=True,
        info=personal(N_("signing in; shown to the instructors of your classes"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    display_name: Mapped[str | None] = mapped_column(
        String(80),
        info=personal(
            N_("optional: the name your instructors see instead of your username"), YOU_TEACHERS, WITH_ACCOUNT
        ),
    )
    email: Mapped[str | None] = mapped_column(
        String(254),
        info=personal(
            N_("optional: used only to help with a forgotten password, never for anything else"),
            YOU_ADMINS,
            WITH_ACCOUNT,
        ),
    )
    password_hash: Mapped[str] = mapped_column(
        String(255),
        info=personal(
            N_("checking your password: a salted one-way hash, never the password itself"),
            NOBODY,
            WITH_ACCOUNT,
            shown=False,
        ),
    )
    role: Mapped[str] = mapped_column(
        String(20),
        default="student",
        info=personal(N_("what you may do: student, instructor or administrator"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, info=personal(N_("when the account was created"), YOU_ADMINS, WITH_ACCOUNT)
    )
    # Set when an instructor or admin issued a one-time password: the next sign-in must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        info=personal(N_("whether you must choose a new password after a one-time one"), YOU_TEACHERS, WITH_ACCOUNT),
    )
    # Retention (course.privacy.retention): the last sign-in, and when the account was flagged as unused.
    last_seen_at: Mapped[datetime | None] = mapped_column(
        info=personal(N_("when you last signed in, so unused accounts can be deleted"), YOU_ADMINS, WITH_ACCOUNT)
    )
    inactive_warned_at: Mapped[datetime | None] = mapped_column(
        info=personal(
            N_("when the account was flagged as unused and due for deletion; cleared when you sign in"),
            YOU_ADMINS,
            WITH_ACCOUNT,
        )
    )
    # An anonymous stand-in for a deleted or expired student, holding a class's statistics; nobody signs in as it.
    placeholder: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        info=not_personal("marks the anonymous stand-ins that keep a class's statistics after a student leaves"),
    )

    # None: the browser's Accept-Language decides, else the site's default (course.i18n).
    language: Mapped[str | None] = mapped_column(
        String(20), info=personal(N_("the language of the pages you see, if you chose one"), YOU_ADMINS, WITH_ACCOUNT)
    )

    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        """Store only a salted hash (scrypt unless the PASSWORD_HASH_METHOD setting names another)."""
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def session_stamp(self) -> str:
        """Changes whenever the password does, so a reset signs the account out on every device."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    # The token of the server-side session this object was loaded for (see course.auth.sessions); not a column.
    # Its type is declared for mypy only: declarative mapping would read a class annotation as a column to map.
    if TYPE_CHECKING:
        session_token: str | None
    session_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the server-side session's token, so
        deleting that session refuses every copy of the cookies."""
        if self.session_token is None:
            raise RuntimeError("Sign in through course.auth.sessions.start_session, which records the session.")
        return self.session_token

    @property
    def is_instructor(self) -> bool:
        """Admins can do everything instructors can."""
        return self.role in ("instructor", "admin")

    @property
    def role_name(self) -> str:
        """The role as a sentence names it, in the reader's language ("student", "학생")."""
        return str(ROLE_NAMES.get(self.role, self.role))

    @property
    def name(self) -> str:
        return self.display_name or self.username


def password_hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD (a Werkzeug method such as "scrypt" or "pbkdf2:sha256:600000")."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_PASSWORD_HASH_METHOD
    return DEFAULT_PASSWORD_HASH_METHOD


@cache
def _unknown_account_hash(method: str) -> str:
    """A hash of nothing anyone knows, made the same way as real ones, for accounts that do not exist."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def password_matches(user: User | None, password: str) -> TypeGuard[User]:
    """Check a password with the same work whether or not the account exists, so timing reveals no usernames."""
    if user is None:
        check_password_hash(_unknown_account_hash(password_hash_method()), password)
        return False
    return user.check_password(password)


class UserSession(Model):
    """A signed-in browser. Its cookies carry a random token and only the token's digest is stored, so a copy of
    the database signs no one in; deleting the row ends the session whatever cookies were copied. No address or
    device details are kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        info=personal(N_("whose browser is signed in"), YOU_ADMINS, SESSION),
    )
    token_digest: Mapped[str] = mapped_column(
        String(64),
        unique=True,
        info=personal(
            N_("recognising your browser's sign-in cookie: a digest, so a copy of the database signs no one in"),
            NOBODY,
            SESSION,
            shown=False,
        ),
    )
    # The account's session stamp when the session began: a password change ends it even if the row remains.
    password_stamp: Mapped[str] = mapped_column(
        String(16), info=personal(N_("ending the session when your password changes"), NOBODY, SESSION, shown=False)
    )
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, info=personal(N_("when you signed in on that browser"), YOU_ADMINS, SESSION)
    )
    expires_at: Mapped[datetime] = mapped_column(
        info=personal(N_("when that sign-in ends by itself"), YOU_ADMINS, SESSION)
    )

    user: Mapped[User] = relationship()


class Classroom(Model):
    """A class students join with a code. The core has one default class; issue 4 adds more per course."""

    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    name: Mapped[str] = mapped_column(String(120), info=not_personal("the class's name, chosen by its instructor"))
    join_code: Mapped[str] = mapped_column(
        String(16), unique=True, default=new_join_code, info=not_personal("the code students join the class with")
    )
    is_open: Mapped[bool] = mapped_column(default=True, info=not_personal("whether the class takes new students"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        info=personal(N_("the class's instructor"), N_("the instructor's students, and administrators"), WITH_ACCOUNT),
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True, info=not_personal("the course the class follows")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=not_personal("when the class was made"))
    # Retention: after this date plus RETENTION_GRACE_DAYS, its students' records are anonymised.
    ends_on: Mapped[date | None] = mapped_column(
        info=not_personal(
            "the class's last day (term end); its students' records are anonymised after it plus the grace period"
        )
    )
    deletion_needs_approval: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        info=not_personal("whether a student's account deletion waits for the instructor's approval"),
    )

    owner: Mapped[User | None] = relationship()
    course: Mapped["Course | None"] = relationship("Course")
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="classroom", cascade="all, delete-orphan")

    @classmethod
    def by_open_code(cls, code: str) -> "Classroom | None":
        """Codes are typed by students: accept any case and stray spaces."""
        normalised = "".join(code.split()).upper()
        return db.session.scalar(select(cls).where(cls.join_code == normalised, cls.is_open.is_(True)))


class Enrollment(Model):
    """A student's membership of a class."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "classroom_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), info=personal(N_("who is in the class"), YOU_TEACHERS, LEARNING)
    )
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classrooms.id", ondelete="CASCADE"),
        index=True,
        info=personal(N_("which class you are in"), YOU_TEACHERS, LEARNING),
    )
    joined_at: Mapped[datetime] = mapped_column(
        default=utcnow, info=personal(N_("when you joined the class"), YOU_TEACHERS, LEARNING)
    )

    user: Mapped[User] = relationship(back_populates="enrollments")
    classroom: Mapped[Classroom] = relationship(back_populates="enrollments")


# The site setting that lets visitors register without a join code (auth registers, classroom's admins flip it).
OPEN_REGISTRATION = "open_registration"


class SiteSetting(Model):
    """Site-wide switches an instructor can flip, such as open registration."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True, info=not_personal("the setting's name"))
    value: Mapped[str] = mapped_column(String(255), info=not_personal("the setting's value"))

    @classmethod
    def get_flag(cls, key: str) -> bool:
        setting = db.session.get(cls, key)
        return setting is not None and setting.value == "1"

    @classmethod
    def set_flag(cls, key: str, on: bool) -> None:
        setting = db.session.get(cls, key) or cls(key=key, value="0")
        setting.value = "1" if on else "0"
        db.session.add(setting)

"""Sessions recorded on the server. Flask-Login's cookies carry only a random token; the `user_sessions` row it
names is what makes them valid, so logout and "sign out everywhere" end a session even for copied cookies."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import load_only

from course.auth import bp
from course.auth.limits import trust_this_device
from course.extensions import db, login_manager
from course.models.users import User, UserSession, utcnow

MAX_REMEMBER_DAYS = 30
# A session without "stay signed in" also ends on the server after a school day, for browsers never closed.
BROWSER_SESSION = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember_lifetime() -> timedelta:
    """How long "stay signed in" lasts: REMEMBER_DAYS (LANYARD_REMEMBER_DAYS), never more than 30 days."""
    return timedelta(days=min(int(current_app.config["REMEMBER_DAYS"]), MAX_REMEMBER_DAYS))


def start_session(user: User, remember: bool = False) -> None:
    """Record a new session, sign this browser in with its token and trust this device for the account.
    Expired sessions and those from before the last password change are removed on the way."""
    lifetime = remember_lifetime() if remember else BROWSER_SESSION
    now = utcnow()
    if user.inactive_warned_at is not None:
        flash(
            _(
                "Your account had not been used for a long time and was due to be deleted. Signing in keeps it; "
                "nothing has been deleted."
            ),
            "info",
        )
    user.last_seen_at, user.inactive_warned_at = now, None
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.expires_at <= now, UserSession.password_stamp != user.session_stamp),
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id, token_digest=_digest(token), password_stamp=user.session_stamp, expires_at=now + lifetime
        )
    )
    db.session.commit()
    user.session_token = token
    login_user(user, remember=remember, duration=lifetime)
    trust_this_device(user.username)


def end_session() -> None:
    """Sign this browser out and delete its session on the server, so a copy of its cookies stops working."""
    token = session.get("_user_id")
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_digest == _digest(token)))
        db.session.commit()
    logout_user()


def end_every_session(user: User) -> None:
    """Sign the account out on every device, this one included."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    logout_user()


def active_session_count(user: User) -> int:
    """How many browsers are signed in to the account, for the account page."""
    return db.session.execute(
        select(func.count(UserSession.id)).where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
    ).scalar_one()


# Built once (building a SELECT costs more than running it), with only the account columns that nearly every page
# uses; a page that shows another (the account page's email) loads it when it asks.
_LIVE_SESSION = (
    select(User, UserSession.password_stamp, UserSession.expires_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_digest == bindparam("digest"))
    .options(
        load_only(
            User.username, User.display_name, User.role, User.password_hash, User.must_change_password, User.language
        )
    )
)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The account of a live session: unknown, expired or pre-password-change sessions sign no one in."""
    row = db.session.execute(_LIVE_SESSION, {"digest": _digest(token)}).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user, password_stamp = row.User, row.password_stamp
    if not secrets.compare_digest(password_stamp, user.session_stamp):
        return None
    user.session_token = token
    return user


@bp.after_app_request
def no_store_for_signed_in_pages(response):
    """A signed-in page shows at least whose it is, and often grades or answers: keep it out of every cache, so
    the back button on a shared classroom PC does not show the previous student's results. A view that chose its
    own caching (a course figure) keeps it."""
    if request.endpoint != "static" and "Cache-Control" not in response.headers and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response

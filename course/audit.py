"""The audit trail: one function, `record`, that feature code calls when something an administrator must be able to
account for happens — who did it, what, to what, and when.

A client address is kept only for sign-in events (a security log needs it to see an attack), never for anything
else, and only for AUDIT_ADDRESS_DAYS days (the LANYARD_AUDIT_ADDRESS_DAYS setting, 7 by default; 0 keeps none).
Older addresses are erased automatically: whenever an address is written and whenever the log is read, so no
address older than the limit is ever shown or exported. Learning records never hold an address at all."""

import unicodedata
from datetime import timedelta
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select, update

from course.extensions import db
from course.i18n import N_
from course.models import AuditEvent, Classroom, Course, User
from course.models.users import utcnow

# action → how the log names it (English; action_label and labels_for_reading translate). Grouped by what an
# administrator filters on.
GROUPS: dict[str, dict[str, str]] = {
    "signin": {
        "signin.failed": N_("Sign-in failed"),
        "signin.locked": N_("Sign-in locked out"),
    },
    "account": {
        "account.created": N_("Account created"),
        "account.deleted": N_("Account deleted"),
        "account.role": N_("Role changed"),
        "account.password_reset": N_("Password reset"),
    },
    "class": {
        "class.roster_imported": N_("Roster imported"),
        "class.join_code": N_("Join code changed"),
    },
    "course": {
        "course.created": N_("Course created"),
        "course.imported": N_("Course imported"),
        "course.exported": N_("Course exported"),
        "course.published": N_("Course published"),
        "course.unpublished": N_("Course unpublished"),
        "course.deleted": N_("Course deleted"),
        "course.owner_added": N_("Course owner added"),
        "course.owner_removed": N_("Course owner removed"),
    },
}
GROUP_LABELS = {"signin": N_("Sign-in"), "account": N_("Accounts"), "class": N_("Classes"), "course": N_("Courses")}
ACTIONS: dict[str, str] = {action: label for group in GROUPS.values() for action, label in group.items()}


def action_label(action: str) -> str:
    """How the log names an action, in the reader's language (the action itself when it is unknown)."""
    label = ACTIONS.get(action)
    return gettext(label) if label else action


def labels_for_reading() -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str]]:
    """GROUPS, GROUP_LABELS and ACTIONS with every label in the reader's language, for the log's page."""
    groups = {group: {action: gettext(label) for action, label in members.items()} for group, members in GROUPS.items()}
    group_labels = {group: gettext(label) for group, label in GROUP_LABELS.items()}
    actions = {action: label for members in groups.values() for action, label in members.items()}
    return groups, group_labels, actions


# Only these keep the client address, and only for AUDIT_ADDRESS_DAYS.
SECURITY_ACTIONS = frozenset(GROUPS["signin"])
DEFAULT_ADDRESS_DAYS = 7
COMMAND_LINE = "(command line)"

_CURRENT = object()


def record(
    action: str, target: Any = None, *, actor: Any = _CURRENT, detail: str = "", commit: bool = False
) -> AuditEvent:
    """Add one event to the session, so it is saved with the change it describes (or pass commit=True).

    `target` is a User, Course or Classroom, or short text such as a username that matched no account; `actor`
    defaults to the signed-in user (the command line when there is no request), and may be a User, a name or None.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id, actor_name = _actor(actor)
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_name=_clean(actor_name, 40),
        target=_clean(describe(target), 200),
        detail=_clean(detail, 500),
        address=_address() if action in SECURITY_ACTIONS else None,
        created_at=utcnow(),
    )
    db.session.add(event)
    if event.address is not None:
        purge_addresses()
    if commit:
        db.session.commit()
    return event


def describe(target: Any) -> str:
    """How the log names what an action was done to."""
    if target is None:
        return ""
    if isinstance(target, User):
        return f"account {target.username}"
    if isinstance(target, Course):
        return f"course {target.slug}"
    if isinstance(target, Classroom):
        return f"class {target.name} (#{target.id})"
    return str(target)


def address_days() -> int:
    """How many days a sign-in event keeps its client address; a setting that is not a whole number counts as 0."""
    value = current_app.config.get("AUDIT_ADDRESS_DAYS", DEFAULT_ADDRESS_DAYS)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def purge_addresses() -> int:
    """Erase every client address older than the limit (in the current transaction); returns how many."""
    cutoff = utcnow() - timedelta(days=address_days())
    result = db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.address.is_not(None), AuditEvent.created_at <= cutoff)
        .values(address=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # a CursorResult, typed Result


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is _CURRENT:
        if not has_request_context():
            return None, COMMAND_LINE
        actor = current_user._get_current_object() if current_user.is_authenticated else None
    if isinstance(actor, User):
        return actor.id, actor.username
    if actor is None:
        return None, ""
    return None, str(actor)


def _address() -> str | None:
    if not has_request_context() or address_days() == 0:
        return None
    return _clean(request.remote_addr or "", 45) or None


def _clean(text: str, limit: int) -> str:
    """No control characters (PostgreSQL refuses NUL) and no more than the column holds."""
    return "".join(c for c in str(text)[: limit * 2] if unicodedata.category(c) != "Cc")[:limit]


# --- sign-in events, called by course.auth ---------------------------------------------------------------------

LOCKOUT_RECORDED_FOR = timedelta(minutes=10)  # one lockout event per account and limit in this time, not one per 429


def sign_in_failed(user: User | None) -> None:
    """A failed sign-in, saved at once. An unknown username is not written down: people type passwords there."""
    record("signin.failed", user if user is not None else "unknown username", actor=None, commit=True)


def locked_out(scope: str):
    """A Flask-Limiter `on_breach` callback for the sign-in limit `scope`: records the lockout once per account,
    limit and LOCKOUT_RECORDED_FOR, so an attacker hammering a locked form does not fill the log."""

    def on_breach(_limit) -> None:
        from course.auth.usernames import fold_username

        username = fold_username((request.form.get("username") or "")[:200])[:40]
        user = db.session.scalar(select(User).where(User.username == username)) if username else None
        target = describe(user) if user is not None else "unknown username"
        detail = f"{scope}: too many failed sign-ins"
        already = db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.action == "signin.locked",
                AuditEvent.target == target,
                AuditEvent.detail == detail,
                AuditEvent.created_at > utcnow() - LOCKOUT_RECORDED_FOR,
            )
            .limit(1)
        )
        if already is None:
            record("signin.locked", target, actor=None, detail=detail, commit=True)
        return None

    return on_breach

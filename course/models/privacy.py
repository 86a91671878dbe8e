"""What Lanyard keeps about people, declared beside each column, and the two records privacy itself needs.

Every column of every table carries `info={"privacy": ...}`, made by `personal(...)` or `not_personal(...)` below.
The data page (/account/data), the export and the school's privacy notice are generated from these declarations,
and tests/test_privacy.py fails when a column has none, so the page cannot fall behind the schema."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model
from course.i18n import N_

# Who can read a column, in the words the data page uses.
YOU = N_("you")
YOU_TEACHERS = N_("you, the instructors of your classes, and administrators")
YOU_ADMINS = N_("you and administrators")
ADMINS = N_("administrators")
NOBODY = N_("nobody: the software only compares against it")
STAFF = N_("instructors and administrators")

# How long, in the same words everywhere.
WITH_ACCOUNT = N_("as long as your account exists; deleted with it")
LEARNING = N_(
    "until your class's end date plus the grace period, then anonymised; on account deletion, deleted or "
    "kept only under an anonymous placeholder for the class's statistics"
)
AUDIT_KEPT = N_("while the site keeps its security log; a deleted student's name is removed from it")
ADDRESS_KEPT = N_("AUDIT_ADDRESS_DAYS days (7 unless the school changed it), then erased")
REVISION_KEPT = N_("as long as the lesson or quiz; the author is forgotten when their account is deleted")
DESIGN_READERS = N_("you; once you share it, the classmates and instructors you share it with")
SESSION = N_("until you sign out, sign out everywhere or the session ends (12 hours, or the stay-signed-in days)")


def personal(purpose: str, readers: str, kept: str, *, shown: bool = True) -> dict[str, Any]:
    """A column that holds personal data: why it is kept, who can read it, for how long. `shown=False` for
    secrets (a password hash) that the data page names but never prints, and the export leaves out."""
    return {"privacy": {"personal": True, "purpose": purpose, "readers": readers, "kept": kept, "shown": shown}}


def not_personal(purpose: str) -> dict[str, Any]:
    """A column that holds nothing about a person (course content, settings, keys between tables)."""
    return {"privacy": {"personal": False, "purpose": purpose}}


ROW_ID = not_personal("a number that identifies the row inside the database")
CONTENT = not_personal("course content written by its authors")


class RecordView(Model):
    """One look by an instructor or administrator at a page showing an individual student's records: who, which
    page, when. The student reads these on their data page. Never an address or device details."""

    __tablename__ = "record_views"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        info=personal(N_("whose records were looked at"), YOU_ADMINS, WITH_ACCOUNT),
    )
    viewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        info=personal(N_("who looked (their account)"), YOU_ADMINS, WITH_ACCOUNT),
    )
    viewer_name: Mapped[str] = mapped_column(
        String(120),
        default="",
        info=personal(
            N_("who looked, by name, so you still know after their account is gone"), YOU_ADMINS, WITH_ACCOUNT
        ),
    )
    viewer_role: Mapped[str] = mapped_column(
        String(20),
        default="",
        info=personal(N_("whether they looked as an instructor or an administrator"), YOU_ADMINS, WITH_ACCOUNT),
    )
    page: Mapped[str] = mapped_column(
        String(200), default="", info=personal(N_("which page they opened"), YOU_ADMINS, WITH_ACCOUNT)
    )
    path: Mapped[str] = mapped_column(
        String(300), default="", info=personal(N_("the page's address on this site"), YOU_ADMINS, WITH_ACCOUNT)
    )
    viewed_at: Mapped[datetime] = mapped_column(
        index=True, info=personal(N_("when they looked (UTC)"), YOU_ADMINS, WITH_ACCOUNT)
    )


class DeletionRequest(Model):
    """A student asked to delete their account (password re-entered) in a class that needs an instructor's approval
    first; an instructor of that class or an administrator approves it, and the account is deleted then."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        unique=True,
        info=personal(N_("whose account is to be deleted"), YOU_TEACHERS, N_("until the deletion is approved")),
    )
    requested_at: Mapped[datetime] = mapped_column(
        info=personal(N_("when you asked"), YOU_TEACHERS, N_("until the deletion is approved"))
    )

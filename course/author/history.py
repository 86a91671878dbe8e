"""Revisions of lessons and quizzes: every save keeps the whole content, and any version can be restored (which is
itself a new revision, so a restore can be undone the same way). The history page is in pages.py."""

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.models import Lesson, Quiz, Revision


def _owner_column(item: Lesson | Quiz):
    """Revisions belong to a lesson or a quiz, through one of two columns."""
    return Revision.lesson_id if isinstance(item, Lesson) else Revision.quiz_id


def _new_revision(item: Lesson | Quiz, **fields) -> Revision:
    return Revision(**{_owner_column(item).key: item.id}, **fields)


def record_revision(item: Lesson | Quiz, content: dict[str, Any], summary: str) -> None:
    """Keep this version of a lesson or quiz, signed by the instructor saving it."""
    db.session.add(_new_revision(item, author_id=current_user.id, content=content, summary=summary))


def record_baseline(item: Lesson | Quiz, content: dict[str, Any]) -> None:
    """Before the first browser edit of an imported item, keep what it was, so even that first change can be undone."""
    if db.session.scalar(select(func.count(Revision.id)).where(_owner_column(item) == item.id)) == 0:
        db.session.add(
            _new_revision(
                item, author_id=None, content=content, summary=_("As it was before the first edit in the browser")
            )
        )


def revisions_of(item: Lesson | Quiz) -> list[Revision]:
    """Oldest first, with their authors, in one query."""
    return list(
        db.session.scalars(
            select(Revision)
            .where(_owner_column(item) == item.id)
            .order_by(Revision.id)
            .options(selectinload(Revision.author))
        )
    )


def revision_of(item: Lesson | Quiz, revision_id: int) -> Revision | None:
    """A revision of this item, or None (also for another item's revision)."""
    revision = db.session.get(Revision, revision_id)
    if revision is None:
        return None
    return revision if getattr(revision, _owner_column(item).key) == item.id else None


def revision_number(item: Lesson | Quiz, revision: Revision) -> int:
    """Revisions are numbered 1, 2, 3… per lesson or quiz, oldest first."""
    column = _owner_column(item)
    return db.session.execute(
        select(func.count(Revision.id)).where(column == item.id, Revision.id <= revision.id)
    ).scalar_one()

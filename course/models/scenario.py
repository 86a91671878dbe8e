"""Scenario lessons: the nodes of a branching lesson (content) and each student's attempts at playing it (learning
records). An attempt keeps the path and state, never an address or device details."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from course.extensions import Model
from course.models.content import Lesson
from course.models.users import utcnow


def _content(purpose: str) -> dict[str, Any]:
    return {"privacy": {"personal": False, "purpose": purpose}}


def _learning(purpose: str) -> dict[str, Any]:
    return {
        "privacy": {
            "personal": True,
            "purpose": purpose,
            "readers": "you, the instructors of your classes, and administrators",
            "kept": (
                "until your class's end date plus the grace period, then anonymised; on account "
                "deletion, deleted or kept only under an anonymous placeholder for the class's "
                "statistics"
            ),
            "shown": True,
        }
    }


class Scenario(Model):
    """The nodes of a scenario lesson: `document` as the author wrote them (export and the editor read it) and
    `compiled`, rendered once at import or save, which the player reads."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True, info=_content("a number that identifies the row"))
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), unique=True, info=_content("the lesson this scenario belongs to")
    )
    document: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, info=_content("the scenario's nodes as written")
    )
    compiled: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, info=_content("the nodes rendered for the player")
    )
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info=_content("when the scenario last changed")
    )

    lesson: Mapped[Lesson] = relationship(
        backref=backref("scenario", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )


class ScenarioAttempt(Model):
    """One play-through of a scenario lesson by a student: the path (node, choice, state before it), the state now
    and, once an ending is reached, which one. A finished attempt never changes; replaying starts a new one."""

    __tablename__ = "scenario_attempts"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=_content("a number that identifies the row"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        index=True,
        info=_learning("whose play-through of a scenario this is"),
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), info=_learning("which scenario lesson was played")
    )
    number: Mapped[int] = mapped_column(info=_learning("which play-through of that scenario it is: 1, 2, …"))
    node: Mapped[str] = mapped_column(String(80), info=_learning("where you are in the scenario"))
    path: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON,
        default=list,
        info=_learning("the choices you made, so you can see your path and step back; your class sees only counts"),
    )
    state: Mapped[dict[str, str]] = mapped_column(
        JSON, default=dict, info=_learning("what your choices decided so far, which later parts of the scenario read")
    )
    ending: Mapped[str | None] = mapped_column(
        String(80), info=_learning("the ending you reached; your class's report counts endings and never names you")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow, info=_learning("when you started (UTC)"))
    finished_at: Mapped[datetime | None] = mapped_column(info=_learning("when you reached an ending (UTC)"))

    lesson: Mapped[Lesson] = relationship()

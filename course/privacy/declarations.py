"""The column declarations (`info={"privacy": ...}`, see course/models/privacy.py) read back, table by table, in
the order and the plain words the data page, the export and the privacy notice use. The declarations are English;
the data page and the export pass `translate` (gettext) to read them in the reader's language, while the privacy
notice stays English."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import MetaData, Table

from course.extensions import db
from course.models.privacy import N_

# Tables in the order a person reads about them, with a plain title; a table not named here comes last under its
# own name, so a new table is never left off the page.
TABLE_TITLES = {
    "users": N_("Your account"),
    "enrollments": N_("Your classes"),
    "lesson_progress": N_("Lessons you opened and completed"),
    "attempts": N_("Your quiz attempts: what you were asked, what you answered, your results"),
    "answer_marks": N_("Marks and feedback from instructors"),
    "attempt_summaries": N_("Your quiz results as the class reports read them"),
    "lab_designs": N_("Your ID Design Lab designs"),
    "lab_submissions": N_("Your ID Design Lab task submissions"),
    "record_views": N_("Who looked at your records"),
    "deletion_requests": N_("Your request to delete your account"),
    "user_sessions": N_("Where you are signed in"),
    "audit_events": N_("Security log entries about your account"),
    "classrooms": N_("Classes you teach"),
    "course_owners": N_("Courses you may edit"),
    "revisions": N_("Lesson and quiz versions you saved"),
}


@dataclass(frozen=True)
class ColumnDeclaration:
    name: str
    personal: bool
    purpose: str
    readers: str = ""
    kept: str = ""
    shown: bool = True


@dataclass(frozen=True)
class TableDeclaration:
    name: str
    title: str
    columns: tuple[ColumnDeclaration, ...]

    @property
    def personal_columns(self) -> tuple[ColumnDeclaration, ...]:
        return tuple(column for column in self.columns if column.personal)

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """Every column a person gets back in their export: all but the secrets (`shown=False`)."""
        return tuple(column.name for column in self.columns if column.shown)


def tables(metadata: MetaData | None = None) -> list[Table]:
    """Every table of the models (or of `metadata`), in reading order."""
    order = list(TABLE_TITLES)
    found = sorted((metadata or db.metadata).tables.values(), key=lambda table: table.name)
    return sorted(found, key=lambda table: order.index(table.name) if table.name in order else len(order))


def undeclared_columns(metadata: MetaData | None = None) -> list[str]:
    """`table.column` for each column without a privacy declaration: the completeness test's list."""
    return [
        f"{table.name}.{column.name}"
        for table in tables(metadata)
        for column in table.columns
        if not isinstance(column.info.get("privacy"), dict)
    ]


def _as_written(text: str) -> str:
    return text


def declaration(table: Table, translate: Callable[[str], str] | None = None) -> TableDeclaration:
    """A table's declarations, in English or through `translate` (a personal column's words only: the others are
    never shown to people)."""
    say = translate or _as_written
    columns = []
    for column in table.columns:
        found = column.info["privacy"]
        personal = found["personal"]
        words = {key: found.get(key, "") for key in ("purpose", "readers", "kept")}
        if personal:
            words = {key: say(text) if text else text for key, text in words.items()}
        columns.append(ColumnDeclaration(name=column.name, personal=personal, shown=found.get("shown", True), **words))
    title = say(TABLE_TITLES[table.name]) if table.name in TABLE_TITLES else table.name.replace("_", " ").capitalize()
    return TableDeclaration(name=table.name, title=title, columns=tuple(columns))


def personal_tables(translate: Callable[[str], str] | None = None) -> list[TableDeclaration]:
    """The tables with at least one column of personal data (see `declaration` for `translate`)."""
    return [found for found in (declaration(table, translate) for table in tables()) if found.personal_columns]

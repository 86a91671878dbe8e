"""The column declarations (`info={"privacy": ...}`, see course/models/privacy.py) read back, table by table, in
the order and the plain words the data page, the export and the privacy notice use."""

from dataclasses import dataclass

from sqlalchemy import MetaData, Table

from course.extensions import db

# Tables in the order a person reads about them, with a plain title; a table not named here comes last under its
# own name, so a new table is never left off the page.
TABLE_TITLES = {
    "users": "Your account",
    "enrollments": "Your classes",
    "lesson_progress": "Lessons you opened and completed",
    "attempts": "Your quiz attempts: what you were asked, what you answered, your results",
    "answer_marks": "Marks and feedback from instructors",
    "attempt_summaries": "Your quiz results as the class reports read them",
    "lab_designs": "Your ID Design Lab designs",
    "lab_submissions": "Your ID Design Lab task submissions",
    "record_views": "Who looked at your records",
    "deletion_requests": "Your request to delete your account",
    "user_sessions": "Where you are signed in",
    "audit_events": "Security log entries about your account",
    "classrooms": "Classes you teach",
    "course_owners": "Courses you may edit",
    "revisions": "Lesson and quiz versions you saved",
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
    return [f"{table.name}.{column.name}" for table in tables(metadata) for column in table.columns
            if not isinstance(column.info.get("privacy"), dict)]  # fmt: skip


def declaration(table: Table) -> TableDeclaration:
    columns = []
    for column in table.columns:
        found = column.info["privacy"]
        columns.append(ColumnDeclaration(
            name=column.name, personal=found["personal"], purpose=found["purpose"], readers=found.get("readers", ""),
            kept=found.get("kept", ""), shown=found.get("shown", True)))  # fmt: skip
    title = TABLE_TITLES.get(table.name, table.name.replace("_", " ").capitalize())
    return TableDeclaration(name=table.name, title=title, columns=tuple(columns))


def personal_tables() -> list[TableDeclaration]:
    """The tables with at least one column of personal data."""
    return [found for found in map(declaration, tables()) if found.personal_columns]

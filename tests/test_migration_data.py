"""An upgrade never loses a record: a database built at every past revision, with rows in every table, keeps
every row and every value when it is upgraded to head, on SQLite and on PostgreSQL.

The rows are generated from the schema as it stood at each revision, so a new migration is covered without
touching this file; the few columns whose values carry meaning (a role, a check constraint) are named below.
"""

import datetime
import os

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    select,
    text,
)

from course import create_app
from course.extensions import db

ROWS_PER_TABLE = 3

# Values that must make sense to the application, not only to the database.
MEANINGFUL_VALUES = {
    ("users", "role"): lambda n: ("student", "instructor", "admin")[n % 3],
    ("revisions", "lesson_id"): lambda n: n if n % 2 else None,
    ("revisions", "quiz_id"): lambda n: None if n % 2 else n,
}

# Tables or columns a migration removes on purpose, with the revision that removes them. Empty so far.
REMOVED_ON_PURPOSE: set[tuple[str, str | None]] = set()


def _past_revisions() -> list[str]:
    """Every revision but head, oldest first, read from the migrations folder."""
    app = create_app({"SECRET_KEY": "list", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    revisions = [revision.revision for revision in script.walk_revisions()]
    return list(reversed(revisions))[:-1]


def _value(table, column, n: int):
    """A representative value of the column's type for row n (1-based), distinct per row."""
    if (table.name, column.name) in MEANINGFUL_VALUES:
        return MEANINGFUL_VALUES[(table.name, column.name)](n)
    if column.foreign_keys:
        return n
    kind = column.type
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, Integer):
        return n if column.primary_key else 100 + n
    if isinstance(kind, DateTime):
        return datetime.datetime(2026, 9, n, 8, 30, n)
    if isinstance(kind, Date):
        return datetime.date(2026, 9, n)
    if isinstance(kind, Float | Numeric):
        return 0.5 + n
    if isinstance(kind, JSON):
        return {"row": n, "text": f"Ünïcode {n}", "items": [n, "two"]}
    if isinstance(kind, LargeBinary):
        return bytes([n]) * 16
    if isinstance(kind, Text):
        return f"{table.name}.{column.name} row {n}\nsecond line — é"
    if isinstance(kind, String):
        value = f"{column.name[:8]}-{n}-é"
        return value[: kind.length] if kind.length else value
    raise AssertionError(f"no sample value for {table.name}.{column.name} of type {kind!r}: add one here")


def _fill_every_table(connection) -> dict[str, list[dict]]:
    """Insert ROWS_PER_TABLE rows into every table, parents first; return what was written."""
    schema = MetaData()
    schema.reflect(connection)
    written = {}
    for table in schema.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = [
            {column.name: _value(table, column, n) for column in table.columns} for n in range(1, ROWS_PER_TABLE + 1)
        ]
        connection.execute(table.insert(), rows)
        written[table.name] = rows
        if connection.dialect.name == "postgresql" and "id" in table.columns:
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {ROWS_PER_TABLE})"))
    return written


def _read_back(connection, table_name: str) -> dict[tuple, dict]:
    """Every row of a table keyed by its primary key."""
    schema = MetaData()
    table = schema.tables.get(table_name) or db.Table(table_name, schema, autoload_with=connection)
    key = [column.name for column in table.primary_key.columns]
    return {tuple(row[name] for name in key): dict(row) for row in connection.execute(select(table)).mappings()}


def _primary_key(connection, table_name: str) -> list[str]:
    schema = MetaData()
    table = db.Table(table_name, schema, autoload_with=connection)
    return [column.name for column in table.primary_key.columns]


@pytest.mark.parametrize("revision", _past_revisions())
def test_upgrade_from_every_revision_keeps_every_row(empty_app, revision):
    with empty_app.app_context():
        upgrade_keeps_every_row(revision)


def upgrade_keeps_every_row(revision: str) -> None:
    """Build the database at `revision`, fill every table, upgrade to head and compare every row."""
    upgrade(revision=revision)
    with db.engine.begin() as connection:
        written = _fill_every_table(connection)
    assert written, f"revision {revision} has no tables to fill"
    db.engine.dispose()

    upgrade(revision="heads")

    with db.engine.connect() as connection:
        for table_name, rows in written.items():
            if (table_name, None) in REMOVED_ON_PURPOSE:
                continue
            key = _primary_key(connection, table_name)
            after = _read_back(connection, table_name)
            assert len(after) == len(rows), f"{table_name}: {len(rows)} rows before the upgrade, {len(after)} after"
            for before in rows:
                kept = after[tuple(before[name] for name in key)]
                for column, value in before.items():
                    if (table_name, column) in REMOVED_ON_PURPOSE:
                        continue
                    assert column in kept, f"{table_name}.{column} disappeared in the upgrade from {revision}"
                    assert kept[column] == value, f"{table_name}.{column} changed in the upgrade from {revision}"


def test_a_failed_sqlite_upgrade_changes_nothing(tmp_path):
    """A migration that fails part-way leaves the database exactly as it was, DDL included."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite's transaction handling is what this checks; PostgreSQL has transactional DDL")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fail.sqlite'}"})
    revisions = _past_revisions()
    with app.app_context():
        upgrade(revision=revisions[-1])
        with db.engine.begin() as connection:
            _fill_every_table(connection)
        with db.engine.begin() as connection:
            # A row no upgrade may carry: an enrolment of a user that does not exist.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.execute(
                text(
                    "INSERT INTO enrollments (user_id, classroom_id, joined_at) VALUES (999, 1, '2026-09-01 08:00:00')"
                )
            )
        db.engine.dispose()
        with db.engine.connect() as connection:
            before = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            schema_before = connection.execute(text("SELECT sql FROM sqlite_master ORDER BY name")).all()
        with pytest.raises(SystemExit):
            upgrade(revision="heads")
        db.engine.dispose()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == before
            assert connection.execute(text("SELECT sql FROM sqlite_master ORDER BY name")).all() == schema_before
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1

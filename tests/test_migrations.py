"""The Alembic history builds exactly the schema the models describe, so a classroom box upgrades safely."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from course.extensions import db


def test_migrations_match_the_models(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []


def test_migrations_go_down_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert {"users", "lessons", "attempts"} <= set(inspect(db.engine).get_table_names())


def test_cli_init_migrates_and_imports_the_bundled_course(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Created course 'chip-paper-state'" in result.output
    again = empty_app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0 and "Updated course 'chip-paper-state'" in again.output

"""Fixtures shared by the suite: a fresh app and database per test (SQLite, or PostgreSQL when DATABASE_URL is
set), a client, a CLI runner, an `auth` helper, the sample course and a SQL statement counter."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import MetaData, event, text

from course import create_app
from course.content import import_course
from course.extensions import db
from course.models import Classroom, User

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    if not os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def clean_database() -> None:
    """Drop every table, whatever revision left it, so a migration test can build a revision from nothing."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            tables = MetaData()
            tables.reflect(connection)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            tables.drop_all(connection)
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database without a single table, for the migration tests."""
    config = {"SECRET_KEY": "migrations", "INSTANCE_PATH": str(tmp_path / "instance")}
    if not os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app(config)
    with app.app_context():
        clean_database()
    yield app
    with app.app_context():
        db.session.remove()
        clean_database()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def course_dir(tmp_path):
    """A private copy of the sample course, so a test may edit it."""
    target = tmp_path / "course"
    shutil.copytree(DATA / "sample", target)
    return target


@pytest.fixture
def sample_course(app, course_dir):
    with app.app_context():
        summary = import_course(course_dir)
        return summary.course.slug


class AuthActions:
    """Create accounts and sign in and out through the real login form."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, username: str, role: str = "student", password: str = PASSWORD) -> int:
        with self.app.app_context():
            user = User(username=username, role=role)
            user.set_password(password)
            db.session.add(user)
            if role != "student" and db.session.query(Classroom).count() == 0:
                db.session.add(Classroom(name="Default class", owner=user))
            db.session.commit()
            return user.id

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")

    def as_role(self, role: str, username: str | None = None) -> int:
        username = username or role
        user_id = self.create(username, role)
        response = self.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a block: `with count_queries() as counted: ...; counted.n`."""

    class Counter:
        n = 0
        statements: list[str] = []

    def counting():
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.n += 1
            counter.statements.append(statement)

        class Block:
            def __enter__(self):
                with app.app_context():
                    self.engine = db.engine
                event.listen(self.engine, "before_cursor_execute", before)
                return counter

            def __exit__(self, *exc):
                event.remove(self.engine, "before_cursor_execute", before)

        return Block()

    return counting

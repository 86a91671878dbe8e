"""Fixtures shared by the suite: a fresh app and database per test (SQLite, or PostgreSQL when DATABASE_URL is
set), a client, a CLI runner, an `auth` helper, the sample course and a SQL statement counter.

Speed without giving up a fresh database per test: the schema is migrated once per session (and the sample course
imported once into a second copy); on SQLite each test gets a file copy of the template it needs, on PostgreSQL the
tables are emptied (and the sample course's rows inserted again) before each test. Every app a test builds keeps its
instance folder under the test's tmp_path and hashes passwords with a cheap method; production keeps scrypt.

The suite runs in as many processes as the machine has cores (pytest-xdist, `-n auto` in pyproject.toml). On
PostgreSQL each process works in a database of its own, named after DATABASE_URL's with the worker's id appended,
created when the process starts and dropped when it ends.
"""

import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import URL, Integer, MetaData, create_engine, event, make_url, select, text
from sqlalchemy.exc import ProgrammingError
from werkzeug.routing import Rule

from course import create_app
from course.content import import_course
from course.extensions import db
from course.models import Classroom, Course, User

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
# One PBKDF2 round: a test account costs microseconds instead of scrypt's third of a second (test_auth proves the
# production default is still scrypt, and that hashes of either kind verify).
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
POSTGRES = bool(os.environ.get("DATABASE_URL"))
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _admin_engine(url: URL):
    return create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")


def _use_a_database_of_this_worker() -> None:
    """Point DATABASE_URL at this worker's own PostgreSQL database, made empty, before any app is built; once per
    process (a test module that imports this file as tests.conftest runs it again)."""
    url = make_url(os.environ["DATABASE_URL"])
    if str(url.database).endswith(f"_{XDIST_WORKER}"):
        return
    own = url.set(database=f"{url.database}_{XDIST_WORKER}")
    admin = _admin_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    os.environ["DATABASE_URL"] = own.render_as_string(hide_password=False)


if POSTGRES and XDIST_WORKER:
    _use_a_database_of_this_worker()


def pytest_sessionfinish(session, exitstatus):
    """A worker drops the database it made (its own connections are ended with it)."""
    if POSTGRES and XDIST_WORKER:
        url = make_url(os.environ["DATABASE_URL"])
        admin = _admin_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, in memory for the session: each test's fresh app still loads every template from
    disk, but compiles it only if its source changed (Jinja checks), not once per test."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture(autouse=True, scope="session")
def _url_builders_compiled_once():
    """Every test builds a fresh app, and Werkzeug compiles two URL-building functions for each of its 110-odd
    rules: most of create_app's time. The functions depend only on the rule's text, defaults and converters and
    take the rule as their first argument, so for the session they are compiled once per distinct rule and bound to
    each app's rules as Werkzeug itself binds them. Routing and url_for behave exactly as without the cache."""
    original = Rule._compile_builder
    compiled = {}

    def compile_builder(rule, append_unknown=True):
        key = (
            rule.rule,
            rule.host,
            rule.subdomain,
            rule.merge_slashes,
            tuple(rule._trace),
            repr(rule.defaults),
            tuple((name, type(converter)) for name, converter in rule._converters.items()),
            append_unknown,
        )
        if key not in compiled:
            compiled[key] = original(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder
    yield
    Rule._compile_builder = original


@pytest.fixture(autouse=True, scope="session")
def _session_outside_the_checkout(tmp_path_factory):
    """Apps that module- and session-wide fixtures build, even without INSTANCE_PATH, keep their instance folder out
    of the checkout too, and hash passwords cheaply."""
    with pytest.MonkeyPatch.context() as session_patch:
        session_patch.setenv("LANYARD_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        session_patch.setenv("LANYARD_PASSWORD_HASH_METHOD", CHEAP_PASSWORD_HASH)
        yield


@pytest.fixture(autouse=True)
def _outside_the_checkout(monkeypatch, tmp_path):
    """Any app a test builds, even without INSTANCE_PATH, keeps its instance folder (SQLite file, secret key,
    backups) under tmp_path, never in the checkout, and hashes passwords cheaply."""
    monkeypatch.setenv("LANYARD_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("LANYARD_PASSWORD_HASH_METHOD", CHEAP_PASSWORD_HASH)


def app_config(tmp_path: Path) -> dict:
    """The settings of the `app` fixture."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
    }


def _migrate_and_close(app) -> None:
    with app.app_context():
        upgrade(revision="heads")
        _close(app)


def _close(app) -> None:
    """Leave a SQLite template as one self-contained file: WAL folded in, no connection open."""
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.engine.dispose()


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory) -> Path:
    """SQLite: a database migrated to head, without a row, built once per session."""
    folder = tmp_path_factory.mktemp("templates")
    template = folder / "empty.sqlite"
    _migrate_and_close(create_app({**app_config(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"}))
    return template


@pytest.fixture(scope="session")
def _sample_template(_empty_template) -> Path:
    """SQLite: the migrated database with the sample course imported, built once per session."""
    template = _empty_template.with_name("sample.sqlite")
    shutil.copyfile(_empty_template, template)
    app = create_app({**app_config(template.parent), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
    with app.app_context():
        import_course(DATA / "sample")
        _close(app)
    return template


class PostgresReset:
    """PostgreSQL: one schema migrated once per session; before each test its rows are deleted and its id sequences
    restarted (DELETE is much faster than TRUNCATE on tables this small), and for the sample course its rows are
    inserted again from a snapshot taken once. A test that left the schema changed (the migration tests drop it) is
    followed by a rebuild."""

    def __init__(self, folder: Path):
        self.app = create_app(app_config(folder))
        self.tables = db.metadata.sorted_tables
        self.snapshot: list = []  # (table, rows) of the sample course, parents first
        self.snapshot_taken = False
        with self.app.app_context():
            from course.operations.health import head_revisions

            self.head = head_revisions()

    def intact(self, connection) -> bool:
        """Every model's table is there and the schema is at the migrations' head."""
        try:
            with connection.begin_nested():
                present = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
                versions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
        except ProgrammingError:
            return False
        return present >= {table.name for table in self.tables} and versions == self.head

    def reset(self, with_sample: bool) -> None:
        with self.app.app_context():
            with db.engine.begin() as connection:
                intact = self.intact(connection)
            if not intact:
                clean_database()
                upgrade(revision="heads")
                self.snapshot_taken = False
            if with_sample and not self.snapshot_taken:
                self._take_snapshot()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
                self._empty(connection)
                if with_sample:
                    self._copy_snapshot(connection)
            db.session.remove()

    def _empty(self, connection) -> None:
        """Delete every row, children first, and start every id sequence again at 1."""
        statements = [f'DELETE FROM public."{table.name}"' for table in reversed(self.tables)]  # noqa: S608
        connection.exec_driver_sql("; ".join(statements))
        connection.exec_driver_sql(
            "SELECT setval(sequence, 1, false) FROM (SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname) "
            "AS sequence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 WHERE c.relkind = 'r') AS owned "
            "WHERE sequence IS NOT NULL"
        )

    def _take_snapshot(self) -> None:
        """Import the sample course once and keep its rows in memory (a schema of their own would end up in what
        the backup tests dump)."""
        with db.engine.begin() as connection:
            self._empty(connection)
        import_course(DATA / "sample")
        with db.engine.begin() as connection:
            rows_by_table = [
                (table, [dict(row) for row in connection.execute(select(table)).mappings()]) for table in self.tables
            ]
        self.snapshot = [(table, rows) for table, rows in rows_by_table if rows]
        self.snapshot_taken = True

    def _copy_snapshot(self, connection) -> None:
        """Insert the sample course's rows again, parents first, and move each id sequence past them."""
        for table, rows in self.snapshot:
            connection.execute(table.insert(), rows)
            key = list(table.primary_key.columns)
            if len(key) == 1 and isinstance(key[0].type, Integer):
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), :last) "
                        "WHERE pg_get_serial_sequence(:table, :column) IS NOT NULL"
                    ),
                    {
                        "table": f'public."{table.name}"',
                        "column": key[0].name,
                        "last": max(row[key[0].name] for row in rows),
                    },
                )


@pytest.fixture(scope="session")
def _postgres(tmp_path_factory) -> PostgresReset:
    return PostgresReset(tmp_path_factory.mktemp("postgres"))


@pytest.fixture
def app(request, tmp_path):
    """A fresh app on a fresh database at the migrations' head; with the sample course already in it when the test
    (or one of its fixtures) asks for `sample_course`."""
    with_sample = "sample_course" in request.fixturenames
    config = app_config(tmp_path)
    database = tmp_path / "test.sqlite"
    if POSTGRES:
        request.getfixturevalue("_postgres").reset(with_sample)
    else:
        shutil.copyfile(request.getfixturevalue("_sample_template" if with_sample else "_empty_template"), database)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for path in (database, database.with_name("test.sqlite-wal"), database.with_name("test.sqlite-shm")):
        path.unlink(missing_ok=True)


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
    if not POSTGRES:
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


SAMPLE_COURSE_SLUG = "sample-course"


@pytest.fixture
def sample_course(app, course_dir):
    """The sample course, imported: `app` starts from the template that holds it (imported here only when the
    fixture was asked for after `app` was built)."""
    with app.app_context():
        if db.session.scalar(select(Course.id).where(Course.slug == SAMPLE_COURSE_SLUG)) is None:
            assert import_course(course_dir).course.slug == SAMPLE_COURSE_SLUG
    return SAMPLE_COURSE_SLUG


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

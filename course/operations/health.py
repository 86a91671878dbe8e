"""What breaks a box, checked in one place: for `flask doctor`, `flask serve` and GET /healthz."""

import ast
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from course.extensions import db

MIN_FREE_DISK_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    """One line of `flask doctor`: what was checked, whether it is fine, and what to do when it is not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def head_revisions() -> set[str]:
    """The revisions the code expects, read from the migrations folder once per process: those no other revision
    revises. Read without Alembic, which a health check would otherwise load into every server process."""
    if "lanyard_head_revisions" not in current_app.extensions:
        revisions: set[str] = set()
        revised: set[str] = set()
        for path in (Path(current_app.extensions["migrate"].directory) / "versions").glob("*.py"):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] in (
                    ["revision"],
                    ["down_revision"],
                ):
                    value = ast.literal_eval(node.value)
                    if getattr(node.targets[0], "id", None) == "revision":
                        revisions.add(value)
                    elif value:
                        revised.update([value] if isinstance(value, str) else value)
        current_app.extensions["lanyard_head_revisions"] = revisions - revised
    return current_app.extensions["lanyard_head_revisions"]


def current_revisions() -> set[str]:
    """The revisions the database is at (empty for a database never migrated), from Alembic's version table."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def database_problem() -> str | None:
    """Why the database cannot serve pages (unreachable, or not at the code's revision), or None when it can."""
    try:
        current = current_revisions()
    except SQLAlchemyError as error:
        return f"the database cannot be reached ({describe_database_error(error)})"
    if current != head_revisions():
        return "the database is not up to date (" + (", ".join(sorted(current)) or "empty") + ")"
    return None


def describe_database_error(error: SQLAlchemyError) -> str:
    """One line a person can act on, instead of a driver's traceback."""
    message = str(getattr(error, "orig", error)).strip().splitlines()[0]
    url = db.engine.url
    if url.get_backend_name() == "postgresql" and "does not exist" in message and url.database:
        return f"{message}; create it with: createdb -h {url.host or 'localhost'} -U {url.username} {url.database}"
    return message


def run_checks() -> list[Check]:
    """Every check of `flask doctor`, in the order a person would fix them."""
    checks = [_database_check(), _migrations_check(), _secret_key_check(), _instance_check(), _disk_check()]
    if current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("redis"):
        checks.append(_redis_check())
    return checks


def _database_check() -> Check:
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        return Check("database", False, f"{url}: {describe_database_error(error)}", _database_fix())
    return Check("database", True, url)


def _database_fix() -> str:
    if db.engine.url.get_backend_name() == "sqlite":
        return "check that the instance folder exists and is writable by the user running Lanyard"
    return "check DATABASE_URL, that PostgreSQL is running, and that the database and user exist"


def _migrations_check() -> Check:
    try:
        current = current_revisions()
    except SQLAlchemyError:
        return Check("migrations", False, "not checked: no database", "fix the database first")
    heads = head_revisions()
    if current == heads:
        return Check("migrations", True, "at " + ", ".join(sorted(heads)))
    shown = ", ".join(sorted(current)) or "none applied"
    return Check(
        "migrations",
        False,
        f"database at {shown}, code expects {', '.join(sorted(heads))}",
        "run: flask --app app init  (it backs up the database first)",
    )


def _secret_key_check() -> Check:
    if os.environ.get("LANYARD_SECRET_KEY"):
        return Check("secret key", True, "from LANYARD_SECRET_KEY")
    key_file = Path(current_app.instance_path) / "secret_key"
    if not key_file.exists():
        return Check(
            "secret key",
            False,
            f"{key_file} is missing",
            "it is created on the next start; sessions signed with the old key end",
        )
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        return Check(
            "secret key", False, f"{key_file} can be read by other users (mode {mode:o})", f"run: chmod 600 {key_file}"
        )
    return Check("secret key", True, f"{key_file}, private")


def _instance_check() -> Check:
    instance = Path(current_app.instance_path)
    if instance.is_dir() and os.access(instance, os.W_OK):
        return Check("instance folder", True, f"{instance}, writable")
    return Check(
        "instance folder",
        False,
        f"{instance} is missing or not writable",
        "give the user running Lanyard write access to it",
    )


def _disk_check() -> Check:
    instance = Path(current_app.instance_path)
    free = shutil.disk_usage(instance).free
    detail = f"{free / 1024**3:.1f} GiB free at {instance}"
    if free < MIN_FREE_DISK_BYTES:
        return Check("disk space", False, detail, "free some space: backups and the database need room to grow")
    return Check("disk space", True, detail)


def _redis_check() -> Check:
    import redis

    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    try:
        redis.Redis.from_url(uri, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return Check("redis", False, f"{uri}: {error}", "start Redis, or unset REDIS_URL on a single server")
    return Check("redis", True, uri)


def healthz():
    """For a monitor or a load balancer: 200 when the database answers at the code's revision, 503 otherwise.
    The reason goes to the log, never to an anonymous caller."""
    problem = database_problem()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    if problem:
        current_app.logger.warning("health check failed: %s", problem)
        return "unavailable\n", 503, headers
    return "ok\n", 200, headers

"""Platform settings a school relies on: SQLite tuned for a classroom box, shared rate limits, safe headers."""

import os
import socket
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from course import create_app
from course.extensions import db
from tests.dom import parse


def test_sqlite_runs_with_wal_normal_sync_foreign_keys_and_a_busy_timeout(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite settings")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_database_url_selects_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example/lanyard")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/lanyard"


def test_a_secret_key_is_created_once_per_installation(monkeypatch, tmp_path):
    """Without LANYARD_SECRET_KEY the first start writes a random key into the instance folder, readable by its
    owner only; later starts read it back; another installation gets a key of its own."""
    monkeypatch.delenv("LANYARD_SECRET_KEY", raising=False)
    box = tmp_path / "box"
    monkeypatch.setenv("LANYARD_INSTANCE_PATH", str(box))
    assert not box.exists()
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    key_file = box / "secret_key"
    assert key_file.read_text() == first and len(first) == 64 and int(first, 16) >= 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert second == first
    monkeypatch.setenv("LANYARD_INSTANCE_PATH", str(tmp_path / "another-box"))
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] not in {first, ""}


def test_apps_the_suite_builds_keep_their_instance_folder_out_of_the_checkout(tmp_path):
    """The suite writes nothing into the checkout: an app built without INSTANCE_PATH lands in the test's tmp_path."""
    from course import PROJECT_ROOT

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.instance_path) == tmp_path / "instance"
    assert (tmp_path / "instance" / "secret_key").exists()
    assert not Path(app.instance_path).is_relative_to(PROJECT_ROOT)


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available() and not os.environ.get("CI"), reason="Redis is not running")
def test_login_limits_are_shared_between_processes_through_redis(monkeypatch, tmp_path, auth, app):
    """Two app instances (two worker processes of one school) count the same account's attempts together."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    auth.create("sam")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": uri,
                "LOGIN_LIMITS": "3 per minute",
                "WTF_CSRF_ENABLED": False,
            }
        )
        for _ in range(2)
    ]
    assert workers[0].config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    statuses = []
    for number in range(4):
        client = workers[number % 2].test_client()
        address = {"REMOTE_ADDR": f"10.1.0.{number}"}
        statuses.append(
            client.post("/login", data={"username": "sam", "password": "wrong!!!"}, environ_base=address).status_code
        )
    assert statuses == [200, 200, 200, 429]
    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()


def test_every_response_carries_the_privacy_and_safety_headers(client):
    response = client.get("/setup")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_assets_are_all_local(client):
    html = client.get("/setup").get_data(as_text=True)
    head = parse(html).one("head").html
    assert head.startswith("<head") and "http://" not in head and "https://" not in head
    assert client.get("/static/lanyard.css").status_code == 200


def test_a_forked_worker_opens_its_own_database_connections(app):
    """gunicorn --preload builds the app once and forks its workers: a worker must not reuse its parent's pooled
    connection (two processes on one connection corrupt each other's answers)."""
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        assert db.engine.pool.checkedin() == 1
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through its exit code
        code = 3
        try:
            with app.app_context():
                inherited = db.engine.pool.checkedin()
                works = db.session.execute(text("SELECT 1")).scalar() == 1
                code = 0 if inherited == 0 and works else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # the parent's connection is still its own

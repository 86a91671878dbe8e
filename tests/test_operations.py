"""Running a classroom box: the production server, backups taken while students work and restored whole, the
automatic backup and lock of `flask init`, the admin's commands, /healthz, logs and the addresses students see."""

import http.client
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url

from course import PROJECT_ROOT, create_app
from course.extensions import db
from course.models import Course, LessonProgress, User
from course.operations import backup, network
from tests.conftest import PASSWORD

QUIZ = "/courses/sample-course/quizzes/basics-quiz"
LESSONS = "/courses/sample-course/lessons"
DATA = Path(__file__).parent / "data"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


# -- helpers ----------------------------------------------------------------------------------------------------


def every_row(engine) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, to compare two databases whole."""
    schema = MetaData()
    with engine.connect() as connection:
        schema.reflect(connection)
        return {
            name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for name, table in schema.tables.items()
        }


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a second, empty database of the same kind as the suite's, for restores and concurrent inits."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    url = make_url(os.environ["DATABASE_URL"])
    name = f"{url.database}_fresh"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def app_on(url: str, instance: Path, **config):
    return create_app({"SECRET_KEY": "fresh", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), **config})


def flask_command(*args, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `flask --app app …` as an administrator would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    return connection.getresponse()


@pytest.fixture
def student(auth, sample_course):
    return auth.as_role("student", "sam")


# -- backups ----------------------------------------------------------------------------------------------------


def test_backup_while_answers_are_saved_then_restore_into_a_fresh_instance(
    app, client, auth, student, runner, tmp_path, fresh_database
):
    Path(app.instance_path, "secret_key").write_text("the box's own key")
    attempt_url = client.post(f"{QUIZ}/start").location
    client.post(f"{LESSONS}/what-a-card-is/complete")
    stop, saves, failures = threading.Event(), [], []

    def keep_answering():
        while not stop.is_set():
            response = client.post(attempt_url, data={"action": "save", "q-body": str(len(saves) % 2)})
            (saves if response.status_code == 302 else failures).append(response.status_code)

    writer = threading.Thread(target=keep_answering)
    writer.start()
    try:
        while len(saves) < 5:
            time.sleep(0.01)
        during = runner.invoke(args=["backup", str(tmp_path / "during.zip")])
        saves_at_backup = len(saves)
        while len(saves) < saves_at_backup + 5:
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    assert during.exit_code == 0, during.output
    assert not failures, failures
    assert "Backed up the" in during.output

    with zipfile.ZipFile(tmp_path / "during.zip") as archive:
        assert {"manifest.json", "instance/secret_key"} <= set(archive.namelist())

    fresh = app_on(fresh_database, tmp_path / "fresh-instance")
    restored = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "during.zip")])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        assert db.session.scalar(select(func.count(LessonProgress.id))) == 1
        assert db.session.scalar(select(User.username).where(User.id == student)) == "sam"
        db.engine.dispose()

    # Quiet now: a second backup restored over the first (which needs --force) gives back every table exactly.
    quiet = runner.invoke(args=["backup", str(tmp_path / "quiet.zip")])
    assert quiet.exit_code == 0, quiet.output
    refused = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "quiet.zip")])
    assert refused.exit_code == 1 and "add --force" in refused.output
    forced = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "quiet.zip"), "--force"])
    assert forced.exit_code == 0, forced.output
    assert list((tmp_path / "fresh-instance" / "backups").glob("*-before-restore.zip"))
    with app.app_context():
        live_rows = every_row(db.engine)
    with fresh.app_context():
        assert every_row(db.engine) == live_rows
        db.engine.dispose()
    assert (tmp_path / "fresh-instance" / "secret_key").read_text() == Path(app.instance_path, "secret_key").read_text()


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "photo.zip"
    with zipfile.ZipFile(bogus, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1 and "is not a Lanyard backup" in result.output
    assert "Traceback" not in result.output


def test_init_backs_up_a_database_that_holds_data_and_keeps_the_last_five(tmp_path):
    if POSTGRES:
        pytest.skip("the automatic backup before init is for SQLite boxes; districts back up with pg_dump")
    instance = tmp_path / "instance"
    app = app_on(f"sqlite:///{tmp_path / 'box.sqlite'}", instance)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Backed up" not in first.output  # nothing to keep yet
    backups = instance / "backups"
    backups.mkdir(exist_ok=True)
    for day in range(1, 7):
        (backups / f"lanyard-2026010{day}-080000-before-init.zip").write_bytes(b"old")
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0, again.output
    assert f"Backed up the database to {backups}" in again.output
    kept = sorted(path.name for path in backups.glob("*-before-init.zip"))
    assert len(kept) == 5 and "lanyard-20260101-080000-before-init.zip" not in kept
    with zipfile.ZipFile(backups / kept[-1]) as archive:
        assert "database/lanyard.sqlite" in archive.namelist()


def test_two_inits_at_once_both_end_cleanly_with_each_course_once(tmp_path, fresh_database):
    env = {
        "DATABASE_URL": fresh_database,
        "LANYARD_INSTANCE_PATH": str(tmp_path / "instance"),
        "LANYARD_SECRET_KEY": "concurrent",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "init"]
    processes = [
        subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert "Traceback" not in "".join(outputs)
    app = app_on(fresh_database, tmp_path / "instance")
    with app.app_context():
        slugs = db.session.scalars(select(Course.slug)).all()
        db.engine.dispose()
    assert sorted(slugs) == ["chip-paper-state", "chip-paper-state-ko"]


# -- the admin's commands ---------------------------------------------------------------------------------------


def test_reset_password_prompts_twice_and_signs_the_account_out(app, client, auth, runner):
    auth.as_role("admin", "head")
    assert client.get("/teach/").status_code == 200
    mismatch_then_match = "new password one\nnew password two\nnew password one\nnew password one\n"
    result = runner.invoke(args=["users", "reset-password", "Head"], input=mismatch_then_match)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output and "new password one" not in result.output
    assert client.get("/teach/").status_code in {302, 401}
    assert auth.login("head", "new password one").status_code == 302


def test_reset_password_refuses_a_weak_password_and_unknown_names(app, auth, runner):
    auth.create("head", "admin")
    weak = runner.invoke(args=["users", "reset-password", "head"], input="abc\nabc\n")
    assert weak.exit_code == 1 and "Error:" in weak.output
    unknown = runner.invoke(args=["users", "reset-password", "nobody"], input="x\nx\n")
    assert unknown.exit_code == 2 and "there is no account 'nobody'" in unknown.output


def test_set_role_changes_a_role_but_never_removes_the_last_admin(app, auth, runner):
    auth.create("head", "admin")
    auth.create("teacher", "student")
    promoted = runner.invoke(args=["users", "set-role", "teacher", "instructor"])
    assert promoted.exit_code == 0 and "'teacher' is now instructor (was student)" in promoted.output
    last = runner.invoke(args=["users", "set-role", "head", "student"])
    assert last.exit_code == 1 and "only admin" in last.output
    listed = runner.invoke(args=["users", "list", "--role", "instructor"])
    assert listed.output.startswith("teacher\tinstructor")


def test_doctor_reports_each_check_and_how_to_fix_it(tmp_path):
    instance = tmp_path / "instance"
    app = app_on(f"sqlite:///{tmp_path / 'doctor.sqlite'}", instance, SECRET_KEY=None)
    runner = app.test_cli_runner()
    before = runner.invoke(args=["doctor"])
    assert before.exit_code == 1
    assert re.search(r"FAIL migrations: database at none applied.*flask --app app init", before.output)
    with app.app_context():
        upgrade()
    (instance / "secret_key").chmod(0o644)
    loose = runner.invoke(args=["doctor"])
    assert loose.exit_code == 1 and f"chmod 600 {instance / 'secret_key'}" in loose.output
    (instance / "secret_key").chmod(0o600)
    fine = runner.invoke(args=["doctor"])
    assert fine.exit_code == 0, fine.output
    for name in ("database", "migrations", "secret key", "instance folder", "disk space"):
        assert f"ok   {name}:" in fine.output


def test_doctor_checks_redis_when_it_is_configured(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'r.sqlite'}", tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert "FAIL redis: redis://127.0.0.1:1/0" in result.output and "unset REDIS_URL" in result.output


def test_a_missing_postgresql_database_is_one_line_with_the_fix(tmp_path):
    env = {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/lanyard_no_such_db",
        "LANYARD_INSTANCE_PATH": str(tmp_path),
        "LANYARD_SECRET_KEY": "x",
    }
    for args in (["users", "list"], ["init"]):
        result = flask_command(*args, env=env)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert 'database "lanyard_no_such_db" does not exist' in result.stderr
        assert "createdb -h 127.0.0.1 -U postgres lanyard_no_such_db" in result.stderr


# -- the server, /healthz, logs and addresses -------------------------------------------------------------------


def test_serve_runs_waitress_on_the_given_address_and_prints_where_students_go(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}",
        "LANYARD_INSTANCE_PATH": str(tmp_path),
        "LANYARD_SECRET_KEY": "serve",
    }
    refused = flask_command("serve", env=env)
    assert refused.returncode == 1 and "run `flask --app app init` first" in refused.stderr
    assert flask_command("init", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                health = fetch(port, "/healthz")
                break
            except ConnectionError:
                time.sleep(0.1)
        assert health.status == 200 and health.read() == b"ok\n"
        assert health.getheader("Server") == "Lanyard"
        assert fetch(port, "/").status == 302
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/register" in output and "Students open:" in output


def test_healthz_answers_503_until_migrations_are_at_head(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'health.sqlite'}", tmp_path)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.text == "unavailable\n"
    with app.app_context():
        upgrade()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_each_request_is_logged_by_route_without_the_address(app, client, student, caplog):
    caplog.set_level(logging.INFO, logger="course.requests")
    client.get(f"{LESSONS}/what-a-card-is", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    lines = [record.getMessage() for record in caplog.records if record.name == "course.requests"]
    assert any(re.fullmatch(r"GET /courses/<slug>/lessons/<lesson_slug> 200 \d+\.\dms", line) for line in lines)
    assert not any("10.9.8.7" in line or "what-a-card-is" in line for line in lines)


def test_rate_limit_hits_are_logged_as_warnings(app, client, auth, caplog):
    auth.create("ana")
    caplog.set_level(logging.WARNING, logger="course.requests")
    for _ in range(60):
        if client.post("/login", data={"username": "ana", "password": "wrong"}).status_code == 429:
            break
    assert any(
        record.levelno == logging.WARNING and "rate limit reached on POST /login" in record.getMessage()
        for record in caplog.records
    )


def test_lan_addresses_are_never_loopback():
    for address in network.lan_addresses():
        assert not address.startswith("127.") and address != "0.0.0.0"


def test_the_teach_page_gives_students_an_address_their_devices_can_open(app, client, auth, monkeypatch):
    auth.create("teacher", "instructor")
    monkeypatch.setattr(network, "lan_addresses", lambda: ["192.168.4.20"])

    def teach_page(base_url):
        client.post("/login", data={"username": "teacher", "password": PASSWORD}, base_url=base_url)
        return client.get("/teach/", base_url=base_url).get_data(as_text=True)

    on_the_box = teach_page("http://127.0.0.1:8000")
    assert "http://192.168.4.20:8000/register" in on_the_box and "127.0.0.1" not in on_the_box
    from_a_laptop = teach_page("http://10.0.0.5:8000")
    assert "http://10.0.0.5:8000/register" in from_a_laptop and "192.168.4.20" not in from_a_laptop


def test_password_for_tests_is_strong_enough():
    """The suite's shared password passes the same rule the reset command applies."""
    from course.auth.forms import password_problem

    assert password_problem(PASSWORD) is None


def test_concurrent_first_visitors_create_exactly_one_admin(app):
    """Twelve setup forms submitted at the same moment: one admin, the rest refused, no server error."""
    start = threading.Barrier(12)
    statuses = []

    def submit(n):
        client = app.test_client()
        start.wait()
        response = client.post("/setup", data={"username": f"first{n}", "password": PASSWORD, "confirm": PASSWORD})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [403] * 11, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_nightly_backups_keep_the_newest_and_spare_the_ones_before_init(app, runner, tmp_path):
    folder = Path(app.instance_path) / "backups"
    folder.mkdir(parents=True)
    for day in range(1, 5):
        (folder / f"lanyard-2026010{day}-023000.zip").write_bytes(b"old")
    (folder / "lanyard-20250101-080000-before-init.zip").write_bytes(b"old")
    result = runner.invoke(args=["backup", "--keep", "2"])
    assert result.exit_code == 0, result.output
    left = sorted(path.name for path in folder.iterdir())
    assert len(left) == 3 and "lanyard-20260104-023000.zip" in left
    assert "lanyard-20250101-080000-before-init.zip" in left


def test_the_service_units_run_commands_that_exist_as_an_unprivileged_user():
    """The systemd units in deploy/ call real commands with real options, and never as root."""
    app = create_app({"SECRET_KEY": "units", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    expected = {"lanyard.service": ("host", "0.0.0.0"), "lanyard-backup.service": ("keep", 14)}
    for unit, (option, value) in expected.items():
        lines = (PROJECT_ROOT / "deploy" / "systemd" / unit).read_text().splitlines()
        settings = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
        assert settings["User"] not in {"root", "0"} and settings["NoNewPrivileges"] == "true"
        words = settings["ExecStart"].split()
        assert words[:3] == ["/opt/lanyard/.venv/bin/flask", "--app", "app"]
        command = app.cli.get_command(None, words[3])
        assert command is not None, words[3]
        context = command.make_context(words[3], words[4:])  # a wrong option raises a usage error
        assert context.params[option] == value


def test_a_refused_course_import_is_logged_as_a_warning(app, runner, tmp_path, caplog):
    broken = tmp_path / "broken"
    (broken / "lessons").mkdir(parents=True)
    (broken / "lessons" / "course.yaml").write_text("slug: [not, a, slug]\n")
    caplog.set_level(logging.WARNING, logger="course")
    result = runner.invoke(args=["course", "import", str(broken)])
    assert result.exit_code != 0
    assert any("course import refused" in record.getMessage() for record in caplog.records)


def test_a_command_on_a_database_never_set_up_says_to_run_init(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'blank.sqlite'}", tmp_path)
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: the database is not up to date (empty); run `flask --app app init` first")


def test_restore_refuses_a_backup_bigger_than_the_free_disk(app, runner, tmp_path, monkeypatch):
    """A backup is a file from elsewhere: one that would unpack to more than the disk can take is refused before
    anything is unpacked (16 MiB of zeros compress to a few KiB; the disk here reports 10 MiB free)."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", '{"format": 1, "database": "sqlite", "tables": {}}')
        archive.writestr("database/lanyard.sqlite", bytes(16 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    disk = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: disk._replace(free=10 * 1024 * 1024))
    result = runner.invoke(args=["restore", str(bomb)])
    assert result.exit_code == 1 and "free some space first" in result.output
    assert not list(Path(app.instance_path).glob("tmp*"))


def test_account_commands_leave_an_audit_trail(app, auth, runner):
    from course.models import AuditEvent

    auth.create("head", "admin")
    runner.invoke(args=["users", "create", "teacher", "--role", "student", "--password", PASSWORD])
    runner.invoke(args=["users", "set-role", "teacher", "instructor"])
    runner.invoke(args=["users", "reset-password", "teacher"], input="another good password\n" * 2)
    with app.app_context():
        trail = db.session.execute(select(AuditEvent.action, AuditEvent.actor_name, AuditEvent.detail)).all()
    actions = [row.action for row in trail]
    assert actions == ["account.created", "account.role", "account.password_reset"]
    assert all(row.actor_name == "(command line)" for row in trail)
    assert "student → instructor" in trail[1].detail


def test_init_imports_every_course_the_release_ships(tmp_path, fresh_database):
    """The flagship at the root and each edition under courses/ (the Korean one, say) arrive with one `init`."""
    release = tmp_path / "release"
    shutil.copytree(DATA / "sample", release)
    edition = release / "courses" / "sample-ko"
    shutil.copytree(DATA / "sample", edition)
    course_yaml = edition / "lessons" / "course.yaml"
    korean = course_yaml.read_text().replace("slug: ", "slug: ko-", 1).replace("language: en", "language: ko")
    course_yaml.write_text(korean)
    (release / "courses" / "notes").mkdir()  # a folder that is not a course is passed over
    app = app_on(fresh_database, tmp_path / "instance", BUNDLED_COURSE_PATH=str(release))
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        courses = db.session.execute(select(Course.slug, Course.language).order_by(Course.slug)).all()
    flagship = yaml.safe_load((DATA / "sample" / "lessons" / "course.yaml").read_text())["slug"]
    assert [tuple(row) for row in courses] == sorted([(flagship, "en"), (f"ko-{flagship}", "ko")])

"""Benchmark: Lanyard under a class's load beside a bare-Flask ceiling (bench/ceiling.py) under the same server
settings. It prints figures; it is not a test and asserts no timings.

The ratio to the ceiling is the figure that matters: what Flask and the server alone reach on this machine, a 5 KB
Jinja page and one read plus one write on the same database, against Lanyard's pages and writes. It says what
Lanyard's own work costs, whatever the machine and however busy it is, because the runs are interleaved (each round
runs every path once) and the table shows medians.

A third server, Lanyard with one extra page that does only what every signed-in page must (bench/floor.py: the
session cookie, the session check, the request hooks, the content version, a CSRF token and the page frame around a
5 KB body), gives the "signed-in floor": the most any signed-in page of this design can reach, against the same
ceiling.

Load: wrk (Debian's package) with 32 connections over 50 signed-in students whose requests rotate (bench/serve.lua),
each with the student's session cookie and CSRF token, signed in through /login as a browser does. Every prepared
request is sent once and its answer checked before anything is timed, and every timed answer's status is checked,
so a lost session (a redirect to /login) cannot pass for a fast page. Writes vary on every request.

Quiz submits each need an open attempt, and a quiz allows three. Each student opens one attempt through the app;
before every submit run the script copies that row (the snapshot the app made) into as many open attempts as the run
can use, and afterwards counts the attempts the run graded and deletes the copies, so My progress stays as it was.
A run that used them all asks for a missing page, which shows as errors.

The project's bytecode is written first (`compileall`), as the install instructions do: a server that cannot
write it compiles every module at each start, and the cold start would measure that.

Everything runs on a throwaway instance (a temporary folder; with --database postgresql a throwaway database,
dropped at the end) with CSRF on as in a real server. Sign-in limits are raised for this server only, because every
student signs in from 127.0.0.1.

Run: .venv/bin/python bench/serve.py [--server gunicorn|waitress] [--database sqlite|postgresql] [--workers N]
     [--threads N] [--district-config] [--duration SECONDS] [--runs N]
"""

import argparse
import datetime
import http.client
import http.cookiejar
import json
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import ceiling  # noqa: E402

# Commands with fixed arguments only (ruff S603 is silenced on each call for that reason).
PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "app"]
WRK = shutil.which("wrk")
HOST = "127.0.0.1"
# Lanyard as served; Lanyard with one page that does only what every signed-in page must (bench/floor.py); the
# bare-Flask ceiling (bench/ceiling.py). Memory and cold start are measured for the first and the last.
SERVERS = ("lanyard", "floor", "ceiling")
CLIENTS = 32
WRK_THREADS = 2
STUDENTS = 50
PASSWORD = "bench password 1234"  # noqa: S105 - students of a throwaway instance
COURSE = "chip-paper-state"
LESSON_PATH = f"/courses/{COURSE}/lessons/the-2019-reissue"
OUTLINE_PATH = f"/courses/{COURSE}"
PROGRESS_PATH = "/progress"
# The lab as a lesson embeds it (```lab preset=nk-2019 task=no-remote-read```).
LAB_PATH = "/lab?preset=nk-2019&task=no-remote-read"
SAVE_QUIZ = f"/courses/{COURSE}/quizzes/what-id-is-for-quiz"
SUBMIT_QUIZ = f"/courses/{COURSE}/quizzes/card-technology-quiz"
# Copies of the submit attempt are numbered from here, far above any attempt a student can make.
COPY_NUMBERS_FROM = 100_000
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# Only failed sign-ins count against these, but every student signs in from the same address; stay far above.
GENEROUS_LIMITS = "100000 per minute"
BOUNDARY = "----lanyardbench"
VARYING = "@@N@@"  # replaced by serve.lua with a number unique in the run


@dataclass
class Target:
    """One row of the table: what wrk sends, what each answer must be, and which ceiling row it is compared with."""

    label: str
    server: str  # "lanyard", "floor" or "ceiling"
    requests: list[dict]
    expected: int = 200
    ceiling: str | None = None
    once: bool = False  # quiz submit: every request needs an attempt of its own
    size: int = 0
    runs: list[dict] = field(default_factory=list)


def main() -> None:
    """Set up, measure and print; on failure show the end of the servers' logs, as the temporary folder goes."""
    options = _options()
    if WRK is None:
        sys.exit("wrk is not installed (Debian and Ubuntu: apt install wrk).")
    folder = Path(tempfile.mkdtemp(prefix="lanyard-bench-"))
    database = _create_database(options.database, folder)
    servers: list[subprocess.Popen] = []
    try:
        env = _instance_env(folder, database, options)
        # Bytecode as the install instructions write it (docs/operations.md), whoever runs this.
        subprocess.run([PYTHON, "-m", "compileall", "-q", "app.py", "course", "bench"], cwd=ROOT, check=True)  # noqa: S603
        subprocess.run([*FLASK, "init"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        _create_students(env)
        ceiling.prepare(env["CEILING_DATABASE_URL"], STUDENTS)
        cold = _cold_starts(env, folder, options)
        ports = {name: _free_port() for name in SERVERS}
        for name, port in ports.items():
            with (folder / f"{name}.log").open("a") as log:
                servers.append(
                    subprocess.Popen(  # noqa: S603
                        _command(name, port, options),
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for port in ports.values():
            _wait_until_up(port, deadline=60)
        bases = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
        copies = QuizAttempts(env["DATABASE_URL"])
        targets = _targets(bases["lanyard"], copies)
        pids = {name: server.pid for name, server in zip(SERVERS, servers, strict=True)}
        memory = _measure(targets, bases, pids, copies, folder, options)
        copies.close()
        _print_table(targets, memory, cold, options)
    except Exception:
        for name in SERVERS:
            log_file = folder / f"{name}.log"
            if log_file.exists():
                tail = "".join(log_file.read_text().splitlines(keepends=True)[-20:])
                print(f"--- end of {name}.log\n{tail}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        _drop_database(database)
        shutil.rmtree(folder, ignore_errors=True)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        choices=["gunicorn", "waitress"],
        default="gunicorn",
        help="gunicorn (a school's deployment; the issue's figures) or waitress (`flask serve`, "
        "a classroom box); both apps run under the same settings (default gunicorn)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help=f"sqlite (a file in the temporary folder) or postgresql (a throwaway database at "
        f"{POSTGRES}, dropped at the end) (default sqlite)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--district-config",
        action="store_true",
        help="gunicorn with the district's settings file, deploy/gunicorn.conf.py, for both apps "
        "(workers and threads as given here)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="threads per process: default 1 for gunicorn (sync workers), 8 for waitress (as `flask serve`)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs per path; medians shown (default 3)")
    options = parser.parse_args()
    if options.threads is None:
        options.threads = 1 if options.server == "gunicorn" else 8
    return options


def _create_database(kind: str, folder: Path) -> str:
    """The database URL of the throwaway instance; for PostgreSQL a database of its own is created here."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite'}"
    import psycopg

    name = f"lanyard_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def _drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _instance_env(folder: Path, database: str, options: argparse.Namespace) -> dict[str, str]:
    """The environment of a throwaway instance. The caller's LANYARD_*, DATABASE_URL and REDIS_URL are dropped so
    a shell set up for a real box cannot point the benchmark at real data or change what is measured."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LANYARD_") and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        LANYARD_INSTANCE_PATH=str(folder),
        DATABASE_URL=database,
        LANYARD_SECRET_KEY="bench",  # noqa: S106 - a throwaway instance
        LANYARD_LOGIN_LIMITS=GENEROUS_LIMITS,
        LANYARD_LOGIN_ADDRESS_LIMITS=GENEROUS_LIMITS,
        # A file of its own on SQLite, so the ceiling's writes never share Lanyard's write-ahead log.
        CEILING_DATABASE_URL=f"sqlite:///{folder / 'ceiling.sqlite'}" if database.startswith("sqlite") else database,
    )
    return env


# One process and `flask users create` for every student, as an administrator would, without 50 start-ups.
CREATE_STUDENTS = """
import sys
from app import app
runner = app.test_cli_runner()
for number in range(int(sys.argv[1])):
    args = ["users", "create", f"bench{number}", "--role", "student", "--password", sys.argv[2]]
    result = runner.invoke(args=args)
    if result.exit_code:
        sys.exit(result.output)
"""


def _create_students(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "-c", CREATE_STUDENTS, str(STUDENTS), PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _command(app: str, port: int, options: argparse.Namespace) -> list[str]:
    """The same server settings for Lanyard, its floor and the ceiling."""
    if options.server == "gunicorn":
        target = "app:app" if app == "lanyard" else f"bench.{app}:create_app()"
        # No control socket: its default path is one per user, which the two servers (and others') would share.
        district = ["--config", str(ROOT / "deploy" / "gunicorn.conf.py")] if options.district_config else []
        return [
            PYTHON,
            "-m",
            "gunicorn",
            *district,
            "--workers",
            str(options.workers),
            "--threads",
            str(options.threads),
            "--bind",
            f"{HOST}:{port}",
            "--no-control-socket",
            target,
        ]
    if app == "lanyard":
        return [*FLASK, "serve", "--host", HOST, "--port", str(port), "--threads", str(options.threads)]
    return [PYTHON, "-m", f"bench.{app}", "--host", HOST, "--port", str(port), "--threads", str(options.threads)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _wait_until_up(port: int, deadline: float) -> None:
    """Poll until the server answers: it listens a moment after its process starts."""
    give_up = time.monotonic() + deadline
    while not _healthy(port):
        if time.monotonic() > give_up:
            raise RuntimeError(f"no answer from /healthz on port {port} after {deadline} s")
        time.sleep(0.01)


def _cold_starts(env: dict[str, str], folder: Path, options: argparse.Namespace) -> dict[str, float]:
    """Seconds from spawning the server to its first 200 on /healthz, the median of --runs starts of each app,
    alternating, with nothing else of the benchmark running."""
    times: dict[str, list[float]] = {"lanyard": [], "ceiling": []}
    for _ in range(options.runs):
        for app in times:
            port = _free_port()
            with (folder / f"{app}.log").open("a") as log:
                started = time.monotonic()
                server = subprocess.Popen(  # noqa: S603
                    _command(app, port, options),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                try:
                    _wait_until_up(port, deadline=60)
                    times[app].append(time.monotonic() - started)
                finally:
                    server.terminate()
                    server.wait()
    return {app: statistics.median(values) for app, values in times.items()}


# Preparing the requests: students sign in and open attempts as a browser does.


class _Form(HTMLParser):
    """What a browser would post for one form of a page (by id, or the first with a CSRF token): hidden and text
    inputs, checked boxes and radios, the selected (or first) option of each select. Also every input, for the
    quiz's answers."""

    def __init__(self, html: str, form_id: str | None = None):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.select: str | None = None
        self.select_value: str | None = None
        self.fields: list[tuple[str, str]] = []
        self.inputs: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
        elif tag == "input":
            self.inputs.append(attrs)
            if self.inside and attrs.get("name"):
                kind = attrs.get("type", "text")
                if kind in {"checkbox", "radio"} and "checked" not in attrs:
                    return
                if kind not in {"submit", "button", "file"}:
                    self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and self.inside:
            self.select, self.select_value = attrs.get("name"), None
        elif tag == "option" and self.select:
            if self.select_value is None or "selected" in attrs:
                self.select_value = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.fields.append((self.select, self.select_value or ""))
            self.select = None
        elif tag == "form" and self.inside and self.form_id is not None:
            self.inside = False


def _csrf_token(html: str) -> str:
    return next(i["value"] for i in _Form(html).inputs if i.get("name") == "csrf_token")


def _answers(html: str) -> list[tuple[str, str]]:
    """One answer per question on the attempt page: the first choice, or a typed answer; the first typed answer
    carries the run's varying number, so every autosave writes different bytes."""
    answers: list[tuple[str, str]] = []
    varied = False
    for field_attrs in _Form(html).inputs:
        name = field_attrs.get("name", "")
        if not name.startswith("q-") or name in dict(answers):
            continue
        if field_attrs.get("type") in {"radio", "checkbox"}:
            answers.append((name, field_attrs["value"]))
        elif field_attrs.get("inputmode") == "decimal":
            answers.append((name, "3"))
        else:
            answers.append((name, "a registry" + ("" if varied else f" {VARYING}")))
            varied = True
    if not varied:
        raise RuntimeError("the autosave quiz has no typed answer to vary; pick another quiz in bench/serve.py")
    return answers


def _multipart(fields: list[tuple[str, str]]) -> str:
    """The body FormData makes in quiz.js's autosave."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' for name, value in fields
    ]
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


@dataclass
class Student:
    """A signed-in student's prepared requests."""

    cookie: str
    requests: dict[str, dict]
    save_attempt: int
    submit_attempt: int
    submit_body: str


def _request(
    method: str,
    path: str,
    cookie: str,
    body: str | None = None,
    content_type: str | None = None,
    accept: str = "text/html",
) -> dict:
    headers = {"Cookie": cookie, "Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    return {"method": method, "path": path, "headers": headers, "body": body}


def _sign_in(base: str, number: int) -> Student:
    """Sign a student in (CSRF token from GET /login), open the lab and an attempt at each quiz, and return the
    student's requests for every row."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def fetch(path: str, form: dict | list | None = None) -> tuple[str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        with browser.open(base + path, data=data, timeout=60) as response:
            return response.read().decode(), urllib.parse.urlsplit(response.url).path

    login_page, _ = fetch("/login")
    _, landed = fetch(
        "/login", {"username": f"bench{number}", "password": PASSWORD, "csrf_token": _csrf_token(login_page)}
    )
    if landed == "/login":
        raise RuntimeError(f"bench{number} could not sign in")

    def open_attempt(quiz: str) -> tuple[int, str]:
        overview, _ = fetch(quiz)
        page, path = fetch(quiz + "/start", {"csrf_token": _csrf_token(overview)})
        if not re.fullmatch(r"/attempts/\d+", path):
            raise RuntimeError(f"bench{number} could not start an attempt at {quiz} (landed on {path})")
        return int(path.rsplit("/", 1)[1]), page

    save_attempt, save_page = open_attempt(SAVE_QUIZ)
    submit_attempt, submit_page = open_attempt(SUBMIT_QUIZ)
    lab_page, _ = fetch(LAB_PATH)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.path == "/")
    urlencoded = "application/x-www-form-urlencoded"
    save_body = _multipart([("csrf_token", _csrf_token(save_page)), *_answers(save_page), ("action", "save")])
    submit_fields = [
        ("csrf_token", _csrf_token(submit_page)),
        *((name, value.replace(VARYING, "")) for name, value in _answers(submit_page)),
        ("action", "submit"),
    ]
    requests = {
        "lesson": _request("GET", LESSON_PATH, cookie),
        "outline": _request("GET", OUTLINE_PATH, cookie),
        "progress": _request("GET", PROGRESS_PATH, cookie),
        "lab GET": _request("GET", LAB_PATH, cookie),
        "lab POST": _request(
            "POST", "/lab", cookie, urllib.parse.urlencode(_Form(lab_page, "lab-form").fields), urlencoded
        ),
        # As quiz.js sends it: FormData, asking for JSON.
        "autosave": _request(
            "POST",
            f"/attempts/{save_attempt}",
            cookie,
            save_body,
            f"multipart/form-data; boundary={BOUNDARY}",
            accept="application/json",
        ),
    }
    return Student(cookie, requests, save_attempt, submit_attempt, urllib.parse.urlencode(submit_fields))


class QuizAttempts:
    """The attempts table, read and written beside the app. Open attempts for quiz submits are copies of each
    student's own open attempt (every column the app wrote, so the snapshot is real), numbered far above a student's
    attempts and deleted after each run."""

    def __init__(self, database_url: str):
        import sqlalchemy

        url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        self.sql = sqlalchemy.text
        self.engine = sqlalchemy.create_engine(url)
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            sqlalchemy.event.listen(self.engine, "connect", self._sqlite_settings)
        columns = [c["name"] for c in sqlalchemy.inspect(self.engine).get_columns("attempts")]
        self.columns = ", ".join(c for c in columns if c not in {"id", "number"})
        self.templates: dict[int, Student] = {}

    @staticmethod
    def _sqlite_settings(connection, _record):
        connection.execute("PRAGMA foreign_keys=ON")  # so rows that reference an attempt go with it
        connection.execute("PRAGMA busy_timeout=5000")

    # The statements below (ruff S608) hold integers and the table's own column names, nothing typed by anyone.

    def make(self, per_student: int) -> list[dict]:
        """Copy every student's open attempt per_student times; the submit requests, students interleaved."""
        self.delete()
        ids = ", ".join(str(i) for i in self.templates)
        with self.engine.begin() as connection:
            connection.execute(
                self.sql(
                    f"INSERT INTO attempts ({self.columns}, number) "  # noqa: S608
                    "WITH RECURSIVE copies(k) AS "
                    f"(SELECT 1 UNION ALL SELECT k + 1 FROM copies WHERE k < {per_student}) "
                    f"SELECT {self.columns}, {COPY_NUMBERS_FROM} + copies.k FROM attempts, copies WHERE id IN ({ids})"
                )
            )
            rows = connection.execute(
                self.sql(
                    f"SELECT copy.id, template.id FROM attempts AS copy JOIN attempts AS template "  # noqa: S608
                    "ON template.user_id = copy.user_id AND template.quiz_id = copy.quiz_id "
                    f"AND template.id IN ({ids}) "
                    f"WHERE copy.number >= {COPY_NUMBERS_FROM} ORDER BY copy.number, copy.user_id"
                )
            ).all()
        self._settle()
        requests = []
        for copy, template in rows:
            student = self.templates[template]
            requests.append(
                _request(
                    "POST",
                    f"/attempts/{copy}",
                    student.cookie,
                    student.submit_body,
                    "application/x-www-form-urlencoded",
                )
            )
        return requests

    def graded(self) -> int:
        """Copies the app has submitted: each graded one is a submit that did the real work."""
        with self.engine.connect() as connection:
            return connection.execute(
                self.sql(
                    f"SELECT count(*) FROM attempts WHERE number >= {COPY_NUMBERS_FROM} AND submitted_at IS NOT NULL"  # noqa: S608
                )
            ).scalar_one()

    def responses(self, attempt_id: int) -> str:
        """An attempt's saved answers as stored, to see that an autosave reached the database."""
        with self.engine.connect() as connection:
            statement = self.sql("SELECT responses FROM attempts WHERE id = :id")
            return str(connection.execute(statement, {"id": attempt_id}).scalar_one())

    def delete(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(self.sql(f"DELETE FROM attempts WHERE number >= {COPY_NUMBERS_FROM}"))  # noqa: S608
        self._settle()

    def _settle(self) -> None:
        """Leave no bulk work (a long WAL to checkpoint, dead rows to vacuum) for the timed run to pay for."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if self.sqlite:
                connection.execute(self.sql("PRAGMA wal_checkpoint(TRUNCATE)"))
            else:
                connection.execute(self.sql("VACUUM ANALYZE attempts"))

    def close(self) -> None:
        self.delete()
        self.engine.dispose()


def _targets(lanyard: str, copies: QuizAttempts) -> list[Target]:
    with ThreadPoolExecutor(4) as pool:
        students = list(pool.map(lambda n: _sign_in(lanyard, n), range(STUDENTS)))
    copies.templates = {student.submit_attempt: student for student in students}
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    rows = [
        ("lesson", "bare page"),
        ("outline", "bare page"),
        ("progress", "bare page"),
        ("lab GET", "bare page"),
        ("lab POST", "bare page"),
        ("autosave", "bare write"),
    ]
    targets = [
        Target(label, "lanyard", [s.requests[label] for s in students], ceiling=row_ceiling)
        for label, row_ceiling in rows
    ]
    targets.append(Target("submit", "lanyard", [], expected=302, ceiling="bare write", once=True))
    floor = [{**s.requests["lesson"], "path": "/floor"} for s in students]
    targets.append(Target("signed-in floor", "floor", floor, ceiling="bare page"))
    targets.append(Target("bare page", "ceiling", [{"method": "GET", "path": "/page", "headers": {}, "body": None}]))
    targets.append(
        Target(
            "bare write",
            "ceiling",
            [
                {"method": "POST", "path": "/save", "headers": urlencoded, "body": f"id={n}&value=answer {VARYING}"}
                for n in range(STUDENTS)
            ],
        )
    )
    return targets


# Checking, then timing.


def _send(base: str, item: dict) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        body = item["body"].replace(VARYING, "pre-flight") if item["body"] else None
        connection.request(item["method"], item["path"], body=body, headers=item["headers"])
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _check(target: Target, base: str, copies: QuizAttempts) -> None:
    """Send every prepared request once and require what the app answers when it does the real work: pages 200
    HTML; autosave 200 JSON {"saved": true}; submit a redirect to the attempt, whose page is then its result and
    whose row is graded. Records a body size for the table."""
    requests = copies.make(1) if target.once else target.requests
    for item in requests:
        status, headers, body = _send(base, item)
        where = f"{target.label}: {item['method']} {item['path']}"
        if status != target.expected:
            raise RuntimeError(f"{where} answered {status}, expected {target.expected}")
        kind = headers.get("content-type", "")
        if target.label == "autosave" and (kind != "application/json" or json.loads(body) != {"saved": True}):
            raise RuntimeError(f"{where} answered {kind} {body[:80]!r}, expected JSON saved: true")
        if target.label == "autosave" and "pre-flight" not in copies.responses(int(item["path"].rsplit("/", 1)[1])):
            raise RuntimeError(f"{where} answered saved: true, but the answers stored are not the ones sent")
        if target.server != "ceiling" and target.label not in {"autosave", "submit"} and "text/html" not in kind:
            raise RuntimeError(f"{where} answered {kind}, expected HTML")
        if target.once:
            location = urllib.parse.urlsplit(headers.get("location", "")).path
            if location != item["path"]:
                raise RuntimeError(f"{where} redirected to {location!r}, expected the attempt's own page")
            status, _, result = _send(base, _request("GET", location, item["headers"]["Cookie"]))
            if status != 200 or b'name="action"' in result:
                raise RuntimeError(f"{where}: the attempt's page is not a result after submit ({status})")
            body = result
        target.size = len(body)
    if target.once:
        if copies.graded() != len(requests):
            raise RuntimeError(f"submit: {copies.graded()} of {len(requests)} pre-flight submits graded an attempt")
        copies.delete()


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{escaped}"'


def _write_lua(path: Path, requests: list[dict]) -> Path:
    """The prepared requests as a Lua file bench/serve.lua loads (wrk's Lua has no JSON reader)."""
    rows = []
    for item in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in item["headers"].items())
        body = _lua_string(item["body"]) if item["body"] is not None else "nil"
        rows.append(
            f"  {{method = {_lua_string(item['method'])}, path = {_lua_string(item['path'])}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    path.write_text("return {\n" + "\n".join(rows) + "\n}\n")
    return path


def _tree_memory(pid: int) -> tuple[int, int]:
    """RSS and PSS in bytes, summed over the server process and its descendants (gunicorn's master and workers).
    RSS counts pages shared after fork in every worker; PSS splits them, so it is what the tree really takes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        try:
            rss += _kib(Path(f"/proc/{current}/status"), "VmRSS:")
            pss += _kib(Path(f"/proc/{current}/smaps_rollup"), "Pss:")
        except OSError:
            continue
    return rss * 1024, pss * 1024


def _kib(path: Path, key: str) -> int:
    line = next((line for line in path.read_text().splitlines() if line.startswith(key)), None)
    return int(line.split()[1]) if line else 0


class _MemoryPeak:
    """Samples a server tree's memory while wrk runs and keeps the peak: memory under load, not at rest."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, (0, 0)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.stop.wait(0.5):
            rss, pss = _tree_memory(self.pid)
            self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()


def _wrk(base: str, script: Path, target: Target, seconds: int) -> dict[str, float]:
    # A 10 s timeout so slow answers under load count in the latency rather than vanish as wrk timeouts.
    output = subprocess.run(  # noqa: S603
        [
            WRK,
            f"-t{WRK_THREADS}",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "serve.lua"),
            base,
            "--",
            str(script),
            "once" if target.once else "cycle",
            str(WRK_THREADS),
            str(target.expected),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = {key: int(value) for key, value in (pair.split("=") for pair in line.split()[1:])}
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": figures["unexpected"] + figures["socket_errors"],
    }


def _script(folder: Path, target: Target) -> Path:
    return folder / f"{target.label.replace(' ', '-')}.lua"


def _run(target: Target, base: str, copies: QuizAttempts, folder: Path, seconds: int, rate: float) -> dict:
    """One wrk run. Submits get fresh attempts for 1.5 times what the fastest rate seen so far could use, and the
    run reports how many attempts it graded."""
    if not target.once:
        return _wrk(base, _script(folder, target), target, seconds)
    per_student = math.ceil(rate * seconds * 1.5 / STUDENTS) + 1
    script = _write_lua(folder / "submit.lua", copies.make(per_student))
    figures = _wrk(base, script, target, seconds)
    figures["graded"] = copies.graded()
    copies.delete()
    return figures


def _measure(
    targets: list[Target],
    bases: dict[str, str],
    pids: dict[str, int],
    copies: QuizAttempts,
    folder: Path,
    options: argparse.Namespace,
) -> dict[str, tuple[int, int]]:
    """Check every request, warm every path for 2 s (ceilings first: their write rate sizes the first submit run),
    then run the rounds. Returns each server tree's peak memory under load."""
    for target in targets:
        _check(target, bases[target.server], copies)
        if not target.once:
            _write_lua(_script(folder, target), target.requests)
    order = [t for t in targets if t.server == "ceiling"] + [t for t in targets if t.server != "ceiling"]
    fastest: dict[str, float] = {}  # the highest rate seen per path, warm-ups included
    for target in order:
        figures = _run(target, bases[target.server], copies, folder, 2, fastest.get("bare write", 2000))
        fastest[target.label] = figures["rps"]
    peaks = dict.fromkeys(SERVERS, (0, 0))
    for _ in range(options.runs):
        for target in targets:
            with _MemoryPeak(pids[target.server]) as memory:
                figures = _run(target, bases[target.server], copies, folder, options.duration, fastest[target.label])
            target.runs.append(figures)
            fastest[target.label] = max(fastest[target.label], figures["rps"])
            server = target.server
            peaks[server] = (max(peaks[server][0], memory.peak[0]), max(peaks[server][1], memory.peak[1]))
    return peaks


def _print_table(
    targets: list[Target], memory: dict[str, tuple[int, int]], cold: dict[str, float], options: argparse.Namespace
) -> None:
    rows = {t.label: t for t in targets}
    medians = {
        t.label: {key: statistics.median(r[key] for r in t.runs) for key in ("rps", "p50", "p99")} for t in targets
    }
    server = (
        f"gunicorn{' -c deploy/gunicorn.conf.py' if options.district_config else ''} --workers {options.workers} "
        f"--threads {options.threads}"
        if options.server == "gunicorn"
        else f"waitress (flask serve) --threads {options.threads}"
    )
    total = sum(r["requests"] for t in targets for r in t.runs)
    print(
        f"{datetime.date.today()}, {os.cpu_count()} cores, {server}, {options.database}, wrk -t{WRK_THREADS} "
        f"-c{CLIENTS} -d{options.duration}s, median of {options.runs} interleaved runs, {STUDENTS} signed-in "
        f"students rotating, {total:,} timed requests"
    )
    names = {
        "lesson": f"lesson ({rows['lesson'].size / 1024:.0f} KB)",
        "outline": "course outline",
        "progress": "My progress",
        "autosave": "quiz autosave",
        "submit": "quiz submit",
        "signed-in floor": "signed-in floor (frame, 5 KB)",
        "bare page": f"bare Flask page ({rows['bare page'].size / 1024:.0f} KB)",
        "bare write": f"bare Flask read+write ({options.database})",
    }
    print(f"| {'path':30} | {'req/s c=32':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | share of ceiling |")
    print(f"|{'-' * 32}|{'-' * 12}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 18}|")
    for target in targets:
        row = medians[target.label]
        errors = sum(r["errors"] for r in target.runs)
        share = f"{row['rps'] / medians[target.ceiling]['rps']:.0%} of {target.ceiling}" if target.ceiling else "—"
        print(
            f"| {names.get(target.label, target.label):30} | {row['rps']:10.0f} | {row['p50']:7.1f} | "
            f"{row['p99']:7.1f} | {errors:6} | {share:16} |"
        )
    lanyard, bare = (
        {key: value / 2**20 for key, value in zip(("rss", "pss"), memory[app], strict=True)}
        for app in ("lanyard", "ceiling")
    )
    print(
        f"| {'server tree memory, peak':30} | RSS {lanyard['rss']:.0f} MiB (PSS {lanyard['pss']:.0f}) | "
        f"bare Flask RSS {bare['rss']:.0f} MiB (PSS {bare['pss']:.0f}) |"
    )
    print(f"| {'cold start → first 200':30} | {cold['lanyard']:.2f} s | bare Flask {cold['ceiling']:.2f} s |")
    submits = rows["submit"].runs
    completed, graded = sum(r["requests"] for r in submits), sum(r["graded"] for r in submits)
    print(
        f"quiz submit: {completed:,} timed submits completed, {graded:,} open attempts graded (each submit had its "
        f"own attempt; requests still in flight when a run ends are graded but not counted by wrk)"
    )
    if graded < completed - sum(r["errors"] for r in submits):
        print("WARNING: fewer attempts graded than submits answered: some submits did not do the real work")
    print("errors: answers with another status than expected (200; 302 for submit) and socket errors, all runs")


if __name__ == "__main__":
    main()

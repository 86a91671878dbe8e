"""The district deployment, run for real: two gunicorn app servers on one PostgreSQL database and one Redis, behind
nginx configured by deploy/nginx/lanyard.conf with TLS, and LANYARD_TRUSTED_PROXIES=1.

A student signs in, reads and completes a lesson and takes a quiz while nginx alternates between the servers; failed
sign-ins are counted across both servers, and per client address although the servers only ever talk to nginx."""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.dom import parse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SITE_FILE = PROJECT_ROOT / "deploy" / "nginx" / "lanyard.conf"
GUNICORN_CONF = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
OPENSSL = shutil.which("openssl")
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
POSTGRES_ADMIN_URL = os.environ.get("LANYARD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, flushed at the start
COURSE = "chip-paper-state"
STUDENT, PASSWORD = "district-student", "a long district password"
LIMIT = 4  # failed sign-ins a minute per address (LANYARD_LOGIN_LIMITS)
STUDENT_ADDRESS, ATTACKER_ADDRESS, CLASSMATE_ADDRESS = "127.0.0.2", "127.0.0.3", "127.0.0.4"
UPSTREAM_HEADER, UPSTREAM_VALUE = "X-Test-Upstream", "$upstream_addr always"


def _missing_service() -> str | None:
    """Why the deployment cannot run here, or None."""
    if NGINX is None:
        return "nginx is not installed (apt-get install nginx)"
    if OPENSSL is None:
        return "openssl is not installed"
    try:
        import psycopg

        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=2).close()
    except Exception as error:
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        return f"Redis is not reachable at {REDIS_URL}: {error}"
    return None


MISSING = _missing_service()
pytestmark = pytest.mark.skipif(MISSING is not None and not os.environ.get("CI"), reason=MISSING or "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s:\n{log.read_text()}")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a tool to completion from the project folder (fixed argument lists, never a shell)."""
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, **kwargs)  # noqa: S603


def start(command: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """Start a server in the foreground of its own process, its output going to a log file."""
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT, **kwargs)  # noqa: S603


def render_site(ports: dict, paths: dict) -> str:
    """deploy/nginx/lanyard.conf with this run's ports and paths; every substitution must apply, so a change to the
    file that the test no longer understands fails here instead of testing something else."""
    site = SITE_FILE.read_text()
    substitutions = [
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{ports['app_a']};"),
        ("server 127.0.0.1:8002;", f"server 127.0.0.1:{ports['app_b']};"),
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("/etc/ssl/lanyard/fullchain.pem", str(paths["cert"])),
        ("/etc/ssl/lanyard/privkey.pem", str(paths["key"])),
        ("/srv/lanyard/course/static/", f"{PROJECT_ROOT / 'course' / 'static'}/"),
        # Test only: which app server answered, so the test can show that requests alternate.
        ("client_max_body_size 16m;", f"client_max_body_size 16m;\n    add_header {UPSTREAM_HEADER} {UPSTREAM_VALUE};"),
    ]
    for old, new in substitutions:
        assert site.count(old) == 1, f"{SITE_FILE} no longer has exactly one {old!r}"
        site = site.replace(old, new)
    return site


def nginx_main_config(tmp: Path, site: Path) -> str:
    """The main nginx.conf a Debian install provides, reduced to what a process of our own needs."""
    # As root (CI) nginx would hand its workers to `nobody`, who cannot read pytest's private folders.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {name}_temp_path {tmp / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 2;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 128; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {tmp / 'access.log'};\n{temp}    include {site};\n}}\n"
    )


class Browser:
    """A client with one source address and a cookie jar, speaking HTTPS to nginx and checking its certificate."""

    def __init__(self, port: int, source: str, context: ssl.SSLContext):
        self.port, self.source, self.context = port, source, context
        self.cookies: dict[str, str] = {}
        self.upstreams: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, source_address=(self.source, 0), context=self.context, timeout=15
        )
        origin = f"https://127.0.0.1:{self.port}"
        sent = {"Referer": origin + path, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            response.text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.getheader(UPSTREAM_HEADER):
            self.upstreams.append(response.getheader(UPSTREAM_HEADER))
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs):
        return self.request("POST", path, form=form, **kwargs)

    def submit(self, page_path: str, action: str, form: dict | None = None):
        """Load a page, then post one of its forms with the CSRF token it carries, as a browser would."""
        page = self.get(page_path)
        assert page.status == 200, (page_path, page.status)
        return self.post(action, {"csrf_token": csrf_token(page.text), **(form or {})})


def csrf_token(page: str) -> str:
    token = parse(page).first("input[name=csrf_token]")
    assert token, "the page has no CSRF token"
    return token["value"]


def location(response) -> str:
    assert response.status in (301, 302, 303), (response.status, response.text[:500])
    return urlsplit(response.getheader("Location")).path


def wrong_password(browser: Browser, token: str, username: str, headers: dict | None = None):
    """One failed sign-in, posted with a CSRF token from an earlier visit to the form."""
    form = {"csrf_token": token, "username": username, "password": "not the password"}
    return browser.post("/login", form, headers=headers)


@pytest.fixture
def district(tmp_path):
    """Start the deployment and yield its ports; everything is stopped and the database dropped afterwards."""
    if MISSING:
        pytest.fail(f"CI must run the district test: {MISSING}")
    import psycopg
    import redis

    database = f"lanyard_district_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    processes: list[subprocess.Popen] = []
    try:
        ports = {name: free_port() for name in ("app_a", "app_b", "http", "https")}
        env = {
            **os.environ,
            "DATABASE_URL": POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}",
            "REDIS_URL": REDIS_URL,
            "LANYARD_SECRET_KEY": f"district-{secrets.token_hex(16)}",
            "LANYARD_TRUSTED_PROXIES": "1",
            # The per-address sign-in limit: LOGIN_LIMITS, or LOGIN_ADDRESS_LIMITS where the address has its own.
            "LANYARD_LOGIN_LIMITS": f"{LIMIT} per minute",
            "LANYARD_LOGIN_ADDRESS_LIMITS": f"{LIMIT} per minute",
            "LANYARD_SESSION_COOKIE_SECURE": "true",
            "LANYARD_REMEMBER_COOKIE_SECURE": "true",
        }
        env.pop("FLASK_APP", None)

        def flask(*args: str) -> None:
            done = run([sys.executable, "-m", "flask", "--app", "app", *args], env=env)
            assert done.returncode == 0, done.stdout + done.stderr

        flask("init")
        flask("users", "create", STUDENT, "--role", "student", "--password", PASSWORD)

        logs = {name: tmp_path / f"{name}.log" for name in ("app_a", "app_b", "nginx")}
        for name in ("app_a", "app_b"):
            processes.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        str(GUNICORN_CONF),
                        "--bind",
                        f"127.0.0.1:{ports[name]}",
                        "--workers",
                        "2",
                        "--access-logfile",
                        str(tmp_path / f"{name}.access.log"),
                        # The address and scheme the app saw, then what gunicorn saw (kept by ProxyFix).
                        "--access-logformat",
                        "%(h)s %({wsgi.url_scheme}e)s %({werkzeug.proxy_fix.orig}e)s %(m)s %(U)s",
                        "app:app",
                    ],
                    logs[name],
                    env=env,
                )
            )

        nginx_dir = tmp_path / "nginx"
        nginx_dir.mkdir()
        cert, key = nginx_dir / "cert.pem", nginx_dir / "key.pem"
        made = run(
            [
                OPENSSL,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
        )
        assert made.returncode == 0, made.stderr
        site = nginx_dir / "lanyard.conf"
        site.write_text(render_site(ports, {"cert": cert, "key": key}))
        error_log, main_conf = nginx_dir / "error.log", nginx_dir / "nginx.conf"
        main_conf.write_text(nginx_main_config(nginx_dir, site))
        processes.append(
            start([NGINX, "-p", str(nginx_dir), "-c", str(main_conf), "-e", str(error_log)], logs["nginx"])
        )

        for name, process in zip(("app_a", "app_b", "nginx"), processes, strict=True):
            for port in (ports[name],) if name != "nginx" else (ports["http"], ports["https"]):
                wait_for_port(port, process, logs[name])
        yield {"ports": ports, "cert": cert, "tmp": tmp_path}
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # quick shutdown for gunicorn and nginx alike
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


def test_a_district_runs_two_app_servers_behind_nginx(district):
    ports = district["ports"]
    context = ssl.create_default_context(cafile=str(district["cert"]))
    upstreams = {f"127.0.0.1:{ports['app_a']}", f"127.0.0.1:{ports['app_b']}"}

    # Plain HTTP is sent to HTTPS; static files come from nginx itself, without an app server.
    plain = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=5)
    plain.request("GET", "/login")
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.getheader("Location") == "https://127.0.0.1/login"
    plain.close()
    student = Browser(ports["https"], STUDENT_ADDRESS, context)
    css = student.get("/static/lanyard.css")
    assert css.status == 200 and "text/css" in css.getheader("Content-Type")
    assert css.getheader("Content-Security-Policy") is None  # a header the app adds to everything it serves

    # Sign in: the form comes from one server, the sign-in is checked by the other.
    assert location(student.submit("/login", "/login", {"username": STUDENT, "password": PASSWORD})) == "/"
    assert student.upstreams[0] != student.upstreams[1]
    assert "Strict-Transport-Security" in student.get("/").headers

    # A lesson, read and completed; the next lesson follows, and progress shows it on whichever server answers.
    outline = student.get(f"/courses/{COURSE}")
    assert outline.status == 200
    first_lesson = parse(outline.text).first(f"a[href^='/courses/{COURSE}/lessons/']")["href"]
    lesson = student.get(first_lesson)
    assert lesson.status == 200
    completed = student.post(first_lesson + "/complete", {"csrf_token": csrf_token(lesson.text)})
    assert location(completed).startswith(f"/courses/{COURSE}/lessons/")
    progress = student.get("/progress")
    assert progress.status == 200 and "Lessons completed: 1 of" in progress.text

    # A quiz: started on one server, answered and graded on the other, the result read back.
    quiz = f"/courses/{COURSE}/quizzes/what-id-is-for-quiz"
    attempt = location(student.submit(quiz, quiz + "/start"))
    assert re.fullmatch(r"/attempts/\d+", attempt)
    submitted = student.submit(attempt, attempt, {"action": "submit", "confirmed": "yes"})
    assert location(submitted) == attempt
    result = student.get(attempt)
    assert result.status == 200 and "Score: <strong>" in result.text
    assert "Quiz results" in student.get("/progress").text

    # Every request reached an app server, strictly alternating between the two (nginx's round robin).
    assert set(student.upstreams) == upstreams
    assert all(a != b for a, b in zip(student.upstreams, student.upstreams[1:], strict=False))

    # Failed sign-ins from one address are counted across both servers through Redis: the limit is reached after
    # LIMIT attempts in all, not LIMIT on each server. A forged X-Forwarded-For does not help: nginx appends the
    # real address and the app reads only that one.
    attacker = Browser(ports["https"], ATTACKER_ADDRESS, context)
    token = csrf_token(attacker.get("/login").text)
    attacker.upstreams.clear()
    for n in range(LIMIT):
        assert wrong_password(attacker, token, f"guess-{n}").status == 200
    refused = wrong_password(attacker, token, "guess-last", headers={"X-Forwarded-For": CLASSMATE_ADDRESS})
    assert refused.status == 429
    assert set(attacker.upstreams) == upstreams and len(attacker.upstreams) == LIMIT + 1

    # A classmate behind the same proxy, on another address, is counted on their own and signs in.
    classmate = Browser(ports["https"], CLASSMATE_ADDRESS, context)
    assert wrong_password(classmate, csrf_token(classmate.get("/login").text), "typo").status == 200
    assert location(classmate.submit("/login", "/login", {"username": STUDENT, "password": PASSWORD})) == "/"

    # The app servers only ever talked to nginx; the app saw each client's own address.
    seen = []
    for name in ("app_a", "app_b"):
        for line in (district["tmp"] / f"{name}.access.log").read_text().splitlines():
            client, scheme, rest = line.split(" ", 2)
            seen.append(client)
            assert scheme == "https" and "'REMOTE_ADDR': '127.0.0.1'" in rest, line
    assert set(seen) == {STUDENT_ADDRESS, ATTACKER_ADDRESS, CLASSMATE_ADDRESS}
    import redis

    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0, "the limits were not kept in Redis"

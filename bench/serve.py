"""Benchmark: the production server (`flask --app app serve`, waitress) under a class's load, beside a bare-Flask
ceiling under the same waitress settings. It prints figures; it is not a test and asserts no timings.

Two paths a class hits at once: a lesson page read by a signed-in student, and the quiz page's autosave (POST
/attempts/<id> with action=save, multipart with the form's CSRF token, as course/static/quiz.js sends it). The
ceiling is what Flask and waitress alone reach on this machine: a ~15 KB Jinja page and one SQLite read plus one
write. The share of the ceiling says how much Lanyard's own work costs, independent of how fast the machine is.

Everything runs on a throwaway instance in a temporary folder, with CSRF on as in a real server. Sign-in limits
(LANYARD_LOGIN_LIMITS, LANYARD_LOGIN_ADDRESS_LIMITS) are raised for the benchmark's own server only, because all
students sign in from 127.0.0.1. wrk (32 clients) rotates the students' cookies through bench/serve.lua.

Run: .venv/bin/python bench/serve.py [--threads N] [--duration SECONDS] [--runs N]
"""

import argparse
import datetime
import http.client
import http.cookiejar
import logging
import multiprocessing
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.operations.server import serve_command  # noqa: E402

# Commands with fixed arguments only (ruff S603 is silenced on each call for that reason).
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
WRK = shutil.which("wrk")
HOST = "127.0.0.1"
CLIENTS = 32
WRK_THREADS = 2
# Enough students that concurrent saves mostly touch different attempts, as in a class; few enough to set up fast.
STUDENTS = 8
PASSWORD = "bench password 1234"  # noqa: S105 - students of a throwaway instance
COURSE = "chip-paper-state"
LESSON_PATH = f"/courses/{COURSE}/lessons/the-2019-reissue"
QUIZ_PATH = f"/courses/{COURSE}/quizzes/what-id-is-for-quiz"
# Only failed sign-ins count against these, but every student signs in from the same address; stay far above.
GENEROUS_LIMITS = "100000 per minute"
BOUNDARY = "----lanyardbench"


@dataclass
class Target:
    """One row of the table: what wrk sends, and which ceiling row it is compared with."""

    label: str
    url: str
    requests: list[dict]
    ceiling: str | None = None
    size: int = 0


def main() -> None:
    """Set up, measure and print; on failure show the end of the server's log, as the temporary folder goes."""
    options = _options()
    if WRK is None:
        sys.exit("wrk is not installed (Debian and Ubuntu: apt install wrk).")
    folder = Path(tempfile.mkdtemp(prefix="lanyard-bench-"))
    lanyard = ceiling = None
    try:
        env = _instance_env(folder)
        subprocess.run([*FLASK, "init"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(lambda n: _create_student(env, n), range(STUDENTS)))
        lanyard_port, ceiling_port = _free_port(), _free_port()
        with (folder / "serve.log").open("w") as log:
            lanyard = subprocess.Popen(  # noqa: S603
                [*FLASK, "serve", "--host", HOST, "--port", str(lanyard_port), "--threads", str(options.threads)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        ceiling = multiprocessing.Process(
            target=_serve_ceiling, args=(ceiling_port, options.threads, folder / "ceiling.sqlite"), daemon=True
        )
        ceiling.start()
        targets = _targets(f"http://{HOST}:{lanyard_port}", f"http://{HOST}:{ceiling_port}")
        figures = _measure(targets, folder, options)
        _print_table(targets, figures, options)
    except Exception:
        log_file = folder / "serve.log"
        if log_file.exists():
            print("".join(log_file.read_text().splitlines(keepends=True)[-20:]), file=sys.stderr)
        raise
    finally:
        if lanyard:
            lanyard.terminate()
            lanyard.wait()
        if ceiling:
            ceiling.terminate()
            ceiling.join()
        shutil.rmtree(folder, ignore_errors=True)


def _options() -> argparse.Namespace:
    serve_threads = next(param.default for param in serve_command.params if param.name == "threads")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=serve_threads, help="waitress threads for both servers "
                        f"(default {serve_threads}, as `flask serve`)")  # fmt: skip
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per path; the table shows medians (default 3)")
    return parser.parse_args()


def _instance_env(folder: Path) -> dict[str, str]:
    """The environment of a throwaway instance. The caller's LANYARD_*, DATABASE_URL and REDIS_URL are dropped so
    a shell set up for a real box cannot point the benchmark at real data or change what is measured."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LANYARD_") and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        LANYARD_INSTANCE_PATH=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite'}",
        LANYARD_SECRET_KEY="bench",  # noqa: S106 - a throwaway instance
        LANYARD_LOGIN_LIMITS=GENEROUS_LIMITS,
        LANYARD_LOGIN_ADDRESS_LIMITS=GENEROUS_LIMITS,
    )
    return env


def _create_student(env: dict[str, str], number: int) -> None:
    subprocess.run(  # noqa: S603
        [*FLASK, "users", "create", f"bench{number}", "--role", "student", "--password", PASSWORD],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str) -> None:
    """Poll until the server answers: waitress starts listening a moment after its process starts."""
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class _Inputs(HTMLParser):
    """The <input> elements of a page, in order, as attribute dicts."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))


def _csrf_token(html: str) -> str:
    return next(i["value"] for i in _Inputs(html).inputs if i.get("name") == "csrf_token")


def _answers(html: str) -> dict[str, str]:
    """One answer per question on the attempt page: the first choice, or a short typed answer."""
    answers: dict[str, str] = {}
    for field in _Inputs(html).inputs:
        name = field.get("name", "")
        if not name.startswith("q-") or name in answers:
            continue
        if field.get("type") in {"radio", "checkbox"}:
            answers[name] = field["value"]
        else:
            answers[name] = "3" if field.get("inputmode") == "decimal" else "a registry"
    return answers


def _multipart(fields: dict[str, str]) -> str:
    """The body FormData makes in quiz.js's autosave."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]  # fmt: skip
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


def _student_requests(base: str, number: int) -> tuple[dict, dict]:
    """Sign a student in as a browser does (CSRF token from GET /login), open an attempt at the module quiz, and
    return that student's lesson request and autosave request."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def fetch(path: str, form: dict | None = None) -> tuple[str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        with browser.open(base + path, data=data, timeout=30) as response:
            return response.read().decode(), urllib.parse.urlsplit(response.url).path

    login_page, _ = fetch("/login")
    _, landed = fetch("/login", {"username": f"bench{number}", "password": PASSWORD,
                                 "csrf_token": _csrf_token(login_page)})  # fmt: skip
    if landed == "/login":
        raise RuntimeError(f"bench{number} could not sign in")
    overview, _ = fetch(QUIZ_PATH)
    attempt_page, attempt_path = fetch(QUIZ_PATH + "/start", {"csrf_token": _csrf_token(overview)})
    if not re.fullmatch(r"/attempts/\d+", attempt_path):
        raise RuntimeError(f"bench{number} could not start an attempt (landed on {attempt_path})")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.path == "/")
    lesson = {"method": "GET", "path": LESSON_PATH, "headers": {"Cookie": cookie}, "body": None}
    save_fields = {"csrf_token": _csrf_token(attempt_page), **_answers(attempt_page), "action": "save"}
    save = {
        "method": "POST",
        "path": attempt_path,
        "headers": {"Cookie": cookie, "Accept": "application/json",
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        "body": _multipart(save_fields),
    }  # fmt: skip
    return lesson, save


def _targets(lanyard: str, ceiling: str) -> list[Target]:
    _wait_until_up(lanyard)
    _wait_until_up(ceiling)
    students = [_student_requests(lanyard, n) for n in range(STUDENTS)]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return [
        Target("GET lesson page (signed in)", lanyard, [lesson for lesson, _ in students], "bare-page"),
        Target("POST /attempts/<id> action=save", lanyard, [save for _, save in students], "bare-sqlite"),
        Target("bare-page", ceiling, [{"method": "GET", "path": "/page", "headers": {}, "body": None}]),
        Target("bare-sqlite", ceiling, [{"method": "POST", "path": "/save", "headers": form,
                                         "body": f"id={n}&value=answer"} for n in range(STUDENTS)]),
    ]  # fmt: skip


def _check(target: Target) -> int:
    """Send every prepared request once and require a 200, so a lost session (a redirect to /login, which wrk
    would count as a success) or a refused CSRF token fails loudly before anything is timed. Returns a body size."""
    parts = urllib.parse.urlsplit(target.url)
    size = 0
    for item in target.requests:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request(item["method"], item["path"], body=item["body"], headers=item["headers"])
        response = connection.getresponse()
        size = len(response.read())
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{target.label}: {item['method']} {item['path']} answered {response.status}")
    return size


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{escaped}"'


def _lua_requests(requests: list[dict]) -> str:
    """The prepared requests as a Lua file bench/serve.lua loads (wrk's Lua has no JSON reader)."""
    rows = []
    for item in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in item["headers"].items())
        body = _lua_string(item["body"]) if item["body"] is not None else "nil"
        rows.append(f"  {{method = {_lua_string(item['method'])}, path = {_lua_string(item['path'])}, "
                    f"headers = {{{headers}}}, body = {body}}},")  # fmt: skip
    return "return {\n" + "\n".join(rows) + "\n}\n"


def _wrk(target: Target, script: Path, seconds: int) -> dict[str, float]:
    # A 10 s timeout so slow answers under load count in the latency rather than vanish as wrk timeouts.
    output = subprocess.run(  # noqa: S603
        [WRK, f"-t{WRK_THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "serve.lua"), target.url, "--", str(script)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = {key: int(value) for key, value in (pair.split("=") for pair in line.split()[1:])}
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": figures["status_errors"],
        "socket_errors": figures["socket_errors"],
    }


def _measure(targets: list[Target], folder: Path, options: argparse.Namespace) -> dict[str, dict]:
    """Runs alternate between the paths, so load from elsewhere on a shared machine spreads over all rows rather
    than landing on one. A 2-second run first warms each server's caches and connection pools."""
    scripts = {}
    for number, target in enumerate(targets):
        target.size = _check(target)
        scripts[target.label] = folder / f"requests-{number}.lua"
        scripts[target.label].write_text(_lua_requests(target.requests))
        _wrk(target, scripts[target.label], 2)
    runs: dict[str, list[dict]] = {target.label: [] for target in targets}
    for _ in range(options.runs):
        for target in targets:
            runs[target.label].append(_wrk(target, scripts[target.label], options.duration))
    return {
        label: {
            "rps": statistics.median(r["rps"] for r in results),
            "p50": statistics.median(r["p50"] for r in results),
            "p99": statistics.median(r["p99"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "socket_errors": sum(r["socket_errors"] for r in results),
        }
        for label, results in runs.items()
    }


def _print_table(targets: list[Target], figures: dict[str, dict], options: argparse.Namespace) -> None:
    names = {"bare-page": "bare Flask: GET ~15 KB Jinja page", "bare-sqlite": "bare Flask: POST SQLite read+write"}
    print(f"{datetime.date.today()}, {os.cpu_count()} cores, waitress threads={options.threads}, wrk -t{WRK_THREADS} "
          f"-c{CLIENTS} -d{options.duration}s, median of {options.runs} runs; {STUDENTS} students rotating; "
          f"sign-in limits raised to {GENEROUS_LIMITS} for this server only")  # fmt: skip
    print(f"{'path':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'of ceiling':>10} {'body KB':>8}")
    for target in targets:
        row = figures[target.label]
        share = f"{row['rps'] / figures[target.ceiling]['rps']:.0%}" if target.ceiling else "ceiling"
        errors = str(row["errors"]) + (f"+{row['socket_errors']}s" if row["socket_errors"] else "")
        print(f"{names.get(target.label, target.label):36} {row['rps']:8.0f} {row['p50']:8.1f} {row['p99']:8.1f} "
              f"{errors:>7} {share:>10} {target.size / 1024:8.1f}")  # fmt: skip
    print("errors: non-2xx/3xx responses over all runs (+Ns: socket errors such as timeouts)")


# The ceiling: Flask and waitress with nothing of Lanyard's, for the same two kinds of request.

CEILING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><header><nav>{% for link in links %}<a href="/{{ link }}">{{ link|title }}</a> {% endfor %}</nav></header>
<main><h1>{{ title }}</h1>
{% for section in sections %}<section id="s{{ loop.index }}"><h2>{{ section.heading }}</h2>
<p>{{ section.text }}</p><ul>{% for item in section['items'] %}<li>{{ item }}</li>{% endfor %}</ul></section>
{% endfor %}</main></body></html>
"""
CEILING_SECTIONS = [
    {
        "heading": f"Section {n}: who can read a card",
        "text": "A registry behind the card decides who can link one record to another & what is kept. " * 3,
        "items": [f"Point {n}.{i}: fields printed, stored or held centrally" for i in range(4)],
    }
    for n in range(24)
]


def _ceiling_app(database: Path):
    """The bare-Flask ceiling: a Jinja page of the lesson page's size (template compiled once, escaping on), and a
    POST that reads one SQLite row and writes it back, on a connection per thread with the app's SQLite settings."""
    from flask import Flask, render_template, request
    from jinja2 import DictLoader

    app = Flask("ceiling")
    app.jinja_loader = DictLoader({"page.html": CEILING_PAGE})
    local = threading.local()

    setup = sqlite3.connect(database)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, value TEXT)")
    setup.executemany("INSERT INTO answers VALUES (?, '')", [(n,) for n in range(STUDENTS)])
    setup.commit()
    setup.close()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(database)
            local.db.execute("PRAGMA busy_timeout=5000")
        return local.db

    @app.get("/page")
    def page():
        links = ["catalog", "progress", "lab", "account"]
        return render_template("page.html", title="Who can read a card", links=links, sections=CEILING_SECTIONS)

    @app.post("/save")
    def save():
        db = connection()
        db.execute("SELECT value FROM answers WHERE id = ?", (request.form["id"],)).fetchone()
        db.execute("UPDATE answers SET value = ? WHERE id = ?", (request.form["value"], request.form["id"]))
        db.commit()
        return {"saved": True}

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


def _serve_ceiling(port: int, threads: int, database: Path) -> None:
    """Serve the ceiling with the waitress settings `flask serve` uses."""
    import waitress

    # 32 clients on 8 threads queue by design; waitress would warn about every queued request on stderr.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(_ceiling_app(database), host=HOST, port=port, threads=threads, ident="Lanyard",
                   clear_untrusted_proxy_headers=True)  # fmt: skip


if __name__ == "__main__":
    main()

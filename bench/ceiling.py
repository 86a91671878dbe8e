"""The bare-Flask ceiling for bench/serve.py: Flask and the same server with nothing of Lanyard's, so the share of
the ceiling says what Lanyard's own work costs, whatever the machine.

Two endpoints stand for the two kinds of request a class makes: GET /page renders a ~5 KB Jinja page (template
compiled once, autoescaping on, as Flask does for Lanyard's templates); POST /save reads one row and writes it back
with the posted value, on the database Lanyard runs on (SQLite with Lanyard's pragmas, or PostgreSQL through
psycopg), one connection per thread. The benchmark varies the value on every request, because SQLite skips
rewriting identical bytes. /healthz does one SELECT, as a cold start should reach the database before it counts.

The database comes from CEILING_DATABASE_URL (sqlite:///PATH or postgresql://...); `prepare` creates its table.

Served by `gunicorn 'bench.ceiling:create_app()'` or `python -m bench.ceiling --port N --threads N` (waitress,
with the settings `flask serve` uses).
"""

import argparse
import logging
import os
import sqlite3
import threading

from flask import Flask, render_template, request
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><header><nav>{% for link in links %}<a href="/{{ link }}">{{ link|title }}</a> {% endfor %}</nav></header>
<main><h1>{{ title }}</h1>
{% for section in sections %}<section id="s{{ loop.index }}"><h2>{{ section.heading }}</h2>
<p>{{ section.text }}</p><ul>{% for item in section['items'] %}<li>{{ item }}</li>{% endfor %}</ul></section>
{% endfor %}</main></body></html>
"""
# Sized so the rendered page is about 5 KB, the page ceiling.
SECTIONS = [
    {
        "heading": f"Section {n}: who can read a card",
        "text": "A registry behind the card decides who can link one record to another & what is kept. " * 2,
        "items": [f"Point {n}.{i}: fields printed, stored or held centrally" for i in range(4)],
    }
    for n in range(9)
]
LINKS = ["catalog", "progress", "lab", "account"]


def prepare(database_url: str, rows: int) -> None:
    """Create the table /save reads and writes, one row per student, before the server starts."""
    connection = _connect(database_url)
    try:
        cursor = connection.cursor()
        cursor.execute("DROP TABLE IF EXISTS ceiling_answers")
        cursor.execute("CREATE TABLE ceiling_answers (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
        mark = _mark(database_url)
        insert = f"INSERT INTO ceiling_answers (id, value) VALUES ({mark}, '')"  # noqa: S608 - mark is ? or %s
        cursor.executemany(insert, [(n,) for n in range(rows)])
        connection.commit()
    finally:
        connection.close()


def _mark(database_url: str) -> str:
    return "?" if database_url.startswith("sqlite") else "%s"


def _connect(database_url: str):
    """A connection with the settings Lanyard's engine uses, so the ceiling pays the same per-commit cost."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=5000")
        return connection
    import psycopg

    return psycopg.connect(database_url)


def create_app() -> Flask:
    """The ceiling app; connections open lazily per thread, so gunicorn workers each get their own after fork."""
    database_url = os.environ["CEILING_DATABASE_URL"]
    mark = _mark(database_url)
    app = Flask("ceiling")
    app.jinja_loader = DictLoader({"page.html": PAGE})
    local = threading.local()

    def connection():
        if not hasattr(local, "connection"):
            local.connection = _connect(database_url)
        return local.connection

    @app.get("/page")
    def page():
        return render_template("page.html", title="Who can read a card", links=LINKS, sections=SECTIONS)

    @app.post("/save")
    def save():
        db = connection()
        cursor = db.cursor()
        # The statements differ only in the driver's parameter mark (? or %s); values are bound.
        cursor.execute(f"SELECT value FROM ceiling_answers WHERE id = {mark}", (int(request.form["id"]),))  # noqa: S608
        cursor.fetchone()
        cursor.execute(
            f"UPDATE ceiling_answers SET value = {mark} WHERE id = {mark}",  # noqa: S608
            (request.form["value"], int(request.form["id"])),
        )
        db.commit()
        return {"saved": True}

    @app.get("/healthz")
    def healthz():
        cursor = connection().cursor()
        cursor.execute("SELECT 1")
        cursor.fetchone()
        connection().rollback()
        return "ok"

    return app


def main() -> None:
    """Serve the ceiling with waitress as `flask serve` serves Lanyard (same threads, ident and header handling)."""
    serve_with_waitress(create_app, "the bare-Flask ceiling")


def serve_with_waitress(make_app, what: str) -> None:
    """Serve `make_app()` with waitress as `flask serve` serves Lanyard: the command line of `python -m bench.…`."""
    import waitress

    parser = argparse.ArgumentParser(description=f"Serve {what} with waitress.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    options = parser.parse_args()
    # Lanyard keeps waitress's per-request queue-depth warnings out of its log too (32 clients queue by design).
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        make_app(),
        host=options.host,
        port=options.port,
        threads=options.threads,
        ident="Lanyard",
        clear_untrusted_proxy_headers=True,
    )


if __name__ == "__main__":
    main()

"""The signed-in floor for bench/serve.py: Lanyard's own app with one more page that does only what every signed-in
page must, so the benchmark can show how close to a bare Flask page any page of this design can come.

GET /floor is the least a signed-in page costs: the signed session cookie opened, the server-side session checked
in the database (course.auth.sessions), the request hooks every page runs, the content version read, a CSRF token
made and base.html rendered (the site frame, the reader's name, the language form) around a fixed 5 KB body, the
size of the ceiling's page. Everything else is Lanyard as served, on the same instance and database.

Served by `gunicorn 'bench.floor:create_app()'` or `python -m bench.floor --port N --threads N` (waitress).
"""

from flask import Flask, render_template
from flask_login import login_required
from jinja2 import ChoiceLoader, DictLoader

from bench import ceiling
from course import create_app as create_lanyard
from course.structure import current_structure

# Sized so the rendered body is about 5 KB, as the ceiling's page.
BODY = "<p>" + "A registry behind the card decides who can link one record to another. " * 70 + "</p>"
PAGE = '{% extends "base.html" %}{% block title %}Floor{% endblock %}{% block content %}' + BODY + "{% endblock %}"


def create_app() -> Flask:
    app = create_lanyard()
    app.jinja_env.loader = ChoiceLoader([DictLoader({"bench/floor.html": PAGE}), app.jinja_env.loader])

    @login_required
    def floor():
        current_structure()  # the content version, which every course page reads once
        return render_template("bench/floor.html")

    app.add_url_rule("/floor", "floor", floor)
    return app


def main() -> None:
    ceiling.serve_with_waitress(create_app, "Lanyard with its signed-in floor page")


if __name__ == "__main__":
    main()

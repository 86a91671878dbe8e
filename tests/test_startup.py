"""A process serving students imports nothing a student's request never uses: the authoring and transfer views (and
the checks, importer, exporter, loader, GIFT and Moodle XML behind them), the command line and Alembic load when
first used. Checked in a fresh interpreter started as a WSGI server starts one, since this process imported them all."""

import json
import os
import subprocess
import sys

from course import PROJECT_ROOT
from course.extensions import db
from course.lazy_views import LazyView
from tests.conftest import PASSWORD

COURSE = "/courses/sample-course"
STUDENT_PAGES = [COURSE, f"{COURSE}/lessons/what-a-card-is", "/progress", "/lab", f"{COURSE}/quizzes/basics-quiz"]
NEVER_FOR_STUDENTS = [
    "course.author.service",
    "course.author.checks",
    "course.scenario.authoring",
    "course.content.importer",
    "course.content.exporter",
    "course.content.loader",
    "course.content.archive",
    "course.content.gift",
    "course.content.moodle_xml",
    "course.transfer.routes",
    "course.cli",
    "alembic",
    "flask_migrate",
    "confusable_homoglyphs",
    "defusedxml",
]

# Run in the fresh interpreter: import app.py as gunicorn does, serve a signed-in student (a lesson, the outline,
# progress, the lab, a quiz taken and submitted), note what is loaded, then serve an instructor the authoring and
# transfer pages. Prints what it found as JSON.
SERVE = """
import json, sys

from app import app

password, student_pages, watched = json.loads(sys.argv[1])

def signed_in(username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    return client

student = signed_in("sam")
statuses = {url: student.get(url).status_code for url in student_pages}
attempt = student.post(student_pages[-1] + "/start").location
statuses[attempt] = student.get(attempt).status_code
statuses[attempt + "/submit"] = student.post(attempt + "/submit", follow_redirects=True).status_code
loaded_for_students = [name for name in watched if name in sys.modules]

instructor = signed_in("ida")
statuses.update({url: instructor.get(url).status_code for url in ("/author/", "/transfer/")})
print(json.dumps([statuses, loaded_for_students, [name for name in watched if name in sys.modules]]))
"""


def test_serving_students_loads_no_authoring_transfer_or_commands(app, auth, sample_course, tmp_path):
    auth.create("sam")
    auth.create("ida", "instructor")
    with app.app_context():
        db.engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LANYARD_INSTANCE_PATH": str(tmp_path / "serving"),
        "LANYARD_SECRET_KEY": "startup",
        "LANYARD_WTF_CSRF_ENABLED": "false",
    }
    served = subprocess.run(
        [sys.executable, "-c", SERVE, json.dumps([PASSWORD, STUDENT_PAGES, NEVER_FOR_STUDENTS])],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    statuses, loaded_for_students, loaded_at_the_end = json.loads(served.stdout)
    assert set(statuses.values()) == {200}, statuses
    assert len(statuses) == len(STUDENT_PAGES) + 4
    assert loaded_for_students == []
    assert {"course.author.service", "course.transfer.routes"} <= set(loaded_at_the_end)  # loaded on first use


def test_every_lazy_view_is_the_function_its_endpoint_names(app):
    """A misspelt row in a URL table fails here, not on the first request for that page."""
    lazy = {endpoint: view for endpoint, view in app.view_functions.items() if isinstance(view, LazyView)}
    assert {endpoint.partition(".")[0] for endpoint in lazy} == {"author", "transfer"}
    for endpoint, view in lazy.items():
        assert callable(view.view) and view.view.__name__ == endpoint.rpartition(".")[2], endpoint

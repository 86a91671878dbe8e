"""Learning: the catalog, course outlines, lessons, the glossary, figures and the student's progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from course.learn import routes  # noqa: E402,F401

"""Authoring in the browser, for instructors: courses, modules, lessons, quizzes and figures, with drafts, previews
and a revision history. Everything saved passes the same checks and rendering as an imported course folder."""

from flask import Blueprint

bp = Blueprint("author", __name__, url_prefix="/author")

from course.author import figures, lessons, owners, questions, quizzes, routes  # noqa: E402,F401

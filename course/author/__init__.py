"""Authoring in the browser, for instructors: courses, modules, lessons, quizzes and figures, with drafts, previews
and a revision history. Everything saved passes the same checks and rendering as an imported course folder.

The views load on their first request (course/author/urls.py holds the URL table), so a process serving students
never imports them, nor the checks, the importer and exporter and the loader they use."""

from flask import Blueprint

from course.author.urls import ROUTES
from course.lazy_views import add_lazy_routes

bp = Blueprint("author", __name__, url_prefix="/author")
add_lazy_routes(bp, __name__, ROUTES)

"""Blueprint `scenario`: playing branching scenario lessons, and the class report of their endings and paths.
The scenario editor's page (course.scenario.authoring) joins the `author` blueprint through its URL table
(course/author/urls.py), so it shares its rules and loads only when an instructor opens it."""

from flask import Blueprint

bp = Blueprint("scenario", __name__)

from course.scenario import reports, routes  # noqa: E402, F401  (routes register on import)

"""Blueprint `scenario`: playing branching scenario lessons, and the class report of their endings and paths.
The scenario editor's pages join the `author` blueprint (course.scenario.authoring), so they share its rules."""

from flask import Blueprint

bp = Blueprint("scenario", __name__)

from course.scenario import authoring, reports, routes  # noqa: E402, F401  (routes register on import)

"""The ID Design Lab: students design a national ID system and see who can read, link and exclude.

engine.py and drawing.py are pure (no Flask) and read the reviewed YAML files beside them; routes.py serves the lab.
"""

from flask import Blueprint

bp = Blueprint("lab", __name__, url_prefix="/lab")

from course.lab import routes  # noqa: E402,F401  (routes attach themselves to bp)

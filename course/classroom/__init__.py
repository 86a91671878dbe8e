"""Classes, for instructors: join codes, open registration and the class list."""

from flask import Blueprint

bp = Blueprint("classroom", __name__, url_prefix="/teach")

from course.classroom import routes  # noqa: E402,F401

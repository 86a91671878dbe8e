"""Moving courses, for instructors: a course as a zip (export and import) and quizzes as Moodle GIFT files."""

from flask import Blueprint

bp = Blueprint("transfer", __name__, url_prefix="/transfer")

from course.transfer import routes  # noqa: E402,F401

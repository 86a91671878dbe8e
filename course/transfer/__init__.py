"""Moving courses, for instructors: a course as a zip (export and import) and quizzes as Moodle GIFT files.

The views load on their first request (course/transfer/urls.py holds the URL table), so a process serving students
never imports zip handling, GIFT or Moodle XML."""

from flask import Blueprint

from course.lazy_views import add_lazy_routes
from course.transfer.urls import ROUTES

bp = Blueprint("transfer", __name__, url_prefix="/transfer")
add_lazy_routes(bp, __name__, ROUTES)

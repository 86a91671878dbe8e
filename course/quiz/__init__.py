"""Quizzes: start or resume an attempt, save answers, submit once, see feedback and history."""

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from course.quiz import routes  # noqa: E402,F401

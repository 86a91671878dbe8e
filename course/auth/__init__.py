"""Accounts: first-run setup, registration with a join code, login with rate limits, logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from course.auth import my_data, routes  # noqa: E402,F401  (routes attach themselves to bp)

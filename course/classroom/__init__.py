"""Classes and the people in them: for instructors, classes with join codes, rosters, one-time passwords, the
gradebook and item analysis (under /teach); for administrators, accounts (/teach/admin); for students, joining a
class and choosing a new password after a one-time one."""

from flask import Blueprint

bp = Blueprint("classroom", __name__)

from course.classroom import (  # noqa: E402,F401  (views attach themselves to bp)
    accounts,
    admin,
    audit_log,
    dashboard,
    gradebook,
    marking,
    privacy,
    routes,
)

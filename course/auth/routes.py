"""Account views."""

import secrets
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from course.auth import bp
from course.auth.forms import LoginForm, RegisterForm, SetupForm, normalise_username
from course.extensions import db, limiter, login_manager
from course.models import Classroom, Enrollment, SiteSetting, User

OPEN_REGISTRATION = "open_registration"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions made before the account's password last changed are no longer valid."""
    user_id, _, stamp = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and secrets.compare_digest(stamp, user.session_stamp) else None


login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."


def safe_next(target: str | None) -> str | None:
    """Only redirect to a path on this site, never to another host (open redirect)."""
    if not target or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


def _any_user() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: create the first instructor account (an administrator). Refused once any account exists."""
    if _any_user():
        if request.method == "POST":
            abort(403, description="Setup is already done. Ask an administrator for an account.")
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, display_name=form.display_name.data or None, role="admin")
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.add(Classroom(name="Default class", owner=user))
        db.session.commit()
        login_user(user)
        flash("Your instructor account is ready. Share the join code below with your students.", "success")
        return redirect(url_for("classroom.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """Students register with their class's join code, or freely when an instructor has opened registration."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.catalog"))
    open_registration = SiteSetting.get_flag(OPEN_REGISTRATION)
    form = RegisterForm()
    if form.validate_on_submit():
        classroom = Classroom.by_open_code(form.join_code.data or "") if form.join_code.data else None
        if form.join_code.data and classroom is None:
            form.join_code.errors.append("No open class has this code. Check it with your teacher.")
        elif classroom is None and not open_registration:
            form.join_code.errors.append("Enter the join code your teacher gave you.")
        elif db.session.scalar(select(User.id).where(User.username == form.username.data)):
            form.username.errors.append("This username is taken. Try another.")
        else:
            user = User(
                username=form.username.data,
                display_name=form.display_name.data or None,
                email=form.email.data or None,
                role="student",
            )
            user.set_password(form.password.data)
            db.session.add(user)
            if classroom:
                db.session.add(Enrollment(user=user, classroom=classroom))
            db.session.commit()
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("learn.catalog"))
    return render_template("auth/register.html", form=form, open_registration=open_registration)


def _login_account_key() -> str:
    """Rate-limit key for the account being tried, so spreading guesses over many addresses does not help."""
    return "login-account:" + normalise_username(request.form.get("username", ""))


def _login_limits() -> str:
    return current_app.config["LOGIN_LIMITS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"], scope="login-address")
@limiter.limit(_login_limits, methods=["POST"], key_func=_login_account_key, scope="login-account")
def login():
    """Sign in. Attempts are limited per address and per account; `next` only leads within this site."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("learn.catalog"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == normalise_username(form.username.data)))
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append("Wrong username or password.")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("learn.catalog"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (a POST, so another site cannot sign you out with a link)."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))

"""Account views."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from course import audit
from course.auth import bp, limits
from course.auth.forms import LoginForm, RegisterForm, SetupForm
from course.auth.sessions import active_session_count, end_every_session, end_session, start_session
from course.auth.usernames import existing_lookalike, fold_username
from course.extensions import db, limiter, login_manager
from course.models import Classroom, Enrollment, SiteSetting, User
from course.models.users import OPEN_REGISTRATION, password_matches
from course.operations.locks import exclusive
from course.redirects import safe_next

login_manager.login_view = "auth.login"
# Lazy, and made text in the reader's language when Flask-Login flashes it.
login_manager.login_message = _l("Please sign in to see that page.")
login_manager.localize_callback = str


def _any_user() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: create the first instructor account (an administrator). Refused once any account exists."""
    if _any_user():
        if request.method == "POST":
            abort(403, description=_("Setup is already done. Ask an administrator for an account."))
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        # Several first visitors may submit at once: one at a time, and only the first creates the admin.
        with exclusive("setup"):
            db.session.rollback()
            if _any_user():
                abort(403, description=_("Setup is already done. Ask an administrator for an account."))
            user = User(username=form.username.data, display_name=form.display_name.data or None, role="admin")
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.add(Classroom(name=_("Default class"), owner=user))
            audit.record("account.created", user, actor=user, detail="first administrator, at setup")
            db.session.commit()
        start_session(user)
        flash(_("Your instructor account is ready. Share the join code below with your students."), "success")
        return redirect(url_for("classroom.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
# A class registering at once shares one school address: the default leaves room for it (LANYARD_REGISTER_LIMITS).
@limiter.limit(lambda: current_app.config["REGISTER_LIMITS"], methods=["POST"])
def register():
    """Students register with their class's join code, or freely when an instructor has opened registration."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.catalog"))
    open_registration = SiteSetting.get_flag(OPEN_REGISTRATION)
    form = RegisterForm()
    if form.validate_on_submit():
        classroom = Classroom.by_open_code(form.join_code.data or "") if form.join_code.data else None
        if form.join_code.data and classroom is None:
            form.join_code.errors.append(_("No open class has this code. Check it with your teacher."))
        elif classroom is None and not open_registration:
            form.join_code.errors.append(_("Enter the join code your teacher gave you."))
        elif db.session.scalar(select(User.id).where(User.username == form.username.data)):
            form.username.errors.append(_("This username is taken. Try another."))
        elif existing_lookalike(form.username.data):
            form.username.errors.append(_("This username looks too much like one that is taken. Try another."))
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
            audit.record("account.created", user, actor=user, detail="registered as a student")
            db.session.commit()
            start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("learn.catalog"))
    return render_template("auth/register.html", form=form, open_registration=open_registration)


def _login_limits() -> str:
    return current_app.config["LOGIN_LIMITS"]


def _login_address_limits() -> str:
    return current_app.config["LOGIN_ADDRESS_LIMITS"]


def _failed_sign_in_limit(limit, key_func, scope: str, exempt_when):
    """One of the sign-in limits: it counts failed sign-ins only and records a lockout once in the audit trail."""
    return limiter.limit(
        limit,
        methods=["POST"],
        key_func=key_func,
        scope=scope,
        on_breach=audit.locked_out(scope),
        exempt_when=exempt_when,
        deduct_when=limits.sign_in_failed,
    )


@bp.route("/login", methods=["GET", "POST"])
@_failed_sign_in_limit(_login_address_limits, limits.address_key, "login-address", limits.is_trusted_device)
@_failed_sign_in_limit(_login_limits, limits.account_key, "login-account", limits.is_trusted_device)
@_failed_sign_in_limit(_login_limits, limits.device_key, "login-device", limits.is_untrusted_client)
def login():
    """Sign in. Only failed attempts count against the limits (see course.auth.limits); `next` only leads
    within this site."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("learn.catalog"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == fold_username(form.username.data)))
        if not password_matches(user, form.password.data):
            g.sign_in_failed = True
            audit.sign_in_failed(user)
            form.password.errors.append(_("Wrong username or password."))
        else:
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("learn.catalog"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (a POST, so another site cannot sign you out with a link), ending the session on the server."""
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    """My account: who I am signed in as, on how many devices, and a way to sign out of all of them."""
    return render_template("auth/account.html", sessions=active_session_count(current_user), form=FlaskForm())


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the account, for a phone lost or a shared PC left signed in somewhere."""
    end_every_session(current_user._get_current_object())
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))

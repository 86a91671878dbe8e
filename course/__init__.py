"""Lanyard: a self-hosted course platform. `create_app` is the only way to build the application."""

import os
import secrets
import weakref
from collections.abc import Mapping
from pathlib import Path

import orjson
from flask import Flask, redirect, render_template, request, url_for
from flask.cli import AppGroup
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from course import fragments, i18n, site_frame, static_assets, template_urls
from course.extensions import csrf, db, limiter, login_manager, migrate
from course.operations.health import healthz
from course.operations.logs import configure_logging
from course.operations.network import student_urls

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A strict policy: every asset is served by the app itself, nothing inline, no third party on any page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment, then the mapping a test passes."""
    app = Flask(
        __name__,
        instance_path=_instance_path(config),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.cli = _CommandsOnFirstUse(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'lanyard.sqlite'}",
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True,
            "json_serializer": _json_text,
            "json_deserializer": orjson.loads,
        },
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        LOGIN_LIMITS="10 per minute;50 per hour",
        LOGIN_ADDRESS_LIMITS="30 per minute;300 per hour",
        REGISTER_LIMITS="100 per hour",
        GRADEBOOK_PAGE_SIZE=100,
        REMEMBER_DAYS=30,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PASSWORD_HASH_METHOD="scrypt",  # noqa: S106 (a method, not a password): only the test suite sets a cheaper one
        BUNDLED_COURSE_PATH=str(PROJECT_ROOT),
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LANYARD")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    db.init_app(app)
    _remember_engines(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _check_limits_in_limited_views_only(app)
    i18n.init_app(app)

    configure_logging(app)
    _register_blueprints(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_template_global(student_urls)
    _register_error_pages(app)
    _register_first_run_redirect(app)
    _register_security_headers(app)
    static_assets.init_app(app)
    site_frame.init_app(app)
    fragments.init_app(app)
    template_urls.init_app(app)
    _trust_proxies(app)
    return app


class _CommandsOnFirstUse(AppGroup):
    """The app's `flask` commands, imported the first time one is listed or run: course.cli brings the content
    importer and exporter, GIFT and Moodle XML, backups and Flask-Migrate, which a process serving pages never uses."""

    def __init__(self, app: Flask):
        super().__init__(app.name)
        self._app, self._loaded = app, False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            from flask_migrate.cli import db as migrations_cli

            from course import cli

            cli.register(self._app)
            self.add_command(migrations_cli, "db")

    def get_command(self, ctx, cmd_name):
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)


def _check_limits_in_limited_views_only(app: Flask) -> None:
    """Flask-Limiter looks at every request in a before_request hook, for default, application and blueprint limits.
    Lanyard sets none: each limited view (sign-in, registration, a data export) carries its limit in a decorator that
    checks it when the view runs. On every other page the hook only found nothing to count, at about a twentieth of a
    lesson view, so it is removed; it stays if such limits are ever configured (RATELIMIT_DEFAULT,
    RATELIMIT_APPLICATION)."""
    if limiter.limit_manager.default_limits or limiter.limit_manager.application_limits:
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (LANYARD_TRUSTED_PROXIES=N) take the client's address, scheme, host and port from the
    X-Forwarded-* headers the last N proxies set; without the setting they are ignored, as any client can send them."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies < 0:
        raise ValueError("TRUSTED_PROXIES is the number of reverse proxies in front of the app: 0 or more.")
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add middleware
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def _register_blueprints(app: Flask) -> None:
    """One blueprint per user-facing feature; `author` and `transfer` import their views on first use (lazy_views)."""
    from course.auth import bp as auth_bp
    from course.author import bp as author_bp
    from course.classroom import bp as classroom_bp
    from course.lab import bp as lab_bp
    from course.learn import bp as learn_bp
    from course.question_types import bp as question_types_bp
    from course.quiz import bp as quiz_bp
    from course.scenario import bp as scenario_bp
    from course.transfer import bp as transfer_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(classroom_bp)
    app.register_blueprint(lab_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(author_bp)
    app.register_blueprint(scenario_bp)
    app.register_blueprint(question_types_bp)  # no views: the question types' partials


def _json_text(value) -> str:
    """JSON columns (attempt snapshots above all: item analysis reads hundreds) go through orjson, several times
    faster than the standard library; keys that are not strings become strings, as json.dumps makes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _instance_path(config: Mapping | None) -> str | None:
    """Where the SQLite file, the secret key and backups live: instance/ in the project unless
    LANYARD_INSTANCE_PATH (or a test's INSTANCE_PATH) names another folder, such as /var/lib/lanyard."""
    path = (config or {}).get("INSTANCE_PATH") or os.environ.get("LANYARD_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def _normalise_database_url(url: str) -> str:
    """Accept the postgres:// spelling that hosting panels hand out, and use psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _instance_secret_key(instance: Path) -> str:
    """Create a random secret key once per installation, so no default secret ships with the code."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _register_error_pages(app: Flask) -> None:
    """Errors are styled like the rest of the site and never show a traceback."""

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        # Werkzeug's stock text ("The requested URL was not found on the server…") gives way to Lanyard's own.
        description = getattr(error, "description", None)
        own_words = description if description and description != type(error).description else None
        return render_template("errors/error.html", error=error, code=code, message=own_words), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError

    def form_expired(error: CSRFError):
        """CSRFProtect refuses every post whose token is missing or stale (a page left open, a new sign-in), so no
        view checks it again; say so in the reader's language rather than in Flask-WTF's English."""
        message = _("The form expired. Reload the page and try again.")
        return render_template("errors/error.html", error=error, code=400, message=message), 400

    app.register_error_handler(CSRFError, form_expired)


def _register_first_run_redirect(app: Flask) -> None:
    """While no account exists every page leads to setup; once one exists the check is skipped for good."""
    from course.models import User

    state = {"has_users": False}

    @app.before_request
    def require_setup():
        if state["has_users"] or request.endpoint in {"auth.setup", "static", "healthz"}:
            return None
        if db.session.scalar(select(User.id).limit(1)) is not None:
            state["has_users"] = True
            return None
        return redirect(url_for("auth.setup"))


def _register_security_headers(app: Flask) -> None:
    """Headers that keep pages self-contained and stop framing, sniffing and referrer leaks."""

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


# Engines of every app built in this process, so a child forked from it (gunicorn --preload loads the app once and
# forks its workers) drops the connections it inherited instead of sharing them with its parent and siblings.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _remember_engines(app: Flask) -> None:
    with app.app_context():
        _engines.update(db.engines.values())


def _drop_inherited_connections() -> None:
    """In a forked child: forget the parent's pooled connections without closing them (they are the parent's),
    as SQLAlchemy's guide to pools and os.fork() says; the child opens its own on first use."""
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_drop_inherited_connections)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """SQLite defaults for a classroom box: WAL for concurrent readers, fewer disk syncs, foreign keys on, wait
    rather than fail."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints only: a power cut can lose the last commits, never consistency.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

"""Flask extensions, created unbound here and bound to an app in create_app, so nothing imports the app."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class LazyMigrate:
    """Flask-Migrate, bound on first use: Flask-Migrate and Alembic (about 200 modules, 11 MiB a process) are
    imported when a migration runs (`flask db`, `flask init`, a test), never by a server process serving pages.
    Until then app.extensions["migrate"] is a stand-in that binds the real one the moment anything is asked of it."""

    def init_app(self, app, db, directory: str, **options) -> None:
        app.extensions["migrate"] = _MigrateOnFirstUse(app, db, directory, options)


class _MigrateOnFirstUse:
    def __init__(self, app, db, directory: str, options: dict):
        self.directory = directory
        self._binding = (app, db, options)

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        app, db, options = self._binding
        Migrate(app, db, directory=self.directory, **options)  # replaces this stand-in, adds `flask db`
        return getattr(app.extensions["migrate"], name)


class Base(DeclarativeBase):
    """Declarative base for every model, so SQLAlchemy 2.0 typing applies everywhere."""


# Objects stay readable after commit, so a page that records a view does not reload everything it shows.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# Models subclass Model. At run time it is db.Model, the class Flask-SQLAlchemy builds from Base (adding its bind-key,
# table-name and query mixins); mypy cannot take an instance attribute as a base class, so it is told Model is Base,
# whose Mapped[...] columns and registry are what db.Model carries. Nothing here uses the mixins' extras (Model.query).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Counters live in memory for one process and in Redis (RATELIMIT_STORAGE_URI) when several share the load.
# Addresses are held only as short-lived counters there, never written next to learning records.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

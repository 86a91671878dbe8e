"""Flask extensions, created unbound here and bound to an app in create_app, so nothing imports the app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every model, so SQLAlchemy 2.0 typing applies everywhere."""


# Objects stay readable after commit, so a page that records a view does not reload everything it shows.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Counters live in memory for one process and in Redis (RATELIMIT_STORAGE_URI) when several share the load.
# Addresses are held only as short-lived counters there, never written next to learning records.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

"""One process at a time for first-run work (`flask init`, /setup), across every server sharing the database."""

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from course.extensions import db

LOCK_WAIT_SECONDS = 600


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Hold a named lock for the block: a PostgreSQL advisory lock, or on SQLite an exclusive transaction on a
    lock file beside the database (SQLite's own locking, so it works on Windows too)."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
    elif url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        lock = sqlite3.connect(f"{url.database}.{name}.lock", timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            yield
        finally:
            lock.close()
    else:
        yield

"""Backups of a whole instance as one zip: the database (SQLite's online backup API, or pg_dump), the secret
key and the instance's config. Figures live in the database, so they come along with it."""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import URL, Engine

from course.extensions import db

FORMAT_VERSION = 1
INSTANCE_FILES = ("secret_key", "config.py")
SQLITE_MEMBER = "database/lanyard.sqlite"
POSTGRES_MEMBER = "database/lanyard.pgdump"
AUTOMATIC_BACKUPS_KEPT = 5
# The manifest, the secret key and config.py are a few hundred bytes; anything far larger is not ours.
SMALL_MEMBER_LIMIT = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message saying what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str
    tables: dict[str, int]


def database_kind() -> str:
    return db.engine.url.get_backend_name()


def row_counts(engine: Engine | None = None) -> dict[str, int]:
    """Rows per table (of this instance, or of a backup's copy): printed after a backup or restore."""
    schema = MetaData()
    with (engine or db.engine).connect() as connection:
        schema.reflect(connection)
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in sorted(schema.tables.items())
        }


def default_backup_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"lanyard-{stamp}.zip"


def _named_backup_path(reason: str) -> Path:
    path = default_backup_path()
    return path.with_name(f"{path.stem}-{reason}.zip")


def write_backup(target: Path) -> BackupSummary:
    """Write one consistent archive of the instance while it may be serving."""
    target.parent.mkdir(parents=True, exist_ok=True)
    instance = Path(current_app.instance_path)
    kind = database_kind()
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        dump = Path(scratch) / "database"
        if kind == "sqlite":
            _sqlite_online_copy(_sqlite_path(), dump)
            member = SQLITE_MEMBER
            copy = create_engine(f"sqlite:///{dump}")
            tables = row_counts(copy)
            copy.dispose()
        elif kind == "postgresql":
            tables = row_counts()
            _pg_dump(dump)
            member = POSTGRES_MEMBER
        else:
            raise BackupError(
                _("backups of %(kind)s databases are not supported; use the database's own tools", kind=kind)
            )
        partial = Path(scratch) / "backup.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, member)
            for name in INSTANCE_FILES:
                if (instance / name).is_file():
                    archive.write(instance / name, f"instance/{name}")
            archive.writestr(
                "manifest.json",
                json.dumps(
                    {
                        "format": FORMAT_VERSION,
                        "created": datetime.now(UTC).isoformat(timespec="seconds"),
                        "database": kind,
                        "tables": tables,
                    },
                    indent=2,
                ),
            )
        os.replace(partial, target)
    target.chmod(0o600)
    return BackupSummary(target, kind, tables)


def automatic_backup() -> Path | None:
    """Before `flask init` changes anything: back up a SQLite database that holds data, keep the last few."""
    if database_kind() != "sqlite" or not _sqlite_path().exists() or not any(row_counts().values()):
        return None
    path = _named_backup_path("before-init")
    write_backup(path)
    prune_backups(path.parent, "lanyard-*-before-init.zip", AUTOMATIC_BACKUPS_KEPT)
    return path


def prune_backups(folder: Path, pattern: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups matching the pattern (names sort by date); return the deleted."""
    old = sorted(folder.glob(pattern))[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def restore_backup(source: Path, force: bool) -> BackupSummary:
    """Restore an archive into this instance; an instance that holds data is replaced only when forced, and
    then only after a backup of it has been written."""
    manifest = _read_manifest(source)
    kind = database_kind()
    if manifest["database"] != kind:
        raise BackupError(
            _(
                "%(source)s holds a %(backup_kind)s database and this instance uses %(kind)s; restore it into an "
                "instance of the same kind",
                source=source,
                backup_kind=manifest["database"],
                kind=kind,
            )
        )
    counts = row_counts()
    if any(counts.values()) and not force:
        raise BackupError(
            ngettext(
                "this instance already holds data (%(num)d account); add --force to replace it (a backup of it "
                "is written first)",
                "this instance already holds data (%(num)d accounts); add --force to replace it (a backup of it "
                "is written first)",
                counts.get("users", 0),
            )
        )
    if any(counts.values()):
        write_backup(_named_backup_path("before-restore"))
    instance = Path(current_app.instance_path)
    with zipfile.ZipFile(source) as archive, tempfile.TemporaryDirectory(dir=instance) as scratch:
        if kind == "sqlite":
            extracted = Path(archive.extract(SQLITE_MEMBER, scratch))
            _replace_sqlite_database(extracted)
        else:
            _pg_restore(Path(archive.extract(POSTGRES_MEMBER, scratch)))
        for name in INSTANCE_FILES:
            member = f"instance/{name}"
            if member in archive.namelist():
                (instance / name).write_bytes(archive.read(member))
                (instance / name).chmod(0o600)
    return BackupSummary(source, kind, row_counts())


def _read_manifest(source: Path) -> dict:
    try:
        with zipfile.ZipFile(source) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            if sizes.get("manifest.json", 0) > SMALL_MEMBER_LIMIT:
                raise ValueError("its manifest is too large")
            manifest = json.loads(archive.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BackupError(_("%(source)s is not a Lanyard backup (%(error)s)", source=source, error=error)) from None
    names = set(sizes)
    if any(sizes.get(f"instance/{name}", 0) > SMALL_MEMBER_LIMIT for name in INSTANCE_FILES):
        raise BackupError(_("%(source)s is not a Lanyard backup (an instance file in it is too large)", source=source))
    unpacked = sum(sizes.values())
    free = shutil.disk_usage(current_app.instance_path).free
    if unpacked * 2 > free:
        raise BackupError(
            _(
                "restoring %(source)s needs about %(needed)s MiB free beside the instance and only %(free)s MiB are; "
                "free some space first",
                source=source,
                needed=format(unpacked * 2 / 1024**2, ".0f"),
                free=format(free / 1024**2, ".0f"),
            )
        )
    if manifest.get("format") != FORMAT_VERSION or manifest.get("database") not in {"sqlite", "postgresql"}:
        raise BackupError(_("%(source)s is not a Lanyard backup this version can read", source=source))
    if {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}[manifest["database"]] not in names:
        raise BackupError(_("%(source)s has no database in it", source=source))
    return manifest


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if database is None:
        raise RuntimeError("the SQLite database is in memory: it has no file to back up or replace")
    return Path(database)


def _sqlite_online_copy(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy page by page while others keep writing (never a file copy,
    which would miss what is still in the WAL)."""
    with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy, pages=1024)


def _replace_sqlite_database(extracted: Path) -> None:
    """Swap the database file for the restored one, dropping the old WAL so nothing of it is replayed."""
    check = sqlite3.connect(extracted)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(_("the database in the backup is damaged; nothing was restored"))
    finally:
        check.close()
    db.engine.dispose()
    live = _sqlite_path()
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    os.replace(extracted, live)


def _postgres_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            _(
                "%(tool)s is not installed; install PostgreSQL's client tools (Debian: apt install postgresql-client) "
                "or run %(tool)s yourself against %(url)s",
                tool=name,
                url=_url().render_as_string(hide_password=True),
            )
        )
    return tool


def _url() -> URL:
    return db.engine.url


def _connection_arguments() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore arguments from DATABASE_URL, with the password passed in the environment only."""
    url = _url()
    arguments = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        arguments += ["--username", url.username]
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return arguments, environment


def _pg_dump(target: Path) -> None:
    arguments, environment = _connection_arguments()
    _run([_postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *arguments], environment)


def _pg_restore(dump: Path) -> None:
    arguments, environment = _connection_arguments()
    db.engine.dispose()
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.engine.dispose()
    _run([_postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", *arguments, str(dump)], environment)


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        message = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(_("%(tool)s failed: %(message)s", tool=Path(command[0]).name, message=message))

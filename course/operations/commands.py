"""`flask backup`, `flask restore` and `flask doctor`: what a school's administrator runs on the box."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from course.operations.backup import (
    BackupError,
    default_backup_path,
    prune_backups,
    restore_backup,
    write_backup,
)
from course.operations.health import run_checks


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), help="Then delete all but the newest N dated backups there.")
@with_appcontext
def backup_command(target: Path | None, keep: int | None) -> None:
    """Write a consistent backup of the database, the secret key and the instance config to TARGET (a .zip;
    by default instance/backups/lanyard-DATE-TIME.zip). Safe while the site is serving."""
    try:
        summary = write_backup(target or default_backup_path())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        _(
            "Backed up the %(database)s database (%(tables)s) to %(path)s",
            database=summary.database,
            tables=_describe(summary.tables),
            path=summary.path,
        )
    )
    if keep:
        deleted = prune_backups(summary.path.parent, "lanyard-[0-9]*-[0-9][0-9][0-9][0-9][0-9][0-9].zip", keep)
        if deleted:
            click.echo(
                ngettext(
                    "Deleted %(num)d older backup; the newest %(keep)d are kept.",
                    "Deleted %(num)d older backups; the newest %(keep)d are kept.",
                    len(deleted),
                    keep=keep,
                )
            )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an instance that already holds data (it is backed up first).")
@with_appcontext
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup written by `flask backup` into this instance. Stop the server first."""
    try:
        summary = restore_backup(source, force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("Restored %(source)s (%(tables)s).", source=source, tables=_describe(summary.tables)))
    click.echo(
        _("Run `flask --app app init` if this version of Lanyard is newer than the backup, then start the server.")
    )


def _describe(tables: dict[str, int]) -> str:
    users, progress, attempts = (tables.get(name, 0) for name in ("users", "lesson_progress", "attempts"))
    return ", ".join(
        (
            ngettext("%(num)d account", "%(num)d accounts", users),
            ngettext("%(num)d lesson progress row", "%(num)d lesson progress rows", progress),
            ngettext("%(num)d quiz attempt", "%(num)d quiz attempts", attempts),
        )
    )


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check what breaks a box and print one line per check, with what to do about each problem."""
    checks = run_checks()
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"{mark} {check.name}: {check.detail}" + ("" if check.ok else f" — {check.fix}"))
    failed = [check for check in checks if not check.ok]
    if failed:
        raise click.ClickException(ngettext("%(num)d check failed.", "%(num)d checks failed.", len(failed)))
    click.echo(_("Everything looks fine."))

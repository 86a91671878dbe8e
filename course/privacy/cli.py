"""`flask --app app retention run [--dry-run]` and `flask --app app privacy notice [--output PATH]`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from course.privacy import retention
from course.privacy.notice import privacy_notice

retention_cli = AppGroup("retention", help="Apply the retention policy: class end dates and unused accounts.")
privacy_cli = AppGroup("privacy", help="Privacy documents generated from the column declarations.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised, flagged or deleted; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Anonymise the records of classes past their end date plus the grace period, flag unused student accounts
    and delete those still unused after the warning period. Safe to run daily: a second run does nothing more."""
    report = retention.run(dry_run=dry_run)
    for line in report.lines():
        click.echo(_("would %(action)s", action=line) if dry_run else line)
    total = len(report.lines())
    if dry_run:
        click.echo(
            ngettext("Dry run: %(num)d action would be taken.", "Dry run: %(num)d actions would be taken.", total)
        )
    else:
        click.echo(ngettext("%(num)d action.", "%(num)d actions.", total))


@privacy_cli.command("notice")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Where to write it (default: docs/privacy-notice.md)."
)
def notice_command(output: str | None) -> None:
    """Write the school's privacy notice template, listing exactly what the software stores."""
    path = Path(output) if output else Path(current_app.config["BUNDLED_COURSE_PATH"]) / "docs" / "privacy-notice.md"
    path.write_text(privacy_notice(), encoding="utf-8")
    click.echo(_("Wrote %(path)s.", path=path))

"""`flask course check|import|export`, and `flask init`, which brings a fresh box's database up and imports the
bundled courses."""

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_migrate import upgrade
from sqlalchemy import func, select

from course.audit import record
from course.content import ContentError, check_course, import_course
from course.content.archive import course_zip, import_course_zip
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.content.review import review_folder
from course.extensions import db
from course.models import User

course_cli = AppGroup("course", help="Import, check and export course folders and zips.")


def _default_path() -> str:
    return current_app.config["BUNDLED_COURSE_PATH"]


def bundled_course_paths() -> list[str]:
    """The courses a release ships: the flagship at the project's root, then each course folder under courses/
    (such as its Korean edition), in name order."""
    root = Path(_default_path())
    editions = sorted(path for path in (root / "courses").glob("*") if (path / "lessons" / "course.yaml").is_file())
    return [str(root), *map(str, editions)]


@course_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--stale-after",
    "stale_after",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Also warn about sources not re-checked (accessed:) and [as of] dates older than DAYS days.",
)
def check_command(path: str | None, stale_after: int | None) -> None:
    """Validate a course folder without writing; print every problem as path:line: message. Warnings (unassessed
    objectives, stale sources) are printed too but do not fail the check."""
    problems = check_course(path or _default_path())
    warnings = review_folder(path or _default_path(), stale_after)
    for problem in sorted(problems + warnings):
        click.echo(str(problem))
    if problems:
        raise SystemExit(ngettext("%(num)d problem found.", "%(num)d problems found.", len(problems)))
    if warnings:
        click.echo(
            ngettext("No problems found, %(num)d warning.", "No problems found, %(num)d warnings.", len(warnings))
        )
    else:
        click.echo(_("No problems found."))


@course_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option(
    "--owner",
    "owner_name",
    metavar="NAME",
    help="The instructor or administrator who owns the course (default: the first administrator).",
)
@click.option(
    "--yes",
    "accept_losses",
    is_flag=True,
    help="Go ahead even if the import deletes lessons, questions or students' progress.",
)
def import_command(path: str | None, owner_name: str | None = None, accept_losses: bool = False) -> None:
    """Import a course folder or .zip (the bundled course by default); re-importing updates it and keeps progress.
    An import that would delete lessons, questions or progress says what and changes nothing without --yes."""
    from course.content.losses import LossesNeedConfirmation, confirm_losses
    from course.models import CourseOwner
    from course.ownership import first_admin

    path = path or _default_path()
    owner = db.session.scalar(select(User).where(User.username == owner_name)) if owner_name else first_admin()
    if owner_name and (owner is None or not owner.is_instructor):
        message = _("there is no instructor or administrator '%(name)s'", name=owner_name)
        raise click.BadParameter(message, param_hint="--owner")
    options = {"guard": confirm_losses(accept_losses), "owner_id": owner.id if owner else None}
    try:
        summary = import_course_zip(path, path, **options) if Path(path).is_file() else import_course(path, **options)
    except ContentError as error:
        report_problems(error)
    except LossesNeedConfirmation as pending:
        for loss in pending.losses.lines():
            click.echo(_("would be lost: %(loss)s", loss=loss), err=True)
        raise SystemExit(
            _(
                "Nothing imported: the import would change course '%(slug)s' as listed. Run again with "
                "--yes to import anyway.",
                slug=pending.course.slug,
            )
        ) from None
    if (
        owner_name
        and owner is not None
        and not summary.created
        and db.session.get(CourseOwner, (summary.course.id, owner.id)) is None
    ):
        db.session.add(CourseOwner(course_id=summary.course.id, user_id=owner.id))
    record("course.imported", summary.course, detail=f"{'created' if summary.created else 'updated'} from {path}")
    db.session.commit()
    counts = {
        "slug": summary.course.slug,
        "modules": summary.modules,
        "lessons": summary.lessons,
        "quizzes": summary.quizzes,
        "questions": summary.questions,
        "figures": summary.figures,
    }
    if summary.created:
        click.echo(
            _(
                "Created course '%(slug)s': %(modules)d modules, %(lessons)d lessons, %(quizzes)d quizzes "
                "(%(questions)d questions), %(figures)d figures.",
                **counts,
            )
        )
    else:
        click.echo(
            _(
                "Updated course '%(slug)s': %(modules)d modules, %(lessons)d lessons, %(quizzes)d quizzes "
                "(%(questions)d questions), %(figures)d figures.",
                **counts,
            )
        )


def report_problems(error: ContentError) -> NoReturn:
    """Every problem of a refused import on stderr, then the count as the exit message: nothing was written."""
    current_app.logger.warning("course import refused from the command line: %d problem(s)", len(error.problems))
    for problem in error.problems:
        click.echo(str(problem), err=True)
    raise SystemExit(
        ngettext(
            "Nothing imported: %(num)d problem found.", "Nothing imported: %(num)d problems found.", len(error.problems)
        )
    )


@course_cli.command("export")
@click.argument("course_slug")
@click.argument("target", type=click.Path())
def export_command(course_slug: str, target: str) -> None:
    """Write a course as TARGET.zip, or as a new course folder TARGET, in the format `course import` reads."""
    course = course_for_export(course_slug)
    if course is None:
        raise click.BadParameter(_("there is no course '%(slug)s'", slug=course_slug), param_hint="COURSE_SLUG")
    files = course_files(course)
    if target.lower().endswith(".zip"):
        Path(target).write_bytes(course_zip(files))
    else:
        try:
            write_course_folder(files, Path(target))
        except FileExistsError as error:
            raise click.BadParameter(str(error), param_hint="TARGET") from None
    record("course.exported", course, detail=f"to {target}", commit=True)
    count = sum(not n.endswith("/") for n in files)
    click.echo(
        ngettext(
            "Exported course '%(slug)s' to %(target)s (%(num)d file).",
            "Exported course '%(slug)s' to %(target)s (%(num)d files).",
            count,
            slug=course.slug,
            target=target,
        )
    )


@click.command("init")
@with_appcontext
@click.pass_context
def init_command(context: click.Context) -> None:
    """Bring the database up to date and import the bundled courses: everything a fresh box needs. A database that
    holds data is backed up first. Safe to run from several servers at once: they take turns."""
    from course.operations.backup import automatic_backup
    from course.operations.locks import exclusive

    with exclusive("init"):
        backup = automatic_backup()
        if backup:
            click.echo(_("Backed up the database to %(path)s (the last few are kept there).", path=backup))
        upgrade()
        # The bundled courses' changes are the release's; the backup above keeps what they replace.
        for path in bundled_course_paths():
            context.invoke(import_command, path=path, accept_losses=True)
        users = db.session.scalar(select(func.count(User.id)))
    if not users:
        click.echo(_("Open the site in a browser to create the first instructor account."))

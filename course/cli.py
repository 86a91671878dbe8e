"""Command-line tools: `flask course import|check|export`, `flask gift import|export`,
`flask users create|list|reset-password|set-role`, `flask init`; `serve`, `backup`, `restore` and `doctor` come
from course.operations, `retention run` and `privacy notice` from course.privacy."""

import functools
import getpass
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from course.audit import record
from course.content import ContentError, ContentProblem, check_course, import_course
from course.content.archive import course_zip, import_course_zip
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.content.gift_quiz import MAX_GIFT_BYTES, gift_too_large, import_gift, quiz_gift
from course.content.moodle_xml import import_moodle_xml, xml_too_large
from course.content.moodle_xml_export import quiz_moodle_xml
from course.content.review import review_folder
from course.extensions import db
from course.models import Course, Quiz, User
from course.models.users import ROLES
from course.operations.commands import backup_command, doctor_command, restore_command
from course.operations.server import serve_command
from course.privacy.cli import privacy_cli, retention_cli

course_cli = AppGroup("course", help="Import, check and export course folders and zips.")
gift_cli = AppGroup("gift", help="Import and export quizzes in Moodle's GIFT format.")
moodle_xml_cli = AppGroup("moodle-xml", help="Import and export quizzes in Moodle XML format.")
users_cli = AppGroup("users", help="Manage accounts.")


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
        _report_problems(error)
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
    if owner_name and not summary.created and db.session.get(CourseOwner, (summary.course.id, owner.id)) is None:
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


def _report_problems(error: ContentError) -> NoReturn:
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


def _course(slug: str | None) -> Course:
    """The course named by --course, or the only course when there is just one."""
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    if slug is None and len(courses) == 1:
        return courses[0]
    for course in courses:
        if course.slug == slug:
            return course
    known = ", ".join(course.slug for course in courses) or _("none yet")
    if slug is None:
        message = _("name the course (courses: %(known)s)", known=known)
    else:
        message = _("there is no course '%(slug)s' (courses: %(known)s)", slug=slug, known=known)
    raise click.BadParameter(message, param_hint="--course")


def _add_question_bank_commands(group: AppGroup, *, kind: str, read, write, too_large, left_out: str) -> None:
    """`import` and `export` for a question-bank format (GIFT, Moodle XML): the same options, size check, reports
    and all-or-nothing rule, with the format's own reader and writer."""

    @group.command(
        "import", help=f"Add the questions of a {kind} file to a quiz: same id replaced, new ids added; all or nothing."
    )
    @click.argument("bank_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
    @click.option("--quiz", "quiz_slug", help="The quiz to add to; a new slug creates a draft quiz.")
    @click.option("--course", "course_slug", help="The course (needed when there is more than one).")
    @click.option("--module", "module_slug", help="The module of a new quiz; without it the quiz is course-level.")
    @click.option(
        "--skip-unsupported",
        is_flag=True,
        help="Import the good questions and list the others with their "
        'lines (Moodle\'s "stop on error: no"); without it nothing is written if any question fails.',
    )
    @click.option(
        "--by-category",
        is_flag=True,
        help="Instead of --quiz, put each question into the existing quiz "
        "its category names: the category's last part is the quiz's slug or title.",
    )
    def import_bank(
        bank_file: str,
        quiz_slug: str | None,
        course_slug: str | None,
        module_slug: str | None,
        skip_unsupported: bool,
        by_category: bool,
    ) -> None:
        if bool(quiz_slug) == by_category:
            raise click.UsageError(_("give either --quiz SLUG or --by-category"))
        course = _course(course_slug)
        if Path(bank_file).stat().st_size > MAX_GIFT_BYTES:  # refused before it is read
            _report_problems(ContentError([ContentProblem(bank_file, 1, too_large())]))
        try:
            done = read(
                Path(bank_file).read_bytes(), bank_file, course, quiz_slug, module_slug, skip_unsupported, by_category
            )
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        except ContentError as error:
            _report_problems(error)
        for summary in done.quizzes:
            click.echo(str(summary))
        if done.figures:
            click.echo(
                ngettext("Added %(num)d figure to the course.", "Added %(num)d figures to the course.", done.figures)
            )
        if done.skipped:
            click.echo(
                ngettext(
                    "Skipped %(num)d problem; its question was not imported:",
                    "Skipped %(num)d problems; those questions were not imported:",
                    len(done.skipped),
                )
            )
            for problem in done.skipped:
                click.echo("  " + str(problem))

    @group.command(
        "export",
        help=f"Write a quiz's questions as {kind} (sources, objectives and quiz settings have no place there).",
    )
    @click.argument("quiz_slug")
    @click.argument("bank_file", metavar="FILE", type=click.Path(dir_okay=False))
    @click.option("--course", "course_slug", help="The course (needed when there is more than one).")
    @click.option(
        "--skip-unsupported",
        is_flag=True,
        help=f"Leave out the questions {kind} cannot hold ({left_out}) and list them; without it nothing is written.",
    )
    def export_bank(quiz_slug: str, bank_file: str, course_slug: str | None, skip_unsupported: bool) -> None:
        course = _course(course_slug)
        quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
        if quiz is None:
            message = _("course '%(course)s' has no quiz '%(quiz)s'", course=course.slug, quiz=quiz_slug)
            raise click.BadParameter(message, param_hint="QUIZ_SLUG")
        skipped: list[str] | None = [] if skip_unsupported else None
        try:
            text = write(quiz, skipped)
        except ValueError as error:
            message = _(
                "%(problem)s; nothing was written (--skip-unsupported leaves such questions out)", problem=error
            )
            raise click.ClickException(message) from None
        Path(bank_file).write_text(text, encoding="utf-8")
        exported = len(quiz.questions) - len(skipped or [])
        click.echo(
            ngettext(
                "Exported %(num)d question of quiz '%(slug)s' to %(file)s.",
                "Exported %(num)d questions of quiz '%(slug)s' to %(file)s.",
                exported,
                slug=quiz.slug,
                file=bank_file,
            )
        )
        for message in skipped or []:
            click.echo(_("Skipped %(question)s", question=message))


_add_question_bank_commands(
    gift_cli,
    kind="GIFT",
    read=import_gift,
    write=quiz_gift,
    too_large=gift_too_large,
    left_out="ordering, fill in the blanks",
)
_add_question_bank_commands(
    moodle_xml_cli,
    kind="Moodle XML",
    read=import_moodle_xml,
    write=quiz_moodle_xml,
    too_large=xml_too_large,
    left_out="fill in the blanks",
)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="student", show_default=True)
@click.option("--password", help="Prompted for (and not echoed) when omitted.")
def create_user_command(username: str, role: str, password: str | None) -> None:
    """Create an account, for example an instructor on a box without a browser."""
    from course.auth.forms import password_problem
    from course.auth.usernames import UsernameError, existing_lookalike, normalise_username

    try:
        username = normalise_username(username)
    except UsernameError as problem:
        raise click.BadParameter(str(problem), param_hint="USERNAME") from None
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.BadParameter(_("'%(name)s' is already taken", name=username), param_hint="USERNAME")
    if lookalike := existing_lookalike(username):
        message = _("'%(username)s' looks too much like the account '%(other)s'", username=username, other=lookalike)
        raise click.BadParameter(message, param_hint="USERNAME")
    password = password or getpass.getpass(_("Password: "))
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = User(username=username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("account.created", user, detail=f"as {role}, from the command line")
    db.session.commit()
    click.echo(_("Created %(role)s '%(name)s'.", role=role, name=username))


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only accounts with this role.")
def list_users_command(role: str | None) -> None:
    """List accounts with their roles, for example to find an admin's username."""
    query = select(User).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    users = db.session.scalars(query).all()
    for user in users:
        click.echo(
            _(
                "%(name)s\t%(role)s\tjoined %(date)s",
                name=user.username,
                role=user.role,
                date=user.created_at.date().isoformat(),
            )
        )
    if not users:
        click.echo(_("No accounts yet.") if role is None else _("No %(role)s accounts.", role=role))


def _user(username: str) -> User:
    """The account named on the command line, or a one-line error."""
    from course.auth.usernames import fold_username

    user = db.session.scalar(select(User).where(User.username == fold_username(username)))
    if user is None:
        message = _("there is no account '%(name)s' (see: flask users list)", name=username)
        raise click.BadParameter(message, param_hint="NAME")
    return user


@users_cli.command("reset-password")
@click.argument("username", metavar="NAME")
def reset_password_command(username: str) -> None:
    """Set a new password for an account, for example a forgotten admin password; it signs the account out
    everywhere. The password is typed twice at a hidden prompt, never given on the command line."""
    from course.auth.forms import password_problem

    user = _user(username)
    password = click.prompt(_("New password"), hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    user.set_password(password)
    user.must_change_password = False
    record("account.password_reset", user, detail="from the command line")
    db.session.commit()
    click.echo(_("Password changed for '%(name)s'; every session of that account has ended.", name=user.username))


@users_cli.command("set-role")
@click.argument("username", metavar="NAME")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(username: str, role: str) -> None:
    """Change an account's role, for example to make a teacher an instructor or to recover admin rights."""
    user = _user(username)
    if user.role == "admin" and role != "admin":
        admins = db.session.scalar(select(func.count(User.id)).where(User.role == "admin"))
        if admins == 1:
            message = _("'%(name)s' is the only admin; make another account admin first", name=user.username)
            raise click.ClickException(message)
    previous, user.role = user.role, role
    record("account.role", user, detail=f"{previous} → {role}")
    db.session.commit()
    click.echo(_("'%(name)s' is now %(role)s (was %(previous)s).", name=user.username, role=role, previous=previous))


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


def _database_errors_in_one_line(command: click.Command) -> None:
    """An unreachable or missing database ends any command with one line saying what to do, not a traceback."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _database_errors_in_one_line(subcommand)
        return
    callback = command.callback

    @functools.wraps(callback)
    def reporting(*args, **kwargs):
        from course.operations.health import database_problem, describe_database_error

        try:
            return callback(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            db.session.rollback()
            problem = database_problem()
            if problem is None:
                problem = _("the database refused a query (%(error)s)", error=describe_database_error(error))
            elif "not up to date" in problem:  # database_problem speaks English: it is logged as well
                problem = _("%(problem)s; run `flask --app app init` first", problem=problem)
            raise click.ClickException(problem) from None

    command.callback = reporting


def register(app: Flask) -> None:
    app.cli.add_command(course_cli)
    app.cli.add_command(gift_cli)
    app.cli.add_command(moodle_xml_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(init_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(doctor_command)
    app.cli.add_command(retention_cli)
    app.cli.add_command(privacy_cli)
    for command in (
        course_cli,
        gift_cli,
        moodle_xml_cli,
        users_cli,
        init_command,
        backup_command,
        restore_command,
        retention_cli,
    ):
        _database_errors_in_one_line(command)

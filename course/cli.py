"""Command-line tools: `flask course import|check|export`, `flask gift import|export`, `flask users create|list`,
`flask init`."""

import getpass
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from course.content import ContentError, check_course, import_course
from course.content.archive import course_zip, import_course_zip
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.content.gift_quiz import import_gift, quiz_gift
from course.content.review import review_folder
from course.extensions import db
from course.models import Course, Quiz, User
from course.models.users import ROLES

course_cli = AppGroup("course", help="Import, check and export course folders and zips.")
gift_cli = AppGroup("gift", help="Import and export quizzes in Moodle's GIFT format.")
users_cli = AppGroup("users", help="Manage accounts.")


def _default_path() -> str:
    return current_app.config["BUNDLED_COURSE_PATH"]


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
        raise SystemExit(f"{len(problems)} problem(s) found.")
    click.echo(f"No problems found{f', {len(warnings)} warning(s)' if warnings else ''}.")


@course_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True))
def import_command(path: str | None) -> None:
    """Import a course folder or .zip (the bundled course by default); re-importing updates it and keeps progress."""
    path = path or _default_path()
    try:
        summary = import_course_zip(path, path) if Path(path).is_file() else import_course(path)
    except ContentError as error:
        _report_problems(error)
    verb = "Created" if summary.created else "Updated"
    click.echo(
        f"{verb} course '{summary.course.slug}': {summary.modules} modules, {summary.lessons} lessons, "
        f"{summary.quizzes} quizzes ({summary.questions} questions), {summary.figures} figures."
    )


def _report_problems(error: ContentError) -> NoReturn:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    raise SystemExit(f"Nothing imported: {len(error.problems)} problem(s) found.")


@course_cli.command("export")
@click.argument("course_slug")
@click.argument("target", type=click.Path())
def export_command(course_slug: str, target: str) -> None:
    """Write a course as TARGET.zip, or as a new course folder TARGET, in the format `course import` reads."""
    course = course_for_export(course_slug)
    if course is None:
        raise click.BadParameter(f"there is no course '{course_slug}'", param_hint="COURSE_SLUG")
    files = course_files(course)
    if target.lower().endswith(".zip"):
        Path(target).write_bytes(course_zip(files))
    else:
        try:
            write_course_folder(files, Path(target))
        except FileExistsError as error:
            raise click.BadParameter(str(error), param_hint="TARGET") from None
    click.echo(f"Exported course '{course.slug}' to {target} ({sum(not n.endswith('/') for n in files)} files).")


def _course(slug: str | None) -> Course:
    """The course named by --course, or the only course when there is just one."""
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    if slug is None and len(courses) == 1:
        return courses[0]
    for course in courses:
        if course.slug == slug:
            return course
    known = ", ".join(course.slug for course in courses) or "none yet"
    problem = "name the course" if slug is None else f"there is no course '{slug}'"
    raise click.BadParameter(f"{problem} (courses: {known})", param_hint="--course")


@gift_cli.command("import")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--quiz", "quiz_slug", required=True, help="The quiz to add to; a new slug creates a draft quiz.")
@click.option("--course", "course_slug", help="The course (needed when there is more than one).")
@click.option("--module", "module_slug", help="The module of a new quiz; without it the quiz is course-level.")
def gift_import_command(gift_file: str, quiz_slug: str, course_slug: str | None, module_slug: str | None) -> None:
    """Add the questions of a GIFT file to a quiz: same id replaced, new ids added; all or nothing."""
    course = _course(course_slug)
    try:
        summary = import_gift(Path(gift_file).read_bytes(), gift_file, course, quiz_slug, module_slug)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except ContentError as error:
        _report_problems(error)
    state = "created as a draft" if summary.created else "updated"
    click.echo(f"Quiz '{summary.quiz.slug}' {state}: {summary.added} question(s) added, {summary.replaced} replaced.")


@gift_cli.command("export")
@click.argument("quiz_slug")
@click.argument("gift_file", type=click.Path(dir_okay=False))
@click.option("--course", "course_slug", help="The course (needed when there is more than one).")
def gift_export_command(quiz_slug: str, gift_file: str, course_slug: str | None) -> None:
    """Write a quiz's questions as GIFT for Moodle (sources, points and quiz settings have no place there)."""
    course = _course(course_slug)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    if quiz is None:
        raise click.BadParameter(f"course '{course.slug}' has no quiz '{quiz_slug}'", param_hint="QUIZ_SLUG")
    Path(gift_file).write_text(quiz_gift(quiz), encoding="utf-8")
    click.echo(f"Exported {len(quiz.questions)} question(s) of quiz '{quiz.slug}' to {gift_file}.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="student", show_default=True)
@click.option("--password", help="Prompted for (and not echoed) when omitted.")
def create_user_command(username: str, role: str, password: str | None) -> None:
    """Create an account, for example an instructor on a box without a browser."""
    from course.auth.forms import normalise_username, password_problem, username_problem

    username = normalise_username(username)
    problem = username_problem(username)
    if problem:
        raise click.BadParameter(problem, param_hint="USERNAME")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.BadParameter(f"'{username}' is already taken", param_hint="USERNAME")
    password = password or getpass.getpass("Password: ")
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = User(username=username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} '{username}'.")


@users_cli.command("list")
def list_users_command() -> None:
    """List accounts with their roles."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}")


@click.command("init")
@with_appcontext
@click.pass_context
def init_command(context: click.Context) -> None:
    """Bring the database up to date and import the bundled course: everything a fresh box needs."""
    upgrade()
    context.invoke(import_command)
    users = db.session.scalar(select(func.count(User.id)))
    if not users:
        click.echo("Open the site in a browser to create the first instructor account.")


def register(app: Flask) -> None:
    app.cli.add_command(course_cli)
    app.cli.add_command(gift_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(init_command)

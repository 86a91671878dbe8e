"""Command-line tools: `flask course import|check`, `flask users create|list`, `flask init`."""

import getpass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from course.content import ContentError, check_course, import_course
from course.extensions import db
from course.models import User
from course.models.users import ROLES

course_cli = AppGroup("course", help="Import and check course folders.")
users_cli = AppGroup("users", help="Manage accounts.")


def _default_path() -> str:
    return current_app.config["BUNDLED_COURSE_PATH"]


@course_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def check_command(path: str | None) -> None:
    """Validate a course folder without writing; print every problem as path:line: message."""
    problems = check_course(path or _default_path())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise SystemExit(f"{len(problems)} problem(s) found.")
    click.echo("No problems found.")


@course_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def import_command(path: str | None) -> None:
    """Import a course folder (the bundled course by default); re-importing updates it and keeps progress."""
    try:
        summary = import_course(path or _default_path())
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(f"Nothing imported: {len(error.problems)} problem(s) found.") from None
    verb = "Created" if summary.created else "Updated"
    click.echo(
        f"{verb} course '{summary.course.slug}': {summary.modules} modules, {summary.lessons} lessons, "
        f"{summary.quizzes} quizzes ({summary.questions} questions), {summary.figures} figures."
    )


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
def init_command() -> None:
    """Bring the database up to date and import the bundled course: everything a fresh box needs."""
    upgrade(directory=str(Path(current_app.root_path).parent / "migrations"))
    import_command.callback(None)
    users = db.session.scalar(select(func.count(User.id)))
    if not users:
        click.echo("Open the site in a browser to create the first instructor account.")


def register(app: Flask) -> None:
    app.cli.add_command(course_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(init_command)

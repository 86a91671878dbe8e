"""Command-line tools, one module per command group: `flask course import|check|export` and `flask init` (courses),
`flask gift import|export` and `flask moodle-xml import|export` (question_banks), `flask users
create|list|reset-password|set-role` (users); `serve`, `backup`, `restore` and `doctor` come from course.operations,
`retention run` and `privacy notice` from course.privacy. `create_app` imports this package only when a command is
listed or run."""

import functools

import click
from flask import Flask
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, ProgrammingError

from course.cli.courses import course_cli, init_command
from course.cli.question_banks import gift_cli, moodle_xml_cli
from course.cli.users import users_cli
from course.extensions import db
from course.operations.commands import backup_command, doctor_command, restore_command
from course.operations.server import serve_command
from course.privacy.cli import privacy_cli, retention_cli


def _database_errors_in_one_line(command: click.Command) -> None:
    """An unreachable or missing database ends any command with one line saying what to do, not a traceback."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _database_errors_in_one_line(subcommand)
        return
    callback = command.callback
    if callback is None:  # a command without a function of its own: nothing to wrap
        return

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
    """Adds every command to the app's `flask` group, those that use the database reporting its errors in one line."""
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

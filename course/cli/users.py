"""`flask users create|list|reset-password|set-role`: accounts managed from a box without a browser."""

import getpass

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import func, select

from course.audit import record
from course.extensions import db
from course.models import User
from course.models.users import ROLES

users_cli = AppGroup("users", help="Manage accounts.")


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
    except UsernameError as refusal:
        raise click.BadParameter(str(refusal), param_hint="USERNAME") from None
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

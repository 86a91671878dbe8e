"""`flask serve`: the production server for a classroom box, reachable from students' devices on the LAN."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from course.operations.network import lan_addresses


@click.command("serve")
@click.option(
    "--host",
    default="0.0.0.0",  # noqa: S104 - students' devices are on the LAN
    show_default=True,
    help="Address to listen on; 0.0.0.0 is every network.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Requests served at once.")
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve Lanyard with waitress, a production server for Linux, macOS and Windows (`flask run` is for
    development only), and print the addresses students open."""
    import waitress

    from course.operations.health import database_problem

    problem = database_problem()
    if problem:
        raise click.ClickException(_("%(problem)s; run `flask --app app init` first.", problem=problem))
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, which Flask types as Flask
    for line in _banner(host, port):
        click.echo(line)
    # Forwarded headers are left for the app's ProxyFix when proxies are trusted; otherwise waitress drops them.
    trusting_proxies = bool(app.config.get("TRUSTED_PROXIES"))
    waitress.serve(
        app, host=host, port=port, threads=threads, ident="Lanyard", clear_untrusted_proxy_headers=not trusting_proxies
    )


def _banner(host: str, port: int) -> list[str]:
    """What the person starting the server needs: where students go, and how to stop it."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - naming the wildcard, not binding to it
        addresses = lan_addresses()
        shown = addresses or ["127.0.0.1"]
    else:
        addresses, shown = [host], [host]
    lines = [_("Lanyard is running. Students open:")]
    lines += [f"    http://{address}:{port}/" for address in shown]
    register = f"http://{shown[0]}:{port}/register"
    lines.append(_("New students create an account at %(url)s with the class join code.", url=register))
    if not addresses:
        lines.append(_("No network address was found: only this computer can open the site until it joins a network."))
    lines.append(_("Press Ctrl+C to stop."))
    return lines

"""Logs for the person running the box: one handler, a line per request without addresses, warnings that matter."""

import logging
import time

from flask import Flask, g, request
from flask.logging import default_handler

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
request_log = logging.getLogger("course.requests")


class _LanyardHandler(logging.StreamHandler):
    """The handler configure_logging adds, marked so that configuring again (another app) adds no second one."""

    lanyard = True


def configure_logging(app: Flask) -> None:
    """Send the app's loggers (and waitress's) to one handler at the level LANYARD_LOG_LEVEL sets, and log each
    request by its route, never by its client address."""
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    if level not in logging.getLevelNamesMapping():
        raise ValueError(f"LANYARD_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR (not {level!r})")
    app.logger.removeHandler(default_handler)
    if not any(getattr(handler, "lanyard", False) for handler in app.logger.handlers):
        handler = _LanyardHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        app.logger.addHandler(handler)
        logging.getLogger("waitress").addHandler(handler)
    app.logger.setLevel(level)
    logging.getLogger("waitress").setLevel(max(logging.getLevelNamesMapping()[level], logging.WARNING))
    # "Task queue depth is N" is logged for every request that waits for a thread: a busy class, not a fault.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if request_log.isEnabledFor(logging.INFO) and "request_started" in g:
            route = route_of_request()
            milliseconds = (time.perf_counter() - g.request_started) * 1000
            request_log.info("%s %s %s %.1fms", request.method, route, response.status_code, milliseconds)
        if response.status_code == 429:
            request_log.warning("rate limit reached on %s %s", request.method, route_of_request())
        return response


def route_of_request() -> str:
    """The route's pattern (/teach/students/<int:user_id>), which names no one, rather than the path."""
    return request.url_rule.rule if request.url_rule else "(no route)"

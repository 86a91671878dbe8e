"""Views imported on their first request (Flask's "Lazily Loading Views" pattern), for blueprints a process serving
students never uses: at start-up the blueprint imports only its URL table, not the views and what they import."""

from collections.abc import Callable, Iterable
from functools import cached_property
from importlib import import_module
from importlib.util import resolve_name

from flask import Blueprint

# A URL rule, its view as "module:function" (".module" is relative to the blueprint's package) and its methods
# (None for GET alone, as with @bp.route).
Route = tuple[str, str, tuple[str, ...] | None]


class LazyView:
    """Stands in for the view "package.module:function" and imports it on the first call. It carries the function's
    module, name and qualified name, which CSRFProtect and Flask-Limiter read to name a view, without importing it."""

    def __init__(self, import_path: str):
        self.import_path = import_path
        self.__module__, self.__name__ = import_path.split(":")
        self.__qualname__ = self.__name__

    @cached_property
    def view(self) -> Callable:
        return getattr(import_module(self.__module__), self.__name__)

    def __call__(self, *args, **kwargs):
        return self.view(*args, **kwargs)


def add_lazy_routes(bp: Blueprint, package: str, table: Iterable[Route]) -> None:
    """Add each route of a URL table to the blueprint as @bp.route would: the endpoint is the function's name."""
    for rule, target, methods in table:
        module, name = target.split(":")
        bp.add_url_rule(rule, name, LazyView(f"{resolve_name(module, package)}:{name}"), methods=methods)

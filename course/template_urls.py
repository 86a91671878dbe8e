"""url_for as templates call it, remembered per URL prefix: a course outline builds forty links to the same few
dozen lessons on every view, and Werkzeug builds each one from scratch although the URL map never changes while the
app runs. Links that depend on more than the endpoint and its values are always built afresh: static files (their
address carries the file's current version), relative endpoints, and `_external`, `_anchor` and the like."""

from typing import Any

from flask import Flask, request

# Beyond this many distinct links (attempt and design ids make them many) new ones are built but not kept.
REMEMBERED_LINKS = 4096


def init_app(app: Flask) -> None:
    """Give templates the remembering url_for in place of Flask's."""
    build = app.url_for
    remembered: dict[tuple, str] = {}

    def url_for(endpoint: str, /, **values: Any) -> str:
        if endpoint == "static" or endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return build(endpoint, **values)
        try:
            key = (request.script_root, endpoint, tuple(sorted(values.items())))
            found = remembered.get(key)
        except TypeError:  # a list of values (several of one query argument): not a key
            return build(endpoint, **values)
        if found is None:
            found = build(endpoint, **values)
            if len(remembered) < REMEMBERED_LINKS:
                remembered[key] = found
        return found

    app.jinja_env.globals["url_for"] = url_for

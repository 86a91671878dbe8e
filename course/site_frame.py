"""The frame every page shares — the site header's links and the footer's notes and language choices — rendered
once per language, role and URL prefix and then reused: the frame is the same on every page for the same reader
kind, and rendering it (a dozen translated strings, as many URLs) cost a fifth of a lesson page. What differs per
reader or page (the CSRF token, the username, the page's own address) stays in base.html and is rendered each time.
"""

import threading

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from course.fragments import template_macro

TEMPLATE = "_site_frame.html"
_lock = threading.Lock()


def site_frame(part: str, *choices: object) -> Markup:
    """A macro of templates/_site_frame.html, rendered for this request's language and URL prefix; `choices` are
    the macro's arguments (whether the reader teaches, the time zone, the chosen language), part of the key."""
    key = (part, choices, str(get_locale()), request.script_root)
    cache: dict = current_app.extensions["lanyard_site_frame"]
    found = cache.get(key)
    if found is None:
        found = template_macro(TEMPLATE, part)(*choices)  # Markup: the macro escaped what it inserted
        with _lock:
            cache[key] = found
    return found


def init_app(app: Flask) -> None:
    """Offer `site_frame` to templates, with an empty cache per app (a template edit needs a restart, as any)."""
    app.extensions["lanyard_site_frame"] = {}
    app.add_template_global(site_frame)

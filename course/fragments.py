"""Parts of a course's pages that are the same for every reader, rendered once per course version, language, URL
prefix and role, with holes for what is each reader's own.

The course outline lists every module and lesson with its link, title and reading time: the same text for every
student, and rendering it was more than half of the page. Only each lesson's status and each quiz's result belong
to the reader. A macro marks those places with `hole(name)`; its output is split there once and kept with the course
structure (course.structure), so the next content version renders afresh. Each page joins the pieces with the
reader's values.
"""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from course.i18n import language_context
from course.structure import CourseEntry, current_structure

# The mark no course text can hold: NUL characters (refused in course files and forms) around a fixed word.
_START, _END = "\x00hole:", "\x00"
_lock = threading.Lock()


def hole(name: str) -> Markup:
    """Where a reader's own value goes in a course fragment (a template global)."""
    return Markup(f"{_START}{escape(name)}{_END}")  # noqa: S704 — the name is escaped, the marks are ours


@dataclass(frozen=True)
class Fragment:
    """A rendered macro cut at its holes: text, hole name, text, hole name, …, text."""

    parts: tuple[str, ...]

    @classmethod
    def split(cls, rendered: str) -> "Fragment":
        parts = []
        first, *rest = rendered.split(_START)
        parts.append(first)
        for piece in rest:
            name, text = piece.split(_END, 1)
            parts.extend((name, text))
        return cls(tuple(parts))

    @property
    def holes(self) -> tuple[str, ...]:
        return self.parts[1::2]

    def fill(self, values: Mapping[str, str]) -> Markup:
        """The fragment with every hole filled (Markup as it is, text escaped); a hole without a value is a bug
        in the caller, so it raises KeyError rather than leaving a gap."""
        pieces = list(self.parts)
        pieces[1::2] = [escape(values[name]) for name in self.holes]
        return Markup("".join(pieces))  # noqa: S704 — autoescaped output and escaped values


def course_fragment(template: str, macro: str, course: CourseEntry, *choices: object) -> Fragment:
    """`macro` of `template` rendered for `course` (and `choices`, such as whether the reader teaches) in this
    request's language and URL prefix, from the cache of the current content version."""
    fragments = current_structure().fragments
    key = (template, macro, course.id, choices, str(get_locale()), request.script_root)
    found = fragments.get(key)
    if found is None:
        # Rendered with the language's template variables only: nothing of the reader can reach a fragment.
        module = current_app.jinja_env.get_template(template).make_module(vars=language_context())
        rendered = getattr(module, macro)(course, *choices)
        found = Fragment.split(str(rendered))
        with _lock:
            fragments[key] = found
    return found


def template_macro(template: str, name: str) -> Callable[..., Markup]:
    """A macro of a template, to call from Python (it renders with the app's globals, as in any template)."""
    return getattr(current_app.jinja_env.get_template(template).module, name)


def init_app(app: Flask) -> None:
    """Offer `hole` to the macros that mark a reader's places."""
    app.add_template_global(hole)

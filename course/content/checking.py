"""What every part of the course loader shares: the limits, where a problem is reported (`path:line`), reading a
file safely, and holding a mapping to its schema (course.schema) in the author's language.

Each file kind's reader (course_file.py, lessons.py, quizzes.py, glossary.py, guides.py) declares its schema beside
it and adds what a schema cannot say: references between files, rendering, duplicates.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.problems import ContentProblem
from course.content.yaml_lines import LineDict, LineList
from course.sanitize import without_control_characters

SLUG = schema.SLUG
MAX_TEXT_FILE_BYTES = 256 * 1024  # a lesson, quiz or YAML file; the bundled course's largest is 42 KiB
MAX_SLUG = 80  # the length of the database's slug and key columns
MAX_TITLE = 200  # and of its title and figure name columns

SLUG_FIELD = schema.slug(max_length=MAX_SLUG)
TITLE = schema.text(max_length=MAX_TITLE)
TEXT = schema.text()


def course_folders(path: str | os.PathLike) -> tuple[Path, Path]:
    """Find lessons/ and quizzes/ whether PATH is the course root or its lessons/ folder."""
    root = Path(path)
    if (root / "course.yaml").is_file():
        return root, root.parent / "quizzes"
    return root / "lessons", root / "quizzes"


def text_too_large() -> str:
    return _("is larger than %(size)d KiB, the limit for a lesson, quiz or YAML file", size=MAX_TEXT_FILE_BYTES // 1024)


def _display(path: Path) -> str:
    """Paths relative to where the author runs the command, so editors can jump to them."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def message_for(spec: schema.Field, problem: schema.Problem, key: str, what: str) -> str:
    """A schema problem in the author's language; a field's own message says it better where it has one."""
    if spec.message is not None:
        return spec.message(problem, what)
    if spec.kind == schema.SLUG_TEXT:
        if problem.code == "missing":
            return _("%(what)s has no %(key)s: give one, e.g. card-technology", what=what, key=key)
        if problem.code == "too_long":
            return _(
                "%(key)s '%(value)s' is longer than %(max)d characters: shorten it",
                key=key,
                value=problem.value,
                max=problem.limit,
            )
        return _(
            "%(key)s %(value)s: use lower-case letters and digits in words joined by hyphens, e.g. card-technology",
            key=key,
            value=repr(problem.value),
        )
    if spec.kind == schema.INTEGER:
        return _(
            "%(name)s: give a whole number from %(low)d to %(high)d",
            name=key.replace("_", " "),
            low=spec.low,
            high=spec.high,
        )
    if problem.code == "too_long":
        return _("%(what)s: the title is longer than %(max)d characters", what=what, max=problem.limit)
    return _("%(what)s has no %(key)s: write one", what=what, key=key)


def unknown_key_problems(spec: schema.Schema, data: LineDict, what: str) -> Iterator[tuple[int, str]]:
    """(line, message) for each key of `data` its schema does not declare: every course file's reader reports them
    in the same words."""
    for key in schema.unknown_keys(spec, data):
        yield data.line_of(key), _("unknown field '%(key)s' in %(what)s", key=key, what=what)


class CheckerBase:
    """Collects problems while reading; `load` returns the course only when none were found."""

    def __init__(self, path: str | os.PathLike | None = None):
        """`path` is the course folder; None checks single lessons and quizzes given as text (the browser editor)."""
        if path is not None:
            self.lessons_dir, self.quizzes_dir = course_folders(path)
        self.problems: list[ContentProblem] = []

    def problem(self, path: Path | str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(_display(Path(path)) if isinstance(path, Path) else path, line, message))

    def read_text(self, path: Path) -> str | None:
        """The file's text, or None after a problem; a file above MAX_TEXT_FILE_BYTES is refused unread."""
        try:
            with path.open("rb") as file:
                data = file.read(MAX_TEXT_FILE_BYTES + 1)
            if len(data) > MAX_TEXT_FILE_BYTES:
                self.problem(path, 1, text_too_large())
                return None
            return without_control_characters(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.problem(path, 1, _("is not UTF-8 text"))
        except OSError as error:
            self.problem(path, 1, _("cannot be read: %(reason)s", reason=error.strerror))
        return None

    def field(self, data: LineDict, key: str, spec: schema.Field, path: Path | str, what: str) -> Any:
        """`data[key]` held to its field, reported at its line; after a problem, what the reader can go on with:
        a too-long text as written, otherwise the field's default (or "" for text)."""
        value = data.get(key)
        problem = schema.problem_in(spec, value, key in data)
        if problem is None:
            return schema.cleaned(spec, value)
        self.problem(path, data.line_of(key), message_for(spec, problem, key, what))
        if problem.code == "too_long" and spec.kind == schema.TEXT:
            return str(value).strip()
        return "" if spec.kind in schema.STRING_KINDS and spec.default is None else spec.default

    def fields(self, data: LineDict, spec: schema.Schema, path: Path | str, what: str, *names: str) -> list[Any]:
        """Several keys of one mapping, each held to its declaration in the schema."""
        return [self.field(data, name, spec[name], path, what) for name in names]

    def unknown_fields(self, data: LineDict, spec: schema.Schema, path: Path | str, what: str) -> None:
        for line, message in unknown_key_problems(spec, data, what):
            self.problem(path, line, message)

    def string_list(self, data: LineDict, key: str, spec: schema.Field, path: Path) -> list[str]:
        """A list of texts (objectives, key terms): the list at its line, each empty item at its own."""
        value = data.get(key)
        problem = schema.problem_in(spec, value, key in data)
        if problem is not None:
            self.problem(path, data.line_of(key), message_for(spec, problem, key, ""))
            return []
        items = value if isinstance(value, LineList) else LineList()
        for index, item in enumerate(items):
            if schema.problem_in(TEXT, item) is not None:
                message = _("an item of %(key)s is empty: write it or remove it", key=key)
                self.problem(path, items.line_of(index), message)
        return [str(item).strip() for item in items if isinstance(item, str)]

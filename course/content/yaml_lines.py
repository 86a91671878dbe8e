"""YAML that remembers where things are, so every content problem can name its line.

Course files come from strangers (zips, uploads), so the loader refuses what makes YAML expensive or surprising before
it is built: anchors and aliases (an alias bomb expands to gigabytes), nesting deeper than MAX_YAML_DEPTH, and numbers
that are long, huge, NaN or infinite. Each refusal is a syntax-style problem at its line.
"""

import math
from typing import Any

import yaml
from flask_babel import gettext as _

from course.content.problems import ContentProblem
from course.sanitize import without_control_characters


class LineDict(dict):
    """A mapping from YAML with the line of the mapping (`line`) and of each key (`lines`), 1-based."""

    line: int = 1
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML with the line of each item."""

    line: int = 1
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


MAX_YAML_DEPTH = 20  # the deepest course file (a quiz's choice) is 4 levels down
MAX_NUMBER = 10**15  # numbers in course files (answers, tolerances, minutes) are at most this in size
MAX_NUMBER_CHARACTERS = 30
MAX_QUESTIONS = 500  # in one quiz or GIFT file: each is checked and its Markdown rendered on import


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that builds LineDict and LineList, refusing anchors, aliases and deep
    nesting while the document is composed, before anything is expanded."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            message = _("anchors (&name) and aliases (*name) are not accepted: write each value out")
            raise yaml.composer.ComposerError(None, None, message, event.start_mark)
        if self.depth >= MAX_YAML_DEPTH:
            message = _("nested more than %(max)d levels deep", max=MAX_YAML_DEPTH)
            raise yaml.composer.ComposerError(None, None, message, event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark)
        if key in mapping:
            message = _("duplicate key %(key)s", key=repr(key))
            raise yaml.constructor.ConstructorError(None, None, message, key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


def _construct_number(loader: _LineLoader, node: yaml.ScalarNode) -> int | float:
    """An int or float no longer than MAX_NUMBER_CHARACTERS, finite, and at most MAX_NUMBER in size."""
    if len(node.value) > MAX_NUMBER_CHARACTERS:
        message = _("a number longer than %(max)d characters", max=MAX_NUMBER_CHARACTERS)
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
    if node.tag.endswith(":int"):
        number: int | float = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    else:
        number = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if isinstance(number, float) and not math.isfinite(number):
        message = _("%(number)s is not a finite number: NaN and infinities are not accepted", number=node.value)
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
    if abs(number) > MAX_NUMBER:
        message = _(
            "%(number)s is out of range: numbers are at most %(max)s in size",
            number=node.value,
            max=format(MAX_NUMBER, ".0e"),
        )
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
    return number


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date, or a problem at its line for one the calendar lacks (2019-13-45), not an uncaught ValueError."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as error:
        message = _("%(value)s is not a date: %(error)s", value=node.value, error=error)
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    """A string without NUL and the other control characters. The file's text has none (checking.read_text removes
    them), but a double-quoted YAML string writes them as escapes ("\\0", "\\x07"); they go here as from every
    text typed or imported. PostgreSQL refuses NUL, and pages use it to mark their holes (course.fragments)."""
    return without_control_characters(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[ContentProblem]]:
    """Parse YAML; on a syntax error return the problem at its line instead of raising.

    `first_line` shifts line numbers for YAML embedded in a file, such as a lesson's front matter.
    """
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + first_line) if mark else first_line
        reason = error.problem or str(error)
        return None, [ContentProblem(path, line, _("YAML syntax error: %(reason)s", reason=reason))]
    except yaml.YAMLError as error:
        return None, [ContentProblem(path, first_line, _("YAML error: %(error)s", error=error))]
    _shift_lines(data, first_line - 1)
    return data, []


def _shift_lines(data: Any, offset: int) -> None:
    if not offset:
        return
    if isinstance(data, LineDict):
        data.line += offset
        data.lines = {k: v + offset for k, v in data.lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.lines = [v + offset for v in data.lines]
        for value in data:
            _shift_lines(value, offset)

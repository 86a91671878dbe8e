"""A GIFT file as question sources: cut at blank lines, escapes masked, each character's file line known.

GIFT's control characters (`~ = # { } :`) can be escaped with a backslash; the escaped ones hide as Private Use Area
placeholders while course.content.gift and gift_answers parse the control characters, and `unmask` brings them back.
"""

import bisect
import itertools
import re
from collections.abc import Iterator

from course.content.problems import ContentProblem
from course.question_types.gift_text import html_to_markdown, plain_to_markdown

_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans({held: "\n" if char == "n" else char for char, held in _PLACEHOLDERS.items()})
_ESCAPE_SEQUENCE = re.compile(r"\\([\\~=#{}:n])")

_LINE_BREAK = re.compile(r"\r\n?|\n")
_FORMAT_MARKER = re.compile(r"\[(markdown|html|plain|moodle)\]")
_CATEGORY_PREFIX = re.compile(r"^(?:\$(?:course|system|module|cat\d*)\$/?)?(?:top/?)?")


class QuestionSource:
    """One question's lines, escapes masked, joined into a text that still knows each character's file line, and the
    $CATEGORY it sits under."""

    def __init__(self, path: str, lines: list[str], line_numbers: list[int], category: str = ""):
        self.path = path
        self.text = "\n".join(lines)
        self.line_numbers = line_numbers
        self.line_offsets = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        self.category = category
        self.text_format = ""
        self.problems: list[ContentProblem] = []

    def report(self, offset: int, message: str) -> None:
        """Record a problem at the file line holding text[offset]; offset 0 is where the question starts."""
        line = self.line_numbers[bisect.bisect_right(self.line_offsets, offset) - 1]
        self.problems.append(ContentProblem(self.path, line, message))


def unmask(masked: str) -> str:
    """Masked text with its escaped characters back (`\\n` as a line break)."""
    return masked.translate(_RESTORE)


def category_tag(line: str) -> str:
    """`$CATEGORY: $course$/top/Card technology` as the tag `Card technology`; the top category is no tag."""
    category = line.strip().removeprefix("$CATEGORY:").strip()
    return _CATEGORY_PREFIX.sub("", category, count=1).strip().strip("/").strip()


def question_sources(text: str, path: str) -> Iterator[QuestionSource]:
    """Split a GIFT file at blank lines, leaving out comment and $CATEGORY lines but not their line numbers."""
    lines: list[str] = []
    line_numbers: list[int] = []
    category = ""
    for number, line in enumerate([*_LINE_BREAK.split(text.removeprefix("\ufeff")), ""], start=1):
        if not line.strip():
            if lines:
                yield QuestionSource(path, lines, line_numbers, category)
            lines, line_numbers = [], []
        elif line.lstrip().startswith("$CATEGORY:"):
            if lines:  # a category line ends the question before it, as in Moodle
                yield QuestionSource(path, lines, line_numbers, category)
                lines, line_numbers = [], []
            category = category_tag(line)
        elif not line.lstrip().startswith("//"):
            lines.append(_ESCAPE_SEQUENCE.sub(lambda escape: _PLACEHOLDERS[escape[1]], line))
            line_numbers.append(number)


def split_format_marker(masked: str) -> tuple[str, str]:
    """(format, text after the marker) of a text that may start with [markdown], [html], [plain] or [moodle]."""
    text = masked.strip()
    marker = _FORMAT_MARKER.match(text)
    return (marker[1], text[marker.end() :]) if marker else ("", text)


def clean(masked: str, default_format: str = "") -> str:
    """Author text as Lanyard keeps it, Markdown: escapes restored, no surrounding space, and written in the format
    its marker (or else the question's) names: [html] through the one allow-list, [plain] escaped; [markdown] and
    [moodle] (Moodle's auto-format: text with line breaks) are Markdown already."""
    text_format, text = split_format_marker(masked)
    text = unmask(text).strip()
    text_format = text_format or default_format
    if text_format == "html":
        return html_to_markdown(text)
    if text_format == "plain":
        return plain_to_markdown(text)
    return text


def unformatted(masked: str) -> str:
    """Text compared rather than shown (an accepted answer, a number, a match): marker dropped, escapes restored."""
    return unmask(split_format_marker(masked)[1]).strip()

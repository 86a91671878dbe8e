"""The `::: if …` / `::: else` / `:::` passages of a scenario node's text or an ending's debrief: checked line by
line, rendered once with the rest of the text, and cut into segments the player shows by state."""

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from course.content.scenario_conditions import Condition, parse_condition
from course.render import CITATION, render_markdown

PASSAGE_IF = re.compile(r"^:::\s*if\s+(.*?)\s*$")
PASSAGE_ELSE = re.compile(r"^:::\s*else\s*$")
PASSAGE_END = re.compile(r"^:::\s*$")
_MARKER = "lanyardpassage"
_MARKER_HTML = re.compile(rf"<p>{_MARKER}(\d+|end)</p>\n?")


class PassageReader:
    """Reads one text for the scenario checker: problems go to `report` as (line, message), and every condition read
    to `conditions_read` with its line, so the checker can later ask whether anything sets that state."""

    def __init__(
        self,
        what: str,
        cites: bool,
        source_ids: set[str],
        report: Callable[[int, str], None],
        conditions_read: list[tuple[Condition, int]],
    ):
        self.what, self.cites, self.source_ids = what, cites, source_ids
        self.report, self.conditions_read = report, conditions_read
        self.conditions: list[tuple[Condition, bool]] = []  # each passage's condition, and whether it is an else
        self.markdown: list[str] = []  # the text, each passage's edge a marker paragraph
        self.open_at: int | None = None

    def segments(self, text: str, first_line: int) -> tuple[list[dict[str, Any]], list]:
        """Render text with its passages once, split into segments; also the ids it cites."""
        for offset, raw in enumerate(text.split("\n")):
            self.read_line(raw, first_line + offset)
        if self.open_at is not None:
            self.report(self.open_at, _("%(what)s: this passage is not closed by a ':::' line", what=self.what))
        rendered = render_markdown("\n".join(self.markdown))
        segments, when = [], None
        for index, part in enumerate(_MARKER_HTML.split(rendered.html)):
            if index % 2:
                when = None if part == "end" else self.conditions[int(part)]
            elif part.strip():
                segment: dict[str, Any] = {"html": part}
                if when is not None:
                    segment["when"], segment["negate"] = when[0], when[1]
                segments.append(segment)
        return segments, rendered.citations

    def read_line(self, raw: str, line: int) -> None:
        stripped = raw.strip()
        if_match = PASSAGE_IF.match(stripped)
        if if_match:
            self.start_passage(if_match.group(1), line)
        elif PASSAGE_ELSE.match(stripped):
            self.start_else(line)
        elif PASSAGE_END.match(stripped):
            self.end_passage(line)
        else:
            self.markdown.append(raw)
            self.check_citations(raw, line)

    def start_passage(self, condition: str, line: int) -> None:
        if self.open_at is not None:
            message = _("%(what)s: a passage cannot start inside another (close it with ':::')", what=self.what)
            self.report(line, message)
        parsed, error = parse_condition(condition)
        if error:
            self.report(line, _("%(what)s: %(problem)s", what=self.what, problem=error))
        self.conditions_read.append((parsed, line))
        self.conditions.append((parsed, False))
        self.open_at = line
        self.markdown += ["", f"{_MARKER}{len(self.conditions) - 1}", ""]

    def start_else(self, line: int) -> None:
        if self.open_at is None or self.conditions[-1][1]:
            self.report(line, _("%(what)s: '::: else' belongs after a '::: if' passage", what=self.what))
            return
        self.conditions.append((self.conditions[-1][0], True))
        self.markdown += ["", f"{_MARKER}{len(self.conditions) - 1}", ""]

    def end_passage(self, line: int) -> None:
        if self.open_at is None:
            self.report(line, _("%(what)s: ':::' closes no passage", what=self.what))
            return
        self.open_at = None
        self.markdown += ["", f"{_MARKER}end", ""]

    def check_citations(self, raw: str, line: int) -> None:
        """Citations only where real cases are explained (an ending's debrief), and only of the lesson's sources."""
        for match in CITATION.finditer(raw):
            source_id = match.group(1)
            if not self.cites:
                message = _(
                    "%(what)s: citations belong in an ending's debrief, where the real cases are explained",
                    what=self.what,
                )
                self.report(line, message)
            elif source_id not in self.source_ids:
                message = _(
                    "%(what)s: [@%(id)s] is not a source in this lesson's front matter", what=self.what, id=source_id
                )
                self.report(line, message)

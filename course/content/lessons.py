"""A lesson file: its front matter (declared once as FRONT_MATTER and SOURCE), its body's citations, figures and lab
blocks, and its links to the rest of the course."""

import re
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.checking import (
    MAX_TEXT_FILE_BYTES,
    SLUG,
    SLUG_FIELD,
    TITLE,
    CheckerBase,
    _display,
    text_too_large,
)
from course.content.course_data import LessonData
from course.content.scenario import load_scenario_text, scenario_path
from course.content.yaml_lines import LineDict, load_yaml
from course.labmodel import get_lab
from course.render import MAX_INLINE_PARTS, calendar_date, render_markdown, render_sources
from course.sanitize import safe_url

SOURCE_ID = re.compile(r"^[A-Za-z0-9][\w.-]*$")
NUMBERED = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
CITATION = re.compile(r"\[@([^\]\s]*)\]")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]*)")
COURSE_LINK = re.compile(r"\]\((lesson:|glossary#?)([^)\s]*)\)")
LAB_FENCE = re.compile(r"^\s*(```|~~~)\s*lab\b(.*)$")
AS_OF = re.compile(r"\[as of ([^\]]*)\]")


def _objectives_problem(problem: schema.Problem, what: str) -> str:
    if not problem.value:
        return _("add at least one objective: what a student can do after the lesson")
    return _("write %(key)s as a list, one item per line", key="objectives")


SOURCE = schema.Schema(
    {
        "id": schema.text(
            pattern=SOURCE_ID,
            message=lambda problem, what: _(
                "give each source an id of letters, digits, '-', '_' or '.' (the text cites it as [@id])"
            ),
        ),
        "title": TITLE,
        "publisher": schema.anything(),
        "date": schema.anything(),
        "url": schema.anything(),  # an http(s) address, as course.sanitize.safe_url judges it
        "accessed": schema.anything(),  # a date, as course.render.calendar_date judges it
        "note": schema.anything(),
    }
)
SOURCE_FIELDS = SOURCE.names
FRONT_MATTER = schema.Schema(
    {
        "slug": SLUG_FIELD,
        "title": TITLE,
        "type": schema.one_of(
            "reading",
            "scenario",
            default="reading",
            message=lambda problem, what: _(
                "type %(kind)s: a lesson is a reading or a scenario", kind=repr(problem.value)
            ),
        ),
        "minutes": schema.integer(
            required=True,
            low=1,
            high=600,
            default=0,
            message=lambda problem, what: _("give the minutes to read as a whole number from 1 to 600"),
        ),
        "objectives": schema.list_of(required=True, non_empty=True, message=_objectives_problem),
        "key_terms": schema.list_of(
            nullable=True,
            message=lambda problem, what: _("write %(key)s as a list, one item per line", key="key_terms"),
        ),
        "sources": schema.list_of(
            schema.mapping(SOURCE),
            nullable=True,
            message=lambda problem, what: _("write sources as a list, each with id, title and url"),
        ),
    }
)


class LessonChecker(CheckerBase):
    def load_lessons(self, folder: Path) -> list[LessonData]:
        lessons = []
        for path in sorted(folder.iterdir()):
            if path.suffix != ".md":
                continue
            if not NUMBERED.match(path.stem):
                self.problem(path, 1, _("lesson files are named NN-lesson-slug.md"))
                continue
            lesson = self.load_lesson(path)
            if lesson:
                lessons.append(lesson)
        return lessons

    def load_lesson(self, path: Path) -> LessonData | None:
        text = self.read_text(path)
        lesson = None if text is None else self.parse_lesson(text, path)
        if lesson is not None and lesson.kind == "scenario":
            lesson.scenario = self.load_scenario(path, lesson)
        return lesson

    def load_scenario(self, path: Path, lesson: LessonData):
        """A scenario lesson's nodes, from the file beside it (course.content.scenario)."""
        scenario_file = Path(scenario_path(str(path)))
        if not scenario_file.is_file():
            self.problem(path, 2, _("a scenario lesson needs its nodes in %(file)s beside it", file=scenario_file.name))
            return None
        text = self.read_text(scenario_file)
        if text is None:
            return None
        scenario, problems = load_scenario_text(text, _display(scenario_file), lesson.sources)
        self.problems += problems
        return scenario

    def parse_lesson(self, text: str, path: Path) -> LessonData | None:
        if len(text) > MAX_TEXT_FILE_BYTES:  # text from the browser editor; files were checked in read_text
            self.problem(path, 1, text_too_large())
            return None
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.problem(path, 1, _("a lesson starts with YAML front matter between two '---' lines"))
            return None
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.problem(path, 1, _("the front matter is not closed by a '---' line"))
            return None
        front, problems = load_yaml("\n".join(lines[1:end]), _display(path), first_line=2)
        self.problems += problems
        if problems:
            return None
        if not isinstance(front, LineDict):
            self.problem(path, 2, _("the front matter must be a mapping (slug, title, minutes, objectives, sources)"))
            return None
        self.unknown_fields(front, FRONT_MATTER, path, _("the front matter"))
        slug, title, minutes = self.fields(front, FRONT_MATTER, path, _("a lesson"), "slug", "title", "minutes")
        objectives = self.string_list(front, "objectives", FRONT_MATTER["objectives"], path)
        key_terms = self.string_list(front, "key_terms", FRONT_MATTER["key_terms"], path)
        sources = self.load_sources(front, path)
        body_first_line = end + 2
        body = "\n".join(lines[end + 1 :])
        self.check_body(body, body_first_line, path, {s["id"] for s in sources})
        rendered = render_markdown(body)
        for line in rendered.overfull_lines:
            message = _(
                "this paragraph holds more than %(max)d links, citations or emphasised words; split it into "
                "shorter paragraphs",
                max=MAX_INLINE_PARTS,
            )
            self.problem(path, body_first_line + line, message)
        numbered, sources_html = render_sources(sources, rendered.citations)
        return LessonData(
            path=_display(path),
            slug=slug,
            title=title,
            minutes=minutes,
            objectives=objectives,
            key_terms=key_terms,
            sources=numbered,
            sources_html=sources_html,
            body_markdown=body,
            body_html=rendered.html,
            word_count=rendered.word_count,
            lab_tasks=[b["task"] for b in rendered.lab_blocks if b.get("task")],
            lab_blocks=rendered.lab_blocks,
            citations=rendered.citations,
            figures=rendered.figures,
            kind=self.field(front, "type", FRONT_MATTER["type"], path, _("a lesson")),
        )

    def load_sources(self, front: LineDict, path: Path) -> list[dict[str, Any]]:
        entries = self.field(front, "sources", FRONT_MATTER["sources"], path, _("a lesson"))
        if not entries:
            return []
        sources: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            line = entries.line_of(index)
            if not isinstance(entry, LineDict):
                self.problem(path, line, _("each source needs id, title and url"))
                continue
            self.unknown_fields(entry, SOURCE, path, _("a source"))
            source_id = self.field(entry, "id", SOURCE["id"], path, _("a source"))
            if not source_id:
                continue
            if any(s["id"] == source_id for s in sources):
                self.problem(path, entry.line_of("id"), _("duplicate source id '%(id)s'", id=source_id))
                continue
            self.field(entry, "title", SOURCE["title"], path, _("source '%(id)s'", id=source_id))
            url = entry.get("url")
            if url is not None and not safe_url(str(url)):
                message = _("source '%(id)s': the address (url) must start with http:// or https://", id=source_id)
                self.problem(path, entry.line_of("url"), message)
            if "accessed" in entry and calendar_date(entry["accessed"], allow_month=False) is None:
                message = _(
                    "source '%(id)s': accessed must be a date written YYYY-MM-DD, not in the future", id=source_id
                )
                self.problem(path, entry.line_of("accessed"), message)
            sources.append({k: str(v) for k, v in entry.items() if k in SOURCE_FIELDS and v is not None})
        return sources

    def check_body(self, body: str, first_line: int, path: Path, source_ids: set[str]) -> None:
        """Line-level checks of a lesson body: citations, figures' alt text, lab blocks."""
        fence = None
        for offset, line in enumerate(body.splitlines()):
            number = first_line + offset
            stripped = line.strip()
            if fence:
                if stripped.startswith(fence):
                    fence = None
            elif stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
                lab = LAB_FENCE.match(line)
                if lab:
                    self.check_lab_block(lab.group(2), path, number)
            else:
                self.check_prose_line(line, path, number, source_ids)

    def check_lab_block(self, parameters: str, path: Path, number: int) -> None:
        """A ```lab fence's preset= and task= must name ones the lab has."""
        params = dict(re.findall(r"(\w+)=([^\s]*)", parameters))
        lab_data = get_lab()
        known = {"preset": lab_data.presets, "task": lab_data.tasks}
        for key, value in params.items():
            if key not in known or not SLUG.match(value):
                message = _("lab block: unknown or malformed parameter '%(key)s=%(value)s'", key=key, value=value)
                self.problem(path, number, message)
            elif value not in known[key]:
                self.problem(path, number, _("lab block: the lab has no %(key)s '%(value)s'", key=key, value=value))
        if not params:
            self.problem(path, number, _("lab block needs preset=… and/or task=…"))

    def check_prose_line(self, line: str, path: Path, number: int, source_ids: set[str]) -> None:
        """A body line outside code fences: its [as of] dates, citations and images' alt text."""
        for written in AS_OF.findall(line):
            if calendar_date(written) is None:
                message = _(
                    "[as of %(date)s]: the date must be YYYY-MM-DD or YYYY-MM, and not in the future", date=written
                )
                self.problem(path, number, message)
        for source_id in CITATION.findall(line):
            if source_id not in source_ids:
                message = _("citation [@%(id)s] does not match any source of this lesson", id=source_id)
                self.problem(path, number, message)
        for alt, src in IMAGE.findall(line):
            if not alt.strip():
                self.problem(path, number, _("image %(src)s needs alt text that conveys its content", src=src))

    def check_lesson_references(self, lesson: LessonData, text: str, slugs, anchors, figures) -> None:
        """Links to other lessons, glossary anchors and figures must exist in the course (`in` each collection)."""
        path = Path(lesson.path)
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            for kind, target in COURSE_LINK.findall(line):
                if kind == "lesson:" and target not in slugs:
                    self.problem(path, number, _("link to unknown lesson '%(target)s'", target=target))
                if kind.startswith("glossary") and target and target not in anchors:
                    self.problem(path, number, _("link to unknown glossary entry '%(target)s'", target=target))
            for _alt, src in IMAGE.findall(line):
                if src.startswith("figures/") and src.removeprefix("figures/") not in figures:
                    self.problem(path, number, _("figure %(src)s not found in lessons/figures/", src=src))
        for term in lesson.key_terms:
            if term not in anchors:
                term_line = next((n for n, text in enumerate(lines, 1) if text.startswith("key_terms")), 2)
                self.problem(path, term_line, _("key term '%(term)s' is not an anchor in glossary.yaml", term=term))

    # --- teacher's guides --------------------------------------------------------------------------------

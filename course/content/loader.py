"""Read and check a course folder (DESIGN.md, "Content format") without touching the database.

Every problem is collected with its path and line, so an author sees all of them in one run; a folder with any
problem is never imported.
"""

import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from course.content.problems import ContentError, ContentProblem
from course.content.scenario import load_scenario_text, scenario_path
from course.content.yaml_lines import MAX_QUESTIONS, LineDict, LineList, load_yaml
from course.labmodel import get_lab
from course.question_types import QUESTION_TYPES
from course.render import (
    MAX_INLINE_PARTS,
    calendar_date,
    content_language,
    render_inline,
    render_markdown,
    render_sources,
)
from course.sanitize import clean_html, safe_url, without_control_characters

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_ID = re.compile(r"^[A-Za-z0-9][\w.-]*$")
NUMBERED = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
CITATION = re.compile(r"\[@([^\]\s]*)\]")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]*)")
COURSE_LINK = re.compile(r"\]\((lesson:|glossary#?)([^)\s]*)\)")
LAB_FENCE = re.compile(r"^\s*(```|~~~)\s*lab\b(.*)$")
FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".webp": "image/webp"}  # fmt: skip
MAX_FIGURE_BYTES = 2 * 1024 * 1024
MAX_TEXT_FILE_BYTES = 256 * 1024  # a lesson, quiz or YAML file; the bundled course's largest is 42 KiB
MAX_SLUG = 80  # the length of the database's slug and key columns
MAX_TITLE = 200  # and of its title and figure name columns

LESSON_FIELDS = {"slug", "title", "type", "minutes", "objectives", "key_terms", "sources"}
SOURCE_FIELDS = {"id", "title", "publisher", "date", "url", "accessed", "note"}
AS_OF = re.compile(r"\[as of ([^\]]*)\]")
GUIDE_FILE = "guide.yaml"
GUIDE_FIELDS = {"audience", "prerequisites", "timing", "discussion", "activity", "content_note", "misconceptions"}
GUIDE_TIMING = ("quiz", "lab", "discussion", "activity")
GUIDE_ACTIVITY_FIELDS = {"title", "materials", "steps"}
MIN_DISCUSSION_PROMPTS = 3
QUIZ_FIELDS = {"slug", "title", "module", "final", "pass_mark", "max_attempts", "shuffle", "questions"}
# Keys every question has; each type adds its own (course.question_types).
QUESTION_FIELDS = {"id", "type", "prompt", "explanation", "source", "objective", "points", "tags", "title"}


@dataclass
class LessonData:
    path: str
    slug: str
    title: str
    minutes: int
    objectives: list[str]
    key_terms: list[str]
    sources: list[dict[str, Any]]
    sources_html: str
    body_markdown: str
    body_html: str
    word_count: int
    lab_tasks: list[str]
    lab_blocks: list[dict[str, str]]
    citations: list[str]
    figures: list[str]
    kind: str = "reading"  # or "scenario": front matter `type: scenario`, nodes in the sibling .scenario.yaml
    scenario: Any = None  # course.content.scenario.ScenarioData, read by load_lesson from the sibling file


@dataclass
class ModuleData:
    slug: str
    title: str
    summary: str
    lessons: list[LessonData] = field(default_factory=list)
    guide: dict[str, Any] = field(default_factory=dict)  # the teacher's guide as the author wrote it
    guide_html: str = ""  # and rendered (all but its timing, which the page adds up with the lessons' minutes)


@dataclass
class QuestionData:
    key: str
    type: str
    prompt_markdown: str
    prompt_html: str
    explanation_markdown: str
    explanation_html: str
    source: str
    objective: str
    points: float
    spec: dict[str, Any]


@dataclass
class QuizData:
    path: str
    slug: str
    title: str
    module: str | None
    is_final: bool
    pass_mark: int
    max_attempts: int
    shuffle: bool
    questions: list[QuestionData]


@dataclass
class CourseData:
    slug: str
    title: str
    summary: str
    language: str
    modules: list[ModuleData]
    quizzes: list[QuizData]
    glossary: list[dict[str, str]]
    figures: dict[str, tuple[str, bytes]]


def course_folders(path: str | os.PathLike) -> tuple[Path, Path]:
    """Find lessons/ and quizzes/ whether PATH is the course root or its lessons/ folder."""
    root = Path(path)
    if (root / "course.yaml").is_file():
        return root, root.parent / "quizzes"
    return root / "lessons", root / "quizzes"


def text_too_large() -> str:
    return _("is larger than %(size)d KiB, the limit for a lesson, quiz or YAML file",
             size=MAX_TEXT_FILE_BYTES // 1024)


def _display(path: Path) -> str:
    """Paths relative to where the author runs the command, so editors can jump to them."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


class _Checker:
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

    def required_text(self, data: LineDict, key: str, path: Path, what: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(path, data.line_of(key), _("%(what)s has no %(key)s: write one", what=what, key=key))
            return ""
        if key == "title" and len(value.strip()) > MAX_TITLE:
            message = _("%(what)s: the title is longer than %(max)d characters", what=what, max=MAX_TITLE)
            self.problem(path, data.line_of(key), message)
        return value.strip()

    def slug(self, data: LineDict, key: str, path: Path, what: str) -> str:
        value = data.get(key)
        if isinstance(value, str) and SLUG.match(value) and len(value) <= MAX_SLUG:
            return value
        if value is None:
            message = _("%(what)s has no %(key)s: give one, e.g. card-technology", what=what, key=key)
            self.problem(path, data.line_of(key), message)
        elif isinstance(value, str) and SLUG.match(value):
            message = _("%(key)s '%(value)s' is longer than %(max)d characters: shorten it",
                        key=key, value=value, max=MAX_SLUG)
            self.problem(path, data.line_of(key), message)
        else:
            message = _("%(key)s %(value)s: use lower-case letters and digits in words joined by hyphens, e.g. "
                        "card-technology", key=key, value=repr(value))  # fmt: skip
            self.problem(path, data.line_of(key), message)
        return ""

    def unknown_fields(self, data: LineDict, allowed: set[str], path: Path, what: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(path, data.line_of(key), _("unknown field '%(key)s' in %(what)s", key=key, what=what))

    # --- the course -------------------------------------------------------------------------------------

    def load(self) -> CourseData:
        course_file = self.lessons_dir / "course.yaml"
        if not course_file.is_file():
            raise ContentError([ContentProblem(_display(course_file), 1, _("course.yaml not found"))])
        text = self.read_text(course_file)
        meta, problems = load_yaml(text or "", str(_display(course_file)))
        self.problems += problems
        if not isinstance(meta, LineDict):
            if not problems:
                self.problem(course_file, 1, _("course.yaml must be a mapping with slug, title and modules"))
            raise ContentError(self.problems)
        slug = self.slug(meta, "slug", course_file, _("the course"))
        title = self.required_text(meta, "title", course_file, _("the course"))
        if len(str(meta.get("language") or "en")) > 20:
            self.problem(course_file, meta.line_of("language"), _("language must be a tag such as en or pt-BR"))
        # The words the renderer adds to the content (a dated claim's "as of") are in the course's language.
        with content_language(str(meta.get("language") or "en")):
            glossary = self.load_glossary()
            figures = self.load_figures()
            modules = self.load_modules(meta, course_file)
            anchors = {term["anchor"] for term in glossary}
            lesson_slugs: dict[str, str] = {}
            for module in modules:
                for lesson in module.lessons:
                    if lesson.slug in lesson_slugs:
                        other = lesson_slugs[lesson.slug]
                        message = _("lesson slug '%(slug)s' is also used by %(other)s", slug=lesson.slug, other=other)
                        self.problem(Path(lesson.path), 2, message)
                    lesson_slugs[lesson.slug] = lesson.path
            for module in modules:
                for lesson in module.lessons:
                    text = without_control_characters(Path(lesson.path).read_text(encoding="utf-8"))
                    self.check_lesson_references(lesson, text, lesson_slugs, anchors, figures)
            quizzes = self.load_quizzes(modules)
        if self.problems:
            raise ContentError(self.problems)
        return CourseData(
            slug=slug,
            title=title,
            summary=str(meta.get("summary") or "").strip(),
            language=str(meta.get("language") or "en"),
            modules=modules,
            quizzes=quizzes,
            glossary=glossary,
            figures=figures,
        )

    def load_modules(self, meta: LineDict, course_file: Path) -> list[ModuleData]:
        entries = meta.get("modules")
        if not isinstance(entries, LineList) or not entries:
            self.problem(course_file, meta.line_of("modules"), _("the course needs a non-empty list of modules"))
            return []
        folders = {}
        if self.lessons_dir.is_dir():
            for child in sorted(self.lessons_dir.iterdir()):
                match = NUMBERED.match(child.name)
                if child.is_dir() and match:
                    folders.setdefault(match.group(2), []).append(child)
        modules: list[ModuleData] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                self.problem(course_file, entries.line_of(index), _("each module needs slug, title and summary"))
                continue
            slug = self.slug(entry, "slug", course_file, _("a module"))
            title = self.required_text(entry, "title", course_file, _("a module"))
            if slug and any(m.slug == slug for m in modules):
                self.problem(course_file, entry.line_of("slug"), _("duplicate module slug '%(slug)s'", slug=slug))
                continue
            module = ModuleData(slug, title, str(entry.get("summary") or "").strip())
            found = folders.pop(slug, [])
            if len(found) > 1:
                self.problem(found[1], 1, _("more than one folder for module '%(slug)s'", slug=slug))
            if not found:
                message = _("no folder lessons/NN-%(slug)s/ for module '%(slug)s'", slug=slug)
                self.problem(course_file, entry.line_of("slug"), message)
            else:
                module.lessons = self.load_lessons(found[0])
                if (found[0] / GUIDE_FILE).is_file():
                    module.guide, module.guide_html = self.load_guide(found[0] / GUIDE_FILE)
            modules.append(module)
        for stray in folders.values():
            self.problem(stray[0], 1, _("this folder is not a module listed in course.yaml"))
        return modules

    # --- lessons ----------------------------------------------------------------------------------------

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
        self.unknown_fields(front, LESSON_FIELDS, path, _("the front matter"))
        slug = self.slug(front, "slug", path, _("a lesson"))
        title = self.required_text(front, "title", path, _("a lesson"))
        minutes = front.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 600:
            self.problem(path, front.line_of("minutes"), _("give the minutes to read as a whole number from 1 to 600"))
            minutes = 0
        objectives = self.string_list(front, "objectives", path, required=True)
        key_terms = self.string_list(front, "key_terms", path, required=False)
        sources = self.load_sources(front, path)
        body_first_line = end + 2
        body = "\n".join(lines[end + 1 :])
        self.check_body(body, body_first_line, path, {s["id"] for s in sources})
        rendered = render_markdown(body)
        for line in rendered.overfull_lines:
            message = _("this paragraph holds more than %(max)d links, citations or emphasised words; split it into "
                        "shorter paragraphs", max=MAX_INLINE_PARTS)  # fmt: skip
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
            kind=self.lesson_kind(front, path),
        )

    def lesson_kind(self, front: LineDict, path: Path) -> str:
        kind = front.get("type", "reading")
        if kind not in ("reading", "scenario"):
            self.problem(path, front.line_of("type"), _("type %(kind)s: a lesson is a reading or a scenario",
                                                        kind=repr(kind)))
            return "reading"
        return kind

    def string_list(self, data: LineDict, key: str, path: Path, required: bool) -> list[str]:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            if required and not value and key == "objectives":
                message = _("add at least one objective: what a student can do after the lesson")
            else:
                message = _("write %(key)s as a list, one item per line", key=key)
            self.problem(path, data.line_of(key), message)
            return []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(path, value.line_of(index), _("an item of %(key)s is empty: write it or remove it",
                                                           key=key))
        return [str(item).strip() for item in value if isinstance(item, str)]

    def load_sources(self, front: LineDict, path: Path) -> list[dict[str, Any]]:
        entries = front.get("sources")
        if entries is None:
            return []
        if not isinstance(entries, LineList):
            self.problem(path, front.line_of("sources"), _("write sources as a list, each with id, title and url"))
            return []
        sources: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            line = entries.line_of(index)
            if not isinstance(entry, LineDict):
                self.problem(path, line, _("each source needs id, title and url"))
                continue
            self.unknown_fields(entry, SOURCE_FIELDS, path, _("a source"))
            source_id = entry.get("id")
            if not isinstance(source_id, str) or not SOURCE_ID.match(source_id):
                message = _("give each source an id of letters, digits, '-', '_' or '.' (the text cites it as [@id])")
                self.problem(path, entry.line_of("id"), message)
                continue
            if any(s["id"] == source_id for s in sources):
                self.problem(path, entry.line_of("id"), _("duplicate source id '%(id)s'", id=source_id))
                continue
            self.required_text(entry, "title", path, _("source '%(id)s'", id=source_id))
            url = entry.get("url")
            if url is not None and not safe_url(str(url)):
                message = _("source '%(id)s': the address (url) must start with http:// or https://", id=source_id)
                self.problem(path, entry.line_of("url"), message)
            if "accessed" in entry and calendar_date(entry["accessed"], allow_month=False) is None:
                message = _("source '%(id)s': accessed must be a date written YYYY-MM-DD, not in the future",
                            id=source_id)
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
                continue
            if stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
                lab = LAB_FENCE.match(line)
                if lab:
                    params = dict(re.findall(r"(\w+)=([^\s]*)", lab.group(2)))
                    lab_data = get_lab()
                    known = {"preset": lab_data.presets, "task": lab_data.tasks}
                    for key, value in params.items():
                        if key not in known or not SLUG.match(value):
                            message = _("lab block: unknown or malformed parameter '%(key)s=%(value)s'",
                                        key=key, value=value)
                            self.problem(path, number, message)
                        elif value not in known[key]:
                            self.problem(path, number, _("lab block: the lab has no %(key)s '%(value)s'",
                                                         key=key, value=value))
                    if not params:
                        self.problem(path, number, _("lab block needs preset=… and/or task=…"))
                continue
            for written in AS_OF.findall(line):
                if calendar_date(written) is None:
                    message = _("[as of %(date)s]: the date must be YYYY-MM-DD or YYYY-MM, and not in the future",
                                date=written)
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
                line = next((n for n, text in enumerate(lines, 1) if text.startswith("key_terms")), 2)
                self.problem(path, line, _("key term '%(term)s' is not an anchor in glossary.yaml", term=term))

    # --- teacher's guides --------------------------------------------------------------------------------

    def load_guide(self, path: Path) -> tuple[dict[str, Any], str]:
        """A module's teacher's guide (guide.yaml beside its lessons): every part checked, the Markdown rendered once.
        Returns the guide as written (what export writes back) and its HTML."""
        data, problems = load_yaml(self.read_text(path) or "", _display(path))
        self.problems += problems
        if problems:
            return {}, ""
        if not isinstance(data, LineDict):
            self.problem(path, 1, _("a teacher's guide is a mapping: audience, prerequisites, timing, discussion, …"))
            return {}, ""
        the_guide = _("the teacher's guide")
        self.unknown_fields(data, GUIDE_FIELDS, path, the_guide)
        guide: dict[str, Any] = {}
        for key in ("audience", "prerequisites"):
            guide[key] = self.required_text(data, key, path, the_guide)
        if data.get("content_note") is not None:
            guide["content_note"] = self.required_text(data, "content_note", path, the_guide)
        guide["timing"] = self.guide_timing(data, path)
        guide["discussion"] = self.guide_pairs(data, "discussion", ("prompt", "good_answer"), MIN_DISCUSSION_PROMPTS,
                                               path)  # fmt: skip
        guide["misconceptions"] = self.guide_pairs(data, "misconceptions", ("misconception", "response"), 1, path)
        activity = data.get("activity")
        if not isinstance(activity, LineDict):
            message = _("the teacher's guide needs an activity: title, materials, steps")
            self.problem(path, data.line_of("activity"), message)
            guide["activity"] = {}
        else:
            the_activity = _("the activity")
            self.unknown_fields(activity, GUIDE_ACTIVITY_FIELDS, path, the_activity)
            guide["activity"] = {key: self.required_text(activity, key, path, the_activity)
                                 for key in ("title", "materials", "steps")}  # fmt: skip
        return guide, render_guide(guide)

    def guide_timing(self, data: LineDict, path: Path) -> dict[str, int]:
        timing = data.get("timing")
        if not isinstance(timing, LineDict):
            message = _("the teacher's guide needs timing: minutes for %(parts)s", parts=", ".join(GUIDE_TIMING))
            self.problem(path, data.line_of("timing"), message)
            return {}
        self.unknown_fields(timing, set(GUIDE_TIMING), path, _("the timing (reading time is the lessons' minutes)"))
        for key in GUIDE_TIMING:
            if key not in timing:
                self.problem(path, timing.line, _("timing needs '%(key)s' (minutes, 0 when it does not apply)",
                                                  key=key))
        return {key: self.bounded_int(timing, key, path, 0, 0, 600) for key in GUIDE_TIMING if key in timing}

    def guide_pairs(self, data: LineDict, key: str, fields: tuple[str, str], least: int, path: Path) -> list[dict]:
        entries = data.get(key)
        if not isinstance(entries, LineList) or len(entries) < least:
            if least > 1:
                message = _("'%(key)s' needs %(least)d or more entries, each with %(first)s and %(second)s",
                            key=key, least=least, first=fields[0], second=fields[1])  # fmt: skip
            else:
                message = _("'%(key)s' needs at least one entry, each with %(first)s and %(second)s",
                            key=key, first=fields[0], second=fields[1])  # fmt: skip
            self.problem(path, data.line_of(key), message)
            return []
        pairs = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                message = _("each of '%(key)s' needs %(first)s and %(second)s",
                            key=key, first=fields[0], second=fields[1])
                self.problem(path, entries.line_of(index), message)
                continue
            an_entry = _("an entry of '%(key)s'", key=key)
            self.unknown_fields(entry, set(fields), path, an_entry)
            pairs.append({name: self.required_text(entry, name, path, an_entry) for name in fields})
        return pairs

    # --- glossary and figures ---------------------------------------------------------------------------

    def load_glossary(self) -> list[dict[str, str]]:
        path = self.lessons_dir / "glossary.yaml"
        if not path.is_file():
            return []
        data, problems = load_yaml(self.read_text(path) or "", _display(path))
        self.problems += problems
        if problems:
            return []
        entries = data.get("terms") if isinstance(data, LineDict) else None
        if not isinstance(entries, LineList):
            self.problem(path, 1, _("glossary.yaml needs a list under 'terms'"))
            return []
        glossary: list[dict[str, str]] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                self.problem(path, entries.line_of(index), _("each glossary entry needs term, anchor and definition"))
                continue
            an_entry = _("a glossary entry")
            self.unknown_fields(entry, {"term", "anchor", "definition"}, path, an_entry)
            term = self.required_text(entry, "term", path, an_entry)
            anchor = self.slug(entry, "anchor", path, an_entry)
            definition = self.required_text(entry, "definition", path, an_entry)
            if anchor and any(g["anchor"] == anchor for g in glossary):
                self.problem(path, entry.line_of("anchor"), _("duplicate glossary anchor '%(anchor)s'", anchor=anchor))
                continue
            glossary.append(
                {"term": term, "anchor": anchor, "definition": definition,
                 "definition_html": render_markdown(definition).html}  # fmt: skip
            )
        return sorted(glossary, key=lambda g: g["term"].casefold())

    def load_figures(self) -> dict[str, tuple[str, bytes]]:
        folder = self.lessons_dir / "figures"
        figures: dict[str, tuple[str, bytes]] = {}
        if not folder.is_dir():
            return figures
        for path in sorted(folder.iterdir()):
            media_type = FIGURE_TYPES.get(path.suffix.lower())
            if media_type is None:
                self.problem(path, 1, _("figures must be SVG, PNG, JPEG or WebP"))
                continue
            if len(path.name) > MAX_TITLE:
                self.problem(path, 1, _("figure file names are at most %(max)d characters long", max=MAX_TITLE))
                continue
            if path.stat().st_size > MAX_FIGURE_BYTES:  # before reading it
                self.problem(path, 1, _("figure is larger than %(size)d KiB", size=MAX_FIGURE_BYTES // 1024))
                continue
            data = path.read_bytes()
            problem = figure_problem(data, media_type)
            if problem:
                self.problem(path, 1, problem)
                continue
            figures[path.name] = (media_type, data)
        return figures

    # --- quizzes ----------------------------------------------------------------------------------------

    def load_quizzes(self, modules: list[ModuleData]) -> list[QuizData]:
        if not self.quizzes_dir.is_dir():
            return []
        module_sources = {
            m.slug: {s["id"] for lesson in m.lessons for s in lesson.sources} for m in modules
        }
        module_objectives = {m.slug: {o for lesson in m.lessons for o in lesson.objectives} for m in modules}
        quizzes: list[QuizData] = []
        for path in sorted(self.quizzes_dir.glob("*.y*ml")):
            quiz = self.load_quiz(path, module_sources, module_objectives)
            if quiz is None:
                continue
            if any(q.slug == quiz.slug for q in quizzes):
                self.problem(path, 1, _("duplicate quiz slug '%(slug)s'", slug=quiz.slug))
                continue
            quizzes.append(quiz)
        return quizzes

    def load_quiz(self, path: Path, module_sources: dict, module_objectives: dict) -> QuizData | None:
        text = self.read_text(path)
        return None if text is None else self.parse_quiz(text, path, module_sources, module_objectives)

    def parse_quiz(self, text: str, path: Path, module_sources: dict, module_objectives: dict) -> QuizData | None:
        if len(text) > MAX_TEXT_FILE_BYTES:  # text from the browser editor; files were checked in read_text
            self.problem(path, 1, text_too_large())
            return None
        data, problems = load_yaml(text, _display(path))
        self.problems += problems
        if problems:
            return None
        if not isinstance(data, LineDict):
            self.problem(path, 1, _("a quiz file must be a mapping with slug, title, module and questions"))
            return None
        self.unknown_fields(data, QUIZ_FIELDS, path, _("the quiz"))
        slug = self.slug(data, "slug", path, _("a quiz"))
        if slug and slug != path.stem:
            message = _("quiz slug '%(slug)s' does not match its file name '%(name)s'", slug=slug, name=path.stem)
            self.problem(path, data.line_of("slug"), message)
        title = self.required_text(data, "title", path, _("a quiz"))
        module, is_final = data.get("module"), data.get("final", False) is True
        if is_final and module is not None:
            self.problem(path, data.line_of("final"), _("a quiz is either a module quiz or final: true, not both"))
        elif not is_final and module not in module_sources:
            message = _("module %(module)s is not a module of this course", module=repr(module))
            self.problem(path, data.line_of("module"), message)
        pass_mark = self.bounded_int(data, "pass_mark", path, 70, 0, 100)
        max_attempts = self.bounded_int(data, "max_attempts", path, 0, 0, 1000)
        shuffle = data.get("shuffle", True)
        if not isinstance(shuffle, bool):
            self.problem(path, data.line_of("shuffle"), _("shuffle must be true or false"))
        if is_final:
            allowed_sources = set().union(*module_sources.values()) if module_sources else set()
            objectives = set().union(*module_objectives.values()) if module_objectives else set()
        else:
            allowed_sources = module_sources.get(module, set())
            objectives = module_objectives.get(module, set())
        entries = data.get("questions")
        if not isinstance(entries, LineList) or not entries:
            self.problem(path, data.line_of("questions"), _("a quiz needs a non-empty list of questions"))
            entries = LineList()  # the rest is still checked: the browser keeps a draft quiz without questions
        elif len(entries) > MAX_QUESTIONS:  # each is checked and rendered: refuse before that work
            message = _("a quiz holds at most %(max)d questions, not %(count)d: split it", max=MAX_QUESTIONS,
                        count=len(entries))  # fmt: skip
            self.problem(path, entries.line_of(MAX_QUESTIONS), message)
            entries = LineList()
        questions: list[QuestionData] = []
        for index, entry in enumerate(entries):
            question = self.load_question(entry, entries.line_of(index), path, allowed_sources, objectives)
            if question is None:
                continue
            if any(q.key == question.key for q in questions):
                self.problem(path, entry.line_of("id"), _("duplicate question id '%(id)s'", id=question.key))
                continue
            questions.append(question)
        return QuizData(
            path=_display(path), slug=slug, title=title, module=None if is_final else module, is_final=is_final,
            pass_mark=pass_mark, max_attempts=max_attempts, shuffle=bool(shuffle), questions=questions,
        )  # fmt: skip

    def bounded_int(self, data: LineDict, key: str, path: Path, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            message = _("%(name)s: give a whole number from %(low)d to %(high)d", name=key.replace("_", " "), low=low,
                        high=high)  # fmt: skip
            self.problem(path, data.line_of(key), message)
            return default
        return value

    def load_question(self, entry, line: int, path: Path, sources: set[str], objectives: set[str]):
        if not isinstance(entry, LineDict):
            self.problem(path, line, _("each question must be a mapping with id, type and prompt"))
            return None
        key = self.slug(entry, "id", path, _("a question"))
        prompt = self.required_text(entry, "prompt", path, _("question '%(key)s'", key=key))
        qtype = QUESTION_TYPES.get(entry.get("type"))
        if qtype is None:
            known = ", ".join(QUESTION_TYPES)
            message = _("question '%(key)s': unknown type %(type)s (known: %(known)s)",
                        key=key, type=repr(entry.get("type")),
                        known=known)  # fmt: skip
            self.problem(path, entry.line_of("type"), message)
            return None
        self.unknown_fields(entry, QUESTION_FIELDS | qtype.fields, path, _("a question"))
        type_problems = qtype.validate(entry)
        for field_name, message in type_problems:
            self.problem(path, entry.line_of(field_name), _("question '%(key)s': %(message)s",
                                                            key=key, message=message))
        for list_key, item_fields in qtype.item_fields.items():
            items = entry.get(list_key)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, LineDict):
                    self.unknown_fields(item, set(item_fields), path, _("an item of %(key)s", key=list_key))
        source = str(entry.get("source") or "").strip()
        if source and source not in sources and not safe_url(source):
            message = _("question '%(key)s': source '%(source)s' is not the id of a source of the module's lessons, "
                        "nor a web address", key=key, source=source)  # fmt: skip
            self.problem(path, entry.line_of("source"), message)
        elif len(source) > 500:
            message = _("question '%(key)s': source is longer than %(max)d characters", key=key, max=500)
            self.problem(path, entry.line_of("source"), message)
        objective = str(entry.get("objective") or "").strip()
        if objective and objective not in objectives:
            message = _("question '%(key)s': objective is not an objective of the module's lessons", key=key)
            self.problem(path, entry.line_of("objective"), message)
        points = entry.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
            self.problem(path, entry.line_of("points"), _("question '%(key)s': give points as a number above 0",
                                                          key=key))
            points = 1
        explanation = str(entry.get("explanation") or "").strip()
        return QuestionData(
            key=key, type=qtype.name, prompt_markdown=prompt, prompt_html=render_markdown(prompt).html,
            explanation_markdown=explanation, explanation_html=render_markdown(explanation).html,
            source=source, objective=objective, points=float(points),
            spec=({} if type_problems else qtype.spec(entry)) | _tags(entry),
        )  # fmt: skip


GUIDE_HEADINGS = {"audience": "Audience", "prerequisites": "Prerequisites", "content_note": "Content note",
                  "discussion": "Discussion prompts", "activity": "Classroom activity (no computers needed)",
                  "misconceptions": "Common misconceptions"}  # fmt: skip


def render_guide(guide: dict[str, Any]) -> str:
    """A teacher's guide as clean HTML, its parts in a fixed order; the timing is left to the page, which adds the
    module's reading time from its lessons' minutes as they stand."""
    parts = []
    if guide.get("content_note"):
        parts.append(f'<section class="content-note"><h4>{GUIDE_HEADINGS["content_note"]}</h4>'
                     f'{render_markdown(guide["content_note"]).html}</section>')  # fmt: skip
    for key in ("audience", "prerequisites"):
        parts.append(f"<h4>{GUIDE_HEADINGS[key]}</h4>{render_markdown(guide.get(key, '')).html}")
    prompts = "".join(
        f"<li>{render_markdown(pair['prompt']).html}<p><strong>A good answer covers:</strong></p>"
        f"{render_markdown(pair['good_answer']).html}</li>"
        for pair in guide.get("discussion", [])
    )
    parts.append(f"<h4>{GUIDE_HEADINGS['discussion']}</h4><ol>{prompts}</ol>")
    activity = guide.get("activity") or {}
    if activity:
        parts.append(
            f"<h4>{GUIDE_HEADINGS['activity']}: {render_inline(activity.get('title', ''))}</h4>"
            f"<p><strong>Materials:</strong> {render_inline(activity.get('materials', ''))}</p>"
            f"{render_markdown(activity.get('steps', '')).html}"
        )
    misconceptions = "".join(
        f"<li><p><strong>{render_inline(pair['misconception'])}</strong></p>{render_markdown(pair['response']).html}</li>"
        for pair in guide.get("misconceptions", [])
    )
    parts.append(f"<h4>{GUIDE_HEADINGS['misconceptions']}</h4><ul>{misconceptions}</ul>")
    return clean_html("".join(parts))


def _tags(entry: dict) -> dict[str, Any]:
    """Tags every question type may carry (reports group by them), and the title a question came with from another
    platform (GIFT's ::Title::, whatever its characters), kept beside the id derived from it."""
    tags = {"tags": [str(t) for t in entry["tags"]]} if isinstance(entry.get("tags"), list) else {}
    title = " ".join(str(entry.get("title") or "").split())[:255]
    return tags | ({"title": title} if title else {})


_SVG_FORBIDDEN_ATTR = re.compile(r"^on", re.IGNORECASE)
_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",), "image/webp": (b"RIFF",)}


def figure_problem(data: bytes, media_type: str) -> str | None:
    """Why a figure cannot be accepted, judged from its bytes (never its name); None when it is fine.

    SVG may carry scripts, so any script, event handler, foreign object or external reference is refused.
    """
    if media_type != "image/svg+xml":
        ok = any(data.startswith(magic) for magic in _MAGIC[media_type])
        if media_type == "image/webp":
            ok = ok and data[8:12] == b"WEBP"
        return None if ok else _("the file's content is not a %(format)s image",
                                 format=media_type.split("/")[1].upper())
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return _("SVG with a DOCTYPE or entities is not accepted")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - DOCTYPE and entities are refused just above
    except ElementTree.ParseError as error:
        return _("SVG is not well-formed XML (%(error)s)", error=error)
    if not root.tag.endswith("svg"):
        return _("the file's content is not an SVG image")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "object", "embed"):
            return _("SVG contains a <%(tag)s> element", tag=tag)
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if _SVG_FORBIDDEN_ATTR.match(local):
                return _("SVG contains an event handler attribute '%(name)s'", name=local)
            if local == "href" and not value.startswith("#"):
                return _("SVG links to an external resource")
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                return _("SVG refers to an external resource")
        if tag == "style" and element.text and ("@import" in element.text or "url(" in element.text):
            return _("SVG style sheet refers to an external resource")
    return None


def load_lesson_text(text: str, path: str, lesson_slugs, anchors, figures) -> tuple[LessonData | None, list]:
    """Check one lesson file's text (as the browser editor builds it) with the rules of `course check`, including
    its links to the course's other lessons (`lesson_slugs`), glossary `anchors` and `figures`.
    Returns the lesson (None when its front matter is unreadable) and every problem found."""
    checker = _Checker()
    lesson = checker.parse_lesson(text, Path(path))
    if lesson is not None:
        checker.check_lesson_references(lesson, text, lesson_slugs, anchors, figures)
    return lesson, checker.problems


def load_quiz_text(text: str, path: str, module_sources: dict, module_objectives: dict) -> tuple[QuizData | None, list]:
    """Check one quiz file's text against its course: the source ids and objectives of each module's lessons, keyed
    on module slug. Returns the quiz (None when unreadable, kept even without questions so the editor can hold an
    empty draft) and every problem found."""
    checker = _Checker()
    quiz = checker.parse_quiz(text, Path(path), module_sources, module_objectives)
    return quiz, checker.problems


def load_questions(entries: list[LineDict], path: str) -> list[QuestionData]:
    """Check and render questions that arrive without a quiz file (a GIFT file's) by the rules a quiz file's
    questions follow, each reported at its `line`; raises ContentError listing every problem."""
    checker = _Checker()
    questions = [checker.load_question(entry, entry.line, path, set(), set()) for entry in entries]
    if checker.problems:
        raise ContentError(checker.problems)
    return questions


def load_course(path: str | os.PathLike) -> CourseData:
    """Read and check a course folder; raises ContentError listing every problem."""
    return _Checker(path).load()


def check_course(path: str | os.PathLike) -> list[ContentProblem]:
    """Every problem in a course folder, sorted by path and line; empty when it is ready to import."""
    try:
        load_course(path)
    except ContentError as error:
        return error.problems
    return []

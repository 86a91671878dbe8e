"""What the course loader returns: plain dataclasses holding both the author's Markdown and its rendered HTML, which
the importer writes to the database and the browser editor checks against."""

from dataclasses import dataclass, field
from typing import Any


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

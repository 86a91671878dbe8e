"""A quiz file and its questions, declared once as QUIZ and QUESTION; each question type adds its own keys and checks
(course.question_types)."""

from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.checking import MAX_TEXT_FILE_BYTES, SLUG_FIELD, TEXT, TITLE, CheckerBase, _display, text_too_large
from course.content.course_data import ModuleData, QuestionData, QuizData
from course.content.yaml_lines import MAX_QUESTIONS, LineDict, LineList, load_yaml
from course.question_types import QUESTION_TYPES
from course.render import render_markdown
from course.sanitize import safe_url

QUIZ = schema.Schema(
    {
        "slug": SLUG_FIELD,
        "title": TITLE,
        "module": schema.anything(),  # a module of the course: checked against it
        "final": schema.anything(),  # only `true` makes the final assessment
        "pass_mark": schema.integer(low=0, high=100, default=70),
        "max_attempts": schema.integer(low=0, high=1000, default=0),
        "shuffle": schema.boolean(default=True, message=lambda problem, what: _("shuffle must be true or false")),
        "questions": schema.list_of(
            required=True,
            non_empty=True,
            message=lambda problem, what: _("a quiz needs a non-empty list of questions"),
        ),
    }
)
# The keys every question has; each type adds its own (course.question_types), refused on a question of another type.
QUESTION = schema.Schema(
    {
        "id": SLUG_FIELD,
        "type": schema.anything(),  # a registered question type
        "prompt": TEXT,
        "explanation": schema.anything(),
        "source": schema.anything(),  # a source id of the module's lessons, or a web address
        "objective": schema.anything(),  # an objective of the module's lessons
        "points": schema.number(
            above=0,
            default=1,
            message=lambda problem, key: _("question '%(key)s': give points as a number above 0", key=key),
        ),
        "tags": schema.anything(),
        "title": schema.anything(),  # the title a question came with from another platform
    }
)
QUESTION_FIELDS = QUESTION.names


class QuizChecker(CheckerBase):
    def load_quizzes(self, modules: list[ModuleData]) -> list[QuizData]:
        if not self.quizzes_dir.is_dir():
            return []
        module_sources = {m.slug: {s["id"] for lesson in m.lessons for s in lesson.sources} for m in modules}
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
        self.unknown_fields(data, QUIZ, path, _("the quiz"))
        slug = self.field(data, "slug", QUIZ["slug"], path, _("a quiz"))
        if slug and slug != path.stem:
            message = _("quiz slug '%(slug)s' does not match its file name '%(name)s'", slug=slug, name=path.stem)
            self.problem(path, data.line_of("slug"), message)
        title = self.field(data, "title", QUIZ["title"], path, _("a quiz"))
        module, is_final = data.get("module"), data.get("final", False) is True
        if is_final and module is not None:
            self.problem(path, data.line_of("final"), _("a quiz is either a module quiz or final: true, not both"))
        elif not is_final and module not in module_sources:
            message = _("module %(module)s is not a module of this course", module=repr(module))
            self.problem(path, data.line_of("module"), message)
        pass_mark, max_attempts, shuffle = self.fields(data, QUIZ, path, "", "pass_mark", "max_attempts", "shuffle")
        if is_final:
            allowed_sources = set().union(*module_sources.values()) if module_sources else set()
            objectives = set().union(*module_objectives.values()) if module_objectives else set()
        else:
            allowed_sources = module_sources.get(module, set())
            objectives = module_objectives.get(module, set())
        questions = self.quiz_questions(data, path, allowed_sources, objectives)
        return QuizData(
            path=_display(path),
            slug=slug,
            title=title,
            module=None if is_final else module,
            is_final=is_final,
            pass_mark=pass_mark,
            max_attempts=max_attempts,
            shuffle=bool(shuffle),
            questions=questions,
        )

    def quiz_questions(
        self, data: LineDict, path: Path, allowed_sources: set[str], objectives: set[str]
    ) -> list[QuestionData]:
        """The quiz's questions that check out, ids unique; at most MAX_QUESTIONS are read."""
        entries = self.field(data, "questions", QUIZ["questions"], path, _("the quiz"))
        if not entries:
            entries = LineList()  # the rest is still checked: the browser keeps a draft quiz without questions
        elif len(entries) > MAX_QUESTIONS:  # each is checked and rendered: refuse before that work
            message = _(
                "a quiz holds at most %(max)d questions, not %(count)d: split it", max=MAX_QUESTIONS, count=len(entries)
            )
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
        return questions

    def load_question(self, entry, line: int, path: Path | str, sources: set[str], objectives: set[str]):
        if not isinstance(entry, LineDict):
            self.problem(path, line, _("each question must be a mapping with id, type and prompt"))
            return None
        key = self.field(entry, "id", QUESTION["id"], path, _("a question"))
        prompt = self.field(entry, "prompt", QUESTION["prompt"], path, _("question '%(key)s'", key=key))
        qtype = QUESTION_TYPES.get(str(entry.get("type")))
        if qtype is None:
            known = ", ".join(QUESTION_TYPES)
            message = _(
                "question '%(key)s': unknown type %(type)s (known: %(known)s)",
                key=key,
                type=repr(entry.get("type")),
                known=known,
            )
            self.problem(path, entry.line_of("type"), message)
            return None
        self.unknown_fields(entry, QUESTION.with_keys(qtype.fields), path, _("a question"))
        type_problems = qtype.validate(entry)
        for field_name, message in type_problems:
            self.problem(
                path, entry.line_of(field_name), _("question '%(key)s': %(message)s", key=key, message=message)
            )
        for list_key, item_fields in qtype.item_fields.items():
            items = entry.get(list_key)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, LineDict):
                    item_schema = schema.Schema({}, extra=frozenset(item_fields))
                    self.unknown_fields(item, item_schema, path, _("an item of %(key)s", key=list_key))
        source = str(entry.get("source") or "").strip()
        if source and source not in sources and not safe_url(source):
            message = _(
                "question '%(key)s': source '%(source)s' is not the id of a source of the module's lessons, "
                "nor a web address",
                key=key,
                source=source,
            )
            self.problem(path, entry.line_of("source"), message)
        elif len(source) > 500:
            message = _("question '%(key)s': source is longer than %(max)d characters", key=key, max=500)
            self.problem(path, entry.line_of("source"), message)
        objective = str(entry.get("objective") or "").strip()
        if objective and objective not in objectives:
            message = _("question '%(key)s': objective is not an objective of the module's lessons", key=key)
            self.problem(path, entry.line_of("objective"), message)
        points = self.field(entry, "points", QUESTION["points"], path, key)
        explanation = str(entry.get("explanation") or "").strip()
        return QuestionData(
            key=key,
            type=qtype.name,
            prompt_markdown=prompt,
            prompt_html=render_markdown(prompt).html,
            explanation_markdown=explanation,
            explanation_html=render_markdown(explanation).html,
            source=source,
            objective=objective,
            points=float(points),
            spec=({} if type_problems else qtype.spec(entry)) | _tags(entry),
        )


def _tags(entry: dict) -> dict[str, Any]:
    """Tags every question type may carry (reports group by them), and the title a question came with from another
    platform (GIFT's ::Title::, whatever its characters), kept beside the id derived from it."""
    tags = {"tags": [str(t) for t in entry["tags"]]} if isinstance(entry.get("tags"), list) else {}
    title = " ".join(str(entry.get("title") or "").split())[:255]
    return tags | ({"title": title} if title else {})

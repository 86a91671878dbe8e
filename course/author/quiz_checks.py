"""Quizzes from the browser, checked by the loader: a quiz is edited as its whole quiz-file document (settings and
every question), so each save is checked exactly as `flask course check` checks quizzes/<slug>.yaml, and each
problem is traced back to the settings or question field it concerns."""

from typing import Any

import yaml

from course.author.checks import CourseContext, add_error, key_paths, place_problems
from course.content.exporter import question_document, quiz_document
from course.content.loader import QuizData, load_quiz_text
from course.content.problems import ContentProblem
from course.models import Question, Quiz
from course.question_types import QuestionType, question_type
from course.question_types.form_values import form_number, typed


def quiz_content(quiz: Quiz, context: CourseContext) -> dict[str, Any]:
    """A quiz's editable content in the quiz-file format, as a revision stores it."""
    return quiz_document(quiz, context.module_slugs)


def quiz_text(document: dict[str, Any]) -> str:
    """The quiz as a YAML file, block style (so every key has its own line)."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)


def check_quiz_document(document: dict[str, Any], context: CourseContext) -> tuple[QuizData | None, list, dict]:
    """Run the loader over a quiz document: (quiz data, problems, line → key path)."""
    text = quiz_text(document)
    objectives = {slug: set(listed) for slug, listed in context.module_objectives.items()}
    path = f"quizzes/{document.get('slug') or 'quiz'}.yaml"
    data, problems = load_quiz_text(text, path, context.module_sources, objectives)
    return data, problems, key_paths(text)


def is_empty_quiz_problem(problem: ContentProblem, paths: dict[int, tuple]) -> bool:
    """The one rule a draft may break: a quiz without questions yet."""
    return paths.get(problem.line) == ("questions",)


SETTING_FIELDS = {
    "slug": "slug",
    "title": "title",
    "module": "placement",
    "final": "placement",
    "pass_mark": "pass_mark",
    "max_attempts": "max_attempts",
    "shuffle": "shuffle",
}
QUESTION_FIELDS = {
    "id": "key",
    "prompt": "prompt",
    "explanation": "explanation",
    "source": "source",
    "objective": "objective",
    "points": "points",
    "tags": "tags",
}


def place_quiz_problems(
    problems,
    paths,
    form,
    question_index: int | None = None,
    qtype: QuestionType | None = None,
    list_errors: list | None = None,
) -> None:
    """Put quiz problems at the settings form's fields, or at the question form's fields for the question being
    edited; problems elsewhere in the quiz are listed at the top of the form with the question they concern."""

    def place(path: tuple, message: str) -> bool:
        if len(path) == 1 and path[0] in SETTING_FIELDS and SETTING_FIELDS[path[0]] in form:
            add_error(form[SETTING_FIELDS[path[0]]], message)
            return True
        if len(path) < 3 or path[0] != "questions" or path[1] != question_index:
            return False
        name = path[2]
        field_name = QUESTION_FIELDS.get(name) or (qtype.form_field_for(name) if qtype else None)
        if field_name and field_name in form:
            add_error(form[field_name], message)
        elif list_errors is not None and (name == "type" or (qtype and name in qtype.fields)):
            add_error(list_errors, message)
        else:
            return False
        return True

    place_problems(problems, paths, place, form)


def settings_document(form, context: CourseContext, questions: list[dict]) -> dict[str, Any]:
    """A quiz document from the settings form and the quiz's current questions, in the file format's key order."""
    document: dict[str, Any] = {"slug": (form.slug.data or "").strip(), "title": (form.title.data or "").strip()}
    if form.placement.data == "final":
        document["final"] = True
    else:
        document["module"] = (form.placement.data or "").removeprefix("module:")
    document.update(
        pass_mark=form.pass_mark.data,
        max_attempts=form.max_attempts.data,
        shuffle=form.shuffle.data,
        questions=questions,
    )
    return document


def question_entry_from_form(form, qtype: QuestionType) -> dict[str, Any]:
    """A question in the quiz-file format from the question form: the common fields and its type's own."""
    entry: dict[str, Any] = {"id": typed(form.key.data), "type": qtype.name, "prompt": typed(form.prompt.data)}
    entry.update(qtype.entry_from_form(form))
    for key in ("explanation", "source", "objective"):
        entry[key] = typed(form[key].data)
    entry["points"] = form_number(form.points.data, "1")
    tags = [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()]
    if tags:
        entry["tags"] = tags
    return entry


def question_form_data(question: Question) -> dict[str, Any]:
    """The question form's values for a stored question, read from the same document export writes."""
    document = question_document(question)
    return {
        "key": document["id"],
        "prompt": document["prompt"],
        "explanation": document.get("explanation", ""),
        "source": document.get("source", ""),
        "objective": document.get("objective", ""),
        "points": str(document.get("points", 1)),
        "tags": ", ".join(document.get("tags", [])),
        **question_type(question.type).form_data(document),
    }

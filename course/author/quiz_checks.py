"""Quizzes from the browser, checked by the loader: a quiz is edited as its whole quiz-file document (settings and
every question), so each save is checked exactly as `flask course check` checks quizzes/<slug>.yaml, and each
problem is traced back to the settings or question field it concerns."""

from typing import Any

import yaml

from course.author.checks import CourseContext, add_error, key_paths, lines, place_problems
from course.content.exporter import question_document, quiz_document
from course.content.loader import QuizData, load_quiz_text
from course.content.problems import ContentProblem
from course.grading import parse_number
from course.models import Question, Quiz


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


SETTING_FIELDS = {"slug": "slug", "title": "title", "module": "placement", "final": "placement",
                  "pass_mark": "pass_mark", "max_attempts": "max_attempts", "shuffle": "shuffle"}  # fmt: skip
QUESTION_FIELDS = {"id": "key", "prompt": "prompt", "accept": "accept", "tolerance": "tolerance",
                   "explanation": "explanation", "source": "source", "objective": "objective", "points": "points",
                   "tags": "tags"}  # fmt: skip


def place_quiz_problems(problems, paths, form, question_index: int | None = None, question_type: str = "",
                        list_errors: list | None = None) -> None:
    """Put quiz problems at the settings form's fields, or at the question form's fields for the question being
    edited; problems elsewhere in the quiz are listed at the top of the form with the question they concern."""

    def place(path: tuple, message: str) -> bool:
        if len(path) == 1 and path[0] in SETTING_FIELDS and SETTING_FIELDS[path[0]] in form:
            add_error(form[SETTING_FIELDS[path[0]]], message)
            return True
        if len(path) < 3 or path[0] != "questions" or path[1] != question_index:
            return False
        name = path[2]
        if name in QUESTION_FIELDS:
            add_error(form[QUESTION_FIELDS[name]], message)
        elif name == "answer":
            add_error(form.truth if question_type == "true_false" else form.answer, message)
        elif name in ("choices", "type") and list_errors is not None:
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
    document.update(pass_mark=form.pass_mark.data, max_attempts=form.max_attempts.data, shuffle=form.shuffle.data,
                    questions=questions)  # fmt: skip
    return document


def _number(text: str | None, default: str = "") -> Any:
    """A number as typed (8, 8.5, '8,5'); the text itself when it is not one, so the loader names the problem."""
    text = (text or "").strip() or default
    value = parse_number(text)
    if value is None:
        return text
    return int(value) if value.is_integer() else value


def _typed(text: str | None) -> str:
    """Text as typed in a browser, with its CRLF line ends made the '\\n' a file has."""
    return (text or "").replace("\r\n", "\n").strip()


def question_entry_from_form(form, question_type: str) -> dict[str, Any]:
    """A question in the quiz-file format from the question form, using only its type's fields."""
    entry: dict[str, Any] = {"id": _typed(form.key.data), "type": question_type, "prompt": _typed(form.prompt.data)}
    if question_type in ("single", "multiple"):
        choices = []
        for row in form.choices.entries:
            text, feedback, misconception = (_typed(row.form[k].data) for k in ("text", "feedback", "misconception"))
            if not (text or feedback or misconception or row.form.correct.data):
                continue
            choice: dict[str, Any] = {"text": text}
            if row.form.correct.data:
                choice["correct"] = True
            if feedback:
                choice["feedback"] = feedback
            if misconception:
                choice["misconception"] = misconception
            choices.append(choice)
        entry["choices"] = choices
    elif question_type == "true_false":
        entry["answer"] = {"true": True, "false": False}.get(form.truth.data)
    elif question_type == "short_text":
        entry["accept"] = lines(form.accept.data)
    else:
        entry["answer"] = _number(form.answer.data)
        entry["tolerance"] = _number(form.tolerance.data, "0")
    for key in ("explanation", "source", "objective"):
        entry[key] = _typed(form[key].data)
    entry["points"] = _number(form.points.data, "1")
    tags = [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()]
    if tags:
        entry["tags"] = tags
    return entry


def question_form_data(question: Question) -> dict[str, Any]:
    """The question form's values for a stored question, read from the same document export writes."""
    document = question_document(question)
    answer = document.get("answer")
    return {
        "key": document["id"],
        "prompt": document["prompt"],
        "choices": [{"correct": False, "feedback": "", "misconception": "", **choice}
                    for choice in document.get("choices", [])],  # fmt: skip
        "truth": ("true" if answer else "false") if isinstance(answer, bool) else None,
        "accept": "\n".join(document.get("accept", [])),
        "answer": "" if isinstance(answer, bool) or answer is None else str(answer),
        "tolerance": str(document.get("tolerance", 0)),
        "explanation": document.get("explanation", ""),
        "source": document.get("source", ""),
        "objective": document.get("objective", ""),
        "points": str(document.get("points", 1)),
        "tags": ", ".join(document.get("tags", [])),
    }

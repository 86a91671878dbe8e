"""Where a question's figures are found, from any page. Question text is rendered as lessons are, so a figure it
shows is stored relative to a lesson page (`../figures/card.png`), which only lesson pages sit beside. Every page
that shows a question — taking and reading an attempt, the author's quiz page and preview, marking, item analysis,
a student's record — gets its HTML through `shown_question` (or `figure_addresses`), which points those figures at
the course's figure address; stored HTML is left as it is, so a renamed course keeps working."""

from collections.abc import Callable
from typing import Any

from flask import has_request_context, url_for

from course.models import Question

_LESSON_RELATIVE = 'src="../figures/'


def figure_addresses(course_slug: str) -> Callable[[Any], Any]:
    """A function that points the figures in HTML (a string, or the strings in lists and mappings, such as a
    question's spec) at the course's figure address; without a request, where no address can be built, it changes
    nothing."""
    if not has_request_context():
        return lambda value: value
    base = f'src="{url_for("learn.figure", slug=course_slug, name="")}'

    def resolved(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(_LESSON_RELATIVE, base) if _LESSON_RELATIVE in value else value
        if isinstance(value, list):
            return [resolved(item) for item in value]
        if isinstance(value, dict):
            return {key: resolved(item) for key, item in value.items()}
        return value

    return resolved


def shown_question(question: Question, course_slug: str) -> dict[str, Any]:
    """A stored question as pages show it: its columns, with the figures of its HTML (prompt, explanation and every
    HTML of its spec) at their address."""
    resolved = figure_addresses(course_slug)
    return {
        "key": question.key,
        "type": question.type,
        "points": question.points,
        "source": question.source,
        "objective": question.objective,
        "prompt_html": resolved(question.prompt_html),
        "explanation_html": resolved(question.explanation_html),
        "spec": resolved(question.spec),
    }

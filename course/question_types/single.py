"""Single choice: exactly one choice is right."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course.question_types import Grade, register
from course.question_types.choices import ChoiceQuestion, positions
from course.question_types.gift_text import answer_gift


@register
class SingleChoice(ChoiceQuestion):
    name = "single"
    label = _l("Single choice")
    exactly_one = True

    def parse_response(self, values):
        found = positions(values)
        return found[0] if len(found) == 1 else None

    def grade(self, public, private, response):
        if isinstance(response, bool) or not isinstance(response, int) or not 0 <= response < len(public["choices"]):
            return Grade(0.0, _("(no answer)"))
        return Grade(
            1.0 if response in private["correct"] else 0.0,
            private["texts"][response],
            [private["feedback"][response]] if private["feedback"][response] else [],
            [private["misconceptions"][response]] if private["misconceptions"][response] else [],
        )

    def gift_answers(self, document):
        """`=right` and `~wrong`, which Moodle imports as a one-answer multiple choice."""
        return [answer_gift("=" if choice.get("correct") else "~", choice["text"], choice.get("feedback"))
                for choice in document["choices"]]  # fmt: skip

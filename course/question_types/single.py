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
        return [
            answer_gift("=" if choice.get("correct") else "~", choice["text"], choice.get("feedback"))
            for choice in document["choices"]
        ]

    def read_moodle_xml(self, question):
        """A one-answer multichoice: exactly one answer at 100%, the others at 0%."""
        choices, fractions = self.moodle_xml_choices(question)
        if any(fraction not in (0, 100) for fraction in fractions) or fractions.count(100) != 1:
            raise ValueError(
                _(
                    "unsupported fractions in a one-answer multichoice: Lanyard's single choice has "
                    "exactly one answer at 100% and the others at 0%"
                )
            )
        return {"choices": choices}

    def write_moodle_xml(self, document, question):
        fractions = [100 if choice.get("correct") else 0 for choice in document["choices"]]
        return self.write_moodle_choices(document, question, fractions)

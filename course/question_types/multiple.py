"""Multiple select, with partial credit: each correct pick earns a share, each wrong pick takes one back, never
below zero."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course.question_types import Grade, register
from course.question_types.choices import ChoiceQuestion, positions
from course.question_types.gift_text import answer_gift


@register
class MultipleSelect(ChoiceQuestion):
    name = "multiple"
    label = _l("Multiple select")
    exactly_one = False
    partials = frozenset({"take", "preview", "edit", "result"})
    feedback_beside_answers = True

    def parse_response(self, values):
        return positions(values) or None

    def grade(self, public, private, response):
        picked = [p for p in (response or []) if isinstance(p, int) and 0 <= p < len(public["choices"])]
        if not picked:
            return Grade(0.0, _("(no answer)"))
        correct = set(private["correct"])
        hits = len(correct.intersection(picked))
        wrong = len(picked) - hits
        fraction = max(0.0, (hits - wrong) / len(correct))
        return Grade(
            fraction,
            "; ".join(private["texts"][p] for p in picked),
            [private["feedback"][p] for p in picked if private["feedback"][p]],
            [private["misconceptions"][p] for p in picked if private["misconceptions"][p] and p not in correct],
        )

    def gift_answers(self, document):
        """Right choices share +100%, wrong ones share -100%, so guessing everything scores nothing in Moodle."""
        choices = document["choices"]
        right_count = sum(1 for choice in choices if choice.get("correct"))
        wrong_count = len(choices) - right_count
        return [answer_gift("~", choice["text"], choice.get("feedback"),
                            100 / right_count if choice.get("correct") else -100 / wrong_count)
                for choice in choices]  # fmt: skip

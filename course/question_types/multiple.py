"""Multiple select, with partial credit. By default each correct pick earns an equal share and each wrong pick takes
one back, never below zero. Choices may instead carry a `credit` each (Moodle's weights, e.g. 50, 30, 20 and -100):
a student earns the sum of the credits of the choices picked, from 0% to 100%; the right choices' credits add up to
100%."""

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from course.question_types import Grade, register
from course.question_types.answers import is_number
from course.question_types.choices import CHOICE_FIELDS, ChoiceQuestion, ChoiceRowForm, positions
from course.question_types.gift_text import answer_gift

CREDIT_SLACK = 0.01  # 3 × 33.33333 is 100 for Moodle, and so for us


class WeightedChoiceRowForm(ChoiceRowForm):
    credit = StringField(
        _l("Credit when picked (%)"),
        validators=[Length(max=20)],
        description=_l(
            "Optional, on every choice or none: e.g. 50, 30 and 20 for the right ones "
            "(adding up to 100) and -100 for a wrong one. Empty: the right picks share "
            "the points equally."
        ),
    )


_WEIGHT_SLACK = Decimal("0.01")  # 3 × 33.33333 is 100 for Moodle, and so for us


def kept_credits(weights: list, correct: list[bool]) -> list | None:
    """Weights read from a question bank as choice credits, or None when they are the equal-share rule's (what
    `MultipleSelect.credits` exports for a question without credits), so such a question imports without them."""
    if not any(correct):
        return None  # reported by the reader
    usual = MultipleSelect().credits({"choices": [{"correct": is_right} for is_right in correct]})
    if all(abs(float(weight) - share) <= CREDIT_SLACK for weight, share in zip(weights, usual, strict=True)):
        return None
    return weights


@register
class MultipleSelect(ChoiceQuestion):
    name = "multiple"
    label = _l("Multiple select")
    exactly_one = False
    partials = frozenset({"take", "preview", "edit", "result"})
    feedback_beside_answers = True
    item_fields = {"choices": CHOICE_FIELDS | {"credit"}}
    row_form = WeightedChoiceRowForm
    extra_choice_numbers = ("credit",)

    def validate(self, question):
        problems = super().validate(question)
        choices = [c for c in question.get("choices") or [] if isinstance(c, Mapping)]
        if problems or not any("credit" in choice for choice in choices):
            return problems
        right_total = 0.0
        for number, choice in enumerate(choices, start=1):
            credit = choice.get("credit")
            if not is_number(credit) or not -100 <= credit <= 100:
                problems.append(
                    (
                        "choices",
                        _(
                            "choice %(number)d: credit must be a percentage from -100 to 100, on "
                            "every choice once one has it",
                            number=number,
                        ),
                    )
                )
            elif (credit > 0) != (choice.get("correct") is True):
                problems.append(
                    (
                        "choices",
                        _(
                            "choice %(number)d: a correct choice has a credit above 0, a wrong one 0 or below",
                            number=number,
                        ),
                    )
                )
            else:
                right_total += max(credit, 0)
        if not problems and abs(right_total - 100) > CREDIT_SLACK:
            problems.append(
                (
                    "choices",
                    _(
                        "the credits of the correct choices add up to %(total)s%%, not 100%%",
                        total=format(right_total, "g"),
                    ),
                )
            )
        return problems

    def spec(self, question):
        spec = super().spec(question)
        if any("credit" in choice for choice in question["choices"]):
            for choice, written in zip(spec["choices"], question["choices"], strict=True):
                choice["credit"] = written["credit"]
        return spec

    def document(self, spec):
        document = super().document(spec)
        for written, choice in zip(document["choices"], spec["choices"], strict=True):
            if "credit" in choice:
                written["credit"] = choice["credit"]
        return document

    def parse_response(self, values):
        return positions(values) or None

    def grade(self, public, private, response):
        picked = [p for p in (response or []) if isinstance(p, int) and 0 <= p < len(public["choices"])]
        if not picked:
            return Grade(0.0, _("(no answer)"))
        correct = set(private["correct"])
        if private.get("credits"):
            fraction = min(1.0, max(0.0, sum(private["credits"][p] for p in set(picked)) / 100))
            fraction = 1.0 if fraction > 1 - CREDIT_SLACK / 100 else fraction
        else:
            hits = len(correct.intersection(picked))
            fraction = max(0.0, (hits - (len(picked) - hits)) / len(correct))
        return Grade(
            fraction,
            "; ".join(private["texts"][p] for p in picked),
            [private["feedback"][p] for p in picked if private["feedback"][p]],
            [private["misconceptions"][p] for p in picked if private["misconceptions"][p] and p not in correct],
        )

    def credits(self, document) -> list[float]:
        """Each choice's weight for Moodle (GIFT and Moodle XML): its credit, or else the equal-share rule's, so
        guessing everything scores nothing in Moodle."""
        choices = document["choices"]
        if all("credit" in choice for choice in choices):
            return [choice["credit"] for choice in choices]
        right_count = sum(1 for choice in choices if choice.get("correct"))
        right_share, wrong_share = 100 / right_count, -100 / max(1, len(choices) - right_count)
        return [right_share if choice.get("correct") else wrong_share for choice in choices]

    def gift_answers(self, document):
        """Every choice `~%weight%`, the weights from `credits`."""
        return [
            answer_gift("~", choice["text"], choice.get("feedback"), credit)
            for choice, credit in zip(document["choices"], self.credits(document), strict=True)
        ]

    def read_moodle_xml(self, question):
        """A multichoice with several answers: the right ones' fractions add up to 100%, kept as credits."""
        choices, fractions = self.moodle_xml_choices(question)
        right = sum(fraction for fraction in fractions if fraction > 0)
        if abs(right - 100) > _WEIGHT_SLACK:
            raise ValueError(_("the fractions of the right answers add up to %(total)s%%, not 100%%", total=right))
        return {"choices": question.credited(choices, fractions)}

    def write_moodle_xml(self, document, question):
        """Every choice with its weight from `credits`."""
        return self.write_moodle_choices(document, question, self.credits(document))

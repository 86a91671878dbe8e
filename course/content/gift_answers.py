"""Reading a GIFT question's answer block: which question type it is, and that type's fields.

Each reader takes the block's text (general feedback already cut off) and its offset in the question source, reports
what it cannot keep at the answer's line, and returns the type and its fields. Numbers are read as Decimals and
checked for size before any arithmetic; Moodle XML reads its numbers with the same helpers.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from course.content.gift_source import QuestionSource, clean, unformatted
from course.content.yaml_lines import MAX_NUMBER, MAX_NUMBER_CHARACTERS
from course.question_types.gift_text import GIFT_WEIGHT
from course.question_types.multiple import kept_credits

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_SLACK = Decimal("0.01")  # 3 × 33.33333 is 100 for Moodle, and so for us


@dataclass(frozen=True)
class _Answer:
    """One `=…` or `~…` of an answer block, already unescaped; weight None when GIFT gave none."""

    marker: str
    weight: Decimal | None
    text: str
    feedback: str
    offset: int
    raw: str = ""

    def weight_or(self, default: int) -> Decimal:
        """The weight GIFT gave, else the default the question type gives this answer's marker."""
        return Decimal(default) if self.weight is None else self.weight


AnswerReader = Callable[[QuestionSource, str, int], dict]
"""Reads an answer block (body, its offset) into the question's type and type fields."""


def answer_reader(answers: str) -> AnswerReader:
    """Pick the reader for an answer block the way Moodle tells the types apart."""
    if not answers:
        return _read_essay
    if answers.startswith("#"):
        return _read_numeric
    if "~" in answers:
        return _read_choices
    if "=" in answers and "->" in answers:
        return _read_matching
    if answers.partition("#")[0].strip() in _TRUE_FALSE:
        return _read_true_false
    return _read_short_answer


def _split_answers(source: QuestionSource, body: str, offset: int, markers: str, shown: bool = True) -> list[_Answer]:
    """Cut an answer block at its markers; text before the first marker is an answer too, as in Moodle. Answers
    students are `shown` are read in the question's text format; the others (typed answers, numbers) as written."""
    answers = []
    for match in re.finditer(rf"(^|[{markers}])([^{markers}]*)", body):
        content = match[2].strip()
        if not match[1] and not content:
            continue
        answer_offset = offset + match.start()
        weight_match = GIFT_WEIGHT.match(content)
        weight = Decimal(weight_match[1]) if weight_match else None
        if weight_match:
            content = content[weight_match.end() :]
        if weight is not None and abs(weight) > 100:
            source.report(answer_offset, _("weight %(weight)s%% is outside -100%% … 100%%", weight=weight))
        text, _sep, feedback = content.partition("#")
        answer_text = clean(text, source.text_format) if shown else unformatted(text)
        answer = _Answer(
            match[1], weight, answer_text, clean(feedback, source.text_format), answer_offset, text.strip()
        )
        answers.append(answer)
    return answers


def _require_texts(source: QuestionSource, answers: list[_Answer]) -> None:
    for answer in answers:
        if not answer.text:
            source.report(answer.offset, _("an answer has no text"))


def _read_essay(source: QuestionSource, body: str, offset: int) -> dict:
    """`{}`: an essay, marked by an instructor; GIFT gives it nothing but the general feedback."""
    return {"type": "essay"}


def _read_choices(source: QuestionSource, body: str, offset: int) -> dict:
    """Single choice when an answer is `=right`, otherwise multiple answers whose right ones carry positive weight."""
    answers = _split_answers(source, body, offset, "=~")
    _require_texts(source, answers)
    if len(answers) < 2:
        source.report(offset, _("a choice question needs at least two answers"))
    weights = [answer.weight_or(100 if answer.marker == "=" else 0) for answer in answers]
    single = any(answer.marker == "=" for answer in answers)
    if single:
        for answer, weight in zip(answers, weights, strict=True):
            if weight not in (0, 100):
                source.report(
                    answer.offset,
                    _(
                        "unsupported weight %(weight)s%% in a single-choice question: Lanyard's "
                        "single choice is right or wrong (=right and ~wrong answers)",
                        weight=weight,
                    ),
                )
        right_count = weights.count(Decimal(100))
        if right_count != 1:
            source.report(
                offset, _("a single-choice question needs exactly one =right answer, not %(count)d", count=right_count)
            )
    else:
        right_weight = sum(weight for weight in weights if weight > 0)
        if not right_weight:
            source.report(offset, _("no answer is right: mark one =right, or give the right ones weights like ~%50%"))
        elif abs(right_weight - 100) > _WEIGHT_SLACK:
            source.report(
                offset, _("the weights of the right answers add up to %(total)s%%, not 100%%", total=right_weight)
            )
    choices = [
        {"text": answer.text, "correct": weight > 0, **({"feedback": answer.feedback} if answer.feedback else {})}
        for answer, weight in zip(answers, weights, strict=True)
    ]
    return {"type": "single" if single else "multiple", "choices": choices if single else credited(choices, weights)}


def credited(choices: list[dict], weights: list[Decimal]) -> list[dict]:
    """Multiple-answer choices with their weights kept as credits (GIFT and Moodle XML), unless the weights are
    the equal shares a choice question without credits has."""
    credits = kept_credits([plain_number(weight) for weight in weights], [choice["correct"] for choice in choices])
    if credits is None:
        return choices
    return [{**choice, "credit": credit} for choice, credit in zip(choices, credits, strict=True)]


def _read_matching(source: QuestionSource, body: str, offset: int) -> dict:
    """`=item -> match` pairs; `= -> answer` (no item) is an answer that matches no item, a distractor."""
    pairs, distractors = [], []
    for answer in _split_answers(source, body, offset, "=", shown=False):
        item, arrow, match = answer.raw.partition("->")
        if not arrow or not match.strip():
            source.report(answer.offset, _("a matching answer needs an item and its match: =item -> match"))
            continue
        if answer.feedback or answer.weight is not None:
            source.report(answer.offset, _("matching answers have no feedback or weight in GIFT"))
        item_text, match_text = clean(item, source.text_format), unformatted(match)
        if item_text:
            pairs.append({"item": item_text, "match": match_text})
        else:
            distractors.append(match_text)
    return {"type": "matching", "pairs": pairs, **({"distractors": distractors} if distractors else {})}


def _read_true_false(source: QuestionSource, body: str, offset: int) -> dict:
    """`{T#feedback for a wrong answer#feedback for a right one}`: each feedback kept for the answer it follows."""
    answer_text, _sep, feedback = body.strip().partition("#")
    wrong_feedback, _sep, right_feedback = (clean(part, source.text_format) for part in feedback.partition("#"))
    answer = _TRUE_FALSE[answer_text.strip()]
    fields: dict = {"type": "true_false", "answer": answer}
    for key, value in (
        (f"{str(answer).lower()}_feedback", right_feedback),
        (f"{str(not answer).lower()}_feedback", wrong_feedback),
    ):
        if value:
            fields[key] = value
    return fields


def _read_short_answer(source: QuestionSource, body: str, offset: int) -> dict:
    """Every answer with its credit and feedback; `*` is Moodle's wildcard, which Lanyard's short text reads too."""
    answers = _split_answers(source, body, offset, "=", shown=False)
    _require_texts(source, answers)
    accept: list = []
    for answer in answers:
        credit = answer.weight_or(100)
        if credit < 0:
            source.report(
                answer.offset, _("weight %(weight)s%% in a short answer: credit goes from 0%% to 100%%", weight=credit)
            )
        if credit == 100 and not answer.feedback:
            accept.append(answer.text)
        else:
            accept.append(
                {
                    "text": answer.text,
                    "credit": plain_number(credit),
                    **({"feedback": answer.feedback} if answer.feedback else {}),
                }
            )
    if not any(answer.weight_or(100) == 100 for answer in answers):
        source.report(offset, _("no short answer gets full credit"))
    return {"type": "short_text", "accept": accept}


def _read_numeric(source: QuestionSource, body: str, offset: int) -> dict:
    """`{#answer:margin}`, `{#low..high}` or `{#=a:m#fb =%50%b:m#fb ~#fb}`: the first full-credit answer is the
    answer, the others (with their credit) other answers, and `~#feedback` what a student who matches none reads."""
    start = body.index("#") + 1
    answers = _split_answers(source, body[start:], offset + start, "=~", shown=False)
    wrong_feedback = ""
    numbers = []
    for answer in answers:
        if answer.marker == "~" and not answer.text:
            wrong_feedback = answer.feedback
        else:
            numbers.append((answer, _numeric_credit(source, answer)))
    full_credit = [answer for answer, credit in numbers if credit == 100]
    if not full_credit:
        source.report(offset, _("a numeric question needs a full-credit answer"))
    if source.problems:
        return {}
    main = full_credit[0]
    parsed = _number_and_tolerance(main.text)
    assert parsed is not None  # an answer that is no number was reported above, and a report returns early
    number, tolerance = parsed
    fields: dict[str, Any] = {"type": "numeric", "answer": plain_number(number), "tolerance": plain_number(tolerance)}
    if main.feedback:
        fields["feedback"] = main.feedback
    others = [_other_numeric_answer(other, credit) for other, credit in numbers if other is not main]
    if others:
        fields["other_answers"] = others
    if wrong_feedback:
        fields["wrong_feedback"] = wrong_feedback
    return fields


def _numeric_credit(source: QuestionSource, answer: _Answer) -> Decimal:
    """A numeric answer's credit, once its number and weight are checked (problems reported at the answer)."""
    if out_of_range(answer.text):
        source.report(answer.offset, out_of_range_message(answer.text))
    elif _number_and_tolerance(answer.text) is None:
        source.report(
            answer.offset,
            _(
                "%(answer)s is not a number answer: write 10, 10:0.5 (answer:margin) or 9..11 (range)",
                answer=repr(answer.text),
            ),
        )
    credit = answer.weight_or(0 if answer.marker == "~" else 100)
    if credit < 0:
        source.report(
            answer.offset,
            _("weight %(weight)s%% in a numeric question: credit goes from 0%% to 100%%", weight=credit),
        )
    return credit


def _other_numeric_answer(answer: _Answer, credit: Decimal) -> dict:
    """A numeric answer besides the main one, as the question's `other_answers` lists it."""
    parsed = _number_and_tolerance(answer.text)
    assert parsed is not None  # as for the main answer: a report would have returned before
    value, margin = parsed
    return {
        "answer": plain_number(value),
        "tolerance": plain_number(margin),
        "credit": plain_number(credit),
        **({"feedback": answer.feedback} if answer.feedback else {}),
    }


def _number_and_tolerance(text: str) -> tuple[Decimal, Decimal] | None:
    """GIFT's three ways to write a numeric answer: 10, 10:0.5 and 9..11; None when it is none of them."""
    low_text, dots, high_text = text.partition("..")
    if dots and low_text:
        low, high = decimal(low_text), decimal(high_text)
        if low is None or high is None or low > high:
            return None
        return (low + high) / 2, (high - low) / 2
    answer_text, _sep, tolerance_text = text.partition(":")
    answer, tolerance = decimal(answer_text), decimal(tolerance_text or "0")
    if answer is None or tolerance is None or tolerance < 0:
        return None
    return answer, tolerance


def out_of_range(text: str) -> bool:
    """Whether a numeric answer holds a number larger or longer than course files allow, checked before any
    arithmetic: 1e999999999 as an int would take minutes, and 1e5000 has too many digits to print."""
    for part in re.split(r"\.\.|:", text):
        if len(part.strip()) > MAX_NUMBER_CHARACTERS:
            return True
        try:
            number = Decimal(part.strip())
        except InvalidOperation:
            continue
        if number.is_finite() and number.copy_abs() > MAX_NUMBER:  # copy_abs: abs() would round, and overflow
            return True
    return False


def out_of_range_message(text: str) -> str:
    """Why a number out_of_range finds too large or too long is refused (GIFT and Moodle XML alike)."""
    return _(
        "%(number)s is out of range: numbers are at most %(max)s in size and %(length)d characters long",
        number=repr(text[:MAX_NUMBER_CHARACTERS]),
        max=format(MAX_NUMBER, ".0e"),
        length=MAX_NUMBER_CHARACTERS,
    )


def decimal(text: str) -> Decimal | None:
    """Decimal keeps 3.141..3.142 at exactly 3.1415 ± 0.0005, where floats would not."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def plain_number(number: Decimal) -> int | float:
    """An int when whole, so the quiz YAML reads `answer: 10`, not `10.0`."""
    return int(number) if number == number.to_integral_value() else float(number)

"""Question types: one registry, one interface, pure functions (no Flask, no database).

Each type knows how to validate an author's question, how to present it for one attempt (shuffled once and
stored), how to read a student's response from form values, and how to grade it. Adding a type touches this
module only.
"""

import math
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

QUESTION_TYPES: dict[str, "QuestionType"] = {}


def register(cls: type["QuestionType"]) -> type["QuestionType"]:
    QUESTION_TYPES[cls.name] = cls()
    return cls


@dataclass
class Grade:
    """The outcome for one question: the fraction of its points earned and what to tell the student."""

    fraction: float
    response_text: str
    feedback_html: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.fraction >= 1.0


class QuestionType:
    """The interface every question type implements."""

    name: ClassVar[str]
    label: ClassVar[str]

    def validate(self, question: Mapping) -> list[tuple[str, str]]:
        """Problems in an author's question as (field, message) pairs; empty when it is valid."""
        raise NotImplementedError

    def present(self, spec: Mapping, shuffle: bool, rng: random.Random) -> tuple[dict, dict]:
        """What the student sees (public) and the key kept on the server (private), fixed for the attempt."""
        raise NotImplementedError

    def parse_response(self, values: Sequence[str]) -> Any:
        """Turn submitted form values into a stored response; None when the student left it blank."""
        raise NotImplementedError

    def grade(self, public: Mapping, private: Mapping, response: Any) -> Grade:
        raise NotImplementedError


def _choices_problems(question: Mapping, exactly_one: bool) -> list[tuple[str, str]]:
    choices = question.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        return [("choices", "needs a list of at least two choices")]
    problems = []
    for number, choice in enumerate(choices, start=1):
        if not isinstance(choice, Mapping) or not str(choice.get("text", "")).strip():
            problems.append(("choices", f"choice {number} needs a text"))
        elif "correct" in choice and not isinstance(choice["correct"], bool):
            problems.append(("choices", f"choice {number}: correct must be true or false"))
    correct = sum(1 for c in choices if isinstance(c, Mapping) and c.get("correct") is True)
    if correct == 0:
        problems.append(("choices", "no choice is marked correct"))
    elif exactly_one and correct > 1:
        problems.append(("choices", f"a single-choice question has {correct} correct choices; use type: multiple"))
    return problems


def _present_choices(spec: Mapping, shuffle: bool, rng: random.Random) -> tuple[dict, dict]:
    """Choices are identified by their displayed position, so the form values reveal nothing about the key."""
    order = list(range(len(spec["choices"])))
    if shuffle:
        rng.shuffle(order)
    shown = [spec["choices"][i] for i in order]
    public = {"choices": [c["html"] for c in shown]}
    private = {
        "correct": [pos for pos, c in enumerate(shown) if c.get("correct")],
        "feedback": [c.get("feedback_html", "") for c in shown],
        "misconceptions": [c.get("misconception", "") for c in shown],
        "texts": [c["text"] for c in shown],
    }
    return public, private


def _positions(values: Sequence[str], count: int | None = None) -> list[int]:
    positions = sorted({int(v) for v in values if str(v).isdigit()})
    return [p for p in positions if count is None or p < count]


@register
class SingleChoice(QuestionType):
    name = "single"
    label = "Single choice"

    def validate(self, question):
        return _choices_problems(question, exactly_one=True)

    def present(self, spec, shuffle, rng):
        return _present_choices(spec, shuffle, rng)

    def parse_response(self, values):
        positions = _positions(values)
        return positions[0] if len(positions) == 1 else None

    def grade(self, public, private, response):
        if not isinstance(response, int) or not 0 <= response < len(public["choices"]):
            return Grade(0.0, "(no answer)")
        return Grade(
            1.0 if response in private["correct"] else 0.0,
            private["texts"][response],
            [private["feedback"][response]] if private["feedback"][response] else [],
            [private["misconceptions"][response]] if private["misconceptions"][response] else [],
        )


@register
class MultipleSelect(QuestionType):
    """Partial credit: each correct pick earns a share, each wrong pick takes one back, never below zero."""

    name = "multiple"
    label = "Multiple select"

    def validate(self, question):
        return _choices_problems(question, exactly_one=False)

    def present(self, spec, shuffle, rng):
        return _present_choices(spec, shuffle, rng)

    def parse_response(self, values):
        return _positions(values) or None

    def grade(self, public, private, response):
        picked = [p for p in (response or []) if isinstance(p, int) and 0 <= p < len(public["choices"])]
        if not picked:
            return Grade(0.0, "(no answer)")
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


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"

    def validate(self, question):
        if not isinstance(question.get("answer"), bool):
            return [("answer", "a true_false question needs answer: true or answer: false")]
        return []

    def present(self, spec, shuffle, rng):
        return {}, {"answer": spec["answer"]}

    def parse_response(self, values):
        value = values[0].strip().lower() if values else ""
        return {"true": True, "false": False}.get(value)

    def grade(self, public, private, response):
        if not isinstance(response, bool):
            return Grade(0.0, "(no answer)")
        return Grade(1.0 if response is private["answer"] else 0.0, "True" if response else "False")


def normalise_text(text: str) -> str:
    """Compare typed answers as a reader would: ignore case, accents' encoding, and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


@register
class ShortText(QuestionType):
    name = "short_text"
    label = "Short text"

    def validate(self, question):
        accept = question.get("accept")
        if not isinstance(accept, list) or not accept or not all(str(a).strip() for a in accept):
            return [("accept", "a short_text question needs a non-empty list of accepted answers")]
        return []

    def present(self, spec, shuffle, rng):
        return {}, {"accept": list(spec["accept"])}

    def parse_response(self, values):
        text = values[0].strip()[:500] if values else ""
        return text or None

    def grade(self, public, private, response):
        if not response:
            return Grade(0.0, "(no answer)")
        accepted = {normalise_text(str(a)) for a in private["accept"]}
        return Grade(1.0 if normalise_text(response) in accepted else 0.0, response)


def parse_number(text: str) -> float | None:
    """Read a number as people type it: '8', '8.5', '8,5', ' -3 ', '1 000'."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@register
class Numeric(QuestionType):
    """Correct when within ±tolerance of the answer, bounds included."""

    name = "numeric"
    label = "Number"

    def validate(self, question):
        problems = []
        answer, tolerance = question.get("answer"), question.get("tolerance", 0)
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            problems.append(("answer", "a numeric question needs a number as its answer"))
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            problems.append(("tolerance", "tolerance must be a number of zero or more"))
        return problems

    def present(self, spec, shuffle, rng):
        return {}, {"answer": spec["answer"], "tolerance": spec.get("tolerance", 0)}

    def parse_response(self, values):
        text = values[0].strip()[:50] if values else ""
        return text or None

    def grade(self, public, private, response):
        if not response:
            return Grade(0.0, "(no answer)")
        value = parse_number(str(response))
        if value is None:
            return Grade(0.0, str(response), ["<p>That is not a number.</p>"])
        # A small epsilon so that 0.1 + 0.2 style float error never turns a right answer wrong.
        limit = private["tolerance"] + 1e-9 * max(1.0, abs(private["answer"]))
        return Grade(1.0 if abs(value - private["answer"]) <= limit else 0.0, str(response))


@dataclass
class AttemptResult:
    """The score of a whole attempt, computed from its snapshot and responses."""

    score: float
    max_score: float
    results: list[dict]

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 1) if self.max_score else 0.0


def grade_attempt(snapshot: Sequence[Mapping], responses: Mapping[str, Any]) -> AttemptResult:
    """Grade every question of an attempt as it was shown; pure, so it is tested without Flask."""
    results, score, max_score = [], 0.0, 0.0
    for question in snapshot:
        qtype = QUESTION_TYPES[question["type"]]
        grade = qtype.grade(question["public"], question["private"], responses.get(question["key"]))
        earned = round(grade.fraction * question["points"], 4)
        score += earned
        max_score += question["points"]
        results.append(
            {
                "key": question["key"],
                "correct": grade.correct,
                "fraction": grade.fraction,
                "earned": earned,
                "response_text": grade.response_text,
                "feedback_html": grade.feedback_html,
                "misconceptions": grade.misconceptions,
            }
        )
    return AttemptResult(round(score, 4), max_score, results)

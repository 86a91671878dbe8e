"""Grading a whole attempt from its snapshot, and adding an instructor's marks to it. Pure functions: no Flask, no
database. Each question is graded by its type (course.question_types)."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.question_types import question_type


@dataclass
class AttemptResult:
    """The score of a whole attempt, computed from its snapshot and responses (and marks, once given)."""

    score: float
    max_score: float
    results: list[dict]

    @property
    def pending(self) -> bool:
        """Some answer awaits an instructor's mark: the attempt has no percentage yet."""
        return any(result.get("pending") for result in self.results)

    @property
    def percent(self) -> float | None:
        if self.pending:
            return None
        return round(100 * self.score / self.max_score, 1) if self.max_score else 0.0


def grade_attempt(snapshot: Sequence[Mapping], responses: Mapping[str, Any]) -> AttemptResult:
    """Grade every question of an attempt as it was shown; an answer an instructor marks stays pending."""
    results, score, max_score = [], 0.0, 0.0
    for question in snapshot:
        grade = question_type(question["type"]).grade(
            question["public"], question["private"], responses.get(question["key"])
        )
        earned = round(grade.fraction * question["points"], 4)
        score += earned
        max_score += question["points"]
        result = {
            "key": question["key"],
            "correct": grade.correct,
            "fraction": grade.fraction,
            "earned": earned,
            "response_text": grade.response_text,
            "feedback_html": grade.feedback_html,
            "misconceptions": grade.misconceptions,
        }
        if grade.pending:
            result["pending"] = True
        results.append(result)
    return AttemptResult(round(score, 4), max_score, results)


def with_marks(snapshot: Sequence[Mapping], results: Sequence[Mapping], marks: Mapping[str, Mapping]) -> AttemptResult:
    """The attempt's results with the instructor's marks ({key: {"points", "feedback_html"}}) in place of the
    pending answers they mark; the stored results are not changed."""
    points = {question["key"]: question["points"] for question in snapshot}
    merged, score = [], 0.0
    for result in results:
        mark = marks.get(result["key"]) if result.get("pending") else None
        if mark is not None:
            earned = round(min(max(mark["points"], 0.0), points[result["key"]]), 4)
            fraction = earned / points[result["key"]] if points[result["key"]] else 1.0
            result = {
                **result,
                "pending": False,
                "earned": earned,
                "fraction": fraction,
                "correct": fraction >= 1.0,
                "marked": True,
                "feedback_html": [mark["feedback_html"]] if mark.get("feedback_html") else [],
            }
        merged.append(dict(result))
        score += result["earned"]
    return AttemptResult(round(score, 4), sum(points.values()), merged)


def summarise_attempt(
    snapshot: Sequence[Mapping], responses: Mapping[str, Any], results: Sequence[Mapping]
) -> tuple[list[dict], dict[str, list]]:
    """What the class reports need of a graded attempt, in two parts.

    The questions as asked (the same for every attempt of one version of the quiz, so stored once, see
    question_set_digest): key, type, points, objective, and for listed answers the key the attempt was graded with.

    The answers, one entry per question in that order: `earned` and `fraction`, the positions of questions left
    `blank` and of those `pending` an instructor's mark, what item analysis counts of each answer (`counted`: None
    when not answered or the type counts nothing, else the type's counted_answers as [text, right] pairs) and the
    misconceptions each answer showed ([position, tags] pairs). `results` are the attempt's with any instructor's
    marks in place (with_marks)."""
    by_key = {result["key"]: result for result in results}
    questions: list[dict] = []
    answers: dict[str, list] = {
        "earned": [],
        "fraction": [],
        "blank": [],
        "pending": [],
        "counted": [],
        "misconceptions": [],
    }
    for question in snapshot:
        result = by_key.get(question["key"])
        if result is None:
            continue
        position, qtype = len(questions), question_type(question["type"])
        asked = {
            "key": question["key"],
            "type": question["type"],
            "points": question["points"],
            "objective": question.get("objective") or "",
        }
        response = responses.get(question["key"])
        if qtype.analysis == "choices":
            asked["key_answers"] = sorted(qtype.key_answers(question))
        questions.append(asked)
        answers["earned"].append(result["earned"])
        answers["fraction"].append(result["fraction"])
        if response is None:
            answers["blank"].append(position)
        if result.get("pending"):
            answers["pending"].append(position)
        counted = None
        if response is not None and qtype.analysis:
            counted = [[text, right] for text, right in qtype.counted_answers(question, response, result)]
        answers["counted"].append(counted)
        if result.get("misconceptions"):
            answers["misconceptions"].append([position, list(result["misconceptions"])])
    return questions, answers


def question_set_digest(questions: Sequence[Mapping]) -> str:
    """A name for a set of questions as asked: the same for every attempt at one version of a quiz."""
    return hashlib.sha256(json.dumps(questions, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def attempt_summary(
    snapshot: Sequence[Mapping], responses: Mapping[str, Any], graded: AttemptResult, pass_mark: float
) -> tuple[list[dict], dict[str, Any]]:
    """The questions as asked, and the values of the attempt's summary row (models.AttemptSummary), from its
    grading with any marks in place."""
    questions, answers = summarise_attempt(snapshot, responses, graded.results)
    return questions, {
        "question_set": question_set_digest(questions),
        "score": graded.score,
        "max_score": graded.max_score,
        "percent": graded.percent,
        "passed": None if graded.percent is None else graded.percent >= pass_mark,
        "answers": answers,
    }

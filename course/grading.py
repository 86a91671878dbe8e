"""Grading a whole attempt from its snapshot, and adding an instructor's marks to it. Pure functions: no Flask, no
database. Each question is graded by its type (course.question_types)."""

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
            result = {**result, "pending": False, "earned": earned, "fraction": fraction, "correct": fraction >= 1.0,
                      "marked": True, "feedback_html": [mark["feedback_html"]] if mark.get("feedback_html") else []}
        merged.append(dict(result))
        score += result["earned"]
    return AttemptResult(round(score, 4), sum(points.values()), merged)


def answer_summaries(snapshot: Sequence[Mapping], responses: Mapping[str, Any],
                     results: Sequence[Mapping]) -> list[dict]:  # fmt: skip
    """Per question as asked, in the attempt's order, what the class reports need of it: its key, type, objective
    and points, the points earned and the fraction, whether it was answered or awaits a mark, the misconceptions
    the answer showed, and for item analysis the answers counted ([text, right] pairs, the type's
    `counted_answers`) and, for listed answers, the key the attempt was graded with. `results` are the attempt's
    with any instructor's marks in place (with_marks). Stored per attempt, so reports never read the snapshot."""
    by_key = {result["key"]: result for result in results}
    summaries = []
    for question in snapshot:
        result = by_key.get(question["key"])
        if result is None:
            continue
        response = responses.get(question["key"])
        summary: dict[str, Any] = {"key": question["key"], "type": question["type"], "points": question["points"],
                                   "earned": result["earned"], "fraction": result["fraction"],
                                   "answered": response is not None}  # fmt: skip
        if result.get("pending"):
            summary["pending"] = True
        if question.get("objective"):
            summary["objective"] = question["objective"]
        if result.get("misconceptions"):
            summary["misconceptions"] = list(result["misconceptions"])
        qtype = question_type(question["type"])
        if response is not None and qtype.analysis:
            summary["counted"] = [[text, right] for text, right in qtype.counted_answers(question, response, result)]
            if qtype.analysis == "choices":
                summary["key_answers"] = sorted(qtype.key_answers(question))
        summaries.append(summary)
    return summaries


def attempt_summary(snapshot: Sequence[Mapping], responses: Mapping[str, Any], graded: AttemptResult,
                    pass_mark: float) -> dict[str, Any]:  # fmt: skip
    """The values of an attempt's summary row (models.AttemptSummary) from its grading, marks included."""
    return {
        "score": graded.score,
        "max_score": graded.max_score,
        "percent": graded.percent,
        "passed": None if graded.percent is None else graded.percent >= pass_mark,
        "answers": answer_summaries(snapshot, responses, graded.results),
    }

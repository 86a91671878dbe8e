"""Item analysis of a quiz, as Moodle's quiz statistics report computes it. Pure functions: no Flask, no database.

Choices made here, so every number on the page can be checked by hand:

- One attempt per student: their *first* submitted attempt. Later attempts come after the student saw the
  feedback and the correct answers, so they measure the feedback more than the question.
- Facility index: the mean fraction of the item's points that students earned, as a percentage. For an
  all-or-nothing item this is the percentage who answered it correctly.
- Discrimination index: the Pearson correlation between the points earned on the item and the points earned on
  the rest of the test (the total minus this item), across the analysed attempts — Moodle's "discrimination index"
  (there shown as a percentage). It is undefined (None) when either side does not vary, e.g. everyone was right.
  Above 0.3 the item separates stronger from weaker students well; below 0.2 it does not; below 0 it rewards the
  weaker students, which usually means a wrong key or a misleading wording.
- What is counted per item is its type's choice (course.question_types: `analysis`, `counted_answers`): answers
  the author listed (choices, pairs) are all shown, zero counts included; typed answers are grouped after
  normalisation, and one given by fewer than MIN_SHARED_ANSWER students is counted as "other", so no one's own
  wording appears on the report; some types (essays) count no answers at all.
- An answer still awaiting an instructor's mark is left out of everything: its item, the attempt's total.
"""

import math
import operator
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from course.grading import question_set_digest, summarise_attempt
from course.question_types import question_type

MIN_SHARED_ANSWER = 2
# The key that groups the questions without a learning objective (its label is "No objective set").
NO_OBJECTIVE = ""


@dataclass(frozen=True)
class QuestionInfo:
    """A question of the quiz as it stands now, in its current order."""

    key: str
    type: str
    prompt_html: str
    objective: str = ""
    # The answers the author listed ({"text", "correct", "misconception"}, the type's listed_answers), in order.
    choices: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class AnalysedAttempt:
    """The parts of one submitted attempt the statistics need."""

    snapshot: Sequence[Mapping[str, Any]]
    responses: Mapping[str, Any]
    results: Sequence[Mapping[str, Any]]


@dataclass
class AnswerCount:
    """A choice (or a shared typed answer) and how many of the students who saw the item picked it."""

    text: str
    correct: bool
    count: int = 0
    percent: float = 0.0
    misconception: str = ""


@dataclass
class ItemStatistics:
    number: int
    key: str
    type: str
    prompt_html: str
    objective: str
    students: int = 0
    facility: float | None = None
    discrimination: float | None = None
    answers: list[AnswerCount] = field(default_factory=list)
    blank: int = 0
    other_answers: int = 0
    removed: bool = False  # asked in earlier attempts, no longer in the quiz


@dataclass
class GroupStatistics:
    """Results for one misconception tag or one learning objective."""

    label: str
    questions: list[int]
    students: int = 0  # misconceptions: students who showed it at least once
    percent: float | None = None  # misconceptions: % of students; objectives: facility over its items


@dataclass
class QuizStatistics:
    students: int
    mean: float
    median: float
    standard_deviation: float | None
    items: list[ItemStatistics]
    misconceptions: list[GroupStatistics]
    objectives: list[GroupStatistics]


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation coefficient, or None when there are fewer than two pairs or a side does not vary."""
    n = len(xs)
    if len(ys) != n:
        raise ValueError("pearson needs as many ys as xs")
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = sum(map(operator.mul, dx, dx)), sum(map(operator.mul, dy, dy))
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum(map(operator.mul, dx, dy))
    return sxy / math.sqrt(sxx * syy)


class _ItemTally:
    """Everything counted for one item while walking through the attempts once."""

    def __init__(self, first_seen: Mapping[str, Any] | None = None):
        self.earned: list[float] = []
        self.rest: list[float] = []
        self.fractions: list[float] = []
        self.picked: Counter[str] = Counter()
        self.correct: set[str] = set()
        self.blank = 0
        self.typed: Counter[str] = Counter()
        self.typed_correct: set[str] = set()
        self.first_seen = first_seen

    def count_answers(self, question: Mapping[str, Any], counted: Sequence[Any]) -> None:
        """Counts the answers given as the item's type says (course.question_types `analysis`); None is no answer."""
        counted = [answer for answer in counted if answer is not None]
        kind = question_type(question["type"]).analysis
        if kind == "choices":
            self.picked.update([text for answer in counted for text, _right in answer])
            if counted:
                self.correct.update(question.get("key_answers", ()))
        elif kind == "typed":
            typed = [(text, right) for answer in counted for text, right in answer]
            self.typed.update([text for text, _right in typed])
            self.typed_correct.update(text for text, right in typed if right)


class _QuizTally:
    """Everything counted for the whole quiz while walking through the question sets once."""

    def __init__(self):
        self.items: dict[str, _ItemTally] = {}
        self.misconception_students: Counter[str] = Counter()
        self.misconception_items: dict[str, set[str]] = defaultdict(set)
        self.objective_points: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # earned, possible
        self.objective_items: dict[str, set[str]] = defaultdict(set)
        self.percents: list[float] = []

    def add_question_set(self, asked: Sequence[Mapping[str, Any]], attempts: Sequence[Mapping[str, list]]) -> None:
        """Counts the attempts that asked one set of questions: each attempt's total, then each item a column at a
        time over the attempts."""
        points = [question["points"] for question in asked]
        pending = [set(answers["pending"]) for answers in attempts]
        blanks: Counter[int] = Counter()
        for answers, left_out in zip(attempts, pending, strict=True):
            blanks.update(position for position in answers["blank"] if position not in left_out)
        totals = [
            self._add_attempt(asked, points, answers, left_out)
            for answers, left_out in zip(attempts, pending, strict=True)
        ]
        # One column per question: its earned points, fractions and counted answers over the set's attempts.
        columns = [
            list(zip(*(answers[name] for answers in attempts), strict=True))
            for name in ("earned", "fraction", "counted")
        ]
        any_pending = any(pending)
        earned: Sequence[Any]  # a list of the attempts kept, or the whole column's tuple
        fractions: Sequence[Any]
        counted: Sequence[Any]
        for position, question in enumerate(asked):
            if any_pending:  # leave out the attempts whose answer to this question awaits a mark
                rows = [row for row, left_out in enumerate(pending) if position not in left_out]
                earned, fractions, counted = ([column[position][row] for row in rows] for column in columns)
                rest = [totals[row] - e for row, e in zip(rows, earned, strict=True)]
            else:
                earned, fractions, counted = (column[position] for column in columns)
                rest = [total - e for total, e in zip(totals, earned, strict=True)]
            if earned:
                self._add_item(question, earned, rest, fractions, counted, blanks[position])

    def _add_attempt(
        self,
        asked: Sequence[Mapping[str, Any]],
        points: Sequence[float],
        answers: Mapping[str, list],
        left_out: set[int],
    ) -> float:
        """Counts one attempt's percentage and misconceptions, and returns its total for the discrimination."""
        if left_out:  # answers awaiting a mark count nowhere, not even in the attempt's total
            total = sum(e for position, e in enumerate(answers["earned"]) if position not in left_out)
            possible = sum(p for position, p in enumerate(points) if position not in left_out)
        else:
            total, possible = sum(answers["earned"]), sum(points)
        self.percents.append(100 * total / possible if possible else 0.0)
        shown_tags = set()
        for position, tags in answers["misconceptions"]:
            if position not in left_out:
                shown_tags.update(tags)
                for tag in tags:
                    self.misconception_items[tag].add(asked[position]["key"])
        self.misconception_students.update(shown_tags)
        return total

    def _add_item(
        self,
        question: Mapping[str, Any],
        earned: Sequence[float],
        rest: Sequence[float],
        fractions: Sequence[float],
        counted: Sequence[Any],
        blank: int,
    ) -> None:
        """Adds one question's column (the attempts of a set that have its mark) to its item and its objective."""
        key = question["key"]
        tally = self.items.get(key)
        if tally is None:
            tally = self.items[key] = _ItemTally(first_seen=question)
        tally.earned += earned
        tally.rest += rest
        tally.fractions += fractions
        tally.blank += blank
        tally.count_answers(question, counted)
        objective = question["objective"].strip() or NO_OBJECTIVE
        self.objective_points[objective][0] += sum(earned)
        self.objective_points[objective][1] += question["points"] * len(earned)
        self.objective_items[objective].add(key)


def analyse_quiz(questions: Sequence[QuestionInfo], attempts: Iterable[AnalysedAttempt]) -> QuizStatistics:
    """Quiz, item, misconception and objective statistics from one submitted attempt per student, read from the
    attempts themselves: what their stored summaries hold (grading.summarise_attempt) is computed here first."""
    attempts = list(attempts)
    sets: dict[str, tuple[list[dict], list[dict]]] = {}
    for attempt in attempts:
        asked, answers = summarise_attempt(attempt.snapshot, attempt.responses, attempt.results)
        sets.setdefault(question_set_digest(asked), (asked, []))[1].append(answers)
    stats = analyse_answers(questions, sets.values())
    removed = {item.key: item for item in stats.items if item.removed}
    for attempt in attempts:
        for question in attempt.snapshot:
            item = removed.pop(question["key"], None)
            if item is not None:
                item.prompt_html = question.get("prompt_html", "")
    return stats


def analyse_answers(
    questions: Sequence[QuestionInfo],
    question_sets: Iterable[tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, list]]]],
) -> QuizStatistics:
    """The statistics from the attempts' stored summaries: for each set of questions as asked, the answers of the
    attempts that asked it (grading.summarise_attempt). Each item's numbers are gathered a column at a time over
    the attempts of a set. A question no longer in the quiz takes its type and objective from the set, and no
    prompt: a caller that wants one reads it from an attempt that asked it."""
    tally = _QuizTally()
    for asked, attempts in question_sets:
        if attempts:
            tally.add_question_set(asked, attempts)
    percents = tally.percents
    students = len(percents)
    items = _items(questions, tally.items)
    number_of = {item.key: item.number for item in items}
    return QuizStatistics(
        students=students,
        mean=statistics.fmean(percents) if percents else 0.0,
        median=statistics.median(percents) if percents else 0.0,
        standard_deviation=statistics.stdev(percents) if students >= 2 else None,
        items=items,
        misconceptions=_misconception_groups(questions, tally, number_of),
        objectives=_objective_groups(tally, number_of),
    )


def _misconception_groups(
    questions: Sequence[QuestionInfo], tally: _QuizTally, number_of: Mapping[str, int]
) -> list[GroupStatistics]:
    """Every misconception the attempts showed or a current choice is tagged with, the most shown first."""
    items = defaultdict(set, {tag: set(keys) for tag, keys in tally.misconception_items.items()})
    for question in questions:
        for choice in question.choices:
            if choice.get("misconception"):
                items[choice["misconception"]].add(question.key)
    students = len(tally.percents)
    shown = tally.misconception_students
    return sorted(
        (
            GroupStatistics(
                tag,
                sorted(number_of[key] for key in keys if key in number_of),
                shown[tag],
                100 * shown[tag] / students if students else 0.0,
            )
            for tag, keys in items.items()
        ),
        key=lambda group: (-group.students, group.label),
    )


def _objective_groups(tally: _QuizTally, number_of: Mapping[str, int]) -> list[GroupStatistics]:
    """One group per learning objective the answered items serve, the questions without one last."""
    students = len(tally.percents)
    return [
        GroupStatistics(
            objective if objective != NO_OBJECTIVE else gettext("No objective set"),
            sorted(number_of[key] for key in tally.objective_items[objective] if key in number_of),
            students,
            100 * earned / possible if possible else None,
        )
        for objective, (earned, possible) in sorted(
            tally.objective_points.items(), key=lambda pair: pair[0] == NO_OBJECTIVE
        )
    ]


def _items(questions: Sequence[QuestionInfo], tallies: Mapping[str, _ItemTally]) -> list[ItemStatistics]:
    """One entry per question, in the quiz's current order, then questions only earlier attempts asked."""
    current = {question.key: question for question in questions}
    keys = [q.key for q in questions] + [key for key in tallies if key not in current]
    items = []
    for number, key in enumerate(keys, start=1):
        tally = tallies.get(key) or _ItemTally()
        question = current.get(key)
        seen = tally.first_seen or {}
        item = ItemStatistics(
            number=number,
            key=key,
            type=question.type if question else seen.get("type", ""),
            prompt_html=question.prompt_html if question else seen.get("prompt_html", ""),
            objective=question.objective if question else seen.get("objective", ""),
            students=len(tally.fractions),
            blank=tally.blank,
            removed=question is None,
        )
        if item.students:
            item.facility = 100 * statistics.fmean(tally.fractions)
            item.discrimination = pearson(tally.earned, tally.rest)
        item.answers = _answer_counts(question, tally)
        item.other_answers = sum(count for count in tally.typed.values() if count < MIN_SHARED_ANSWER)
        for answer in item.answers:
            answer.percent = 100 * answer.count / item.students if item.students else 0.0
        items.append(item)
    return items


def _answer_counts(question: QuestionInfo | None, tally: _ItemTally) -> list[AnswerCount]:
    """Every choice the author wrote (with its count, zero included), then choices only earlier attempts showed;
    for typed answers, those shared by enough students, most frequent first."""
    if tally.typed:
        shared = [(text, count) for text, count in tally.typed.most_common() if count >= MIN_SHARED_ANSWER]
        return [AnswerCount(text, text in tally.typed_correct, count) for text, count in shared]
    answers = [
        AnswerCount(str(c["text"]), bool(c.get("correct")), misconception=c.get("misconception") or "")
        for c in (question.choices if question else ())
    ]
    listed = {answer.text for answer in answers}
    answers += [AnswerCount(text, text in tally.correct) for text in tally.picked if text not in listed]
    for answer in answers:
        answer.count = tally.picked.get(answer.text, 0)
        if tally.correct:  # the key the attempts were graded with, even if the author changed it since
            answer.correct = answer.text in tally.correct
    return answers

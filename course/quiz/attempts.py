"""Attempt life cycle, kept apart from the views: start (shuffled once, snapshot stored), save, submit once."""

import random
from collections.abc import Mapping
from functools import cache

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Insert, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from course.extensions import db
from course.grading import AttemptResult, attempt_summary, grade_attempt, with_marks
from course.learn.figures import shown_question
from course.models import AnswerMark, Attempt, AttemptSummary, Lesson, Module, QuestionSet, Quiz
from course.models.users import utcnow
from course.question_types import question_type
from course.render import render_markdown
from course.sanitize import safe_url, without_control_characters


class AttemptRefused(Exception):
    """Starting an attempt is not allowed, with the reason to show the student."""


class ResponseRefused(ValueError):
    """A submitted value that no input of its question can send (a tampered or broken form): a 400, never a 500."""


def open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.submitted_at.is_(None))
    )


def attempts_used(quiz_id: int, user_id: int) -> int:
    return db.session.execute(
        select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id)
    ).scalar_one()


def _source_index(quiz: Quiz) -> dict[str, dict]:
    """Source ids a question may cite: the module's lessons' sources (the whole course's for the final). When two
    lessons list the same id, the first in reading order defines it: without an order the database picks, and
    PostgreSQL picks differently from one run to the next."""
    query = (
        select(Lesson.sources)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id == quiz.course_id)
        .order_by(Module.position, Lesson.position, Lesson.id)
    )
    if not quiz.is_final and quiz.module_id:
        query = query.where(Lesson.module_id == quiz.module_id)
    index: dict[str, dict] = {}
    for sources in db.session.scalars(query):
        for source in sources:
            index.setdefault(source["id"], source)
    return index


def _snapshot(quiz: Quiz, rng: random.Random) -> list[dict]:
    """The questions exactly as this attempt shows them, with their key, frozen for the attempt's lifetime."""
    sources = _source_index(quiz)
    snapshot = []
    for question in quiz.questions:
        shown = shown_question(question, quiz.course.slug)  # figures at their address, as the student sees them
        public, private = question_type(question.type).present(shown["spec"], quiz.shuffle, rng)
        cited = sources.get(question.source)
        snapshot.append(
            {
                "key": question.key,
                "type": question.type,
                "points": question.points,
                "prompt_html": shown["prompt_html"],
                "explanation_html": shown["explanation_html"],
                "source": {"title": cited.get("title", ""), "url": safe_url(cited.get("url", ""))}
                if cited
                else {"title": "", "url": safe_url(question.source)},
                "objective": question.objective,
                "tags": question.spec.get("tags", []),
                "public": public,
                "private": private,
            }
        )
    return snapshot


def start_attempt(quiz: Quiz, user_id: int) -> Attempt:
    """Resume the open attempt or start a new one, enforcing the quiz's maximum number of attempts."""
    existing = open_attempt(quiz.id, user_id)
    if existing:
        return existing
    used = attempts_used(quiz.id, user_id)
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise AttemptRefused(
            ngettext(
                "You have used your %(num)d attempt at this quiz.",
                "You have used all %(num)d attempts at this quiz.",
                quiz.max_attempts,
            )
        )
    if not quiz.questions:
        raise AttemptRefused(_("This quiz has no questions yet."))
    snapshot = _snapshot(quiz, random.Random())
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        number=used + 1,
        snapshot=snapshot,
        responses={},
        max_score=sum(q["points"] for q in snapshot),
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # the same student started twice at once: use the attempt that won
        db.session.rollback()
        winner = open_attempt(quiz.id, user_id)
        if winner is None:
            raise AttemptRefused(_("Another attempt was just recorded. Reload the quiz page.")) from None
        return winner
    return attempt


def read_responses(attempt: Attempt, form: MultiDict) -> dict:
    """Responses from a submitted form, keyed on question ids; unknown fields are ignored, control characters
    removed (the rule every form applies)."""
    responses = {}
    for question in attempt.snapshot:
        qtype = question_type(question["type"])
        typed = form.getlist(f"q-{question['key']}")
        values = [without_control_characters(value, multiline=qtype.multiline) for value in typed]
        choices = question["public"].get("choices")
        try:
            if isinstance(choices, list) and any(value not in _positions_of(choices) for value in values):
                raise ValueError("not one of the choices")
            response = qtype.parse_response(values)
        except (ValueError, OverflowError):
            response = None
        if response is None and any(value.strip() for value in values):  # sent, yet not an answer it can hold
            number = attempt.snapshot.index(question) + 1
            raise ResponseRefused(
                _(
                    "Question %(number)s: what was sent is not one of its answers. Reload the page "
                    "and answer again; your saved answers are kept.",
                    number=number,
                )
            )
        if response is not None:
            responses[question["key"]] = response
    return responses


def _positions_of(choices: list) -> set[str]:
    """The form values a question shown with choices sends: their positions, 0, 1, 2 …"""
    return {str(position) for position in range(len(choices))}


def unanswered(attempt: Attempt, responses: Mapping) -> list[dict]:
    """The questions without a response, each with its number as the student sees it and its key."""
    return [
        {"number": number, "key": question["key"]}
        for number, question in enumerate(attempt.snapshot, start=1)
        if question["key"] not in responses
    ]


def attempts_left_after(attempt: Attempt) -> int | None:
    """How many attempts the student has left once this one is submitted; None when the quiz has no limit."""
    limit = attempt.quiz.max_attempts
    return None if not limit else max(0, limit - attempt.number)


# Autosave runs every few seconds per student: the statement is built once and runs on the table, outside the ORM's
# bulk-update machinery (the session's copy of the attempt expires at the commit that follows).
_SAVE_RESPONSES = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.submitted_at.is_(None))
    .values(responses=bindparam("answers", type_=Attempt.responses.type))
)


def save_responses(attempt: Attempt, responses: dict) -> bool:
    """Keep answers typed so far; False when the attempt was submitted meanwhile (nothing changes then)."""
    result = db.session.connection().execute(_SAVE_RESPONSES, {"attempt_id": attempt.id, "answers": responses})
    db.session.commit()
    return result.rowcount == 1


# A class submits at once when the bell rings: like autosave, submitting runs statements built once, on the
# connection. Their parameters are named apart from the columns they set, as SQLAlchemy requires.
_SUBMIT = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.submitted_at.is_(None))
    .values(
        responses=bindparam("new_responses", type_=Attempt.responses.type),
        results=bindparam("new_results", type_=Attempt.results.type),
        score=bindparam("new_score"),
        percent=bindparam("new_percent"),
        passed=bindparam("new_passed"),
        submitted_at=bindparam("now"),
    )
)


def submit_attempt(attempt: Attempt, responses: dict, pass_mark: int) -> bool:
    """Grade and close the attempt in one conditional update, so a double submit records exactly one result, and
    store its summary for the class reports in the same transaction. An answer an instructor marks leaves percent
    and passed empty until it is marked (see mark_answer)."""
    graded = grade_attempt(attempt.snapshot, responses)
    passed = None if graded.percent is None else graded.percent >= pass_mark
    values = {"new_responses": responses, "new_results": graded.results, "new_score": graded.score}
    values.update(attempt_id=attempt.id, new_percent=graded.percent, new_passed=passed, now=utcnow())
    submitted = db.session.connection().execute(_SUBMIT, values).rowcount == 1
    if submitted:
        store_summary(attempt.id, *attempt_summary(attempt.snapshot, responses, graded, pass_mark), new=True)
    db.session.commit()
    db.session.expire(attempt)  # the row changed under the session: a caller that reads the attempt loads it again
    return submitted


def marks_by_attempt(attempt_ids: list[int]) -> dict[int, dict[str, dict]]:
    """Instructors' marks of these attempts in one query, keyed on attempt and question id, as
    grading.with_marks takes them."""
    marks: dict[int, dict[str, dict]] = {}
    if attempt_ids:
        for mark in db.session.scalars(select(AnswerMark).where(AnswerMark.attempt_id.in_(attempt_ids))):
            marks.setdefault(mark.attempt_id, {})[mark.question_key] = {
                "points": mark.points,
                "feedback_html": mark.feedback_html,
                "feedback_markdown": mark.feedback_markdown,
            }
    return marks


def marked_result(attempt: Attempt) -> AttemptResult:
    """A submitted attempt's results with its marks in place: what the student and the instructor read."""
    return with_marks(attempt.snapshot, attempt.results or [], marks_by_attempt([attempt.id]).get(attempt.id, {}))


def mark_answer(attempt: Attempt, key: str, points: float, feedback_markdown: str, marker_id: int) -> None:
    """Record (or change) an instructor's mark for one pending answer and bring the attempt's score, percent and
    passed, and its summary for the reports, up to date; the snapshot, the responses and the machine-graded results
    are left as they are."""
    mark = db.session.scalar(
        select(AnswerMark).where(AnswerMark.attempt_id == attempt.id, AnswerMark.question_key == key)
    )
    if mark is None:
        mark = AnswerMark(attempt_id=attempt.id, question_key=key)
        db.session.add(mark)
    mark.points, mark.feedback_markdown = points, feedback_markdown
    mark.feedback_html = render_markdown(feedback_markdown).html if feedback_markdown.strip() else ""
    mark.marked_by_id, mark.marked_at = marker_id, utcnow()
    db.session.flush()
    graded = marked_result(attempt)
    attempt.score, attempt.percent = graded.score, graded.percent
    attempt.passed = None if graded.percent is None else graded.percent >= attempt.quiz.pass_mark
    store_summary(
        attempt.id,
        *attempt_summary(attempt.snapshot, attempt.responses or {}, graded, attempt.quiz.pass_mark),
        new=False,
    )
    db.session.commit()


_SUMMARY_INSERT = insert(AttemptSummary)
_SUMMARY_UPDATE = update(AttemptSummary).where(AttemptSummary.attempt_id == bindparam("summary_of"))


def store_summary(attempt_id: int, questions: list[dict], values: dict, *, new: bool) -> None:
    """Write an attempt's summary for the reports (grading.attempt_summary), and its set of questions unless an
    earlier attempt stored the same set: one statement each, safe when two submissions store one set at once."""
    connection = db.session.connection()
    connection.execute(
        _question_set_insert(connection.dialect.name), {"digest": values["question_set"], "questions": questions}
    )
    if new or not connection.execute(_SUMMARY_UPDATE.values(**values), {"summary_of": attempt_id}).rowcount:
        connection.execute(_SUMMARY_INSERT, {"attempt_id": attempt_id, **values})


@cache
def _question_set_insert(dialect: str) -> Insert:
    """INSERT of a question set that does nothing if the set is stored, in the database's own words; built once per
    dialect (a SQLite server never loads the PostgreSQL dialect, whose Insert is another class)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as insert_unless_stored
    else:
        from sqlalchemy.dialects.sqlite import insert as insert_unless_stored  # type: ignore[assignment]  # same API
    return insert_unless_stored(QuestionSet).on_conflict_do_nothing(index_elements=["digest"])

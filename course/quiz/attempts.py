"""Attempt life cycle, kept apart from the views: start (shuffled once, snapshot stored), save, submit once."""

import random
from collections.abc import Mapping

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.grading import QUESTION_TYPES, grade_attempt
from course.models import Attempt, Lesson, Quiz
from course.models.users import utcnow
from course.sanitize import safe_url, without_control_characters


class AttemptRefused(Exception):
    """Starting an attempt is not allowed, with the reason to show the student."""


def open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.submitted_at.is_(None))
    )


def attempts_used(quiz_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id)
    )


def _source_index(quiz: Quiz) -> dict[str, dict]:
    """Source ids a question may cite: the module's lessons' sources (the whole course's for the final)."""
    query = select(Lesson.sources).where(Lesson.course_id == quiz.course_id)
    if not quiz.is_final and quiz.module_id:
        query = query.where(Lesson.module_id == quiz.module_id)
    return {s["id"]: s for sources in db.session.scalars(query) for s in sources}


def _snapshot(quiz: Quiz, rng: random.Random) -> list[dict]:
    """The questions exactly as this attempt shows them, with their key, frozen for the attempt's lifetime."""
    sources = _source_index(quiz)
    snapshot = []
    for question in quiz.questions:
        public, private = QUESTION_TYPES[question.type].present(question.spec, quiz.shuffle, rng)
        cited = sources.get(question.source)
        snapshot.append(
            {
                "key": question.key,
                "type": question.type,
                "points": question.points,
                "prompt_html": question.prompt_html,
                "explanation_html": question.explanation_html,
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
        raise AttemptRefused(f"You have used all {quiz.max_attempts} attempts at this quiz.")
    if not quiz.questions:
        raise AttemptRefused("This quiz has no questions yet.")
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
        attempt = open_attempt(quiz.id, user_id)
        if attempt is None:
            raise AttemptRefused("Another attempt was just recorded. Reload the quiz page.") from None
    return attempt


def read_responses(attempt: Attempt, form: Mapping) -> dict:
    """Responses from a submitted form, keyed on question ids; unknown fields are ignored, control characters
    removed (the rule every form applies)."""
    responses = {}
    for question in attempt.snapshot:
        typed = form.getlist(f"q-{question['key']}")
        values = [without_control_characters(value, multiline=False) for value in typed]
        response = QUESTION_TYPES[question["type"]].parse_response(values)
        if response is not None:
            responses[question["key"]] = response
    return responses


def save_responses(attempt: Attempt, responses: dict) -> bool:
    """Keep answers typed so far; False when the attempt was submitted meanwhile (nothing changes then)."""
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(responses=responses)
    )
    db.session.commit()
    return result.rowcount == 1


def submit_attempt(attempt: Attempt, responses: dict, pass_mark: int) -> bool:
    """Grade and close the attempt in one conditional update, so a double submit records exactly one result."""
    graded = grade_attempt(attempt.snapshot, responses)
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(
            responses=responses,
            results=graded.results,
            score=graded.score,
            percent=graded.percent,
            passed=graded.percent >= pass_mark,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    db.session.refresh(attempt)
    return result.rowcount == 1


def correct_answer_text(question: Mapping) -> str:
    """The right answer in words, shown only after submission."""
    private = question["private"]
    kind = question["type"]
    if kind in ("single", "multiple"):
        return "; ".join(private["texts"][i] for i in private["correct"])
    if kind == "true_false":
        return "True" if private["answer"] else "False"
    if kind == "short_text":
        return private["accept"][0]
    tolerance = private.get("tolerance") or 0
    return f"{private['answer']:g}" + (f" (± {tolerance:g})" if tolerance else "")

"""A student's attempts at a scenario lesson, apart from the views: start, choose, step back, finish. Each change
is checked against the attempt's current step, so a stale page (the browser's back button, a double tap) changes
nothing."""

from sqlalchemy import func, select

from course.content.scenario import take_choice
from course.extensions import db
from course.models import LessonProgress, Scenario, ScenarioAttempt
from course.models.users import utcnow


def latest_attempt(user_id: int, lesson_id: int) -> ScenarioAttempt | None:
    """The student's most recent attempt: the one a reload returns to."""
    return db.session.scalar(
        select(ScenarioAttempt)
        .where(ScenarioAttempt.user_id == user_id, ScenarioAttempt.lesson_id == lesson_id)
        .order_by(ScenarioAttempt.number.desc())
        .limit(1)
    )


def all_attempts(user_id: int, lesson_id: int) -> list[ScenarioAttempt]:
    return list(
        db.session.scalars(
            select(ScenarioAttempt)
            .where(ScenarioAttempt.user_id == user_id, ScenarioAttempt.lesson_id == lesson_id)
            .order_by(ScenarioAttempt.number)
        )
    )


def new_attempt(user_id: int, scenario: Scenario) -> ScenarioAttempt:
    """A fresh attempt at the start; earlier attempts stay as they were."""
    number = db.session.execute(
        select(func.coalesce(func.max(ScenarioAttempt.number), 0)).where(
            ScenarioAttempt.user_id == user_id, ScenarioAttempt.lesson_id == scenario.lesson_id
        )
    ).scalar_one()
    start, state = scenario.compiled["start"], dict(scenario.compiled["state"])
    attempt = ScenarioAttempt(
        user_id=user_id, lesson_id=scenario.lesson_id, number=number + 1, node=start, path=[], state=state
    )
    db.session.add(attempt)
    return attempt


def choose(attempt: ScenarioAttempt, scenario: Scenario, index: int) -> bool:
    """Take choice `index` where the attempt stands; reaching an ending finishes the attempt and completes the
    lesson. False when that choice is not offered there (the page was stale or the form was forged)."""
    if attempt.finished_at is not None:
        return False
    taken = take_choice(scenario.compiled, attempt.node, attempt.state, index)
    if taken is None:
        return False
    target, state = taken
    choice = scenario.compiled["nodes"][attempt.node]["choices"][index]
    attempt.path = [
        *attempt.path,
        {"node": attempt.node, "choice": index, "label": choice["text_html"], "state": dict(attempt.state)},
    ]
    attempt.node, attempt.state = target, state
    if "ending" in scenario.compiled["nodes"].get(target, {}):
        attempt.ending, attempt.finished_at = target, utcnow()
        complete_lesson(attempt.user_id, attempt.lesson_id)
    return True


def step_back(attempt: ScenarioAttempt) -> bool:
    """Undo the last choice, state included; a finished attempt is a record and stays as it is."""
    if attempt.finished_at is not None or not attempt.path:
        return False
    last = attempt.path[-1]
    attempt.path = attempt.path[:-1]
    attempt.node, attempt.state = last["node"], dict(last["state"])
    return True


def complete_lesson(user_id: int, lesson_id: int) -> None:
    """Reaching a debrief completes the lesson for progress, once (a later replay keeps the first date)."""
    record = db.session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
    )
    if record is None:
        record = LessonProgress(user_id=user_id, lesson_id=lesson_id)
        db.session.add(record)
    if record.completed_at is None:
        record.completed_at = utcnow()

"""Playing a scenario lesson without JavaScript: every choice, step back and replay is a form post answered by a
redirect, so a reload shows the same place. Pages sit at the depth of the lesson page, so the relative links the
renderer writes (../figures/…, ../lessons/…) resolve."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.content.scenario import visible_html
from course.content.scenario_conditions import offered_choices
from course.extensions import db
from course.models import Scenario
from course.scenario import bp
from course.scenario.play import all_attempts, choose, latest_attempt, new_attempt, step_back
from course.structure import published_course


def _scenario_or_404(slug: str, lesson_slug: str):
    """The published course, lesson and its scenario, or the styled 404."""
    course = published_course(slug)
    lesson = course.lesson(lesson_slug)
    scenario = None
    if lesson is not None:
        scenario = db.session.scalar(select(Scenario).where(Scenario.lesson_id == lesson.id))
    if scenario is None:
        abort(404, description=_("There is no scenario at this address."))
    return course, lesson, scenario


def _posted_step() -> int | None:
    """The step the page was showing when the form was sent (how many choices the path held), or None."""
    return request.form.get("step", type=int)


def _back_to(slug: str, lesson_slug: str):
    return redirect(url_for("scenario.play", slug=slug, lesson_slug=lesson_slug))


def _stale(slug: str, lesson_slug: str):
    flash(_("That page was out of date: here is where you are now."), "info")
    return _back_to(slug, lesson_slug)


@bp.route("/courses/<slug>/scenarios/<lesson_slug>")
@login_required
def play(slug: str, lesson_slug: str):
    """Where the student stands in their latest attempt (the start before the first choice), the path so far, and
    at an ending its debrief; earlier attempts are listed with the ending each reached."""
    course, lesson, scenario = _scenario_or_404(slug, lesson_slug)
    compiled = scenario.compiled
    attempt = latest_attempt(current_user.id, lesson.id)
    node_id = attempt.node if attempt else compiled["start"]
    state = attempt.state if attempt else compiled["state"]
    node = compiled["nodes"].get(node_id)
    path = [
        {"title": compiled["nodes"].get(step["node"], {}).get("title", step["node"]), "label": step["label"]}
        for step in (attempt.path if attempt else [])
    ]
    attempts = all_attempts(current_user.id, lesson.id) if attempt and attempt.number > 1 else [attempt] * bool(attempt)
    return render_template(
        "scenario/play.html",
        course=course,
        module=course.module_of(lesson),
        lesson=lesson,
        attempt=attempt,
        node=node,
        text_html=visible_html(node["text"], state) if node else "",
        debrief_html=visible_html(node.get("debrief", []), state) if node else "",
        choices=offered_choices(node, state) if node and attempt_open(attempt) else [],
        path=path,
        step=len(attempt.path) if attempt else 0,
        earlier=[a for a in attempts if a is not attempt],
        titles={key: value.get("ending") or value["title"] for key, value in compiled["nodes"].items()},
    )


def attempt_open(attempt) -> bool:
    return attempt is None or attempt.finished_at is None


@bp.route("/courses/<slug>/scenarios/<lesson_slug>/choose", methods=["POST"])
@login_required
def choose_view(slug: str, lesson_slug: str):
    """Take one choice; the first choice of all starts the student's first attempt."""
    _course, lesson, scenario = _scenario_or_404(slug, lesson_slug)
    step = _posted_step()
    attempt = latest_attempt(current_user.id, lesson.id)
    if attempt is None and step == 0:
        attempt = new_attempt(current_user.id, scenario)
    if attempt is None or step != len(attempt.path):
        return _stale(slug, lesson_slug)
    if not choose(attempt, scenario, request.form.get("choice", type=int, default=-1)):
        db.session.rollback()
        return _stale(slug, lesson_slug)
    try:
        db.session.commit()
    except IntegrityError:  # two first choices at once: the other one started the attempt
        db.session.rollback()
        return _stale(slug, lesson_slug)
    return _back_to(slug, lesson_slug)


@bp.route("/courses/<slug>/scenarios/<lesson_slug>/back", methods=["POST"])
@login_required
def back(slug: str, lesson_slug: str):
    """Undo the last choice; the state goes back to what it was before it."""
    _course, lesson, _scenario = _scenario_or_404(slug, lesson_slug)
    step = _posted_step()
    attempt = latest_attempt(current_user.id, lesson.id)
    if attempt is None or step != len(attempt.path) or not step_back(attempt):
        return _stale(slug, lesson_slug)
    db.session.commit()
    return _back_to(slug, lesson_slug)


@bp.route("/courses/<slug>/scenarios/<lesson_slug>/replay", methods=["POST"])
@login_required
def replay(slug: str, lesson_slug: str):
    """Start again from the beginning as a new attempt; the earlier ones are kept, and so is the completion."""
    _course, lesson, scenario = _scenario_or_404(slug, lesson_slug)
    step = _posted_step()
    attempt = latest_attempt(current_user.id, lesson.id)
    if attempt is None or (step is not None and step != len(attempt.path)):
        return _stale(slug, lesson_slug)
    new_attempt(current_user.id, scenario)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _stale(slug, lesson_slug)
    flash(_("A new attempt starts from the beginning; your earlier ones are kept."), "info")
    return _back_to(slug, lesson_slug)

"""Quiz views. Correct answers stay on the server until the attempt is submitted."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.classroom.access import may_see_records_of
from course.extensions import db
from course.lookups import published_quiz_or_404
from course.models import Attempt, Quiz
from course.quiz import bp
from course.quiz.attempts import (
    AttemptRefused,
    ResponseRefused,
    attempts_left_after,
    marked_result,
    read_responses,
    save_responses,
    start_attempt,
    submit_attempt,
    unanswered,
)


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError):
    """An attempt's answers are saved as they go, so a stale form on a quiz page loses nothing: say so."""
    if request.endpoint in ("quiz.attempt", "quiz.submit"):
        message = _("The form expired. Reload the page; your saved answers are kept.")
    else:
        message = _("The form expired. Reload the page and try again.")
    return render_template("errors/error.html", error=error, code=400, message=message), 400


@bp.route("/courses/<slug>/quizzes/<quiz_slug>")
@login_required
def overview(slug: str, quiz_slug: str):
    """The quiz's rules, the student's attempt history and a button to start or resume."""
    quiz = published_quiz_or_404(slug, quiz_slug)
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == current_user.id).order_by(Attempt.number)
    ).all()
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    remaining = None if not quiz.max_attempts else max(0, quiz.max_attempts - len(attempts))
    return render_template(
        "quiz/overview.html",
        quiz=quiz,
        course=quiz.course,
        attempts=attempts,
        open_attempt=open_attempt,
        remaining=remaining,
    )


@bp.route("/courses/<slug>/quizzes/<quiz_slug>/start", methods=["POST"])
@login_required
def start(slug: str, quiz_slug: str):
    """Start a new attempt, or resume the open one."""
    quiz = db.session.scalar(
        select(Quiz).where(Quiz.id == published_quiz_or_404(slug, quiz_slug).id).options(selectinload(Quiz.questions))
    )
    if quiz is None:  # deleted since published_quiz_or_404 found it
        abort(404)
    try:
        attempt = start_attempt(quiz, current_user.id)
    except AttemptRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("quiz.overview", slug=slug, quiz_slug=quiz_slug))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


def _attempt_or_404(attempt_id: int) -> Attempt:
    """An attempt is visible to the student who made it, to instructors of a class the student is in, and to
    administrators."""
    attempt = db.get_or_404(Attempt, attempt_id, description=_("There is no attempt at this address."))
    if not may_see_records_of(attempt.user_id):
        abort(404, description=_("There is no attempt at this address."))
    return attempt


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """Take an open attempt (answers are kept on every save) or read a submitted one's feedback."""
    attempt = _attempt_or_404(attempt_id)
    if request.method == "POST":
        if attempt.user_id != current_user.id:
            abort(403, description=_("Only the student who started an attempt can answer it."))
        try:
            responses = read_responses(attempt, request.form)
        except ResponseRefused as refusal:
            abort(400, description=str(refusal))
        action = request.form.get("action", "save")
        missing = unanswered(attempt, responses) if action == "submit" else []
        if missing and request.form.get("confirmed") != "yes" and save_responses(attempt, responses):
            return _confirm_submit_page(attempt, missing)
        if action == "submit":
            if not submit_attempt(attempt, responses, attempt.quiz.pass_mark):
                flash(_("This attempt was already submitted; its result is below."), "info")
            return redirect(url_for("quiz.attempt", attempt_id=attempt_id))  # not attempt.id: no reload
        saved = save_responses(attempt, responses)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(saved=saved), (200 if saved else 409)
        flash(_("Your answers are saved.") if saved else _("This attempt was already submitted."), "info")
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    quiz = attempt.quiz  # an autosave above never needs the quiz row
    if attempt.submitted_at is None:
        if attempt.user_id != current_user.id:
            abort(404, description=_("There is no attempt at this address."))
        public_questions = [
            {
                "key": q["key"],
                "type": q["type"],
                "points": q["points"],
                "prompt_html": q["prompt_html"],
                "public": q["public"],
            }
            for q in attempt.snapshot
        ]
        return render_template(
            "quiz/take.html",
            attempt=attempt,
            quiz=quiz,
            course=quiz.course,
            questions=public_questions,
            attempts_left=attempts_left_after(attempt),
        )
    graded = marked_result(attempt)
    return render_template(
        "quiz/result.html",
        attempt=attempt,
        quiz=quiz,
        course=quiz.course,
        questions=attempt.snapshot,
        results={result["key"]: result for result in graded.results},
        graded=graded,
    )


def _confirm_submit_page(attempt: Attempt, missing: list[dict]):
    """Before a submission with unanswered questions: which ones, and the attempts left (the answers are saved)."""
    quiz = attempt.quiz
    return render_template(
        "quiz/confirm_submit.html",
        attempt=attempt,
        quiz=quiz,
        course=quiz.course,
        missing=missing,
        attempts_left=attempts_left_after(attempt),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Submit the answers saved so far: the confirmation page's button, once the student has seen what is
    unanswered."""
    attempt = _attempt_or_404(attempt_id)
    if attempt.user_id != current_user.id:
        abort(403, description=_("Only the student who started an attempt can submit it."))
    if attempt.submitted_at is not None or not submit_attempt(
        attempt, dict(attempt.responses or {}), attempt.quiz.pass_mark
    ):
        flash(_("This attempt was already submitted; its result is below."), "info")
    return redirect(url_for("quiz.attempt", attempt_id=attempt_id))

"""The grading queue: answers an instructor marks by hand (essays), per class and quiz, one at a time. Answers are
anonymised by default (Answer 3 of 12) so a name cannot bias the mark; ?names=1 shows them. Marks go through
quiz.attempts.mark_answer, which leaves the submitted attempt as the student sent it."""

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from course.auth.access import instructor_required
from course.classroom import bp
from course.classroom.access import own_classroom_or_404
from course.extensions import db
from course.forms import BaseForm
from course.models import Attempt, Enrollment, Quiz, User
from course.question_types import question_type
from course.question_types.answers import parse_number
from course.quiz.attempts import mark_answer, marks_by_attempt


class MarkForm(BaseForm):
    points = StringField(
        _l("Points"), validators=[InputRequired(_l("Give the points this answer earns.")), Length(max=20)]
    )
    feedback = TextAreaField(_l("Feedback for the student (Markdown)"), validators=[Length(max=20_000)])


@dataclass
class QueuedAnswer:
    """One hand-marked answer of a submitted attempt in the class."""

    attempt: Attempt
    student: User
    question: dict
    mark: dict | None


def _quiz_or_404(classroom, quiz_slug: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == classroom.course_id, Quiz.slug == quiz_slug))
    if quiz is None:
        abort(404, description=_("This class's course has no quiz at this address."))
    return quiz


def _queue(classroom, quiz: Quiz) -> list[QueuedAnswer]:
    """Every hand-marked answer of the class's submitted attempts at this quiz, oldest submission first, in two
    queries whatever the class size."""
    rows = db.session.execute(
        select(Attempt, User)
        .join(User, User.id == Attempt.user_id)
        .join(Enrollment, (Enrollment.user_id == Attempt.user_id) & (Enrollment.classroom_id == classroom.id))
        .where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    marks = marks_by_attempt([attempt.id for attempt, _student in rows])
    queue = []
    for attempt, student in rows:
        answered = {result["key"] for result in attempt.results or [] if result.get("pending")}
        for question in attempt.snapshot:
            if question["key"] in answered and question_type(question["type"]).manual:
                queue.append(QueuedAnswer(attempt, student, question, marks.get(attempt.id, {}).get(question["key"])))
    return queue


@bp.route("/teach/classes/<int:classroom_id>/quizzes/<quiz_slug>/marking", methods=["GET", "POST"])
@instructor_required
def marking_queue(classroom_id: int, quiz_slug: str):
    """The answers awaiting a mark and those marked; with ?answer=N, answer N alone with the form that marks it."""
    classroom = own_classroom_or_404(classroom_id)
    quiz = _quiz_or_404(classroom, quiz_slug)
    queue = _queue(classroom, quiz)
    names = request.args.get("names") == "1"
    if "answer" in request.args or request.method == "POST":
        number = request.args.get("answer", type=int) or 0
        if not 1 <= number <= len(queue):
            abort(404, description=_("There is no answer at this place in the queue."))
        return _mark(classroom, quiz, queue, number, names)
    first_unmarked = next((number for number, answer in enumerate(queue, start=1) if answer.mark is None), None)
    return render_template(
        "classroom/marking_queue.html",
        classroom=classroom,
        quiz=quiz,
        queue=queue,
        first_unmarked=first_unmarked,
        names=names,
    )


def _mark(classroom, quiz: Quiz, queue: list[QueuedAnswer], number: int, names: bool):
    """Answer `number` of the queue: the question, the guidance, the answer, and the form for points and feedback;
    saving goes on to the next answer awaiting a mark (after this one, then from the start), else to the queue."""
    answer = queue[number - 1]
    form = MarkForm(
        data={"points": f"{answer.mark['points']:g}", "feedback": answer.mark["feedback_markdown"]}
        if answer.mark
        else None
    )
    if form.validate_on_submit():
        points = parse_number(form.points.data)
        if points is None or not 0 <= points <= answer.question["points"]:
            most = format_decimal(answer.question["points"])
            form.points.errors.append(_("Give a number from 0 to %(most)s.", most=most))
        else:
            mark_answer(answer.attempt, answer.question["key"], points, form.feedback.data or "", current_user.id)
            flash(_("Answer %(number)s marked.", number=number), "success")
            waiting = [n for n, queued in enumerate(queue, start=1) if queued.mark is None and n != number]
            after = next((n for n in waiting if n > number), waiting[0] if waiting else None)
            return redirect(
                url_for(
                    "classroom.marking_queue",
                    classroom_id=classroom.id,
                    quiz_slug=quiz.slug,
                    answer=after,
                    names="1" if names else None,
                )
            )
    return render_template(
        "classroom/mark.html",
        classroom=classroom,
        quiz=quiz,
        answer=answer,
        number=number,
        total=len(queue),
        form=form,
        names=names,
    )

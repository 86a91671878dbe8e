"""Instructor reports for one class: the gradebook (HTML, sortable without JavaScript, and CSV), a student's
attempts, and item analysis per quiz. Every page runs a fixed number of queries whatever the class size."""

import re
from datetime import UTC, datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from course.auth.access import instructor_required
from course.classroom import bp
from course.classroom.access import enrolled_user_or_404, own_classroom_or_404
from course.classroom.reports import build_gradebook, gradebook_csv, quiz_report, student_attempts
from course.extensions import db
from course.models import Classroom, Quiz
from course.models.privacy import DeletionRequest
from course.progress import course_progress

DEFAULT_MIN_STUDENTS_FOR_STATS = 5


def _choose_course_first(classroom: Classroom):
    """Reports follow the class's course; a class made before it had one (the default class) must pick it first."""
    flash(_("Choose the course this class follows first; its reports follow that course."), "info")
    return redirect(url_for("classroom.edit_classroom", classroom_id=classroom.id))


def _sort_arguments(gradebook) -> tuple[str, bool]:
    """?sort= names a column (unknown names fall back to the student's name); ?dir=desc reverses it."""
    key = request.args.get("sort", "student")
    if key not in gradebook.sort_keys():
        key = "student"
    return key, request.args.get("dir") == "desc"


@bp.route("/teach/classes/<int:classroom_id>/gradebook")
@instructor_required
def gradebook(classroom_id: int):
    """Per student: lessons completed, course progress, best and last score per quiz, last activity."""
    classroom = own_classroom_or_404(classroom_id)
    if classroom.course is None:
        return _choose_course_first(classroom)
    book = build_gradebook(classroom, classroom.course)
    sort, descending = _sort_arguments(book)
    rows = book.sorted_rows(sort, descending)
    # A large class is read a page at a time, sorted over the whole class; the CSV holds everyone.
    page_size = current_app.config["GRADEBOOK_PAGE_SIZE"]
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = rows[(page - 1) * page_size : page * page_size]
    return render_template(
        "classroom/gradebook.html",
        classroom=classroom,
        book=book,
        rows=shown,
        students=len(rows),
        first=(page - 1) * page_size + 1,
        page=page,
        pages=pages,
        page_size=page_size,
        sort=sort,
        descending=descending,
    )


def _filename(text: str) -> str:
    """An ASCII file name from a class name, safe inside a Content-Disposition header."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "class"


@bp.route("/teach/classes/<int:classroom_id>/gradebook.csv")
@instructor_required
def gradebook_export(classroom_id: int):
    """The gradebook as a CSV download, in the order chosen on screen, safe to open in a spreadsheet."""
    classroom = own_classroom_or_404(classroom_id)
    if classroom.course is None:
        return _choose_course_first(classroom)
    book = build_gradebook(classroom, classroom.course)
    sort, descending = _sort_arguments(book)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    # The byte-order mark makes spreadsheet programs read the file as UTF-8, so names keep their accents.
    return Response(
        "\ufeff" + gradebook_csv(book, book.sorted_rows(sort, descending)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="gradebook-{_filename(classroom.name)}-{day}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/teach/classes/<int:classroom_id>/students/<int:user_id>")
@instructor_required
def student(classroom_id: int, user_id: int):
    """One student of the class: lesson statuses, quiz standings, and every attempt with its answers."""
    classroom = own_classroom_or_404(classroom_id)
    member = enrolled_user_or_404(classroom, user_id)
    if classroom.course is None:
        return _choose_course_first(classroom)
    return render_template(
        "classroom/student.html",
        classroom=classroom,
        student=member,
        progress=course_progress(classroom.course, member.id),
        attempts=student_attempts(classroom.course, member),
        deletion_request=db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == member.id)),
    )


def min_students_for_stats() -> int:
    """LANYARD_MIN_STUDENTS_FOR_STATS (default 5): below it a class's quiz statistics stay hidden."""
    try:
        return max(1, int(current_app.config.get("MIN_STUDENTS_FOR_STATS", DEFAULT_MIN_STUDENTS_FOR_STATS)))
    except (TypeError, ValueError):
        return DEFAULT_MIN_STUDENTS_FOR_STATS


@bp.route("/teach/classes/<int:classroom_id>/quizzes/<quiz_slug>/analysis")
@instructor_required
def item_analysis(classroom_id: int, quiz_slug: str):
    """Facility, discrimination and choice counts per question, and results by misconception and objective."""
    classroom = own_classroom_or_404(classroom_id)
    quiz = db.session.scalar(
        select(Quiz)
        .where(Quiz.course_id == classroom.course_id, Quiz.slug == quiz_slug)
        .options(selectinload(Quiz.questions), joinedload(Quiz.course))  # the course: where its figures are
    )
    if quiz is None:
        abort(404, description=_("This class's course has no quiz at this address."))
    return render_template(
        "classroom/item_analysis.html",
        classroom=classroom,
        report=quiz_report(classroom, quiz, min_students_for_stats()),
    )

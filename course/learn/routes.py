"""Student-facing pages. They serve HTML rendered at import time and run a fixed number of queries."""

from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.fragments import course_fragment, template_macro
from course.learn import bp
from course.models import Course, Figure, LessonProgress
from course.models.users import utcnow
from course.progress import CourseProgress, course_progress, courses_progress
from course.structure import current_structure, published_course

OUTLINE_MODULES = "learn/_outline_modules.html"
LESSON_CONTENT = "learn/_lesson_content.html"
# A lesson view is written down at most this often per student and lesson.
VIEW_RECORD_INTERVAL = timedelta(minutes=5)


@bp.route("/")
@login_required
def catalog():
    """The courses on this platform, with the student's progress in each."""
    courses = current_structure().catalog
    progress = {item.course.id: item for item in courses_progress(courses, current_user.id)}
    return render_template("learn/catalog.html", courses=courses, progress=progress)


@bp.route("/courses/<slug>")
@login_required
def outline(slug: str):
    """Modules and lessons with a status for each, quizzes with best scores, and overall progress."""
    course = published_course(slug)
    progress = course_progress(course, current_user.id)
    modules = course_fragment(OUTLINE_MODULES, "modules", course, current_user.is_instructor)
    return render_template(
        "learn/outline.html", course=course, progress=progress, modules=modules.fill(_outline_holes(progress))
    )


def _outline_holes(progress: CourseProgress) -> dict[str, Markup]:
    """The reader's own part of the outline's modules: each lesson's status and each module quiz's result."""
    status_badge = template_macro("_macros.html", "status_badge")
    standing_of = template_macro(OUTLINE_MODULES, "quiz_standing")
    statuses = progress.lesson_status
    badges = {status: status_badge(status) for status in {None, *statuses.values()}}
    holes = {f"lesson-{lesson.id}": badges[statuses.get(lesson.id)] for lesson in progress.lessons}
    for module_id, standings in progress.quizzes.items():
        if module_id is not None:
            holes.update((f"quiz-{standing.quiz.id}", standing_of(standing)) for standing in standings)
    return holes


@bp.route("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson page, from the cached course structure; viewing it is remembered so the progress page can offer
    'continue where you left off'."""
    course = published_course(slug)
    lesson = course.lesson(lesson_slug)
    if lesson is None:
        abort(404, description=_("There is no lesson at this address."))
    completed = _completed_noting_view(lesson.id)
    content = course_fragment(LESSON_CONTENT, "lesson_content", course, lesson.slug, completed)
    return render_template("learn/lesson.html", lesson=lesson, content=content.fill({"csrf_token": generate_csrf()}))


# Built once: building a SELECT costs more than running it, on every lesson view.
_THIS_STUDENTS_LESSON = (
    LessonProgress.user_id == bindparam("user_id"),
    LessonProgress.lesson_id == bindparam("lesson_id"),
)
_PROGRESS_ROW = select(LessonProgress).where(*_THIS_STUDENTS_LESSON)


_VIEW_STATE = select(LessonProgress.completed_at, LessonProgress.last_viewed_at).where(*_THIS_STUDENTS_LESSON)


def _completed_noting_view(lesson_id: int) -> bool:
    """Whether the student has completed the lesson, noting this view. Most views come within minutes of the
    student's last one and need only two columns read (no ORM object: it costs more than the query); the others
    go through _record_view, which writes."""
    key = {"user_id": current_user.id, "lesson_id": lesson_id}
    row = db.session.connection().execute(_VIEW_STATE, key).first()
    if row is not None and row.last_viewed_at > utcnow() - VIEW_RECORD_INTERVAL:
        return row.completed_at is not None
    return _record_view(lesson_id).completed_at is not None


def _record_view(lesson_id: int) -> LessonProgress:
    """Create or touch the student's progress row, at most once per VIEW_RECORD_INTERVAL: a read that writes every
    time costs every reader a disk write, and "continue where you left off" needs minutes, not milliseconds.
    A concurrent first view is resolved by the unique key."""
    key = {"user_id": current_user.id, "lesson_id": lesson_id}
    record = db.session.scalar(_PROGRESS_ROW, key)
    now = utcnow()
    if record is not None and record.last_viewed_at > now - VIEW_RECORD_INTERVAL:
        return record
    if record is None:
        record = LessonProgress(**key)
        db.session.add(record)
    record.last_viewed_at = now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # The unique key refused this row because a concurrent view stored it: read that one (it is there)
        record = db.session.execute(_PROGRESS_ROW, key).scalar_one()
    return record


@bp.route("/courses/<slug>/lessons/<lesson_slug>/complete", methods=["POST"])
@login_required
def complete_lesson(slug: str, lesson_slug: str):
    """Mark a lesson complete, or not complete again, then move on to the next lesson."""
    course = published_course(slug)
    lesson = course.lesson(lesson_slug)
    if lesson is None:
        abort(404, description=_("There is no lesson at this address."))
    record = _record_view(lesson.id)
    undo = record.completed_at is not None
    record.completed_at = None if undo else utcnow()
    db.session.commit()
    if undo:
        flash(_("“%(title)s” is marked as not completed.", title=lesson.title), "info")
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=lesson_slug))
    flash(_("“%(title)s” completed.", title=lesson.title), "success")
    index = course.lesson_index[lesson.slug]
    following = course.lessons[index + 1] if index + 1 < len(course.lessons) else None
    module = course.module_of(lesson)
    if module.quiz and (following is None or following.module_id != module.id):
        return redirect(url_for("quiz.overview", slug=slug, quiz_slug=module.quiz.slug))
    if following:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=following.slug))
    return redirect(url_for("learn.outline", slug=slug))


@bp.route("/courses/<slug>/glossary")
@login_required
def glossary(slug: str):
    """The course glossary; lessons link to its entries by anchor."""
    return render_template("learn/glossary.html", course=published_course(slug))


@bp.route("/courses/<slug>/figures/<name>")
@login_required
def figure(slug: str, name: str):
    """A course figure. SVGs are sent with a policy that forbids scripts even if one is opened directly."""
    query = select(Figure).join(Course, Course.id == Figure.course_id).where(Course.slug == slug, Figure.name == name)
    if not current_user.is_instructor:  # instructors preview draft courses, figures included
        query = query.where(Course.published.is_(True))
    found = db.session.scalar(query)
    if found is None:
        abort(404, description=_("There is no figure at this address."))
    response = make_response(found.data)
    response.headers["Content-Type"] = found.media_type
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/progress")
@login_required
def my_progress():
    """My progress: lessons completed, best quiz scores, completion, and where to continue, per course."""
    return render_template(
        "learn/progress.html", progress=courses_progress(current_structure().catalog, current_user.id)
    )

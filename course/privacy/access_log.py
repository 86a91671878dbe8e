"""Access transparency: every time an instructor or an administrator opens a page showing one student's records,
the student can read who, which page and when on their data page. No address, no device details.

Record pages are named here, in one place, with how to find whose records a request shows; the hooks in
course/auth/my_data.py tell the viewer before the page is shown (a notice at the top) and write the entry once the
page was served. Aggregate pages (gradebook, item analysis, dashboard) are not record pages and are not logged."""

from collections.abc import Callable
from datetime import timedelta

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db
from course.models import Attempt, Classroom, Enrollment, Quiz, User
from course.models.lab import LabSubmission
from course.models.privacy import RecordView
from course.models.users import utcnow

# The same viewer reloading the same page within this time makes one entry, not one per reload.
SAME_VISIT = timedelta(minutes=5)

Resolver = Callable[[dict], tuple[int, str] | None]


def _student_page(args: dict) -> tuple[int, str] | None:
    classroom = db.session.get(Classroom, args.get("classroom_id"))
    student_id = args.get("user_id")  # part of the page's URL, so present whenever the endpoint matched
    if classroom is None or student_id is None:
        return None
    return student_id, _("their page in the class %(name)s", name=classroom.name)


def _attempt(args: dict) -> tuple[int, str] | None:
    found = db.session.execute(
        select(Attempt.user_id, Attempt.number, Attempt.quiz_id).where(Attempt.id == args.get("attempt_id"))
    ).first()
    if found is None:
        return None
    title = db.session.scalar(select(Quiz.title).where(Quiz.id == found.quiz_id))
    if title is None:
        return found.user_id, _("attempt %(number)s at a quiz", number=found.number)
    return found.user_id, _("attempt %(number)s at %(quiz)s", number=found.number, quiz=title)


def _lab_submission(args: dict) -> tuple[int, str] | None:
    found = db.session.execute(
        select(LabSubmission.user_id, LabSubmission.task_slug).where(LabSubmission.id == args.get("submission_id"))
    ).first()
    return None if found is None else (found.user_id, _("a lab submission for the task %(task)s", task=found.task_slug))


RECORD_PAGES: dict[str, Resolver] = {
    "classroom.student": _student_page,
    "quiz.attempt": _attempt,
    "lab.submission": _lab_submission,
}


def may_see(student_id: int) -> bool:
    """The same rule as the views: an administrator, or the instructor of a class the student is in."""
    if current_user.role == "admin":
        return True
    return (
        db.session.scalar(
            select(Enrollment.id)
            .join(Classroom, Classroom.id == Enrollment.classroom_id)
            .where(Enrollment.user_id == student_id, Classroom.owner_id == current_user.id)
            .limit(1)
        )
        is not None
    )


def record_page_view() -> tuple[User, str] | None:
    """The student and the page's description when this request is a staff look at someone else's records."""
    resolver = RECORD_PAGES.get(request.endpoint or "")
    if resolver is None or request.method != "GET" or not current_user.is_authenticated:
        return None
    if not current_user.is_instructor:
        return None
    found = resolver(request.view_args or {})
    if found is None or found[0] is None or found[0] == current_user.id or not may_see(found[0]):
        return None
    student = db.session.get(User, found[0])
    return None if student is None else (student, found[1])


def log_view(student: User, page: str, path: str, viewer: User | None = None) -> None:
    """Write one entry (unless the same viewer opened the same page moments ago) and commit it."""
    viewer = viewer or current_user._get_current_object()
    now = utcnow()
    recent = db.session.scalar(
        select(RecordView.id)
        .where(
            RecordView.student_id == student.id,
            RecordView.viewer_id == viewer.id,
            RecordView.path == path[:300],
            RecordView.viewed_at > now - SAME_VISIT,
        )
        .limit(1)
    )
    if recent is None:
        db.session.add(
            RecordView(
                student_id=student.id,
                viewer_id=viewer.id,
                viewer_name=viewer.name[:120],
                viewer_role=viewer.role,
                page=page[:200],
                path=path[:300],
                viewed_at=now,
            )
        )
        db.session.commit()


def views_of(student: User) -> list[RecordView]:
    """Every logged look at the student's records, newest first."""
    return list(
        db.session.scalars(
            select(RecordView).where(RecordView.student_id == student.id).order_by(RecordView.viewed_at.desc())
        )
    )

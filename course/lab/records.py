"""Who may see which lab records, and the queries behind the lab's pages (each a fixed number of statements).

A saved design is private to its author until shared; a shared design is visible to the author's classmates and to
the instructors of the author's classes. A task submission is visible to its author and to those instructors.
Administrators see everything shared or submitted.
"""

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.models import Classroom, Enrollment, LabDesign, LabSubmission, User
from course.structure import current_structure


def _classes_of(user_id: int):
    return select(Enrollment.classroom_id).where(Enrollment.user_id == user_id)


def _students_taught_by(user_id: int):
    """Users enrolled in a class that this instructor owns."""
    return (
        select(Enrollment.user_id)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(Classroom.owner_id == user_id)
    )


def _people_who_see_shared_work_of(author_id: int, viewer: User) -> bool:
    """Whether the viewer is a classmate of the author or teaches one of the author's classes (one query)."""
    if viewer.role == "admin":
        return True
    found = db.session.scalar(
        select(Enrollment.id)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(
            Enrollment.user_id == author_id,
            or_(Classroom.owner_id == viewer.id, Enrollment.classroom_id.in_(_classes_of(viewer.id))),
        )
        .limit(1)
    )
    return found is not None


def can_view_design(design: LabDesign, viewer: User) -> bool:
    """The author always; others only once it is shared, and only within the author's classes."""
    if design.user_id == viewer.id:
        return True
    return design.shared and _people_who_see_shared_work_of(design.user_id, viewer)


def can_view_submission(submission: LabSubmission, viewer: User) -> bool:
    """The author, the instructors of the author's classes, and administrators."""
    if submission.user_id == viewer.id:
        return True
    if not viewer.is_instructor:
        return False
    if viewer.role == "admin":
        return True
    taught = db.session.scalar(
        select(Enrollment.id)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(Enrollment.user_id == submission.user_id, Classroom.owner_id == viewer.id)
        .limit(1)
    )
    return taught is not None


def design_by_token(token: str) -> LabDesign | None:
    return db.session.scalar(select(LabDesign).where(LabDesign.token == token).options(joinedload(LabDesign.user)))


def own_designs(user_id: int) -> list[LabDesign]:
    return list(
        db.session.scalars(
            select(LabDesign).where(LabDesign.user_id == user_id).order_by(LabDesign.updated_at.desc()).limit(200)
        )
    )


def designs_shared_with(viewer: User) -> list[LabDesign]:
    """Designs classmates (or, for an instructor, their students) have shared, newest first, with their authors."""
    query = (
        select(LabDesign)
        .where(LabDesign.shared.is_(True), LabDesign.user_id != viewer.id)
        .options(joinedload(LabDesign.user))
        .order_by(LabDesign.updated_at.desc())
        .limit(200)
    )
    if viewer.role != "admin":
        classmates = select(Enrollment.user_id).where(Enrollment.classroom_id.in_(_classes_of(viewer.id)))
        taught = _students_taught_by(viewer.id)
        query = query.where(or_(LabDesign.user_id.in_(classmates), LabDesign.user_id.in_(taught)))
    return list(db.session.scalars(query))


def latest_submissions(task_slug: str, instructor: User) -> list[dict[str, Any]]:
    """For each student the instructor teaches (everyone, for an admin): their latest submission of the task,
    how many they made and whether any passed — two queries whatever the class size."""
    scope = LabSubmission.task_slug == task_slug
    if instructor.role != "admin":
        scope = scope & LabSubmission.user_id.in_(_students_taught_by(instructor.id))
    summary = {
        row.user_id: row
        for row in db.session.execute(
            select(
                LabSubmission.user_id,
                func.max(LabSubmission.id).label("latest_id"),
                func.count(LabSubmission.id).label("count"),
                func.max(LabSubmission.passed.cast(db.Integer)).label("ever_passed"),
            )
            .where(scope)
            .group_by(LabSubmission.user_id)
        )
    }
    latest = db.session.scalars(
        select(LabSubmission)
        .where(LabSubmission.id.in_([row.latest_id for row in summary.values()]))
        .options(joinedload(LabSubmission.user))
    ).all()
    rows = [
        {
            "submission": s,
            "count": summary[s.user_id].count,
            "ever_passed": bool(summary[s.user_id].ever_passed),
        }
        for s in latest
    ]
    return sorted(rows, key=lambda row: row["submission"].user.name.lower())


def task_completed_at(user_id: int, task_slug: str):
    """When the student first passed the task, or None."""
    return db.session.scalar(
        select(func.min(LabSubmission.submitted_at)).where(
            LabSubmission.user_id == user_id,
            LabSubmission.task_slug == task_slug,
            LabSubmission.passed.is_(True),
        )
    )


def lesson_links(slugs: set[str], language: str | None = None) -> dict[str, tuple[str, str, str, str]]:
    """slug → (course slug, lesson slug, title, the course's language) for the published lessons the lab refers to,
    from the per-process course cache. When two courses share a lesson slug, a course in the reader's language wins
    (a Korean student is sent to the Korean edition's lesson), then the oldest course."""
    links: dict[str, tuple[str, str, str, str]] = {}
    catalog = sorted(current_structure().catalog, key=lambda course: (course.language != language, course.id))
    for course in catalog:
        for slug in sorted(slugs - links.keys()):
            lesson = course.lesson(slug)
            if lesson is not None:
                links[slug] = (course.slug, lesson.slug, lesson.title, course.language)
    return links

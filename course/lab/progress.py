"""Lab tasks in a student's progress: a task that a lesson embeds counts like a module quiz once any submission of
it passed. course/progress.py calls `record_lab_tasks` for the students it computes, at the cost of one query."""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import bindparam, select

from course.extensions import db
from course.labmodel import get_lab
from course.models import LabSubmission, Lesson


def embedded_lab_tasks(lessons: Iterable[Lesson]) -> list[str]:
    """The graded tasks these lessons embed, once each, in reading order (slugs the lab does not know are ignored)."""
    tasks = get_lab().tasks
    slugs: list[str] = []
    for lesson in lessons:
        for slug in lesson.lab_tasks or ():
            if slug in tasks and slug not in slugs:
                slugs.append(slug)
    return slugs


# Built once: every page that shows progress runs it, and building it cost more than running it.
_PASSED_TASKS = (
    select(LabSubmission.user_id, LabSubmission.task_slug)
    .where(
        LabSubmission.user_id.in_(bindparam("user_ids", expanding=True)),
        LabSubmission.task_slug.in_(bindparam("slugs", expanding=True)),
        LabSubmission.passed.is_(True),
    )
    .distinct()
)


def completed_lab_tasks(user_ids: Collection[int], slugs: Collection[str]) -> dict[int, set[str]]:
    """For each student, which of these tasks they have passed — one query for the whole class, none if no task."""
    done: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    if not slugs or not user_ids:
        return done
    rows = db.session.execute(_PASSED_TASKS, {"user_ids": list(user_ids), "slugs": list(slugs)})
    for user_id, slug in rows:
        done.setdefault(user_id, set()).add(slug)
    return done


def record_lab_tasks(progress: Iterable[Any]) -> None:
    """Fill in each CourseProgress's lab tasks: those its course's published lessons embed, and those its student
    passed, in one query for every course and student."""
    progress = list(progress)
    embedded = {id(item): embedded_lab_tasks(item.lessons) for item in progress}
    done = completed_lab_tasks(
        {item.user_id for item in progress}, {slug for slugs in embedded.values() for slug in slugs}
    )
    for item in progress:
        item.lab_tasks = embedded[id(item)]
        item.lab_tasks_passed = done.get(item.user_id, set()).intersection(item.lab_tasks)

"""The class report of a class's scenario lessons: endings reached and the most common paths, aggregates only,
behind the same minimum number of students as the item analysis (LANYARD_MIN_STUDENTS_FOR_STATS)."""

from flask import render_template
from sqlalchemy import select

from course.auth.access import instructor_required
from course.classroom.access import own_classroom_or_404
from course.classroom.gradebook import min_students_for_stats
from course.extensions import db
from course.models import Enrollment, Lesson, Module, Scenario, ScenarioAttempt
from course.scenario import bp
from course.scenario.summary import summarise


@bp.route("/teach/classes/<int:classroom_id>/scenarios")
@instructor_required
def class_scenarios(classroom_id: int):
    """Per scenario lesson of the class's course: how many students reached each ending and the common paths
    (their first finished attempt), in three queries whatever the class size."""
    classroom = own_classroom_or_404(classroom_id)
    lessons = db.session.execute(
        select(Lesson.id, Lesson.slug, Lesson.title, Scenario.compiled)
        .join(Scenario, Scenario.lesson_id == Lesson.id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id == classroom.course_id)
        .order_by(Module.position, Lesson.position)
    ).all()
    rows = db.session.execute(
        select(
            ScenarioAttempt.lesson_id,
            ScenarioAttempt.user_id,
            ScenarioAttempt.number,
            ScenarioAttempt.ending,
            ScenarioAttempt.path,
        )
        .join(Enrollment, Enrollment.user_id == ScenarioAttempt.user_id)
        .where(
            Enrollment.classroom_id == classroom.id,
            ScenarioAttempt.finished_at.is_not(None),
            ScenarioAttempt.lesson_id.in_([lesson.id for lesson in lessons]),
        )
    ).all()
    by_lesson: dict[int, list] = {}
    for row in rows:
        by_lesson.setdefault(row.lesson_id, []).append(
            (row.user_id, row.number, row.ending, [step["node"] for step in row.path])
        )
    minimum = min_students_for_stats()
    summaries = [
        summarise(lesson.slug, lesson.title, lesson.compiled, by_lesson.get(lesson.id, []), minimum)
        for lesson in lessons
    ]
    return render_template("scenario/class_report.html", classroom=classroom, summaries=summaries, minimum=minimum)

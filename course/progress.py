"""A student's progress through a course, computed in a fixed number of queries whatever the course size.

A lesson counts when marked complete; a module quiz counts when any attempt passed. A course is completed when
every lesson is completed and every module quiz passed. The final assessment is shown but optional.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.models import Attempt, Course, Lesson, LessonProgress, Module, Quiz


@dataclass
class QuizStanding:
    quiz: Quiz
    attempts: int = 0
    best_percent: float | None = None
    passed: bool = False


@dataclass
class CourseProgress:
    course: Course
    modules: list[Module]
    lesson_status: dict[int, str]
    quizzes: dict[int | None, list[QuizStanding]]
    last_viewed: Lesson | None = None
    lessons_total: int = 0
    lessons_done: int = 0
    quizzes_total: int = 0
    quizzes_passed: int = 0
    standings: list[QuizStanding] = field(default_factory=list)

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        return round(100 * (self.lessons_done + self.quizzes_passed) / total) if total else 0

    @property
    def completed(self) -> bool:
        return self.lessons_done == self.lessons_total and self.quizzes_passed == self.quizzes_total

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons if lesson.published]

    @property
    def continue_lesson(self) -> Lesson | None:
        """Where to pick up: the first unfinished lesson after the last one viewed, else the first unfinished."""
        lessons = self.lessons
        start = lessons.index(self.last_viewed) if self.last_viewed in lessons else 0
        for lesson in lessons[start:] + lessons[:start]:
            if self.lesson_status.get(lesson.id) != "completed":
                return lesson
        return None


def course_progress(course: Course, user_id: int) -> CourseProgress:
    """Everything the outline and progress pages show, in five queries."""
    modules = list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == course.id, Module.published.is_(True))
            .order_by(Module.position)
            .options(selectinload(Module.lessons))
        )
    )
    rows = db.session.execute(
        select(LessonProgress.lesson_id, LessonProgress.completed_at, LessonProgress.last_viewed_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, Lesson.course_id == course.id)
    ).all()
    lesson_status = {row.lesson_id: "completed" if row.completed_at else "viewed" for row in rows}
    last_viewed_id = max(rows, key=lambda r: r.last_viewed_at).lesson_id if rows else None
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.published.is_(True)).order_by(Quiz.is_final, Quiz.id)
    ).all()
    best = {
        row.quiz_id: row
        for row in db.session.execute(
            select(
                Attempt.quiz_id,
                func.count(Attempt.id).label("attempts"),
                func.max(Attempt.percent).label("best"),
                func.max(func.coalesce(Attempt.passed, False).cast(db.Integer)).label("passed"),
            )
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == user_id, Quiz.course_id == course.id, Attempt.submitted_at.is_not(None))
            .group_by(Attempt.quiz_id)
        )
    }
    progress = CourseProgress(course=course, modules=modules, lesson_status=lesson_status, quizzes={})
    lessons = progress.lessons
    progress.last_viewed = next((lesson for lesson in lessons if lesson.id == last_viewed_id), None)
    progress.lessons_total = len(lessons)
    progress.lessons_done = sum(1 for lesson in lessons if lesson_status.get(lesson.id) == "completed")
    module_ids = {m.id for m in modules}
    for quiz in quizzes:
        row = best.get(quiz.id)
        standing = QuizStanding(quiz, row.attempts, row.best, bool(row.passed)) if row else QuizStanding(quiz)
        progress.standings.append(standing)
        progress.quizzes.setdefault(quiz.module_id if quiz.module_id in module_ids else None, []).append(standing)
        if not quiz.is_final and quiz.module_id in module_ids:
            progress.quizzes_total += 1
            progress.quizzes_passed += standing.passed
    return progress

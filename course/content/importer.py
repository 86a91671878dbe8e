"""Write a checked course folder into the database, keyed on slugs, in one transaction.

Importing again after an edit updates rows in place, so every student's progress and attempts stay attached.
Lessons and questions that left the folder are removed; quizzes that left it are unpublished instead, so the
attempts students made on them are kept.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from course.content.loader import CourseData, LessonData, QuestionData, QuizData, load_course
from course.extensions import db
from course.models import Course, CourseOwner, Figure, Lesson, Module, Question, Quiz, Scenario

# Sees the checked folder and the stored course it would update (None: a new course) before anything is written;
# raises to stop the import (course.content.losses uses it to ask for a confirmation, the views to check owners).
ImportGuard = Callable[[CourseData, Course | None], None]


@dataclass
class ImportSummary:
    course: Course
    created: bool
    modules: int
    lessons: int
    quizzes: int
    questions: int
    figures: int


def import_course(
    path: str | os.PathLike, *, guard: ImportGuard | None = None, owner_id: int | None = None
) -> ImportSummary:
    """Load, check and import a course folder; raises ContentError (and writes nothing) if it has problems, and
    whatever `guard` raises. A course the import creates is owned by the account `owner_id`."""
    data = load_course(path)
    try:
        summary = _write(data, guard, owner_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def _write(data: CourseData, guard: ImportGuard | None = None, owner_id: int | None = None) -> ImportSummary:
    """Write a checked course over the stored one with its slug (or a new one) inside the caller's transaction."""
    course = db.session.scalar(select(Course).where(Course.slug == data.slug))
    if guard is not None:
        guard(data, course)
    created = course is None
    if course is None:
        course = Course(slug=data.slug)
        db.session.add(course)
    course.title, course.summary, course.language = data.title, data.summary, data.language
    course.glossary = data.glossary
    db.session.flush()
    if created and owner_id is not None:
        db.session.add(CourseOwner(course_id=course.id, user_id=owner_id))
    kept_modules, lesson_count = _write_modules(course, data)
    question_count = _write_quizzes(course, data, {m.slug: m.id for m in kept_modules})
    _write_figures(course, data)
    return ImportSummary(
        course=course,
        created=created,
        modules=len(data.modules),
        lessons=lesson_count,
        quizzes=len(data.quizzes),
        questions=question_count,
        figures=len(data.figures),
    )


def _write_modules(course: Course, data: CourseData) -> tuple[list[Module], int]:
    """Update or add the folder's modules and their lessons, in order, and delete the ones that left it; returns
    the kept modules (with ids) and the number of lessons."""
    modules_by_slug = {m.slug: m for m in course.modules}
    lessons_by_slug = {
        lesson.slug: lesson for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    }
    kept_modules, kept_lessons = [], set()
    for position, module_data in enumerate(data.modules):
        module = modules_by_slug.pop(module_data.slug, None) or Module(slug=module_data.slug, course=course)
        module.title, module.summary, module.position = module_data.title, module_data.summary, position
        module.teacher_guide, module.teacher_guide_html = module_data.guide, module_data.guide_html
        kept_modules.append(module)
        db.session.add(module)  # a module without lessons is not reached through a lesson's cascade
        for lesson_position, lesson_data in enumerate(module_data.lessons):
            lesson = lessons_by_slug.get(lesson_data.slug) or Lesson(slug=lesson_data.slug, course_id=course.id)
            lesson.module = module
            lesson.position = lesson_position
            update_lesson(lesson, lesson_data)
            set_scenario(lesson, lesson_data.scenario)
            kept_lessons.add(lesson_data.slug)
            db.session.add(lesson)
    for slug, lesson in lessons_by_slug.items():
        if slug not in kept_lessons:
            db.session.delete(lesson)
    for module in modules_by_slug.values():
        db.session.delete(module)
    db.session.flush()
    return kept_modules, len(kept_lessons)


def _write_quizzes(course: Course, data: CourseData, module_ids: dict[str, int]) -> int:
    """Update or add the folder's quizzes, published, and unpublish the ones that left it (their attempts stay);
    returns the number of questions."""
    quizzes_by_slug = {q.slug: q for q in course.quizzes}
    question_count = 0
    for quiz_data in data.quizzes:
        quiz = quizzes_by_slug.pop(quiz_data.slug, None) or Quiz(slug=quiz_data.slug, course=course)
        quiz.published = True
        update_quiz(quiz, quiz_data, module_ids.get(quiz_data.module) if quiz_data.module else None)
        question_count += len(quiz.questions)
        db.session.add(quiz)
    for quiz in quizzes_by_slug.values():
        quiz.published = False
    return question_count


def _write_figures(course: Course, data: CourseData) -> None:
    """Update or add the folder's figures by name and delete the ones that left it."""
    figures_by_name = {f.name: f for f in course.figures}
    for name, (media_type, payload) in data.figures.items():
        figure = figures_by_name.pop(name, None) or Figure(name=name, course=course)
        figure.media_type, figure.data = media_type, payload
        db.session.add(figure)
    for figure in figures_by_name.values():
        db.session.delete(figure)
    db.session.flush()


def update_lesson(lesson: Lesson, lesson_data: LessonData) -> None:
    """Copy a checked lesson's content onto its row (the browser's lesson editor saves through here too)."""
    for name in (
        "slug",
        "title",
        "minutes",
        "objectives",
        "key_terms",
        "lab_tasks",
        "body_markdown",
        "body_html",
        "sources_html",
        "word_count",
    ):
        setattr(lesson, name, getattr(lesson_data, name))
    lesson.sources = [dict(s) for s in lesson_data.sources]


def set_scenario(lesson: Lesson, scenario_data) -> None:
    """Give a lesson its checked scenario nodes (course.content.scenario.ScenarioData), or none: a lesson that
    stopped being a scenario loses them; students' attempts stay attached to the lesson either way."""
    if scenario_data is None:
        lesson.scenario = None
        return
    if lesson.scenario is None:
        lesson.scenario = Scenario()
    lesson.scenario.document, lesson.scenario.compiled = scenario_data.document, scenario_data.compiled


def update_quiz(quiz: Quiz, quiz_data: QuizData, module_id: int | None) -> None:
    """Copy a checked quiz onto its row (the browser's quiz editor saves through here too). Questions are matched on
    their id; submitted attempts are untouched either way, as they hold their own snapshot."""
    quiz.slug, quiz.title, quiz.is_final = quiz_data.slug, quiz_data.title, quiz_data.is_final
    quiz.module_id = module_id
    quiz.pass_mark, quiz.max_attempts, quiz.shuffle = quiz_data.pass_mark, quiz_data.max_attempts, quiz_data.shuffle
    existing = {q.key: q for q in quiz.questions}
    questions = []
    for position, question_data in enumerate(quiz_data.questions):
        question = existing.pop(question_data.key, None) or Question(key=question_data.key)
        question.position = position
        fill_question(question, question_data)
        questions.append(question)
    quiz.questions = questions


def fill_question(question: Question, data: QuestionData) -> None:
    """Copy a checked question onto its row, new or kept (kept rows keep their id, so attempts stay attached)."""
    for name in (
        "type",
        "prompt_markdown",
        "prompt_html",
        "explanation_markdown",
        "explanation_html",
        "source",
        "objective",
        "points",
        "spec",
    ):
        setattr(question, name, getattr(data, name))

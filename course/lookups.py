"""What an address names, or the styled 404 with words for the reader: the lookups views of several blueprints
share, in one place, through Flask-SQLAlchemy's `first_or_404`."""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from course.extensions import db
from course.models import Course, Lesson, Module, Question, Quiz
from course.ownership import require_owner


def published_course_or_404(slug: str) -> Course:
    """A course students may see (the row itself, where the cached structure is not enough)."""
    return db.first_or_404(
        select(Course).where(Course.slug == slug, Course.published.is_(True)),
        description=_("There is no course at this address."),
    )


def published_quiz_or_404(slug: str, quiz_slug: str) -> Quiz:
    """A published quiz of a published course; a draft module hides its quiz."""
    course = published_course_or_404(slug)
    return db.first_or_404(
        select(Quiz)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(Quiz.course_id == course.id, Quiz.slug == quiz_slug, Quiz.published.is_(True))
        .where(Module.id.is_(None) | Module.published.is_(True)),
        description=_("There is no quiz at this address."),
    )


def owned_course_or_404(slug: str) -> Course:
    """A course by its address, published or not (instructors work on drafts), if the signed-in instructor owns it
    or is an administrator: every authoring and transfer view of a course starts here, so non-owners get a 403."""
    course = db.first_or_404(
        select(Course).where(Course.slug == slug), description=_("There is no course at this address.")
    )
    return require_owner(course)


def module_or_404(course: Course, module_id: int) -> Module:
    """A module of this course (an id from another course is a 404 too)."""
    return db.first_or_404(
        select(Module).where(Module.id == module_id, Module.course_id == course.id),
        description=_("There is no module at this address."),
    )


def lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    """A lesson of this course by its address, draft or not."""
    return db.first_or_404(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug),
        description=_("There is no lesson at this address."),
    )


def quiz_or_404(course: Course, quiz_slug: str) -> Quiz:
    """A quiz of this course by its address, draft or not."""
    return db.first_or_404(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug),
        description=_("There is no quiz at this address."),
    )


def question_or_404(quiz: Quiz, key: str) -> tuple[int, Question]:
    """The question with this id and its index in the quiz, from the questions the editor loads anyway."""
    for index, question in enumerate(quiz.questions):
        if question.key == key:
            return index, question
    abort(404, description=_("There is no question at this address."))

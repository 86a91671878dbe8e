"""Moodle GIFT files into a course's quizzes and back, on top of the pure conversion in course.content.gift.

An import goes through the same checks and rendering as a quiz file's questions (loader.load_questions), then
writes in one transaction: questions whose id the quiz already has are replaced in place (attempts stay attached),
the others are added at the end. A quiz that does not exist yet is created as a draft for the instructor to review.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from course.content.exporter import quiz_document
from course.content.gift import GiftRead, export_gift, read_gift
from course.content.importer import fill_question
from course.content.loader import MAX_SLUG, SLUG, load_questions
from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import LineDict
from course.extensions import db
from course.models import Course, Module, Question, Quiz
from course.sanitize import without_control_characters

MAX_GIFT_BYTES = 2 * 1024 * 1024


def gift_too_large() -> str:
    """Why a GIFT file above MAX_GIFT_BYTES is refused unread."""
    return _("is larger than %(size)d MiB, the limit for a GIFT file", size=MAX_GIFT_BYTES // (1024 * 1024))



@dataclass
class GiftImportSummary:
    quiz: Quiz
    created: bool
    added: int
    replaced: int
    skipped: list[ContentProblem] = field(default_factory=list)


def import_gift(data: bytes, path: str, course: Course, quiz_slug: str,
                module_slug: str | None = None, skip_unsupported: bool = False) -> GiftImportSummary:  # fmt: skip
    """Add a GIFT file's questions to the course's quiz QUIZ_SLUG, creating it as a draft (in MODULE_SLUG, or
    course-level without one) when it does not exist. Raises ValueError for a wrong quiz or module, ContentError
    listing every problem of the file (path:line); either way nothing is written. With `skip_unsupported` (Moodle's
    "stop on error: no") the good questions are written and the others listed in the summary's `skipped`; a file
    with no good question at all is still refused."""
    quiz, module = import_target(course, quiz_slug, module_slug)
    if len(data) > MAX_GIFT_BYTES:
        raise ContentError([ContentProblem(path, 1, gift_too_large())])
    return import_questions(quiz, module, *_located(data, path, skip_unsupported), path, course, quiz_slug,
                            skip_unsupported)  # fmt: skip


def import_questions(quiz: Quiz | None, module: Module | None, entries: list[LineDict],
                     skipped: list[ContentProblem], path: str, course: Course, quiz_slug: str,
                     skip_unsupported: bool) -> GiftImportSummary:  # fmt: skip
    """Check and write question dicts read from a file (GIFT or Moodle XML) into QUIZ (found by `import_target`),
    creating it when None; `skipped` holds the problems of questions the reader already left out."""
    if skip_unsupported:
        questions = []
        for entry in entries:  # one at a time, so a question the checks refuse leaves the others in
            try:
                questions += load_questions([entry], path)
            except ContentError as error:
                skipped += error.problems
        if not questions:
            raise ContentError(skipped)
        skipped.sort(key=lambda problem: problem.line)
    else:
        questions = load_questions(entries, path)

    created = quiz is None
    try:
        if quiz is None:
            quiz = Quiz(slug=quiz_slug, title=quiz_slug.replace("-", " ").capitalize(), course=course,
                        module=module, is_final=module is None, published=False)  # fmt: skip
            db.session.add(quiz)
        existing = {question.key: question for question in quiz.questions}
        next_position = max((question.position for question in quiz.questions), default=-1) + 1
        for question_data in questions:
            question = existing.get(question_data.key)
            if question is None:
                question = Question(key=question_data.key, position=next_position)
                next_position += 1
                quiz.questions.append(question)
            fill_question(question, question_data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    replaced = sum(1 for question_data in questions if question_data.key in existing)
    return GiftImportSummary(quiz=quiz, created=created, added=len(questions) - replaced, replaced=replaced,
                             skipped=skipped)  # fmt: skip


def import_target(course: Course, quiz_slug: str, module_slug: str | None) -> tuple[Quiz | None, Module | None]:
    """The quiz QUIZ_SLUG of the course (None when it is new) and the module MODULE_SLUG; ValueError when the slug is
    not one, the module does not exist, or the quiz is in another module."""
    if not SLUG.match(quiz_slug) or len(quiz_slug) > MAX_SLUG:
        raise ValueError(_("quiz slug '%(slug)s': use lower-case letters and digits in words joined by hyphens, e.g. "
                           "card-technology, at most %(max)d characters", slug=quiz_slug, max=MAX_SLUG))
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    module = None
    if module_slug:
        module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == module_slug))
        if module is None:
            raise ValueError(_("course '%(course)s' has no module '%(module)s'",
                               course=course.slug, module=module_slug))
        if quiz is not None and quiz.module_id != module.id:
            if quiz.module:
                message = _("quiz '%(quiz)s' already exists in module '%(module)s': leave out the module to add to it",
                            quiz=quiz_slug, module=quiz.module.slug)  # fmt: skip
            else:
                message = _("quiz '%(quiz)s' already exists as a course-level quiz: leave out the module to add to it",
                            quiz=quiz_slug)  # fmt: skip
            raise ValueError(message)
    return quiz, module


def _located(data: bytes, path: str, skip_unsupported: bool) -> tuple[list[LineDict], list[ContentProblem]]:
    """Parse the file into question dicts that know the line their question starts on, and the problems of the
    questions left out (raised instead, without `skip_unsupported` or when the file as a whole is refused)."""
    try:
        text = without_control_characters(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError([ContentProblem(path, line, _("is not UTF-8 text"))]) from None
    return located_questions(read_gift(text, path), skip_unsupported)


def located_questions(read: GiftRead, skip_unsupported: bool) -> tuple[list[LineDict], list[ContentProblem]]:
    """A reader's questions (GIFT or Moodle XML) as dicts that know the line they start on, and the problems of the
    questions left out; raised instead without `skip_unsupported`, or when no question at all is good."""
    if read.problems and (not skip_unsupported or not read.questions):
        raise ContentError(read.problems)
    entries = []
    for question, line in zip(read.questions, read.lines, strict=True):
        entry = LineDict(question)
        entry.line, entry.lines = line, {}
        entries.append(entry)
    return entries, list(read.problems)


def quiz_gift(quiz: Quiz, skipped: list[str] | None = None) -> str:
    """A quiz as GIFT. GIFT has no place for sources, points, objectives, misconceptions or the quiz settings. A
    question GIFT cannot hold raises ValueError, or with a `skipped` list is left out and named there."""
    return export_gift(quiz_document(quiz, module_slugs={}), skipped)  # no module: GIFT has no place for it

"""Question banks (Moodle GIFT files here, Moodle XML through course.content.moodle_xml) into a course's quizzes and
back, on top of the pure conversions in course.content.gift and moodle_xml.

An import (`import_bank`) goes through the same checks and rendering as a quiz file's questions
(loader.load_questions), then writes in one transaction: questions whose id the quiz already has are replaced in
place (attempts stay attached), the others are added at the end. A quiz that does not exist yet is created as a draft
for the instructor to review. Asked to, each question goes instead into the existing quiz its category names. The
figures the written questions show (images embedded in Moodle XML) are added to the course in the same transaction.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from course.content.exporter import quiz_document
from course.content.figures import FIGURE_REFERENCE, settle_names, store_figures
from course.content.gift import GiftRead, _slug, read_gift
from course.content.gift_export import export_gift
from course.content.importer import fill_question
from course.content.loader import MAX_SLUG, SLUG, QuestionData, load_questions
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
    """What an import did to one quiz."""

    quiz: Quiz
    created: bool
    added: int
    replaced: int

    def __str__(self) -> str:
        """The sentence the CLI and the import page both show."""
        values = {
            "quiz": self.quiz.slug,
            "added": ngettext("%(num)d question added", "%(num)d questions added", self.added),
            "replaced": self.replaced,
        }
        if self.created:
            return _("Quiz “%(quiz)s” created as a draft: %(added)s, %(replaced)d replaced.", **values)
        return _("Quiz “%(quiz)s” updated: %(added)s, %(replaced)d replaced.", **values)


@dataclass
class BankImport:
    """What an import of a question bank did: each quiz it wrote to, the questions it left out (with
    `skip_unsupported`) and the figures it added."""

    quizzes: list[GiftImportSummary]
    skipped: list[ContentProblem] = field(default_factory=list)
    figures: int = 0


def read_gift_file(data: bytes, path: str) -> GiftRead:
    """A GIFT file's bytes read question by question; ContentError when the file as a whole is refused."""
    if len(data) > MAX_GIFT_BYTES:
        raise ContentError([ContentProblem(path, 1, gift_too_large())])
    try:
        text = without_control_characters(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError([ContentProblem(path, line, _("is not UTF-8 text"))]) from None
    return read_gift(text, path)


def import_bank(
    read_file: Callable[[bytes, str], GiftRead],
    data: bytes,
    path: str,
    course: Course,
    quiz_slug: str | None,
    module_slug: str | None = None,
    skip_unsupported: bool = False,
    by_category: bool = False,
) -> BankImport:
    """Add a question bank's questions (read by READ_FILE: GIFT or Moodle XML) to the course's quiz QUIZ_SLUG,
    creating it as a draft (in MODULE_SLUG, or course-level without one) when it does not exist; or, `by_category`,
    each question to the existing quiz its category names (`category_quizzes`). Raises ValueError for a wrong quiz
    or module, ContentError listing every problem of the file (path:line); either way nothing is written. With
    `skip_unsupported` (Moodle's "stop on error: no") the good questions are written and the others listed in
    `skipped`; a file with no good question at all is still refused. Figures embedded in the file that the written
    questions show are added to the course."""
    targets: list[tuple[str, Quiz | None, Module | None]]
    if by_category:
        read = read_file(data, path)
        targets = [(quiz.slug, quiz, None) for quiz in category_quizzes(course, read)]
    else:
        target_slug = quiz_slug or ""  # an empty slug is refused by import_target
        quiz, module = import_target(course, target_slug, module_slug)  # named before the file is read
        read = read_file(data, path)
        targets = [(target_slug, quiz, module)] * len(read.questions)
    entries, skipped = located_questions(read, skip_unsupported, settle_names(course, read.figures))
    groups: dict[str, tuple[Quiz | None, Module | None, list[LineDict]]] = {}
    for (slug, quiz, module), entry in zip(targets, entries, strict=True):
        groups.setdefault(slug, (quiz, module, []))[2].append(entry)
    checked = [
        (slug, quiz, module, _checked(group, skipped, path, skip_unsupported))
        for slug, (quiz, module, group) in groups.items()
    ]
    if not any(questions for *_, questions in checked):
        raise ContentError(skipped)
    skipped.sort(key=lambda problem: problem.line)
    try:
        summaries = [
            _write(quiz, module, questions, course, slug) for slug, quiz, module, questions in checked if questions
        ]
        figures = store_figures(
            course,
            read.figures,
            (
                text
                for *_, questions in checked
                for question in questions
                for text in (question.prompt_markdown, question.explanation_markdown, json.dumps(question.spec))
            ),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return BankImport(summaries, skipped, figures)


# A GIFT file's questions into a quiz: import_bank with the GIFT reader (the arguments are import_bank's).
import_gift = partial(import_bank, read_gift_file)


def _checked(
    entries: list[LineDict], skipped: list[ContentProblem], path: str, skip_unsupported: bool
) -> list[QuestionData]:
    """The entries checked and rendered as a quiz file's questions are; with `skip_unsupported` one at a time, so a
    question the checks refuse (added to `skipped`) leaves the others in."""
    if not skip_unsupported:
        return load_questions(entries, path)
    questions = []
    for entry in entries:
        try:
            questions += load_questions([entry], path)
        except ContentError as error:
            skipped += error.problems
    return questions


def _write(
    quiz: Quiz | None, module: Module | None, questions: list[QuestionData], course: Course, quiz_slug: str
) -> GiftImportSummary:
    """Put checked questions into QUIZ (created as a draft when None): the same id replaced, the others appended."""
    created = quiz is None
    if quiz is None:
        quiz = Quiz(
            slug=quiz_slug,
            title=quiz_slug.replace("-", " ").capitalize(),
            course=course,
            module=module,
            is_final=module is None,
            published=False,
        )
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
    replaced = sum(1 for question_data in questions if question_data.key in existing)
    return GiftImportSummary(quiz=quiz, created=created, added=len(questions) - replaced, replaced=replaced)


def category_quizzes(course: Course, read: GiftRead) -> list[Quiz]:
    """The quiz each read question goes into by its category: the category's last part names an existing quiz of
    the course by its slug or its title (`Card technology quiz` is card-technology-quiz). ValueError naming every
    category (with its first line) that names none, and the quizzes there are."""
    quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.slug)).all()
    named = {_slug(quiz.title): quiz for quiz in quizzes} | {quiz.slug: quiz for quiz in quizzes}
    targets: list[Quiz] = []
    unknown: dict[str, int] = {}
    for category, line in zip(read.categories, read.lines, strict=True):
        quiz = named.get(_slug(category.rsplit("/", 1)[-1]))
        if quiz is None:
            unknown.setdefault(category or _("(the top category: none)"), line)
        else:  # an unknown category ends in the ValueError below
            targets.append(quiz)
    if unknown:
        listed = "; ".join(
            _("'%(category)s' (first question at line %(line)d)", category=category, line=line)
            for category, line in unknown.items()
        )
        raise ValueError(
            _(
                "by category, each question's category must name a quiz of this course, by its slug or "
                "title; these name none: %(categories)s. The quizzes are: %(quizzes)s",
                categories=listed,
                quizzes=", ".join(quiz.slug for quiz in quizzes) or _("none yet"),
            )
        )
    return targets


def import_target(course: Course, quiz_slug: str, module_slug: str | None) -> tuple[Quiz | None, Module | None]:
    """The quiz QUIZ_SLUG of the course (None when it is new) and the module MODULE_SLUG; ValueError when the slug is
    not one, the module does not exist, or the quiz is in another module."""
    if not SLUG.match(quiz_slug) or len(quiz_slug) > MAX_SLUG:
        raise ValueError(
            _(
                "quiz slug '%(slug)s': use lower-case letters and digits in words joined by hyphens, e.g. "
                "card-technology, at most %(max)d characters",
                slug=quiz_slug,
                max=MAX_SLUG,
            )
        )
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    module = None
    if module_slug:
        module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == module_slug))
        if module is None:
            raise ValueError(
                _("course '%(course)s' has no module '%(module)s'", course=course.slug, module=module_slug)
            )
        if quiz is not None and quiz.module_id != module.id:
            if quiz.module:
                message = _(
                    "quiz '%(quiz)s' already exists in module '%(module)s': leave out the module to add to it",
                    quiz=quiz_slug,
                    module=quiz.module.slug,
                )
            else:
                message = _(
                    "quiz '%(quiz)s' already exists as a course-level quiz: leave out the module to add to it",
                    quiz=quiz_slug,
                )
            raise ValueError(message)
    return quiz, module


def located_questions(
    read: GiftRead, skip_unsupported: bool, moves: dict[str, str] | None = None
) -> tuple[list[LineDict], list[ContentProblem]]:
    """A reader's questions (GIFT or Moodle XML) as dicts that know the line they start on, their figure references
    following `moves` (old name: new name), and the problems of the questions left out; raised instead without
    `skip_unsupported`, or when no question at all is good."""
    if read.problems and (not skip_unsupported or not read.questions):
        raise ContentError(read.problems)
    entries = []
    for question, line in zip(read.questions, read.lines, strict=True):
        entry = LineDict(_moved_figures(question, moves) if moves else question)
        entry.line, entry.lines = line, {}
        entries.append(entry)
    return entries, list(read.problems)


def _moved_figures(value, moves: dict[str, str]):
    """A question's texts with their figure references renamed."""
    if isinstance(value, str):
        return FIGURE_REFERENCE.sub(lambda found: f"figures/{moves.get(found[1], found[1])}", value)
    if isinstance(value, dict):
        return {key: _moved_figures(item, moves) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved_figures(item, moves) for item in value]
    return value


def quiz_gift(quiz: Quiz, skipped: list[str] | None = None) -> str:
    """A quiz as GIFT. GIFT has no place for sources, points, objectives, misconceptions or the quiz settings. A
    question GIFT cannot hold raises ValueError, or with a `skipped` list is left out and named there."""
    return export_gift(quiz_document(quiz, module_slugs={}), skipped)  # no module: GIFT has no place for it

"""Authoring's writes, for every kind of content: save with a revision, restore, move, publish and delete.

Views check forms and choose the page; every change to the database happens here, one commit each, so the rules
(a baseline revision before the first browser edit, positions kept 0, 1, 2…, the audit trail) hold whichever page
makes the change. Lessons and quizzes keep revisions; courses, modules, figures and scenarios do not.
"""

import json
import re
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select

from course.audit import record
from course.author.checks import CourseContext, check_lesson_content, course_context, lesson_content
from course.author.history import record_baseline, record_revision, revision_number
from course.author.quiz_checks import check_quiz_document, is_empty_quiz_problem, quiz_content
from course.content.importer import update_lesson, update_quiz
from course.content.loader import COURSE_LINK, IMAGE
from course.extensions import db
from course.models import (
    Attempt,
    Classroom,
    Course,
    CourseOwner,
    Figure,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    Revision,
    Scenario,
)

# --- what the rules ask of the rest of the course ------------------------------------------------------------


def slug_taken(model, course_id: int, slug: str, own_id: int | None) -> bool:
    """Whether another row of the course already has this slug."""
    found = db.session.scalar(select(model.id).where(model.course_id == course_id, model.slug == slug))
    return found is not None and found != own_id


def linking_lessons(course_id: int, slug: str, own_id: int | None) -> list[str]:
    """Titles of the other lessons that link to this slug, which renaming or deleting it would break."""
    rows = db.session.execute(
        select(Lesson.id, Lesson.title, Lesson.body_markdown).where(Lesson.course_id == course_id)
    )
    link = ("lesson:", slug)
    return [row.title for row in rows if row.id != own_id and link in COURSE_LINK.findall(row.body_markdown)]


def lessons_showing(course_id: int, name: str) -> list[str]:
    """Titles of the lessons that show this figure, which deleting it would break."""
    rows = db.session.execute(select(Lesson.title, Lesson.body_markdown).where(Lesson.course_id == course_id))
    target = f"figures/{name}"
    return [row.title for row in rows if any(src == target for _alt, src in IMAGE.findall(row.body_markdown))]


def questions_showing(course_id: int, name: str) -> list[str]:
    """The quiz questions (as "quiz title: question id") whose text shows this figure, which deleting it would break:
    prompts, explanations and every text of the spec (choices, feedback, a marker's guidance …)."""
    rows = db.session.execute(
        select(Quiz.title, Question.key, Question.prompt_markdown, Question.explanation_markdown, Question.spec)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.course_id == course_id)
        .order_by(Quiz.title, Question.position)
    )
    shown = re.compile(rf"\bfigures/{re.escape(name)}(?![\w.-])")
    return [
        f"{row.title}: {row.key}"
        for row in rows
        if shown.search(
            "\n".join((row.prompt_markdown, row.explanation_markdown, json.dumps(row.spec, ensure_ascii=False)))
        )
    ]


# --- create and save -----------------------------------------------------------------------------------------


def add_course(course: Course) -> None:
    """A new course, owned by the instructor who starts it."""
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseOwner(course_id=course.id, user_id=current_user.id))
    record("course.created", course)
    db.session.commit()


def add_module(course: Course, module: Module) -> None:
    """A new module goes at the end of the course."""
    module.course_id = course.id
    module.position = db.session.execute(
        select(func.count(Module.id)).where(Module.course_id == course.id)
    ).scalar_one()
    db.session.add(module)
    db.session.commit()


def save_settings() -> None:
    """Course and module settings keep no revisions: the form has written them onto the row, this keeps them."""
    db.session.commit()


def save_lesson(course: Course, lesson: Lesson | None, data, module_id: int, summary: str | None = None) -> Lesson:
    """Write a checked lesson and keep the revision (after a baseline for an imported one); a lesson moved to
    another module goes to its end."""
    if summary is None:
        summary = _("Saved") if lesson else _("Created")
    if lesson is None:
        lesson = Lesson(course_id=course.id, published=False)
    else:
        record_baseline(lesson, lesson_content(lesson))
    if lesson.module_id != module_id:
        lesson.position = db.session.execute(
            select(func.count(Lesson.id)).where(Lesson.module_id == module_id)
        ).scalar_one()
        lesson.module_id = module_id
    update_lesson(lesson, data)
    db.session.add(lesson)
    db.session.flush()
    record_revision(lesson, lesson_content(lesson), summary)
    db.session.commit()
    return lesson


def checked_quiz(quiz: Quiz | None, document: dict[str, Any], context: CourseContext):
    """(quiz data, blocking problems, line → key path) for a document. A draft may have no questions yet."""
    data, problems, paths = check_quiz_document(document, context)
    draft = quiz is None or not quiz.published
    blocking = [p for p in problems if not (draft and is_empty_quiz_problem(p, paths))]
    return data, blocking, paths


def save_quiz(quiz: Quiz, data, context: CourseContext, summary: str) -> None:
    """Write a checked quiz document onto the quiz and keep the revision (after a baseline for imported quizzes).
    Attempts are untouched: each holds the snapshot it started with."""
    if quiz.id is not None:
        record_baseline(quiz, quiz_content(quiz, context))
    db.session.add(quiz)
    module_ids = {slug: module_id for module_id, slug, _title in context.modules}
    update_quiz(quiz, data, module_ids.get(data.module) if data.module else None)
    db.session.flush()
    record_revision(quiz, quiz_content(quiz, context), summary)
    db.session.commit()


def save_quiz_document(quiz: Quiz, document: dict, context: CourseContext, summary: str) -> tuple[bool, list]:
    """Save a changed quiz document if it passes the checks: (saved, problems). An imported quiz may break a rule
    the editor enforces, so a move or deletion can be refused."""
    data, problems, _paths = checked_quiz(quiz, document, context)
    if problems or data is None:
        return False, problems
    save_quiz(quiz, data, context, summary)
    return True, []


def save_scenario(scenario: Scenario, data) -> None:
    """A checked scenario replaces the stored one (attempts keep the path they took)."""
    scenario.document, scenario.compiled = data.document, data.compiled
    db.session.commit()


def save_figure(course: Course, existing: Figure | None, name: str, media_type: str, data: bytes) -> None:
    """A new figure, or new bytes for the one with this name."""
    figure = existing or Figure(course_id=course.id, name=name)
    figure.media_type, figure.data = media_type, data
    db.session.add(figure)
    db.session.commit()


# --- restore -------------------------------------------------------------------------------------------------


def restore(course: Course, item: Lesson | Quiz, revision: Revision) -> tuple[int | None, list[str]]:
    """Make an earlier version of a lesson or quiz current again (as a new revision), if it still fits the course:
    (its number, []) when restored, or (None, why not) with nothing changed."""
    context = course_context(course)
    if isinstance(item, Lesson):
        _text, data, problems = check_lesson_content(revision.content, context, item.id)
    else:
        data, problems, _paths = checked_quiz(item, revision.content, context)
    messages = [_("line %(line)s: %(message)s", line=problem.line, message=problem.message) for problem in problems]
    if data is not None and data.slug != item.slug:
        if isinstance(item, Lesson) and linking_lessons(course.id, item.slug, item.id):
            messages.append(_("other lessons link to this lesson by its current address"))
        if isinstance(item, Quiz) and slug_taken(Quiz, course.id, data.slug, item.id):
            messages.append(_("another quiz now has the address '%(slug)s'", slug=data.slug))
    if messages or data is None:
        return None, messages
    number = revision_number(item, revision)
    summary = _("Restored revision %(number)s", number=number)
    if isinstance(item, Lesson):
        save_lesson(course, item, data, item.module_id, summary)
    else:
        save_quiz(item, data, context, summary)
    return number, []


# --- move ----------------------------------------------------------------------------------------------------


def _neighbour(index: int, count: int, direction: str) -> int | None:
    """The index an item at `index` swaps with, or None at either end of the list."""
    if direction not in ("up", "down"):
        abort(400, description=_("Move up or down."))
    other = index - 1 if direction == "up" else index + 1
    return other if 0 <= other < count else None


def move(item: Course | Module | Lesson, direction: str) -> None:
    """Swap a course (in the catalog), module (in its course) or lesson (in its module) with its neighbour and
    renumber its siblings 0, 1, 2…"""
    siblings: list[Course | Module | Lesson]
    if isinstance(item, Course):
        siblings = list(db.session.scalars(select(Course).order_by(Course.position, Course.title)))
    elif isinstance(item, Module):
        siblings = list(item.course.modules)
    else:
        siblings = list(item.module.lessons)
    index = siblings.index(item)
    other = _neighbour(index, len(siblings), direction)
    if other is None:
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.commit()


def move_question(course: Course, quiz: Quiz, index: int, direction: str, summary: str) -> tuple[bool, list]:
    """Swap a question with its neighbour, as a new version of the quiz: (saved, problems)."""
    other = _neighbour(index, len(quiz.questions), direction)
    if other is None:
        return True, []
    context = course_context(course)
    document = quiz_content(quiz, context)
    rows = document["questions"]
    rows[index], rows[other] = rows[other], rows[index]
    return save_quiz_document(quiz, document, context, summary)


# --- publish -------------------------------------------------------------------------------------------------


def toggle_published(item: Course | Module | Lesson | Quiz) -> bool:
    """Publish or unpublish one item; whether it is now published. A course's change goes into the audit log."""
    if isinstance(item, Course):
        record("course.unpublished" if item.published else "course.published", item)
    item.published = not item.published
    db.session.commit()
    return item.published


# --- delete --------------------------------------------------------------------------------------------------


def course_contents(course: Course) -> tuple[int, int, int, int, int, int]:
    """(modules, lessons, quizzes, attempts, lesson progress records, classes) that deleting the course touches,
    in one query."""
    lesson_ids = select(Lesson.id).where(Lesson.course_id == course.id)
    quiz_ids = select(Quiz.id).where(Quiz.course_id == course.id)
    return tuple(
        db.session.execute(
            select(
                select(func.count(Module.id)).where(Module.course_id == course.id).scalar_subquery(),
                select(func.count()).select_from(lesson_ids.subquery()).scalar_subquery(),
                select(func.count()).select_from(quiz_ids.subquery()).scalar_subquery(),
                select(func.count(Attempt.id)).where(Attempt.quiz_id.in_(quiz_ids)).scalar_subquery(),
                select(func.count(LessonProgress.id)).where(LessonProgress.lesson_id.in_(lesson_ids)).scalar_subquery(),
                select(func.count(Classroom.id)).where(Classroom.course_id == course.id).scalar_subquery(),
            )
        ).one()
    )


def delete_course(course: Course, contents: tuple[int, ...]) -> None:
    """The database's cascades remove the rows below the course, without loading its figures into memory; the
    audit log keeps what went (`contents` as course_contents counted it)."""
    modules, lessons, quizzes, attempts, progress, _classes = contents
    record(
        "course.deleted",
        course,
        detail=f"{modules} modules, {lessons} lessons, {quizzes} quizzes, "
        f"{attempts} attempts, {progress} progress records",
    )
    db.session.execute(delete_rows(Course).where(Course.id == course.id))
    db.session.commit()


def module_contents(module: Module) -> tuple[int, int, int, int]:
    """(lessons, quizzes, attempts, lesson progress records) that deleting the module takes, in one query."""
    quiz_ids = select(Quiz.id).where(Quiz.module_id == module.id)
    return tuple(
        db.session.execute(
            select(
                select(func.count(Lesson.id)).where(Lesson.module_id == module.id).scalar_subquery(),
                select(func.count()).select_from(quiz_ids.subquery()).scalar_subquery(),
                select(func.count(Attempt.id)).where(Attempt.quiz_id.in_(quiz_ids)).scalar_subquery(),
                select(func.count(LessonProgress.id))
                .join(Lesson, Lesson.id == LessonProgress.lesson_id)
                .where(Lesson.module_id == module.id)
                .scalar_subquery(),
            )
        ).one()
    )


def delete_module(module: Module) -> None:
    """A module goes with its lessons and quizzes; the modules after it move up."""
    course_id = module.course_id
    db.session.execute(delete_rows(Quiz).where(Quiz.module_id == module.id))
    db.session.execute(delete_rows(Module).where(Module.id == module.id))
    remaining = db.session.scalars(select(Module).where(Module.course_id == course_id).order_by(Module.position))
    for position, sibling in enumerate(remaining):
        sibling.position = position
    db.session.commit()


def lesson_progress_count(lesson: Lesson) -> int:
    """How many students' progress records deleting the lesson takes."""
    return db.session.execute(
        select(func.count(LessonProgress.id)).where(LessonProgress.lesson_id == lesson.id)
    ).scalar_one()


def delete_lesson(lesson: Lesson) -> None:
    """A lesson goes with its revisions and progress records; the lessons after it move up."""
    module: Module = lesson.module
    module.lessons.remove(lesson)
    for position, sibling in enumerate(module.lessons):
        sibling.position = position
    db.session.commit()


def quiz_attempt_count(quiz: Quiz) -> int:
    """How many students' attempts deleting the quiz takes."""
    return db.session.execute(select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz.id)).scalar_one()


def delete_quiz(quiz: Quiz) -> None:
    """A quiz goes with its questions, revisions and attempts."""
    db.session.delete(quiz)
    db.session.commit()


def delete_question(course: Course, quiz: Quiz, index: int, summary: str) -> tuple[bool, list]:
    """Take a question out of the quiz, as a new version of it: (saved, problems). Attempts keep their copy."""
    context = course_context(course)
    document = quiz_content(quiz, context)
    del document["questions"][index]
    return save_quiz_document(quiz, document, context, summary)


def delete_figure(figure: Figure) -> None:
    """A figure no lesson shows any more."""
    db.session.delete(figure)
    db.session.commit()

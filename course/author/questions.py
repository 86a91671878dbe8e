"""The question editor, for every question type (each brings its own fields, course.question_types): add, edit,
move and delete questions, with row editors that work without JavaScript. Each save is a new version of the whole
quiz (see service.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from course.auth.access import instructor_required
from course.author import service
from course.author.checks import course_context
from course.author.forms import apply_row_action, question_form
from course.author.pages import confirm_delete, explain_unchanged
from course.author.quiz_checks import (
    place_quiz_problems,
    question_entry_from_form,
    question_form_data,
    quiz_content,
)
from course.lookups import owned_course_or_404, question_or_404, quiz_or_404
from course.models import Question, Quiz
from course.question_types import QUESTION_TYPES, UnknownQuestionType, question_type


def _editor(course, quiz: Quiz, index: int | None, question: Question | None):
    """Shared by the new-question and edit pages: row buttons, validation at the fields, save."""
    try:
        qtype = question_type(question.type if question else request.args.get("type", ""))
    except UnknownQuestionType:
        abort(404, description=_("Choose one of the question types: %(types)s.", types=", ".join(QUESTION_TYPES)))
    context = course_context(course)
    module_slug = context.module_slugs.get(quiz.module_id) if quiz.module_id is not None and not quiz.is_final else None
    form = question_form(qtype)(data=question_form_data(question) if question else None)
    objectives = context.objectives_for(module_slug)
    current = form.objective.data or ""
    listed = objectives + ([current] if current and current not in objectives else [])
    form.objective.choices = [SelectChoice("", _("— none —"))] + [SelectChoice(objective) for objective in listed]
    choice_errors: list[str] = []
    if request.method == "POST" and not apply_row_action(form, request.form.get("row_action")) and form.validate():
        taken = {q.key for q in quiz.questions if q is not question}
        if "key" in form.filled_slugs and form.key.data in taken:
            form.key.data = next(
                f"{form.key.data}-{n}" for n in range(2, len(taken) + 3) if f"{form.key.data}-{n}" not in taken
            )
        entry = question_entry_from_form(form, qtype)
        if entry["id"] in taken:
            form.key.errors.append(_("Another question of this quiz has this id."))
        else:
            document = quiz_content(quiz, context)
            if index is None:
                index = len(document["questions"])
                document["questions"].append(entry)
            else:
                document["questions"][index] = entry
            data, problems, paths = service.checked_quiz(quiz, document, context)
            place_quiz_problems(problems, paths, form, index, qtype, choice_errors)
            if not problems:
                summary = (
                    _("Added question '%(id)s'", id=entry["id"])
                    if question is None
                    else _("Edited question '%(id)s'", id=entry["id"])
                )
                service.save_quiz(quiz, data, context, summary)
                flash(_("Question '%(id)s' saved.", id=entry["id"]), "success")
                return redirect(
                    url_for(
                        "author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug, _anchor=f"question-{entry['id']}"
                    )
                )
    return render_template(
        "author/question_form.html",
        course=course,
        quiz=quiz,
        question=question,
        form=form,
        qtype=qtype,
        list_errors=choice_errors,
        sources=context.sources_for(module_slug),
    )


@instructor_required
def new_question(slug: str, quiz_slug: str):
    """Add a question of the type named by ?type= at the end of the quiz."""
    course = owned_course_or_404(slug)
    return _editor(course, quiz_or_404(course, quiz_slug), None, None)


@instructor_required
def edit_question(slug: str, quiz_slug: str, key: str):
    """Edit one question; its type stays (add a new question to change it)."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    index, question = question_or_404(quiz, key)
    return _editor(course, quiz, index, question)


@instructor_required
def move_question(slug: str, quiz_slug: str, key: str):
    """Move a question one place up or down (a new version of the quiz)."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    index, _question = question_or_404(quiz, key)
    direction = request.form.get("direction", "")
    summary = (
        _("Moved question '%(id)s' up", id=key) if direction == "up" else _("Moved question '%(id)s' down", id=key)
    )
    saved, problems = service.move_question(course, quiz, index, direction, summary)
    if not saved:
        explain_unchanged(problems)
    return redirect(url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug, _anchor=f"question-{key}"))


@instructor_required
def delete_question(slug: str, quiz_slug: str, key: str):
    """Delete a question; attempts already made keep it, and the quiz's history can bring it back."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    index, question = question_or_404(quiz, key)
    blockers = []
    if quiz.published and len(quiz.questions) == 1:
        blockers.append(_("It is the only question of a published quiz. Unpublish the quiz first, or add another."))
    consequences = [
        _(
            "The question leaves the quiz for new attempts. Attempts already started or submitted keep it as they "
            "saw it, with their answers and scores."
        ),
        _("The quiz's history keeps it: restoring an earlier revision brings it back."),
    ]

    def delete() -> str:
        saved, problems = service.delete_question(course, quiz, index, _("Deleted question '%(id)s'", id=key))
        if saved:
            flash(_("Question '%(id)s' deleted.", id=key), "info")
        else:
            explain_unchanged(problems)
        return url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug)

    return confirm_delete(
        _("Delete question %(number)s ('%(id)s') of “%(quiz)s”?", number=index + 1, id=key, quiz=quiz.title),
        consequences,
        url_for("author.edit_question", slug=course.slug, quiz_slug=quiz.slug, key=key),
        delete,
        blockers,
    )

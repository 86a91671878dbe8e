"""The quiz editor: settings, the question list, drafts, preview, history and restore.

Every change to a quiz (settings, or a question added, edited, moved or deleted) is a new version of the whole quiz
document, checked by the loader and written by the importer's own update, and kept as a revision (service.py).
Attempts are never touched: each holds the snapshot of the questions it was started with.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import SelectChoice

from course.auth.access import instructor_required
from course.author import service
from course.author.checks import CourseContext, course_context
from course.author.forms import QuizForm
from course.author.pages import confirm_delete, history_page, publish, restore_page
from course.author.quiz_checks import place_quiz_problems, quiz_content, settings_document
from course.learn.figures import shown_question
from course.lookups import owned_course_or_404, quiz_or_404
from course.models import Quiz
from course.question_types import QUESTION_TYPES


def _placement_choices(context: CourseContext) -> list[SelectChoice]:
    """Module quizzes are keyed on the module's slug (prefixed, as a module may be called 'final')."""
    modules = [
        SelectChoice(f"module:{slug}", _("Quiz of the module “%(title)s”", title=title))
        for _id, slug, title in context.modules
    ]
    return [*modules, SelectChoice("final", _("Final assessment of the course"))]


def _settings_form(quiz: Quiz | None, context: CourseContext) -> QuizForm:
    """The settings form, filled from the quiz (or, for a new one, from ?module=id)."""
    if quiz is None:
        module_id = request.args.get("module", type=int)
        slug = context.module_slugs.get(module_id) if module_id is not None else None
        form = QuizForm(data={"placement": f"module:{slug}" if slug else "final"})
    else:
        slug = context.module_slugs.get(quiz.module_id) if quiz.module_id is not None else None
        placement = f"module:{slug}" if slug and not quiz.is_final else "final"
        form = QuizForm(obj=quiz, data={"placement": placement})
    form.placement.choices = _placement_choices(context)
    return form


def _settings_problems(form: QuizForm, quiz: Quiz | None, context: CourseContext):
    """Check the settings form against the loader (with the quiz's current questions); data when it can be saved."""
    if not form.validate_on_submit():
        return None
    if service.slug_taken(Quiz, context.course.id, form.slug.data.strip(), quiz.id if quiz else None):
        form.slug.errors.append(_("Another quiz of this course has this address."))
        return None
    questions = quiz_content(quiz, context)["questions"] if quiz else []
    data, problems, paths = service.checked_quiz(quiz, settings_document(form, context, questions), context)
    place_quiz_problems(problems, paths, form)
    return data if not problems else None


@instructor_required
def new_quiz(slug: str):
    """Start a quiz (?module=id preselects its module) as a draft without questions."""
    course = owned_course_or_404(slug)
    context = course_context(course)
    form = _settings_form(None, context)
    data = _settings_problems(form, None, context) if request.method == "POST" else None
    if data is not None:
        quiz = Quiz(course_id=course.id, slug=data.slug, title=data.title, published=False)
        service.save_quiz(quiz, data, context, _("Created"))
        flash(_("Quiz “%(title)s” created as a draft. Add its questions.", title=quiz.title), "success")
        return redirect(url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug))
    return render_template("author/quiz_new.html", course=course, form=form)


@instructor_required
def edit_quiz(slug: str, quiz_slug: str):
    """The quiz's settings and its questions, with every action on them."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    context = course_context(course)
    form = _settings_form(quiz, context)
    if request.method == "POST":
        data = _settings_problems(form, quiz, context)
        if data is not None:
            service.save_quiz(quiz, data, context, _("Changed the settings"))
            flash(_("Quiz settings saved."), "success")
            return redirect(url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug))
    questions = [shown_question(question, course.slug) for question in quiz.questions]
    return render_template(
        "author/quiz.html", course=course, quiz=quiz, questions=questions, form=form, question_types=QUESTION_TYPES
    )


@instructor_required
def preview_quiz(slug: str, quiz_slug: str):
    """The questions as students will see them, with the answer key, feedback and explanations shown."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    questions = [shown_question(question, course.slug) for question in quiz.questions]
    return render_template(
        "author/quiz_preview.html", course=course, quiz=quiz, questions=questions, question_types=QUESTION_TYPES
    )


@instructor_required
def publish_quiz(slug: str, quiz_slug: str):
    """Open the quiz to students, or close it again (their attempts so far are kept)."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    if not quiz.published and not quiz.questions:
        flash(_("A quiz needs at least one question before it can be published."), "error")
    else:
        publish(quiz, "quiz")
    return redirect(url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug))


@instructor_required
def delete_quiz(slug: str, quiz_slug: str):
    """Delete a quiz, after saying how many students' attempts go with it."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    attempts = service.quiz_attempt_count(quiz)
    consequences = [
        ngettext(
            "Its %(num)d question and revision history.",
            "Its %(num)d questions and revision history.",
            len(quiz.questions),
        ),
        ngettext(
            "%(num)d attempt of a student, with its answers and score. To keep it, unpublish the quiz instead.",
            "%(num)d attempts of students, with their answers and scores. To keep them, unpublish the quiz instead.",
            attempts,
        ),
    ]

    def delete() -> str:
        service.delete_quiz(quiz)
        flash(_("Quiz “%(title)s” deleted.", title=quiz.title), "info")
        return url_for("author.course", slug=course.slug)

    return confirm_delete(
        _("Delete the quiz “%(title)s”?", title=quiz.title),
        consequences,
        url_for("author.edit_quiz", slug=course.slug, quiz_slug=quiz.slug),
        delete,
    )


@instructor_required
def quiz_history(slug: str, quiz_slug: str):
    """Every saved version of the quiz, who saved it and when."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    return history_page(course, quiz)


@instructor_required
def restore_quiz(slug: str, quiz_slug: str, revision_id: int):
    """Make an earlier version of the quiz current again, if it still fits the course."""
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    return restore_page(course, quiz, revision_id, _("There is no such revision of this quiz."))

"""The pages and messages every authoring view shares: the confirmation a deletion goes through, what publishing
says, and a lesson's or quiz's history with its restore. The changes themselves are course.author.service's."""

import difflib
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course.author import service
from course.author.checks import lesson_text
from course.author.forms import ConfirmDeleteForm
from course.author.history import revision_of, revisions_of
from course.author.quiz_checks import quiz_text
from course.models import Course, Lesson, Quiz

# What publishing or unpublishing says, per kind of item: whole sentences, as languages word them differently.
PUBLISHED_NOTICES = {
    "course": (
        _l("The course “%(title)s” is published: students can see it (once what contains it is published too)."),
        _l("The course “%(title)s” is a draft again: students no longer see it."),
    ),
    "module": (
        _l("The module “%(title)s” is published: students can see it (once what contains it is published too)."),
        _l("The module “%(title)s” is a draft again: students no longer see it."),
    ),
    "lesson": (
        _l("The lesson “%(title)s” is published: students can see it (once what contains it is published too)."),
        _l("The lesson “%(title)s” is a draft again: students no longer see it."),
    ),
    "quiz": (
        _l("The quiz “%(title)s” is published: students can see it (once what contains it is published too)."),
        _l("The quiz “%(title)s” is a draft again: students no longer see it."),
    ),
}


def publish(item, kind: str) -> None:
    """Publish or unpublish one item (a "course", "module", "lesson" or "quiz") and say what students now see."""
    published, draft = PUBLISHED_NOTICES[kind]
    if service.toggle_published(item):
        flash(published % {"title": item.title}, "success")
    else:
        flash(draft % {"title": item.title}, "info")


def confirm_delete(
    title: str, consequences: list[str], cancel_url: str, delete: Callable[[], str], blockers: list[str] | None = None
):
    """The confirmation page every deletion goes through: it says what will be lost, and deletes only once the box
    is ticked. `blockers` are reasons it cannot be deleted yet; `delete` does the work and returns where to go."""
    form = ConfirmDeleteForm()
    if not blockers and form.validate_on_submit():
        return redirect(delete())
    status = 409 if blockers and request.method == "POST" else 200
    page = render_template(
        "author/confirm_delete.html",
        form=form,
        title=title,
        consequences=consequences,
        cancel_url=cancel_url,
        blockers=blockers or [],
    )
    return page, status


def explain_unchanged(problems: list) -> None:
    """Say why a quiz was left as it was (an imported quiz may break a rule the editor enforces)."""
    flash(_("The quiz was not changed:"), "error")
    for problem in problems:
        flash(problem.message[:1].upper() + problem.message[1:], "error")


# --- history and restore, for lessons and quizzes alike -------------------------------------------------------


def _kind_and_address(course: Course, item: Lesson | Quiz) -> tuple[str, dict[str, Any]]:
    """ "lesson" or "quiz", and the arguments of the item's addresses (author.edit_lesson, author.quiz_history…)."""
    kind = "lesson" if isinstance(item, Lesson) else "quiz"
    return kind, {"slug": course.slug, f"{kind}_slug": item.slug}


def history_page(course: Course, item: Lesson | Quiz):
    """Every revision of one lesson or quiz, and the one asked for (?revision=id) as its file with the changes from
    the revision before it."""
    kind, address = _kind_and_address(course, item)
    as_text = lesson_text if kind == "lesson" else quiz_text
    revisions = revisions_of(item)
    shown, text, diff = None, "", ""
    wanted = request.args.get("revision", type=int)
    for number, revision in enumerate(revisions):
        if revision.id == wanted:
            shown = (number + 1, revision)
            text = as_text(revision.content)
            before = as_text(revisions[number - 1].content).splitlines() if number else []
            diff = "\n".join(difflib.unified_diff(before, text.splitlines(), "before", "after", lineterm=""))
    return render_template(
        "author/history.html",
        item=item,
        revisions=revisions,
        shown=shown,
        text=text,
        diff=diff,
        course=course,
        kind=kind,
        back_url=url_for(f"author.edit_{kind}", **address),
        restore_url=lambda revision: url_for(f"author.restore_{kind}", revision_id=revision.id, **address),
    )


def restore_page(course: Course, item: Lesson | Quiz, revision_id: int, no_such_revision: str):
    """Restore a revision and go back to the editor, or say why it cannot come back as it is (the course changed
    since) and go back to the history; `no_such_revision` is the 404's words."""
    kind, address = _kind_and_address(course, item)
    revision = revision_of(item, revision_id)
    if revision is None:
        abort(404, description=no_such_revision)
    number, messages = service.restore(course, item, revision)
    if number is None:
        flash(_("This revision cannot be restored as it is, because the course changed since it was saved:"), "error")
        for message in messages:
            flash(message[:1].upper() + message[1:], "error")
        return redirect(url_for(f"author.{kind}_history", **address))
    flash(
        _("Revision %(number)s restored; it is now the current version (and a new revision).", number=number), "success"
    )
    return redirect(url_for(f"author.edit_{kind}", **address))

"""The lesson editor: Markdown with front matter fields, a server-rendered preview, drafts, history and restore.

Editor addresses sit at /author/courses/<course>/lessons/<lesson>, the depth of the student's lesson page, so the
relative links the renderer writes (../figures/…, ../lessons/…, ../glossary) resolve in the preview too.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms import SelectChoice

from course.auth.access import instructor_required
from course.author import bp
from course.author.checks import (
    check_lesson_content,
    check_lesson_form,
    course_context,
    lesson_content,
    lesson_text,
)
from course.author.forms import LessonForm, apply_row_action
from course.author.history import (
    history_page,
    record_baseline,
    record_revision,
    refuse_restore,
    revision_number,
    revision_of,
)
from course.author.routes import (
    confirm_delete,
    course_or_404,
    lesson_or_404,
    move_in_order,
    require_form_token,
    toggle_published,
)
from course.content.importer import update_lesson
from course.content.loader import COURSE_LINK
from course.extensions import db
from course.models import Lesson, LessonProgress, Module


def _form_data(lesson: Lesson) -> dict:
    """The editor's fields for a stored lesson."""
    return {
        "module": lesson.module_id,
        "slug": lesson.slug,
        "title": lesson.title,
        "minutes": lesson.minutes,
        "objectives": "\n".join(lesson.objectives),
        "key_terms": "\n".join(lesson.key_terms),
        "sources": lesson_content(lesson)["sources"],
        "body": lesson.body_markdown,
    }


def _linking_lessons(course_id: int, slug: str, own_id: int | None) -> list[str]:
    """Titles of the other lessons that link to this slug, which renaming or deleting it would break."""
    rows = db.session.execute(
        select(Lesson.id, Lesson.title, Lesson.body_markdown).where(Lesson.course_id == course_id)
    )
    link = ("lesson:", slug)
    return [row.title for row in rows if row.id != own_id and link in COURSE_LINK.findall(row.body_markdown)]


def _editor(course, lesson: Lesson | None):
    """Shared by the new-lesson and edit pages: validate with the loader, preview, or save."""
    context = course_context(course)
    form = LessonForm(data=_form_data(lesson) if lesson else {"module": request.args.get("module", type=int)})
    form.module.choices = [SelectChoice(module_id, title) for module_id, _slug, title in context.modules]
    preview = None
    if request.method == "POST" and not apply_row_action(form, request.form.get("row_action")) and form.validate():
        data, ok = check_lesson_form(form, context, lesson.id if lesson else None)
        renamed_from = lesson.slug if lesson and data and data.slug != lesson.slug else None
        linked = _linking_lessons(course.id, renamed_from, lesson.id) if renamed_from else []
        if linked:
            form.slug.errors.append(_("Other lessons link to this lesson by its address: %(lessons)s. Change their "
                                      "links first.", lessons="; ".join(linked)))  # fmt: skip
            ok = False
        if form.preview.data:
            preview = data
        elif ok:
            return _save(course, lesson, data, form.module.data)
    return render_template("author/lesson_form.html", course=course, lesson=lesson, form=form, preview=preview,
                           figures=sorted(context.figures))  # fmt: skip


def _save(course, lesson: Lesson | None, data, module_id: int):
    """Write a checked lesson and keep the revision; a lesson moved to another module goes to its end."""
    summary = _("Saved") if lesson else _("Created")
    if lesson is None:
        lesson = Lesson(course_id=course.id, published=False)
    else:
        record_baseline(lesson, lesson_content(lesson))
    if lesson.module_id != module_id:
        lesson.position = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.module_id == module_id))
        lesson.module_id = module_id
    update_lesson(lesson, data)
    db.session.add(lesson)
    db.session.flush()
    record_revision(lesson, lesson_content(lesson), summary)
    db.session.commit()
    flash(_("Lesson “%(title)s” saved.", title=lesson.title) if lesson.published
          else _("Lesson “%(title)s” saved as a draft.", title=lesson.title), "success")
    return redirect(url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug))


@bp.route("/courses/<slug>/lessons/", methods=["GET", "POST"])
@instructor_required
def new_lesson(slug: str):
    """Write a new lesson (?module=id preselects its module); it is a draft until published."""
    course = course_or_404(slug)
    if not course.modules:
        flash(_("Add a module first: every lesson belongs to one."), "info")
        return redirect(url_for("author.new_module", slug=course.slug))
    return _editor(course, None)


@bp.route("/courses/<slug>/lessons/<lesson_slug>", methods=["GET", "POST"])
@instructor_required
def edit_lesson(slug: str, lesson_slug: str):
    """Edit a lesson; Preview shows it rendered exactly as it would be saved, Save stores it and a revision."""
    course = course_or_404(slug)
    return _editor(course, lesson_or_404(course, lesson_slug))


@bp.route("/courses/<slug>/preview/<lesson_slug>")
@instructor_required
def preview_lesson(slug: str, lesson_slug: str):
    """The saved lesson as students see it, draft or not (this address is as deep as theirs, so links resolve)."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    return render_template("author/lesson_preview.html", course=course, lesson=lesson, module=lesson.module)


@bp.route("/courses/<slug>/lessons/<lesson_slug>/move", methods=["POST"])
@instructor_required
def move_lesson(slug: str, lesson_slug: str):
    """Move a lesson one place up or down in its module."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    require_form_token()
    if move_in_order(list(lesson.module.lessons), lesson, request.form.get("direction", "")):
        db.session.commit()
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{lesson.module_id}"))


@bp.route("/courses/<slug>/lessons/<lesson_slug>/publish", methods=["POST"])
@instructor_required
def publish_lesson(slug: str, lesson_slug: str):
    """Show the lesson to students, or make it a draft again."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    toggle_published(lesson, "lesson")
    if request.form.get("next") == "editor":
        return redirect(url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug))
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{lesson.module_id}"))


@bp.route("/courses/<slug>/lessons/<lesson_slug>/delete", methods=["GET", "POST"])
@instructor_required
def delete_lesson(slug: str, lesson_slug: str):
    """Delete a lesson, unless other lessons still link to it."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    progress = db.session.scalar(select(func.count(LessonProgress.id)).where(LessonProgress.lesson_id == lesson.id))
    linked = _linking_lessons(course.id, lesson.slug, lesson.id)
    blockers = [_("These lessons link to it: %(lessons)s. Remove those links first.", lessons="; ".join(linked))
                ] if linked else []  # fmt: skip
    consequences = [_("Its text, sources and revision history, and %(progress)d progress records of students.",
                      progress=progress)]

    def delete() -> str:
        module: Module = lesson.module
        module.lessons.remove(lesson)
        for position, sibling in enumerate(module.lessons):
            sibling.position = position
        db.session.commit()
        flash(_("Lesson “%(title)s” deleted.", title=lesson.title), "info")
        return url_for("author.course", slug=course.slug)

    return confirm_delete(_("Delete the lesson “%(title)s”?", title=lesson.title), consequences,
                          url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug), delete, blockers)


@bp.route("/courses/<slug>/lessons/<lesson_slug>/history")
@instructor_required
def lesson_history(slug: str, lesson_slug: str):
    """Every saved version of the lesson, who saved it and when."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    return history_page(lesson, lesson_text, course=course, kind="lesson",
                        back_url=url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug),
                        restore_url=lambda revision: url_for("author.restore_lesson", slug=course.slug,
                                                             lesson_slug=lesson.slug, revision_id=revision.id))


@bp.route("/courses/<slug>/lessons/<lesson_slug>/revisions/<int:revision_id>/restore", methods=["POST"])
@instructor_required
def restore_lesson(slug: str, lesson_slug: str, revision_id: int):
    """Make an earlier version current again, if it still fits the course (its links, figures, address)."""
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    revision = revision_of(lesson, revision_id)
    if revision is None:
        abort(404, description=_("There is no such revision of this lesson."))
    require_form_token()
    _text, data, problems = check_lesson_content(revision.content, course_context(course), lesson.id)
    messages = [_("line %(line)s: %(message)s", line=problem.line, message=problem.message) for problem in problems]
    if data is not None and data.slug != lesson.slug and _linking_lessons(course.id, lesson.slug, lesson.id):
        messages.append(_("other lessons link to this lesson by its current address"))
    if messages or data is None:
        refuse_restore(messages)
        return redirect(url_for("author.lesson_history", slug=course.slug, lesson_slug=lesson.slug))
    number = revision_number(lesson, revision)
    record_baseline(lesson, lesson_content(lesson))
    update_lesson(lesson, data)
    record_revision(lesson, lesson_content(lesson), _("Restored revision %(number)s", number=number))
    db.session.commit()
    flash(_("Revision %(number)s restored; it is now the current version (and a new revision).", number=number),
          "success")
    return redirect(url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug))

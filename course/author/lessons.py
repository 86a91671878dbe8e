"""The lesson editor: Markdown with front matter fields, a server-rendered preview, drafts, history and restore.

Editor addresses sit at /author/courses/<course>/lessons/<lesson>, the depth of the student's lesson page, so the
relative links the renderer writes (../figures/…, ../lessons/…, ../glossary) resolve in the preview too.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from course.auth.access import instructor_required
from course.author import service
from course.author.checks import check_lesson_form, course_context, lesson_content
from course.author.forms import LessonForm, apply_row_action
from course.author.pages import confirm_delete, history_page, publish, restore_page
from course.lookups import lesson_or_404, owned_course_or_404
from course.models import Lesson


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


def _editor(course, lesson: Lesson | None):
    """Shared by the new-lesson and edit pages: validate with the loader, preview, or save."""
    context = course_context(course)
    form = LessonForm(data=_form_data(lesson) if lesson else {"module": request.args.get("module", type=int)})
    form.module.choices = [SelectChoice(module_id, title) for module_id, _slug, title in context.modules]
    preview = None
    if request.method == "POST" and not apply_row_action(form, request.form.get("row_action")) and form.validate():
        data, ok = check_lesson_form(form, context, lesson.id if lesson else None)
        renamed_from = lesson.slug if lesson and data and data.slug != lesson.slug else None
        linked = service.linking_lessons(course.id, renamed_from, lesson.id) if lesson and renamed_from else []
        if linked:
            form.slug.errors.append(
                _(
                    "Other lessons link to this lesson by its address: %(lessons)s. Change their links first.",
                    lessons="; ".join(linked),
                )
            )
            ok = False
        if form.preview.data:
            preview = data
        elif ok:
            return _save(course, lesson, data, form.module.data)
    return render_template(
        "author/lesson_form.html",
        course=course,
        lesson=lesson,
        form=form,
        preview=preview,
        figures=sorted(context.figures),
    )


def _save(course, lesson: Lesson | None, data, module_id: int):
    """Save through the service, say so, and stay in the editor."""
    lesson = service.save_lesson(course, lesson, data, module_id)
    flash(
        _("Lesson “%(title)s” saved.", title=lesson.title)
        if lesson.published
        else _("Lesson “%(title)s” saved as a draft.", title=lesson.title),
        "success",
    )
    return redirect(url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug))


@instructor_required
def new_lesson(slug: str):
    """Write a new lesson (?module=id preselects its module); it is a draft until published."""
    course = owned_course_or_404(slug)
    if not course.modules:
        flash(_("Add a module first: every lesson belongs to one."), "info")
        return redirect(url_for("author.new_module", slug=course.slug))
    return _editor(course, None)


@instructor_required
def edit_lesson(slug: str, lesson_slug: str):
    """Edit a lesson; Preview shows it rendered exactly as it would be saved, Save stores it and a revision."""
    course = owned_course_or_404(slug)
    return _editor(course, lesson_or_404(course, lesson_slug))


@instructor_required
def preview_lesson(slug: str, lesson_slug: str):
    """The saved lesson as students see it, draft or not (this address is as deep as theirs, so links resolve)."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    return render_template("author/lesson_preview.html", course=course, lesson=lesson, module=lesson.module)


@instructor_required
def move_lesson(slug: str, lesson_slug: str):
    """Move a lesson one place up or down in its module."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    service.move(lesson, request.form.get("direction", ""))
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{lesson.module_id}"))


@instructor_required
def publish_lesson(slug: str, lesson_slug: str):
    """Show the lesson to students, or make it a draft again."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    publish(lesson, "lesson")
    if request.form.get("next") == "editor":
        return redirect(url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug))
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{lesson.module_id}"))


@instructor_required
def delete_lesson(slug: str, lesson_slug: str):
    """Delete a lesson, unless other lessons still link to it."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    progress = service.lesson_progress_count(lesson)
    linked = service.linking_lessons(course.id, lesson.slug, lesson.id)
    blockers = (
        [_("These lessons link to it: %(lessons)s. Remove those links first.", lessons="; ".join(linked))]
        if linked
        else []
    )
    consequences = [
        _("Its text, sources and revision history, and %(progress)d progress records of students.", progress=progress)
    ]

    def delete() -> str:
        service.delete_lesson(lesson)
        flash(_("Lesson “%(title)s” deleted.", title=lesson.title), "info")
        return url_for("author.course", slug=course.slug)

    return confirm_delete(
        _("Delete the lesson “%(title)s”?", title=lesson.title),
        consequences,
        url_for("author.edit_lesson", slug=course.slug, lesson_slug=lesson.slug),
        delete,
        blockers,
    )


@instructor_required
def lesson_history(slug: str, lesson_slug: str):
    """Every saved version of the lesson, who saved it and when."""
    course = owned_course_or_404(slug)
    return history_page(course, lesson_or_404(course, lesson_slug))


@instructor_required
def restore_lesson(slug: str, lesson_slug: str, revision_id: int):
    """Make an earlier version current again, if it still fits the course (its links, figures, address)."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    return restore_page(course, lesson, revision_id, _("There is no such revision of this lesson."))

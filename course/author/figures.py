"""A course's figures: upload (the type judged from the bytes, never the name), list, delete; and the addresses a
lesson preview's relative links reach (figures, glossary)."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from course.auth.access import instructor_required
from course.author import service
from course.author.forms import FigureForm
from course.author.pages import confirm_delete
from course.content.figures import detect_media_type, figure_name
from course.content.loader import FIGURE_TYPES, MAX_FIGURE_BYTES
from course.extensions import db
from course.lookups import owned_course_or_404
from course.models import Figure


@instructor_required
def figures(slug: str):
    """The course's figures, and an upload form. Lessons show them with ![alt text](figures/<name>)."""
    course = owned_course_or_404(slug)
    form = FigureForm()
    limit = current_app.config.get("FIGURE_MAX_BYTES", MAX_FIGURE_BYTES)
    if form.validate_on_submit():
        upload = form.image.data
        data = upload.read(limit + 1)
        media_type, problem = detect_media_type(data)
        name = figure_name(form.name.data or "", upload.filename or "", media_type) if media_type else None
        existing = db.session.scalar(select(Figure).where(Figure.course_id == course.id, Figure.name == name))
        if len(data) > limit:
            form.image.errors.append(_("The image is larger than %(size)s KiB.", size=format_decimal(limit // 1024)))
        elif problem:
            form.image.errors.append(problem)
        elif name is None or media_type is None:  # no name without a media type
            form.name.errors.append(_("Give a name of letters and digits, e.g. card-front."))
        elif existing and not form.replace.data:
            form.replace.errors.append(_("A figure named %(name)s exists. Tick this box to replace it.", name=name))
        else:
            service.save_figure(course, existing, name, media_type, data)
            flash(
                _("Figure %(name)s saved. Show it in a lesson with ![what it shows](figures/%(name)s).", name=name),
                "success",
            )
            return redirect(url_for("author.figures", slug=course.slug))
    listed = db.session.execute(
        select(Figure.name, Figure.media_type).where(Figure.course_id == course.id).order_by(Figure.name)
    ).all()
    return render_template(
        "author/figures.html",
        course=course,
        form=form,
        figures=listed,
        limit=limit,
        accept=",".join(sorted(set(FIGURE_TYPES.values()))),
    )


@instructor_required
def figure(slug: str, name: str):
    """A figure for the editor's preview; served by the student-facing view (with its strict headers)."""
    course = owned_course_or_404(slug)
    return redirect(url_for("learn.figure", slug=course.slug, name=name))


@instructor_required
def delete_figure(slug: str, name: str):
    """Delete a figure, unless a lesson or a quiz question still shows it."""
    course = owned_course_or_404(slug)
    figure = db.session.scalar(select(Figure).where(Figure.course_id == course.id, Figure.name == name))
    if figure is None:
        return redirect(url_for("author.figures", slug=course.slug))
    showing, asking = service.lessons_showing(course.id, name), service.questions_showing(course.id, name)
    blockers = (
        [_("These lessons show it: %(lessons)s. Remove it from them first.", lessons="; ".join(showing))]
        if showing
        else []
    )
    if asking:
        blockers.append(
            _("These quiz questions show it: %(questions)s. Remove it from them first.", questions="; ".join(asking))
        )

    def delete() -> str:
        service.delete_figure(figure)
        flash(_("Figure %(name)s deleted.", name=name), "info")
        return url_for("author.figures", slug=course.slug)

    return confirm_delete(
        _("Delete the figure %(name)s?", name=name),
        [_("The image file itself.")],
        url_for("author.figures", slug=course.slug),
        delete,
        blockers,
    )


@instructor_required
def glossary(slug: str):
    """The course glossary, drafts included, where a previewed lesson's glossary links lead."""
    return render_template("learn/glossary.html", course=owned_course_or_404(slug))

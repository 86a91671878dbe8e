"""A course's figures: upload (the type judged from the bytes, never the name), list, delete; and the addresses a
lesson preview's relative links reach (figures, glossary)."""

import json
import re

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from course.auth.access import instructor_required
from course.author import bp
from course.author.forms import FigureForm
from course.author.routes import confirm_delete, course_or_404
from course.content.figures import detect_media_type, figure_name
from course.content.loader import FIGURE_TYPES, IMAGE, MAX_FIGURE_BYTES
from course.extensions import db
from course.models import Figure, Lesson, Question, Quiz


def _lessons_showing(course_id: int, name: str) -> list[str]:
    """Titles of the lessons that show this figure, which deleting it would break."""
    rows = db.session.execute(select(Lesson.title, Lesson.body_markdown).where(Lesson.course_id == course_id))
    target = f"figures/{name}"
    return [row.title for row in rows if any(src == target for _alt, src in IMAGE.findall(row.body_markdown))]


def _questions_showing(course_id: int, name: str) -> list[str]:
    """The quiz questions (as "quiz title: question id") whose text shows this figure, which deleting it would break:
    prompts, explanations and every text of the spec (choices, feedback, a marker's guidance …)."""
    rows = db.session.execute(
        select(Quiz.title, Question.key, Question.prompt_markdown, Question.explanation_markdown, Question.spec)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.course_id == course_id)
        .order_by(Quiz.title, Question.position)
    )
    shown = re.compile(rf"\bfigures/{re.escape(name)}(?![\w.-])")
    return [f"{row.title}: {row.key}" for row in rows if shown.search(
        "\n".join((row.prompt_markdown, row.explanation_markdown, json.dumps(row.spec, ensure_ascii=False))))]


@bp.route("/courses/<slug>/figures/", methods=["GET", "POST"])
@instructor_required
def figures(slug: str):
    """The course's figures, and an upload form. Lessons show them with ![alt text](figures/<name>)."""
    course = course_or_404(slug)
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
        elif name is None:
            form.name.errors.append(_("Give a name of letters and digits, e.g. card-front."))
        elif existing and not form.replace.data:
            form.replace.errors.append(_("A figure named %(name)s exists. Tick this box to replace it.", name=name))
        else:
            figure = existing or Figure(course_id=course.id, name=name)
            figure.media_type, figure.data = media_type, data
            db.session.add(figure)
            db.session.commit()
            flash(_("Figure %(name)s saved. Show it in a lesson with ![what it shows](figures/%(name)s).", name=name),
                  "success")
            return redirect(url_for("author.figures", slug=course.slug))
    listed = db.session.execute(
        select(Figure.name, Figure.media_type).where(Figure.course_id == course.id).order_by(Figure.name)
    ).all()
    return render_template("author/figures.html", course=course, form=form, figures=listed, limit=limit,
                           accept=",".join(sorted(set(FIGURE_TYPES.values()))))  # fmt: skip


@bp.route("/courses/<slug>/figures/<name>")
@instructor_required
def figure(slug: str, name: str):
    """A figure for the editor's preview; served by the student-facing view (with its strict headers)."""
    course = course_or_404(slug)
    return redirect(url_for("learn.figure", slug=course.slug, name=name))


@bp.route("/courses/<slug>/figures/<name>/delete", methods=["GET", "POST"])
@instructor_required
def delete_figure(slug: str, name: str):
    """Delete a figure, unless a lesson or a quiz question still shows it."""
    course = course_or_404(slug)
    figure = db.session.scalar(select(Figure).where(Figure.course_id == course.id, Figure.name == name))
    if figure is None:
        return redirect(url_for("author.figures", slug=course.slug))
    showing, asking = _lessons_showing(course.id, name), _questions_showing(course.id, name)
    blockers = [_("These lessons show it: %(lessons)s. Remove it from them first.", lessons="; ".join(showing))
                ] if showing else []  # fmt: skip
    if asking:
        blockers.append(_("These quiz questions show it: %(questions)s. Remove it from them first.",
                          questions="; ".join(asking)))  # fmt: skip

    def delete() -> str:
        db.session.delete(figure)
        db.session.commit()
        flash(_("Figure %(name)s deleted.", name=name), "info")
        return url_for("author.figures", slug=course.slug)

    return confirm_delete(_("Delete the figure %(name)s?", name=name), [_("The image file itself.")],
                          url_for("author.figures", slug=course.slug), delete, blockers)  # fmt: skip


@bp.route("/courses/<slug>/glossary")
@instructor_required
def glossary(slug: str):
    """The course glossary, drafts included, where a previewed lesson's glossary links lead."""
    return render_template("learn/glossary.html", course=course_or_404(slug))


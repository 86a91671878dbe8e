"""Import and export views for instructors. Each page runs a fixed number of queries; the work is in course.content."""

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.audit import record
from course.auth.access import instructor_required
from course.content.archive import course_zip, import_course_zip
from course.content.exporter import course_files, course_for_export
from course.content.gift_quiz import BankImport, import_gift, quiz_gift
from course.content.loader import CourseData
from course.content.losses import LossesNeedConfirmation, confirm_losses
from course.content.moodle_xml import import_moodle_xml
from course.content.moodle_xml_export import quiz_moodle_xml
from course.content.problems import ContentError
from course.extensions import db
from course.lookups import owned_course_or_404, quiz_or_404
from course.models import Course, Module, Question, Quiz
from course.ownership import may_change, owned_course_ids, require_owner
from course.transfer.forms import CourseZipForm, QuestionBankImportForm


class NotAnOwner(Exception):  # noqa: N818  (a refusal, not a failure)
    """A zip would update a course that the signed-in instructor does not own."""


def _owners_only(data: CourseData, course: Course | None) -> None:
    if course is not None and not may_change(course):
        raise NotAnOwner(course.slug)


def _refused(field, error: ContentError) -> None:
    """Show every problem of a refused upload at its field, as path:line: message."""
    current_app.logger.warning("upload refused in the browser: %d problem(s)", len(error.problems))
    field.errors = [
        ngettext(
            "Nothing was imported: %(num)d problem found.",
            "Nothing was imported: %(num)d problems found.",
            len(error.problems),
        ),
        *map(str, error.problems),
    ]


def _index_page(form: CourseZipForm):
    courses = db.session.scalars(select(Course).order_by(Course.position, Course.title)).all()
    owned = owned_course_ids()
    return render_template(
        "transfer/index.html",
        courses=courses,
        form=form,
        may_change={c.id for c in courses if owned is None or c.id in owned},
    )


@instructor_required
def index():
    """Every course with its export link and its quizzes' GIFT page, and the upload that imports a course zip."""
    return _index_page(CourseZipForm())


@instructor_required
def import_zip():
    """Import an uploaded course zip, all or nothing; a refused zip is answered with its problems and a 400. A zip
    that would update a course of someone else's is refused (403); one that would delete lessons, questions or
    students' progress first shows what, and goes ahead only when the same zip comes back with the box ticked."""
    form = CourseZipForm()
    if form.validate_on_submit():
        upload = form.archive.data
        archive = upload.read()
        digest = hashlib.sha256(archive).hexdigest()
        confirmed = form.confirm.data and form.zip_digest.data == digest and form.losses.data
        check_losses = confirm_losses(confirmed or False)

        def guard(data: CourseData, course: Course | None) -> None:
            _owners_only(data, course)
            check_losses(data, course)

        name = upload.filename or "upload.zip"
        try:
            summary = import_course_zip(io.BytesIO(archive), name, guard=guard, owner_id=current_user.id)
        except ContentError as error:
            _refused(form.archive, error)
        except NotAnOwner as refusal:
            form.archive.errors = [
                _(
                    "Nothing was imported: the course “%(slug)s” exists and belongs to others. "
                    "Only its owners and administrators may re-import it.",
                    slug=refusal,
                )
            ]
            return _index_page(form), 403
        except LossesNeedConfirmation as pending:
            return _confirm_page(form, name, digest, pending), 409
        else:
            verb = "Created" if summary.created else "Updated"
            record(
                "course.imported",
                summary.course,
                detail=f"{verb.lower()} from {name}" + (f"; confirmed losses {form.losses.data}" if confirmed else ""),
            )
            db.session.commit()
            counts = {
                "title": summary.course.title,
                "modules": summary.modules,
                "lessons": summary.lessons,
                "quizzes": summary.quizzes,
                "figures": summary.figures,
            }
            flash(
                _(
                    "Created course “%(title)s”: %(modules)d modules, %(lessons)d lessons, %(quizzes)d quizzes, "
                    "%(figures)d figures.",
                    **counts,
                )
                if summary.created
                else _(
                    "Updated course “%(title)s”: %(modules)d modules, %(lessons)d lessons, %(quizzes)d quizzes, "
                    "%(figures)d figures.",
                    **counts,
                ),
                "success",
            )
            return redirect(url_for("transfer.index"))
    return _index_page(form), 400


def _confirm_page(form: CourseZipForm, name: str, digest: str, pending: LossesNeedConfirmation):
    """Say what the import would take away and ask for the same zip again with the box ticked."""
    changed = bool(form.confirm.data and form.losses.data and form.zip_digest.data == digest)
    other_zip = bool(form.confirm.data and form.zip_digest.data and form.zip_digest.data != digest)
    form.zip_digest.data, form.losses.data, form.confirm.data = digest, pending.losses.fingerprint(), False
    return render_template(
        "transfer/confirm_import.html",
        form=form,
        name=name,
        course=pending.course,
        losses=pending.losses.lines(),
        changed=changed,
        other_zip=other_zip,
    )


@instructor_required
def export_zip(slug: str):
    """The course as a zip of its folder, ready for `flask course import` or this platform's import on another box."""
    course = course_for_export(slug)
    if course is None:
        abort(404, description=_("There is no course at this address."))
    require_owner(course)
    archive = io.BytesIO(course_zip(course_files(course)))
    record("course.exported", course, detail="as a zip", commit=True)
    return send_file(archive, mimetype="application/zip", as_attachment=True, download_name=f"{course.slug}.zip")


@dataclass(frozen=True)
class QuestionBankFormat:
    """A question-bank file format the course page imports and exports: the GIFT and Moodle XML flows differ only
    in these."""

    label: str
    importer: Callable[..., BankImport]
    writer: Callable[..., str]
    extension: str
    mimetype: str
    export_endpoint: str


BANK_FORMATS = {
    "gift": QuestionBankFormat("GIFT", import_gift, quiz_gift, "gift", "text/plain", "transfer.export_gift_file"),
    "moodle-xml": QuestionBankFormat(
        "Moodle XML", import_moodle_xml, quiz_moodle_xml, "xml", "application/xml", "transfer.export_moodle_xml_file"
    ),
}


def _bank_form(course: Course, modules: Sequence[Module]) -> QuestionBankImportForm:
    form = QuestionBankImportForm()
    form.module.choices = [("", _("None: a course-level quiz"))] + [(m.slug, m.title) for m in modules]
    return form


def _course_page(course: Course, form: QuestionBankImportForm, skipped: list | None = None):
    quizzes = db.session.scalars(
        select(Quiz)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(Quiz.course_id == course.id)
        .options(selectinload(Quiz.module))
        .order_by(Quiz.is_final, Module.position.is_(None), Module.position, Quiz.id)  # course order
    ).all()
    counts = dict(
        db.session.execute(
            select(Question.quiz_id, func.count(Question.id))
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.course_id == course.id)
            .group_by(Question.quiz_id)
        ).all()
    )
    return render_template(
        "transfer/course.html",
        course=course,
        quizzes=quizzes,
        counts=counts,
        form=form,
        skipped=skipped or [],
        banks=BANK_FORMATS,
    )


def _modules(course: Course) -> Sequence[Module]:
    return db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()


@instructor_required
def course_quizzes(slug: str):
    """A course's quizzes with GIFT and Moodle XML downloads, and the upload that fills quizzes from a Moodle
    question bank."""
    course = owned_course_or_404(slug)
    return _course_page(course, _bank_form(course, _modules(course)))


@instructor_required
def import_bank(slug: str):
    """Add an uploaded GIFT or Moodle XML file's questions to a quiz (or to the quizzes their categories name), all
    or nothing, or with the box ticked the good ones, listing the skipped ones; problems are listed as path:line."""
    course = owned_course_or_404(slug)
    form = _bank_form(course, _modules(course))
    if form.validate_on_submit():
        upload = form.bank_file.data
        bank = BANK_FORMATS[form.bank_format.data]
        name = upload.filename or f"upload.{bank.extension}"
        by_category = form.target.data == "category"
        try:
            done = bank.importer(
                upload.read(),
                name,
                course,
                form.quiz.data or None,
                form.module.data or None,
                form.skip_unsupported.data,
                by_category,
            )
        except ValueError as error:
            (form.target if by_category else form.module).errors = [str(error)]
        except ContentError as error:
            _refused(form.bank_file, error)
        else:
            for summary in done.quizzes:
                flash(str(summary), "success")
            if done.figures:
                flash(
                    ngettext(
                        "Added %(num)d figure to the course.", "Added %(num)d figures to the course.", done.figures
                    ),
                    "success",
                )
            written = "; ".join(
                f"into quiz {summary.quiz.slug}: {summary.added} added, {summary.replaced} replaced"
                for summary in done.quizzes
            )
            record(
                "course.imported",
                course,
                detail=f"{bank.label} {name} {written}, figures added: {done.figures}, "
                f"problems skipped: {len(done.skipped)}",
                commit=True,
            )
            if done.skipped:  # shown on this page, not after a redirect: the list can be long
                return _course_page(course, _bank_form(course, _modules(course)), done.skipped)
            return redirect(url_for("transfer.course_quizzes", slug=course.slug))
    return _course_page(course, form), 400


@instructor_required
def export_gift_file(slug: str, quiz_slug: str):
    """A quiz's questions as GIFT for Moodle; sources, points and the quiz's settings have no place there."""
    return _export_bank(slug, quiz_slug, BANK_FORMATS["gift"])


@instructor_required
def export_moodle_xml_file(slug: str, quiz_slug: str):
    """A quiz's questions as Moodle XML, the figures they show embedded; sources and the quiz's settings have no
    place there."""
    return _export_bank(slug, quiz_slug, BANK_FORMATS["moodle-xml"])


def _export_bank(slug: str, quiz_slug: str, bank: QuestionBankFormat):
    course = owned_course_or_404(slug)
    quiz = quiz_or_404(course, quiz_slug)
    text = io.BytesIO(bank.writer(quiz, skipped=[]).encode())  # questions it cannot hold are left out
    record("course.exported", course, detail=f"quiz {quiz.slug} as {bank.label}", commit=True)
    return send_file(text, mimetype=bank.mimetype, as_attachment=True, download_name=f"{quiz.slug}.{bank.extension}")

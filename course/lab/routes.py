"""ID Design Lab views. The lab is a form that posts and re-renders, so it works without JavaScript; lab.js only
fetches the same results from /lab/preview as a choice changes. Every design is parsed and graded on the server.

Pages read the lab in the reader's language (catalogue.localized_lab); grading and what is stored use the English lab,
so a submission's checks are kept as their msgids and shown in whatever language its reader uses."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from course import labmodel
from course.auth.access import instructor_required
from course.extensions import db
from course.lab import bp, page, records
from course.lab.catalogue import localized_lab
from course.lab.forms import DesignTitleForm
from course.models import LabDesign, LabSubmission


def _render_lab(
    *,
    values,
    design,
    errors,
    preset,
    task,
    compare,
    status=200,
    record=None,
    submission=None,
    title_form=None,
    changed=None,
    levels_before=None,
):
    """The lab page: the form with the student's choices and errors at the fields, then the results."""
    context = page.results_context(design, errors, preset, task, compare, levels_before)
    completed_at = None
    if context["task"] is not None and current_user.is_authenticated:
        completed_at = records.task_completed_at(current_user.id, context["task"].slug)
    if title_form is None:
        title_form = DesignTitleForm(formdata=None, title=record.title if record else page.default_title(context))
    return (
        render_template(
            "lab/lab.html",
            values=values,
            compare=compare,
            record=record,
            submission=submission,
            completed_at=completed_at,
            title_form=title_form,
            is_owner=record is not None and current_user.is_authenticated and record.user_id == current_user.id,
            changed=changed,
            design_form=page.design_form(context, values, compare, changed),
            results_column=page.results_column(context, compare),
            **context,
        ),
        status,
    )


@bp.get("")
def index():
    """The lab, opened on a preset (`?preset=`), a task (`?task=`, starting from its preset) or the minimal design."""
    lab = labmodel.get_lab()
    preset, task, compare = page.preset_task_and_compare(request.args, 404)
    if task and not preset:
        preset = lab.tasks[task].preset
    preset = preset or labmodel.DEFAULT_PRESET
    design = labmodel.preset_design(preset)
    return _render_lab(
        values=page.form_values(labmodel.design_to_form(design)),
        design=design,
        errors={},
        preset=preset,
        task=task,
        compare=compare or ([] if preset == labmodel.DEFAULT_PRESET else [preset]),
    )


@bp.post("")
def update():
    """The no-JavaScript path: re-render the lab for the posted design; a bad design gets 400 and field errors.
    The form's action ends in #lab-changed, an anchor placed at the option that changed, so the page comes back
    where the student was, with what changed in the summary bar."""
    preset, task, compare = page.preset_task_and_compare(request.form, 400)
    design, errors = page.parse_for_reader(request.form)
    return _render_lab(
        values=page.posted_values(request.form),
        design=design,
        errors=errors,
        preset=preset,
        task=task,
        compare=compare,
        status=400 if errors else 200,
        changed=page.changed_option(request.form),
        levels_before=request.form.get("levels_before"),
    )


@bp.post("/preview")
def preview():
    """What lab.js fetches as a choice changes: the results column as HTML, and errors by field, as JSON."""
    preset, task, compare = page.preset_task_and_compare(request.form, 400)
    design, errors = page.parse_for_reader(request.form)
    context = page.results_context(design, errors, preset, task, compare, request.form.get("levels_before"))
    html = page.results_column(context, compare)
    summary_html = render_template("lab/_summary.html", **context)
    summary = page.status_summary(context)
    status = 400 if errors else 200
    return jsonify(ok=not errors, errors=errors, html=html, summary=summary, summary_html=summary_html), status


def _title_errors(form: DesignTitleForm) -> dict[str, str]:
    return {} if form.validate() else {name: messages[0] for name, messages in form.errors.items()}


def _posted_design(record: LabDesign | None = None):
    """Read a posted design and its title; when either is invalid, also the 400 page that says why (nothing saved)."""
    preset, task, compare = page.preset_task_and_compare(request.form, 400)
    design, errors = page.parse_for_reader(request.form)
    title_form = DesignTitleForm()
    errors = {**(errors or {}), **_title_errors(title_form)}
    refusal = None
    if errors or design is None:
        refusal = _render_lab(
            values=page.posted_values(request.form),
            design=design,
            errors=errors,
            preset=preset,
            task=task,
            compare=compare,
            status=400,
            record=record,
            title_form=title_form,
        )
    return preset, task, design, title_form, refusal


@bp.post("/designs")
@login_required
def save_design():
    """Save the posted design as a new design of the student's own (a copy, when it came from someone else's)."""
    preset, task, design, title_form, refusal = _posted_design()
    if refusal:
        return refusal
    record = LabDesign(
        user_id=current_user.id,
        title=title_form.title.data.strip(),
        design=labmodel.design_to_form(design),
        preset=preset,
        task_slug=task,
    )
    db.session.add(record)
    db.session.commit()
    flash(_("Design saved. It is private until you share it with your class."), "success")
    return redirect(url_for("lab.design", token=record.token))


def _visible_design_or_404(token: str) -> LabDesign:
    record = records.design_by_token(token)
    if record is None or not records.can_view_design(record, current_user):
        abort(404, description=_("There is no design of yours, or shared with you, at this address."))
    return record


def _own_design(token: str) -> LabDesign:
    """The author's own design; others who can see it may copy it but not change it."""
    record = _visible_design_or_404(token)
    if record.user_id != current_user.id:
        abort(403, description=_("Only the author can change this design. Save a copy to work on it."))
    return record


@bp.get("/designs/<token>")
@login_required
def design(token: str):
    """A saved design at its own address: its author can change and share it, classmates can open a shared one."""
    record = _visible_design_or_404(token)
    lab = labmodel.get_lab()
    _preset, _task, compare = page.preset_task_and_compare(request.args, 400)
    preset, task = page.known_or_none(record.preset, lab.presets), page.known_or_none(record.task_slug, lab.tasks)
    design, errors = page.parse_for_reader(record.design)  # the options may have changed since it was saved
    return _render_lab(
        values=page.form_values(record.design),
        design=design,
        errors=errors,
        preset=preset,
        task=task,
        compare=compare or ([preset] if preset else []),
        record=record,
    )


@bp.post("/designs/<token>")
@login_required
def update_design(token: str):
    """Replace a saved design with the posted one; a bad design changes nothing."""
    record = _own_design(token)
    _preset, _task, design, title_form, refusal = _posted_design(record)
    if refusal:
        return refusal
    record.design = labmodel.design_to_form(design)
    record.title = title_form.title.data.strip()
    db.session.commit()
    flash(_("Design updated."), "success")
    return redirect(url_for("lab.design", token=record.token))


@bp.post("/designs/<token>/share")
@login_required
def share_design(token: str):
    """Share a design with the author's classes by its link, or make it private again."""
    record = _own_design(token)
    record.shared = not record.shared
    db.session.commit()
    if record.shared:
        flash(_("Shared: your classmates and instructors can open this design's link."), "success")
    else:
        flash(_("This design is private again."), "info")
    return redirect(url_for("lab.design", token=record.token))


@bp.route("/designs/<token>/delete", methods=["GET", "POST"])
@login_required
def delete_design(token: str):
    """Delete a saved design (submissions keep their own copy), after a page that says what stops working."""
    record = _own_design(token)
    if request.method == "GET":
        return render_template("lab/confirm_delete.html", record=record)
    db.session.delete(record)
    db.session.commit()
    flash(_("“%(title)s” deleted.", title=record.title), "info")
    return redirect(url_for("lab.designs"))


@bp.get("/designs")
@login_required
def designs():
    """The student's saved designs and the ones classmates have shared."""
    return render_template(
        "lab/designs.html",
        own=records.own_designs(current_user.id),
        shared=records.designs_shared_with(current_user),
    )


@bp.get("/tasks")
def tasks():
    """The graded tasks, each opening the lab on its starting design."""
    return render_template("lab/tasks.html", lab=localized_lab())


@bp.post("/tasks/<task_slug>/submit")
@login_required
def submit_task(task_slug: str):
    """Grade the posted design against the task on the server and keep the submission; a bad design saves nothing."""
    lab = labmodel.get_lab()
    task = lab.tasks.get(task_slug)
    if task is None:
        abort(404, description=_("There is no such lab task."))
    preset, _task, compare = page.preset_task_and_compare(request.form, 400)
    design, errors = page.parse_for_reader(request.form)
    if errors or design is None:
        return _render_lab(
            values=page.posted_values(request.form),
            design=None,
            errors=errors,
            preset=preset,
            task=task.slug,
            compare=compare,
            status=400,
        )
    result = labmodel.check_task(task, design)  # the English lab: the checks are stored as their msgids
    submission = LabSubmission(
        user_id=current_user.id,
        task_slug=task.slug,
        design=labmodel.design_to_form(design),
        checks=[{"says": check.says, "ok": ok} for check, ok in result.checks],
        passed=result.passed,
    )
    db.session.add(submission)
    db.session.commit()
    title = localized_lab().tasks[task.slug].title
    if result.passed:
        flash(_("Task complete: “%(task)s”. It now counts toward your progress.", task=title), "success")
    else:
        done = sum(ok for _check, ok in result.checks)
        flash(
            ngettext(
                "Not yet: %(done)d of %(num)d check holds. Change the design and submit again.",
                "Not yet: %(done)d of %(num)d checks hold. Change the design and submit again.",
                len(result.checks),
                done=done,
            ),
            "error",
        )
    return redirect(url_for("lab.submission", submission_id=submission.id))


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    """A submission as graded, opened in the lab so its author can keep working from it."""
    found = db.get_or_404(LabSubmission, submission_id, description=_("There is no submission at this address."))
    if not records.can_view_submission(found, current_user):
        abort(404, description=_("There is no submission at this address."))
    lab = labmodel.get_lab()
    task = page.known_or_none(found.task_slug, lab.tasks)
    preset = lab.tasks[task].preset if task else None
    design, errors = page.parse_for_reader(found.design)
    return _render_lab(
        values=page.form_values(found.design),
        design=design,
        errors=errors,
        preset=preset,
        task=task,
        compare=[preset] if preset else [],
        submission=found,
    )


@bp.get("/tasks/<task_slug>/submissions")
@instructor_required
def task_submissions(task_slug: str):
    """For an instructor: each student's latest submission of a task, and whether they have completed it."""
    task = localized_lab().tasks.get(task_slug)
    if task is None:
        abort(404, description=_("There is no such lab task."))
    return render_template("lab/submissions.html", task=task, rows=records.latest_submissions(task.slug, current_user))

"""What a lab page is built from, apart from rendering it: the preset, task and presets to compare that travel with
a request, the design read from form values in the reader's language, the results for a valid design and what
changed since the page was last shown. The views in routes.py put these together."""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from course import labmodel
from course.lab import drawing, records
from course.lab.catalogue import lab_text, localized_lab
from course.structure import current_structure


@dataclass
class LabResults:
    """What the results column shows for a valid design."""

    profile: labmodel.Profile
    task_result: labmodel.TaskResult | None
    comparison: labmodel.Comparison
    front: Markup
    back: Markup
    chart: Markup

    @property
    def summary(self) -> str:
        """One line for the screen-reader status after an update."""
        return "; ".join(
            _("%(dimension)s: %(level)s", dimension=d.dimension.label, level=d.level.label)
            for d in self.profile.dimensions
        )

    @property
    def levels(self) -> str:
        """The profile as `dimension=level;…`, kept in the form so the next update can say what changed."""
        return ";".join(f"{d.dimension.key}={d.level.key}" for d in self.profile.dimensions)


def preset_task_and_compare(source, unknown_status: int) -> tuple[str | None, str | None, list[str]]:
    """The preset, task and presets to compare that travel with a request; unknown ones are refused."""
    lab = labmodel.get_lab()
    preset = (source.get("preset") or "").strip() or None
    task = (source.get("task") or "").strip() or None
    if preset is not None and preset not in lab.presets:
        abort(unknown_status, description=_("The lab has no preset called “%(slug)s”.", slug=preset[:40]))
    if task is not None and task not in lab.tasks:
        abort(unknown_status, description=_("The lab has no task called “%(slug)s”.", slug=task[:40]))
    compare: list[str] = []
    for slug in source.getlist("compare"):
        if slug not in lab.presets:
            abort(400, description=_("“%(slug)s” is not a preset that can be compared.", slug=slug[:40]))
        if slug not in compare:
            compare.append(slug)
    return preset, task, compare


def form_values(stored: dict[str, Any]) -> dict[str, list[str]]:
    """Stored form values as lists, the shape the template checks choices against."""
    return {k: v if isinstance(v, list) else [v] for k, v in stored.items()}


def posted_values(form) -> dict[str, list[str]]:
    """Every posted value as a list, so the page shows back exactly what was sent."""
    return {key: form.getlist(key) for key in form}


def results_context(design, errors, preset, task, compare, levels_before=None) -> dict[str, Any]:
    """Everything the results column and the summary bar need; shared by the full page and the fetch endpoint."""
    lab = localized_lab()
    task_obj = lab.tasks.get(task) if task else None
    results = None
    if design is not None:
        key = (_interface_language(), json.dumps(design, sort_keys=True, default=str), task, tuple(compare))
        results = _recently_made("results", key, lambda: _results(lab, design, task_obj, compare))
    return {
        "lab": lab,
        "design": design,
        "results": results,
        "changes": _level_changes(levels_before, results),
        "errors": errors,
        "preset": lab.presets.get(preset) if preset else None,
        "task": task_obj,
        "lessons": records.lesson_links(_lesson_slugs(lab), language=_interface_language()),
        "lab_text": lab_text,
    }


def _results(lab: labmodel.Lab, design: labmodel.Design, task, compare: list[str]) -> LabResults:
    """The profile, the task's verdict, the comparison and the three drawings of one design."""
    profile = labmodel.explain(design, lab=lab)
    labelled = [(_("Your design"), design)] + [(lab.presets[s].title, lab.presets[s].design) for s in compare]
    comparison = labmodel.compare(labelled, lab=lab)
    return LabResults(
        profile=profile,
        task_result=labmodel.check_task(task, design, lab=lab, design_profile=profile) if task else None,
        comparison=comparison,
        front=drawing.card_front(design, lab=lab),
        back=drawing.card_back(design, lab=lab),
        chart=drawing.comparison_chart(comparison, lab=lab),
    )


def _interface_language() -> str:
    """The language the page is shown in, which picks the lesson titles the results link to."""
    from flask_babel import get_locale

    return str(get_locale())


def parse_for_reader(form) -> tuple[labmodel.Design | None, dict[str, str]]:
    """A posted design, with any errors written in the reader's language."""
    return labmodel.parse_design(form, lab=localized_lab())


def _level_changes(before: str | None, results: LabResults | None) -> list[tuple[str, str, str]] | None:
    """Each dimension whose level moved since the last update, as (dimension, before, after); None when there was
    no earlier profile to compare with (the first page of a visit)."""
    if results is None or not before:
        return None
    lab = localized_lab()
    label_of = {level.key: level.label for level in lab.levels}
    old = dict(pair.split("=", 1) for pair in before.split(";") if "=" in pair)
    return [
        (d.dimension.label, label_of[old[d.dimension.key]], d.level.label)
        for d in results.profile.dimensions
        if old.get(d.dimension.key) in label_of and old[d.dimension.key] != d.level.key
    ]


def changed_option(form) -> str | None:
    """The first option, in form order, whose posted value differs from the one the page was showing: where the
    page returns to after an update without JavaScript (the #lab-changed anchor)."""
    try:
        before = json.loads(form.get("values_before") or "{}")
    except ValueError:
        return None
    if not isinstance(before, dict):
        return None
    for section in labmodel.get_lab().sections:
        for option in section.options:
            was = before.get(option.key, [])
            if sorted(form.getlist(option.key)) != sorted(was if isinstance(was, list) else [was]):
                return option.key
    return None


def _lesson_slugs(lab: labmodel.Lab) -> set[str]:
    """Every lesson the lab's options, dimensions, rules and tasks point to."""
    slugs = {o.lesson for o in lab.options.values()} | {d.lesson for d in lab.dimensions}
    return slugs | {r.lesson for r in lab.rules} | {t.lesson for t in lab.tasks.values()}


def default_title(context) -> str:
    """The title the save form suggests: after the task or the preset the design started from."""
    if context["task"] is not None:
        return _("My answer to “%(task)s”", task=context["task"].title)
    if context["preset"] is not None:
        return _("%(preset)s — my version", preset=context["preset"].title)
    return _("My ID design")


def known_or_none(value: str | None, known) -> str | None:
    """A stored preset or task slug while the lab still has it; the lab's data may have changed since."""
    return value if value in known else None


def status_summary(context: dict[str, Any]) -> str:
    """The line a screen reader hears after an update: what changed, else the whole profile, else that a choice
    needs fixing."""
    if context["changes"]:
        changes = [
            _("%(dimension)s: %(new)s (was %(old)s)", dimension=label, new=new, old=old)
            for label, old, new in context["changes"]
        ]
        return _("Changed: %(changes)s", changes="; ".join(changes))
    return context["results"].summary if context["results"] else _("Some choices need fixing.")


# A lab page's results (the drawings above all), its results column and its design form depend only on the design,
# the choices shown, the errors, the reader's language and the course content: the same inputs give the same output,
# and a class trying the same presets asks for the same ones again and again. Each app keeps the most recent of each
# kind, the lab's opening page always among them; nothing personal is in them.
KEPT_PER_KIND = 64
_kept_lock = threading.Lock()


def _recently_made(kind: str, key: tuple, make: Callable[[], Any]) -> Any:
    """What `make` returns for `key`, made once and reused while it stays among the KEPT_PER_KIND most recent."""
    kept: OrderedDict[tuple, Any] = current_app.extensions.setdefault(f"lanyard_lab_{kind}", OrderedDict())
    with _kept_lock:
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return found
    found = make()
    with _kept_lock:
        kept[key] = found
        while len(kept) > KEPT_PER_KIND:
            kept.popitem(last=False)
    return found


def results_column(context: dict[str, Any], compare: list[str]) -> Markup:
    """The results column's HTML (templates/lab/_results.html), rendered once per distinct design, task, comparison,
    preset and errors and reused: it shows nothing of the reader, and the page and lab.js's preview both send it."""
    task, preset = context["task"], context["preset"]
    key = (
        _interface_language(),
        request.script_root,
        current_structure().version,
        json.dumps(context["design"], sort_keys=True, default=str),
        tuple(sorted(context["errors"].items())),
        task.slug if task else None,
        tuple(compare),
        preset.slug if preset else None,
    )
    return _recently_made(
        "results_columns",
        key,
        lambda: Markup(render_template("lab/_results.html", **context)),  # noqa: S704 — rendered with autoescaping
    )


def design_form(
    context: dict[str, Any], values: dict[str, list[str]], compare: list[str], changed: str | None
) -> Markup:
    """The design form's HTML (templates/lab/_design_form.html) for these choices and errors, rendered once per
    distinct input and reused."""
    key = (
        _interface_language(),
        request.script_root,
        current_structure().version,
        tuple(sorted((name, tuple(chosen)) for name, chosen in values.items())),
        tuple(sorted(context["errors"].items())),
        tuple(compare),
        changed,
    )
    return _recently_made(
        "design_forms",
        key,
        lambda: Markup(  # noqa: S704 — a template rendered with autoescaping
            render_template(
                "lab/_design_form.html",
                lab=context["lab"],
                lessons=context["lessons"],
                errors=context["errors"],
                values=values,
                compare=compare,
                changed=changed,
            )
        ),
    )

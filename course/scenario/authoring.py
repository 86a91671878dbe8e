"""The scenario editor: one form per node, checked by the same rules as `course check` before anything is saved,
with a preview of the node as rendered. Its pages join the `author` blueprint, at the depth of the lesson editor so
the renderer's relative links resolve."""

import copy

import yaml
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from course.auth.access import instructor_required
from course.author import service
from course.content.exporter import scenario_file
from course.content.scenario import load_scenario_text
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.forms import BaseForm
from course.lookups import lesson_or_404, owned_course_or_404


class NodeForm(BaseForm):
    """One node. Choices are written as in the scenario file (a YAML list), so `set` and `when` need no extra
    widgets; a new node may name the node and choice text that lead to it, so it is reachable when saved."""

    node_id = StringField(
        _l("Node id"),
        validators=[Optional(), Length(max=80)],
        description=_l("Lower-case words joined by hyphens; attempts refer to it, so keep it stable."),
    )
    title = StringField(_l("Title"), validators=[Length(max=200)])
    text = TextAreaField(_l("Text (Markdown, with ::: if … passages)"), validators=[Length(max=20000)])
    choices = TextAreaField(
        _l("Choices (YAML list of text, to, set, when)"),
        validators=[Length(max=20000)],
        description=_l("Leave empty for an ending."),
    )
    ending = StringField(_l("Ending name (for an ending only)"), validators=[Length(max=200)])
    debrief = TextAreaField(
        _l("Debrief (Markdown with [@source-id] citations; endings only)"), validators=[Length(max=20000)]
    )
    from_node = StringField(_l("Reached from node (new nodes)"), validators=[Optional(), Length(max=80)])
    from_text = StringField(_l("…by a choice reading (new nodes)"), validators=[Optional(), Length(max=500)])
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))


def _node_form_data(node: dict) -> dict:
    choices = node.get("choices")
    dumped = yaml.safe_dump(choices, sort_keys=False, allow_unicode=True, width=120) if choices else ""
    return {
        "node_id": node["id"],
        "title": node.get("title", ""),
        "text": node.get("text", ""),
        "choices": dumped,
        "ending": node.get("ending", ""),
        "debrief": node.get("debrief", ""),
    }


def _node_from_form(form: NodeForm, node_id: str, errors: list[str]) -> dict:
    node: dict = {"id": node_id, "title": form.title.data.strip(), "text": form.text.data.replace("\r\n", "\n")}
    if form.choices.data.strip():
        parsed, problems = load_yaml(form.choices.data, "choices")
        if problems or not isinstance(parsed, LineList):
            errors.append(_("Choices must be a YAML list, each item with text and to (and optionally set and when)."))
        else:
            node["choices"] = _plain(parsed)
    if form.ending.data.strip():
        node["ending"] = form.ending.data.strip()
        node["debrief"] = form.debrief.data.replace("\r\n", "\n")
    return node


def _plain(value):
    if isinstance(value, LineDict | dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, LineList | list):
        return [_plain(item) for item in value]
    return value


def _problems_by_node(text: str, problems) -> list[tuple[str, str]]:
    """Each problem with the node whose lines hold it, so the author knows which form to open."""
    data, _lines = load_yaml(text, "scenario")
    starts = []
    if isinstance(data, LineDict) and isinstance(data.get("nodes"), LineList):
        nodes = data["nodes"]
        starts = [(nodes.line_of(i), n.get("id", "?")) for i, n in enumerate(nodes) if isinstance(n, LineDict)]
    found = []
    for problem in problems:
        owner = next((node_id for line, node_id in reversed(starts) if line <= problem.line), "")
        found.append((owner, problem.message))
    return found


@instructor_required
def edit_scenario(slug: str, lesson_slug: str):
    """List a scenario's nodes and edit one (?node=id) or add one (?node=new); saved only when the whole scenario
    passes the checks `course check` runs."""
    course = owned_course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    scenario = lesson.scenario
    if scenario is None:  # a page that says so, like the editor of any lesson
        return render_template(
            "scenario/edit.html",
            course=course,
            lesson=lesson,
            nodes=[],
            current=None,
            is_new=False,
            form=None,
            problems=[],
            errors=[],
            preview=None,
            not_scenario=True,
        )
    document = scenario.document
    nodes = document.get("nodes", [])
    node_id = request.args.get("node", "")
    current = next((node for node in nodes if node["id"] == node_id), None)
    is_new = node_id == "new"
    if node_id and current is None and not is_new:
        abort(404, description=_("This scenario has no such node."))
    form = NodeForm(data=_node_form_data(current) if current else {})
    problems: list[tuple[str, str]] = []
    preview = None
    errors: list[str] = []
    if request.method == "POST" and (current or is_new) and form.validate():
        new_id = current["id"] if current else (form.node_id.data or "").strip()
        edited = _node_from_form(form, new_id, errors)
        changed = [edited if node is current else copy.deepcopy(node) for node in nodes]
        if is_new:
            changed.append(edited)
            origin = next((node for node in changed if node["id"] == (form.from_node.data or "").strip()), None)
            if origin is not None and form.from_text.data.strip():
                origin["choices"] = [*origin.get("choices", []), {"text": form.from_text.data.strip(), "to": new_id}]
        candidate = {**document, "nodes": changed}
        text = scenario_file(type(scenario)(document=candidate))
        data, found = load_scenario_text(text, "scenario.yaml", lesson.sources)
        problems = _problems_by_node(text, found)
        if form.preview.data and data is not None:
            preview = data.compiled["nodes"].get(new_id)
        elif not errors and not problems and data is not None:
            service.save_scenario(scenario, data)
            flash(_("Node “%(title)s” saved.", title=edited["title"]), "success")
            return redirect(url_for("author.edit_scenario", slug=slug, lesson_slug=lesson_slug, node=new_id))
    return render_template(
        "scenario/edit.html",
        course=course,
        lesson=lesson,
        nodes=nodes,
        current=current,
        is_new=is_new,
        form=form,
        problems=problems,
        errors=errors,
        preview=preview,
    )

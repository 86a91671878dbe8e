"""A module's teacher's guide (guide.yaml beside its lessons), declared once as GUIDE, and its rendering."""

from html import escape
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.checking import TEXT, TITLE, CheckerBase, _display
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.i18n import N_
from course.render import in_content_language, render_inline, render_markdown
from course.sanitize import clean_html

GUIDE_FILE = "guide.yaml"
GUIDE_TIMING = ("quiz", "lab", "discussion", "activity")
MIN_DISCUSSION_PROMPTS = 3


GUIDE_ACTIVITY = schema.Schema({"title": TITLE, "materials": TEXT, "steps": TEXT})
GUIDE_MINUTES = schema.integer(low=0, high=600, default=0)
GUIDE = schema.Schema(
    {
        "audience": TEXT,
        "prerequisites": TEXT,
        "timing": schema.mapping(schema.Schema(dict.fromkeys(GUIDE_TIMING, GUIDE_MINUTES))),
        "discussion": schema.list_of(schema.mapping(schema.Schema({"prompt": TEXT, "good_answer": TEXT}))),
        "activity": schema.mapping(GUIDE_ACTIVITY, required=True),
        "content_note": schema.text(nullable=True, required=False),
        "misconceptions": schema.list_of(schema.mapping(schema.Schema({"misconception": TEXT, "response": TEXT}))),
    }
)


class GuideChecker(CheckerBase):
    def load_guide(self, path: Path) -> tuple[dict[str, Any], str]:
        """A module's teacher's guide (guide.yaml beside its lessons): every part checked, the Markdown rendered once.
        Returns the guide as written (what export writes back) and its HTML."""
        data, problems = load_yaml(self.read_text(path) or "", _display(path))
        self.problems += problems
        if problems:
            return {}, ""
        if not isinstance(data, LineDict):
            self.problem(path, 1, _("a teacher's guide is a mapping: audience, prerequisites, timing, discussion, …"))
            return {}, ""
        the_guide = _("the teacher's guide")
        self.unknown_fields(data, GUIDE, path, the_guide)
        audience, prerequisites = self.fields(data, GUIDE, path, the_guide, "audience", "prerequisites")
        guide: dict[str, Any] = {"audience": audience, "prerequisites": prerequisites}
        if data.get("content_note") is not None:
            guide["content_note"] = self.field(data, "content_note", TEXT, path, the_guide)
        guide["timing"] = self.guide_timing(data, path)
        guide["discussion"] = self.guide_pairs(data, "discussion", MIN_DISCUSSION_PROMPTS, path)
        guide["misconceptions"] = self.guide_pairs(data, "misconceptions", 1, path)
        activity = data.get("activity")
        if not isinstance(activity, LineDict):
            message = _("the teacher's guide needs an activity: title, materials, steps")
            self.problem(path, data.line_of("activity"), message)
            guide["activity"] = {}
        else:
            the_activity = _("the activity")
            self.unknown_fields(activity, GUIDE_ACTIVITY, path, the_activity)
            names = tuple(GUIDE_ACTIVITY.fields)
            values = self.fields(activity, GUIDE_ACTIVITY, path, the_activity, *names)
            guide["activity"] = dict(zip(names, values, strict=True))
        return guide, render_guide(guide)

    def guide_timing(self, data: LineDict, path: Path) -> dict[str, int]:
        timing = data.get("timing")
        if not isinstance(timing, LineDict):
            message = _("the teacher's guide needs timing: minutes for %(parts)s", parts=", ".join(GUIDE_TIMING))
            self.problem(path, data.line_of("timing"), message)
            return {}
        self.unknown_fields(
            timing, GUIDE.nested("timing"), path, _("the timing (reading time is the lessons' minutes)")
        )
        for key in GUIDE_TIMING:
            if key not in timing:
                self.problem(
                    path, timing.line, _("timing needs '%(key)s' (minutes, 0 when it does not apply)", key=key)
                )
        return {key: self.field(timing, key, GUIDE_MINUTES, path, "") for key in GUIDE_TIMING if key in timing}

    def guide_pairs(self, data: LineDict, key: str, least: int, path: Path) -> list[dict]:
        pair = GUIDE.nested(key)
        fields = tuple(pair.fields)
        entries = data.get(key)
        if not isinstance(entries, LineList) or len(entries) < least:
            if least > 1:
                message = _(
                    "'%(key)s' needs %(least)d or more entries, each with %(first)s and %(second)s",
                    key=key,
                    least=least,
                    first=fields[0],
                    second=fields[1],
                )
            else:
                message = _(
                    "'%(key)s' needs at least one entry, each with %(first)s and %(second)s",
                    key=key,
                    first=fields[0],
                    second=fields[1],
                )
            self.problem(path, data.line_of(key), message)
            return []
        pairs = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                message = _(
                    "each of '%(key)s' needs %(first)s and %(second)s", key=key, first=fields[0], second=fields[1]
                )
                self.problem(path, entries.line_of(index), message)
                continue
            an_entry = _("an entry of '%(key)s'", key=key)
            self.unknown_fields(entry, pair, path, an_entry)
            pairs.append(dict(zip(fields, self.fields(entry, pair, path, an_entry, *fields), strict=True)))
        return pairs


# In the course's language when rendered, as the guide's own text is (course.render.in_content_language).
GUIDE_HEADINGS = {
    "audience": N_("Audience"),
    "prerequisites": N_("Prerequisites"),
    "content_note": N_("Content note"),
    "discussion": N_("Discussion prompts"),
    "activity": N_("Classroom activity (no computers needed)"),
    "misconceptions": N_("Common misconceptions"),
}


def render_guide(guide: dict[str, Any]) -> str:
    """A teacher's guide as clean HTML, its parts in a fixed order; the timing is left to the page, which adds the
    module's reading time from its lessons' minutes as they stand."""
    parts = []

    def heading(key: str) -> str:
        return escape(in_content_language(GUIDE_HEADINGS[key]))

    good_answer = escape(in_content_language(N_("A good answer covers:")))
    materials = escape(in_content_language(N_("Materials:")))
    if guide.get("content_note"):
        parts.append(
            f'<section class="content-note"><h4>{heading("content_note")}</h4>'
            f"{render_markdown(guide['content_note']).html}</section>"
        )
    for key in ("audience", "prerequisites"):
        parts.append(f"<h4>{heading(key)}</h4>{render_markdown(guide.get(key, '')).html}")
    prompts = "".join(
        f"<li>{render_markdown(pair['prompt']).html}<p><strong>{good_answer}</strong></p>"
        f"{render_markdown(pair['good_answer']).html}</li>"
        for pair in guide.get("discussion", [])
    )
    parts.append(f"<h4>{heading('discussion')}</h4><ol>{prompts}</ol>")
    activity = guide.get("activity") or {}
    if activity:
        parts.append(
            f"<h4>{heading('activity')}: {render_inline(activity.get('title', ''))}</h4>"
            f"<p><strong>{materials}</strong> {render_inline(activity.get('materials', ''))}</p>"
            f"{render_markdown(activity.get('steps', '')).html}"
        )
    misconceptions = "".join(
        f"<li><p><strong>{render_inline(pair['misconception'])}</strong></p>{render_markdown(pair['response']).html}</li>"
        for pair in guide.get("misconceptions", [])
    )
    parts.append(f"<h4>{heading('misconceptions')}</h4><ul>{misconceptions}</ul>")
    return clean_html("".join(parts))

"""Essay: a written answer an instructor marks (a score and feedback) from the class's grading queue. Until then the
answer is pending: the attempt has no percentage and counts nowhere. `guidance` (Markdown) is for the marker only."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.render import render_markdown

MAX_ESSAY = 20_000


@register
class Essay(QuestionType):
    name = "essay"
    label = _l("Essay (marked by an instructor)")
    fields = frozenset({"guidance"})
    manual = True
    multiline = True
    analysis = ""  # nobody's own words on a report
    partials = frozenset({"take", "preview", "edit", "result"})

    def validate(self, question):
        guidance = question.get("guidance", "")
        return [] if isinstance(guidance, str) else [("guidance", "guidance must be text (Markdown) for the marker")]

    def spec(self, question):
        guidance = str(question.get("guidance") or "").strip()
        return {"guidance": guidance, "guidance_html": render_markdown(guidance).html if guidance else ""}

    def document(self, spec):
        return {"guidance": spec["guidance"]} if spec.get("guidance") else {}

    def form_fields(self):
        return {
            "guidance": TextAreaField(
                _l("Guidance for the marker (Markdown)"),
                validators=[Length(max=20_000)],
                description=_l("A model answer or rubric; students never see it."),
            )
        }

    def entry_from_form(self, form):
        guidance = (form.guidance.data or "").replace("\r\n", "\n").strip()
        return {"guidance": guidance} if guidance else {}

    def form_data(self, document):
        return {"guidance": document.get("guidance", "")}

    def present(self, spec, shuffle, rng):
        return {}, {"guidance_html": spec.get("guidance_html", "")}

    def parse_response(self, values):
        text = values[0].replace("\r\n", "\n").strip()[:MAX_ESSAY] if values else ""
        return text or None

    def grade(self, public, private, response):
        return Grade(0.0, str(response) if response else _("(no answer)"), pending=bool(response))

    def correct_answer_text(self, private):
        return ""

    def gift_answers(self, document):
        """An empty answer block, Moodle's essay; the marker's guidance has no place in GIFT."""
        return []

    moodle_xml_types = frozenset({"essay"})

    def read_moodle_xml(self, question):
        """Moodle's graderinfo is the marker's guidance; the response settings have no place in Lanyard."""
        guidance = question.text(question.element.find("graderinfo"))
        return {"guidance": guidance} if guidance else {}

    def write_moodle_xml(self, document, question):
        question.add("responseformat", "editor")
        if document.get("guidance"):
            question.add_text("graderinfo", document["guidance"])
        return "essay"

"""Ordering: put items in order. Partial credit by correctly placed items: each item given its own position earns
an equal share (so one item moved from first to last still leaves the others' shares where they stand)."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from course.question_types import QuestionType, register
from course.question_types.form_values import typed_lines
from course.question_types.select_each import grade_selections, parse_selections
from course.render import render_inline


@register
class Ordering(QuestionType):
    name = "ordering"
    label = _l("Ordering")
    fields = frozenset({"items"})
    analysis = "choices"

    def validate(self, question):
        items = question.get("items")
        if (
            not isinstance(items, list)
            or len(items) < 2
            or not all(isinstance(item, str | int | float) and str(item).strip() for item in items)
        ):
            return [("items", "an ordering question needs a list of at least two items, in the right order")]
        if len({str(item).strip() for item in items}) != len(items):
            return [("items", "the items of an ordering question must differ from each other")]
        return []

    def spec(self, question):
        items = [str(item).strip() for item in question["items"]]
        return {"items": items, "items_html": [render_inline(item) for item in items]}

    def document(self, spec):
        return {"items": list(spec["items"])}

    def form_fields(self):
        return {
            "items": TextAreaField(
                _l("Items in the right order"),
                validators=[Length(max=10_000)],
                description=_l("One per line, first to last; students see them shuffled."),
            )
        }

    def entry_from_form(self, form):
        return {"items": typed_lines(form.items.data)}

    def form_data(self, document):
        return {"items": "\n".join(document.get("items", []))}

    def present(self, spec, shuffle, rng):
        """Always shuffled, whatever the quiz says: in the author's order the answer would be on the page."""
        order = list(range(len(spec["items"])))
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        public = {"items": [spec["items_html"][i] for i in order], "positions": len(order)}
        private = {"key": order, "items": [spec["items"][i] for i in order]}
        return public, private

    def parse_response(self, values):
        return parse_selections(values)

    def grade(self, public, private, response):
        positions = [str(n) for n in range(1, len(private["key"]) + 1)]
        return grade_selections(response, private["key"], private["items"], positions)

    def correct_answer_text(self, private):
        by_position = sorted(zip(private["key"], private["items"], strict=True))
        return "; ".join(f"{position + 1}. {item}" for position, item in by_position)

    def counted_answers(self, asked, response, result):
        """Each item at the position the student gave it."""
        private = asked["private"]
        return [
            (f"{given + 1}. {item}", given == wanted)
            for item, given, wanted in zip(private["items"], response, private["key"], strict=False)
            if isinstance(given, int) and 0 <= given < len(private["key"])
        ]

    def key_answers(self, asked):
        private = asked["private"]
        return {f"{position + 1}. {item}" for position, item in zip(private["key"], private["items"], strict=True)}

    def listed_answers(self, spec):
        return [
            {"text": f"{position}. {item}", "correct": True}
            for position, item in enumerate(spec.get("items", []), start=1)
        ]

    moodle_xml_types = frozenset({"ordering"})

    def read_moodle_xml(self, question):
        """The answers in their right order."""
        return {"items": [question.text(answer) for answer in question.answers()]}

    def write_moodle_xml(self, document, question):
        for position, item in enumerate(document["items"], start=1):
            question.add_answer(position, item)
        return "ordering"

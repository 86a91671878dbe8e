"""Matching: each item is paired with one answer from a list that may hold distractors; partial credit per pair."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, StringField, TextAreaField
from wtforms.validators import Length

from course.forms import RowForm
from course.question_types import QuestionType, register
from course.question_types.form_values import typed, typed_lines
from course.question_types.gift_text import gift_escape
from course.question_types.select_each import grade_selections, parse_selections
from course.render import render_inline


class PairRowForm(RowForm):
    """One pair of a matching question; rows left empty are dropped."""

    item = StringField(_l("Item (Markdown)"), validators=[Length(max=1000)])
    match = StringField(_l("Its answer"), validators=[Length(max=300)])


@register
class Matching(QuestionType):
    name = "matching"
    label = _l("Matching")
    fields = frozenset({"pairs", "distractors"})
    item_fields = {"pairs": frozenset({"item", "match"})}
    analysis = "choices"

    def validate(self, question):
        pairs, distractors = question.get("pairs"), question.get("distractors", [])
        if not isinstance(pairs, list) or len(pairs) < 2:
            return [("pairs", "a matching question needs a list of at least two pairs of item and match")]
        problems = []
        for number, pair in enumerate(pairs, start=1):
            if (
                not isinstance(pair, Mapping)
                or not str(pair.get("item") or "").strip()
                or not str(pair.get("match") or "").strip()
            ):
                problems.append(("pairs", f"pair {number} needs an item and a match"))
        if not isinstance(distractors, list) or not all(str(d).strip() for d in distractors):
            problems.append(("distractors", "distractors must be a list of answers that match no item"))
        elif not problems:
            matches = {str(pair["match"]).strip() for pair in pairs}
            for distractor in distractors:
                if str(distractor).strip() in matches:
                    problems.append(("distractors", f"distractor '{distractor}' is also the match of an item"))
        return problems

    def spec(self, question):
        return {
            "pairs": [
                {
                    "item": str(p["item"]).strip(),
                    "item_html": render_inline(str(p["item"]).strip()),
                    "match": str(p["match"]).strip(),
                }
                for p in question["pairs"]
            ],
            "distractors": [str(d).strip() for d in question.get("distractors", [])],
        }

    def document(self, spec):
        written = {"pairs": [{"item": p["item"], "match": p["match"]} for p in spec["pairs"]]}
        return written | ({"distractors": list(spec["distractors"])} if spec.get("distractors") else {})

    def form_fields(self):
        return {
            "pairs": FieldList(FormField(PairRowForm), min_entries=3, max_entries=30),
            "distractors": TextAreaField(
                _l("Distractors"),
                validators=[Length(max=5000)],
                description=_l("Answers that match no item, one per line."),
            ),
        }

    def entry_from_form(self, form):
        pairs = [
            {"item": typed(row.form.item.data), "match": typed(row.form.match.data)}
            for row in form.pairs.entries
            if typed(row.form.item.data) or typed(row.form.match.data)
        ]
        distractors = typed_lines(form.distractors.data)
        return {"pairs": pairs} | ({"distractors": distractors} if distractors else {})

    def form_data(self, document):
        return {"pairs": document.get("pairs", []), "distractors": "\n".join(document.get("distractors", []))}

    def form_field_for(self, key):
        return "distractors" if key == "distractors" else None

    def present(self, spec, shuffle, rng):
        """Items and answers are both shuffled (always: in the author's order the answers would line up)."""
        items = list(spec["pairs"])
        rng.shuffle(items)
        options = sorted({p["match"] for p in items} | set(spec["distractors"]))
        rng.shuffle(options)
        public = {"items": [p["item_html"] for p in items], "options": options}
        private = {
            "key": [options.index(p["match"]) for p in items],
            "items": [p["item"] for p in items],
            "matches": [p["match"] for p in items],
        }
        return public, private

    def parse_response(self, values):
        return parse_selections(values)

    def grade(self, public, private, response):
        return grade_selections(response, private["key"], private["items"], public["options"])

    def correct_answer_text(self, private):
        return "; ".join(f"{item} → {match}" for item, match in zip(private["items"], private["matches"], strict=True))

    def counted_answers(self, asked, response, result):
        """Each pair the student made, "item → answer", so the report shows which pairs are confused."""
        options, private = asked["public"]["options"], asked["private"]
        return [
            (f"{item} → {options[given]}", given == wanted)
            for item, given, wanted in zip(private["items"], response, private["key"], strict=False)
            if isinstance(given, int) and 0 <= given < len(options)
        ]

    def key_answers(self, asked):
        return {
            f"{item} → {match}"
            for item, match in zip(asked["private"]["items"], asked["private"]["matches"], strict=True)
        }

    def listed_answers(self, spec):
        return [{"text": f"{p['item']} → {p['match']}", "correct": True} for p in spec.get("pairs", [])]

    def gift_answers(self, document):
        """`=item -> match` per pair and `= -> distractor` for an answer that matches no item, as Moodle reads them."""
        for pair in document["pairs"]:
            if "->" in pair["item"]:
                raise ValueError(f"the matching item {pair['item']!r} holds '->', which GIFT cannot escape")
        return [f"={gift_escape(pair['item'])} -> {gift_escape(pair['match'])}" for pair in document["pairs"]] + [
            f"= -> {gift_escape(distractor)}" for distractor in document.get("distractors", [])
        ]

    moodle_xml_types = frozenset({"matching", "match"})

    def read_moodle_xml(self, question):
        """Each subquestion an item and its answer the match; a subquestion without text is a distractor."""
        pairs, distractors = [], []
        for sub in question.element.findall("subquestion"):
            item = question.text(sub)
            match = question.text(sub.find("answer"), shown=False, text_format="plain_text")
            if item:
                pairs.append({"item": item, "match": match})
            elif match:
                distractors.append(match)
        return {"pairs": pairs, **({"distractors": distractors} if distractors else {})}

    def write_moodle_xml(self, document, question):
        question.add("shuffleanswers", "true")
        subquestions = [(pair["item"], pair["match"]) for pair in document["pairs"]]
        subquestions += [("", distractor) for distractor in document.get("distractors", [])]
        for item, match in subquestions:
            answer = question.add("answer", parent=question.add_text("subquestion", item))
            question.add("text", str(match), parent=answer)
        return "matching"

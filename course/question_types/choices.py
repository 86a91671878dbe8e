"""What single and multiple choice questions share: choices in the course format, their editor rows, their
presentation by displayed position, and their item analysis per choice."""

import random
from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, StringField
from wtforms.validators import Length

from course.forms import RowForm
from course.question_types import QuestionType
from course.question_types.form_values import form_number, typed
from course.render import render_inline

CHOICE_FIELDS = frozenset({"text", "correct", "feedback", "misconception"})


class ChoiceRowForm(RowForm):
    """One choice of a single or multiple choice question; rows left entirely empty are dropped."""

    text = StringField(_l("Text"), validators=[Length(max=1000)])
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback when picked"), validators=[Length(max=2000)])
    misconception = StringField(
        _l("Misconception it reveals"),
        validators=[Length(max=80)],
        description=_l("A short tag, e.g. contact-vs-contactless."),
    )


class ChoiceQuestion(QuestionType):
    """A question answered by picking among choices, identified by their displayed position."""

    exactly_one: ClassVar[bool]
    row_form: ClassVar[type[RowForm]] = ChoiceRowForm
    # Numeric keys a type adds to its choices, read from the editor's rows like the shared ones.
    extra_choice_numbers: ClassVar[tuple[str, ...]] = ()
    fields = frozenset({"choices"})
    item_fields = {"choices": CHOICE_FIELDS}
    analysis = "choices"

    def validate(self, question):
        choices = question.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            return [("choices", "needs a list of at least two choices")]
        problems = []
        for number, choice in enumerate(choices, start=1):
            if not isinstance(choice, Mapping) or not str(choice.get("text", "")).strip():
                problems.append(("choices", f"choice {number} needs a text"))
            elif "correct" in choice and not isinstance(choice["correct"], bool):
                problems.append(("choices", f"choice {number}: correct must be true or false"))
        correct = sum(1 for c in choices if isinstance(c, Mapping) and c.get("correct") is True)
        if correct == 0:
            problems.append(("choices", "no choice is marked correct"))
        elif self.exactly_one and correct > 1:
            problems.append(("choices", f"a single-choice question has {correct} correct choices; use type: multiple"))
        return problems

    def spec(self, question):
        return {
            "choices": [
                {
                    "text": str(c.get("text", "")),
                    "html": render_inline(c.get("text", "")),
                    "correct": c.get("correct") is True,
                    "feedback": str(c.get("feedback") or ""),
                    "feedback_html": render_inline(c["feedback"]) if c.get("feedback") else "",
                    "misconception": str(c.get("misconception") or ""),
                }
                for c in question["choices"]
            ]
        }

    def document(self, spec):
        choices = []
        for choice in spec["choices"]:
            written: dict[str, Any] = {"text": choice["text"]}
            if choice.get("correct"):
                written["correct"] = True
            for key in ("feedback", "misconception"):
                if choice.get(key):
                    written[key] = choice[key]
            choices.append(written)
        return {"choices": choices}

    def form_fields(self):
        return {"choices": FieldList(FormField(self.row_form), min_entries=4, max_entries=50)}

    def entry_from_form(self, form):
        choices = []
        for row in form.choices.entries:
            text, feedback, misconception = (typed(row.form[k].data) for k in ("text", "feedback", "misconception"))
            if not (text or feedback or misconception or row.form.correct.data):
                continue
            choice: dict[str, Any] = {"text": text}
            if row.form.correct.data:
                choice["correct"] = True
            if feedback:
                choice["feedback"] = feedback
            if misconception:
                choice["misconception"] = misconception
            for key in self.extra_choice_numbers:
                if typed(row.form[key].data):
                    choice[key] = form_number(row.form[key].data)
            choices.append(choice)
        return {"choices": choices}

    def form_data(self, document):
        return {
            "choices": [
                {"correct": False, "feedback": "", "misconception": "", **choice}
                for choice in document.get("choices", [])
            ]
        }

    def form_field_for(self, key):
        return None  # choice problems are listed above the rows

    def present(self, spec, shuffle: bool, rng: random.Random):
        """Choices are identified by their displayed position, so the form values reveal nothing about the key."""
        order = list(range(len(spec["choices"])))
        if shuffle:
            rng.shuffle(order)
        shown = [spec["choices"][i] for i in order]
        public = {"choices": [c["html"] for c in shown]}
        private = {
            "correct": [pos for pos, c in enumerate(shown) if c.get("correct")],
            "feedback": [c.get("feedback_html", "") for c in shown],
            "misconceptions": [c.get("misconception", "") for c in shown],
            "texts": [c["text"] for c in shown],
        }
        for key in self.extra_choice_numbers:  # e.g. "credit" becomes "credits", in the shown order
            if any(key in c for c in shown):
                private[f"{key}s"] = [c.get(key, 0) for c in shown]
        return public, private

    def correct_answer_text(self, private):
        return "; ".join(private["texts"][i] for i in private["correct"])

    def counted_answers(self, asked, response, result):
        texts = asked["private"].get("texts", [])
        correct = set(asked["private"].get("correct", []))
        positions = response if isinstance(response, list) else [response]
        return [
            (texts[p], p in correct)
            for p in positions
            if isinstance(p, int) and not isinstance(p, bool) and 0 <= p < len(texts)
        ]

    def key_answers(self, asked):
        private = asked["private"]
        return {private["texts"][p] for p in private.get("correct", [])}

    def listed_answers(self, spec):
        return list(spec.get("choices", []))

    # Moodle XML: both single and multiple choice are Moodle's multichoice, told apart by its <single>.
    moodle_xml_types = frozenset({"multichoice"})

    def reads_moodle_xml(self, question):
        """Moodle's multichoice is one answer when its <single> says so (Moodle's default), several otherwise."""
        return question.flag("single", default=True) is self.exactly_one

    def moodle_xml_choices(self, question) -> tuple[list[dict], list]:
        """A multichoice's answers as choices (right: a positive fraction) and their fractions."""
        answers = question.answers()
        if len(answers) < 2:
            raise ValueError(_("a multichoice question needs at least two answers"))
        fractions = [question.fraction(answer) for answer in answers]
        choices = []
        for answer, fraction in zip(answers, fractions, strict=True):
            feedback = question.text(answer.find("feedback"))
            choices.append(
                {"text": question.text(answer), "correct": fraction > 0, **({"feedback": feedback} if feedback else {})}
            )
        return choices, fractions

    def write_moodle_choices(self, document: Mapping, question, fractions: list) -> str:
        """The choices as a multichoice's answers, each with its fraction."""
        question.add("single", "true" if self.exactly_one else "false")
        question.add("shuffleanswers", "1")
        for choice, fraction in zip(document["choices"], fractions, strict=True):
            question.add_answer(fraction, choice["text"], choice.get("feedback"))
        return "multichoice"


def positions(values, count: int | None = None) -> list[int]:
    """Distinct choice positions from form values, ignoring anything that is not one."""
    found = sorted({int(v) for v in values if str(v).isdigit() and len(str(v)) < 4})
    return [p for p in found if count is None or p < count]

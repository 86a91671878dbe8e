"""True or false: a statement the student judges. Optional `true_feedback` and `false_feedback` are shown to a
student who answered True or False, as Moodle's two true/false feedbacks are."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.question_types.gift_text import gift_escape
from course.render import render_inline

_FEEDBACKS = ("true_feedback", "false_feedback")


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True or false")
    fields = frozenset({"answer", *_FEEDBACKS})
    analysis = "choices"

    def validate(self, question):
        problems = [
            (key, f"{key} must be text") for key in _FEEDBACKS if key in question and not isinstance(question[key], str)
        ]
        if not isinstance(question.get("answer"), bool):
            problems.append(("answer", "a true_false question needs answer: true or answer: false"))
        return problems

    def spec(self, question):
        spec = {"answer": question["answer"]}
        for key in _FEEDBACKS:
            if str(question.get(key) or "").strip():
                spec |= {key: str(question[key]).strip(), f"{key}_html": render_inline(str(question[key]).strip())}
        return spec

    def document(self, spec):
        return {"answer": spec["answer"], **{key: spec[key] for key in _FEEDBACKS if spec.get(key)}}

    def form_fields(self):
        return {
            "truth": RadioField(
                _l("The statement is"),
                choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
                validate_choice=False,
            ),
            "true_feedback": StringField(_l("Feedback for True"), validators=[Length(max=2000)]),
            "false_feedback": StringField(_l("Feedback for False"), validators=[Length(max=2000)]),
        }

    def entry_from_form(self, form):
        entry = {"answer": {"true": True, "false": False}.get(form.truth.data)}
        return entry | {key: form[key].data.strip() for key in _FEEDBACKS if (form[key].data or "").strip()}

    def form_data(self, document):
        answer = document.get("answer")
        return {
            "truth": ("true" if answer else "false") if isinstance(answer, bool) else None,
            **{key: document.get(key, "") for key in _FEEDBACKS},
        }

    def form_field_for(self, key):
        return "truth" if key == "answer" else key if key in _FEEDBACKS else None

    def present(self, spec, shuffle, rng):
        return {}, {"answer": spec["answer"], **{f"{k}_html": spec[f"{k}_html"] for k in _FEEDBACKS if spec.get(k)}}

    def parse_response(self, values):
        value = values[0].strip().lower() if values else ""
        return {"true": True, "false": False}.get(value)

    def grade(self, public, private, response):
        if not isinstance(response, bool):
            return Grade(0.0, _("(no answer)"))
        feedback = private.get("true_feedback_html" if response else "false_feedback_html")
        return Grade(
            1.0 if response is private["answer"] else 0.0,
            _("True") if response else _("False"),
            [feedback] if feedback else [],
        )

    def correct_answer_text(self, private):
        return _("True") if private["answer"] else _("False")

    def counted_answers(self, asked, response, result):
        if not isinstance(response, bool):
            return []
        return [(_("True") if response else _("False"), response is asked["private"]["answer"])]

    def key_answers(self, asked):
        return {self.correct_answer_text(asked["private"])}

    def listed_answers(self, spec):
        return [
            {"text": _("True"), "correct": spec.get("answer") is True},
            {"text": _("False"), "correct": spec.get("answer") is False},
        ]

    def gift_answers(self, document):
        """T or F, the short forms Moodle writes its own documentation with, then `#feedback for a wrong answer`
        `#feedback for a right one` when there is feedback."""
        answer = document["answer"]
        wrong, right = (
            document.get(key, "")
            for key in (("false_feedback", "true_feedback") if answer else ("true_feedback", "false_feedback"))
        )
        feedback = f"#{gift_escape(wrong)}#{gift_escape(right)}" if right else f"#{gift_escape(wrong)}" if wrong else ""
        return [("T" if answer else "F") + feedback]

    moodle_xml_types = frozenset({"truefalse"})

    def read_moodle_xml(self, question):
        """Answers `true` and `false`, the one at 100% right, each feedback kept for its answer."""
        fields: dict = {}
        for answer in question.answers():
            value = question.text(answer, shown=False).lower()
            if value not in ("true", "false"):
                raise ValueError(_("a truefalse answer is 'true' or 'false', not %(value)s", value=repr(value)))
            if question.fraction(answer) == 100:
                fields["answer"] = value == "true"
            feedback = question.text(answer.find("feedback"))
            if feedback:
                fields[f"{value}_feedback"] = feedback
        if "answer" not in fields:
            raise ValueError(_("neither true nor false has fraction 100"))
        return fields

    def write_moodle_xml(self, document, question):
        for value in (True, False):
            name = str(value).lower()
            question.add_answer(
                100 if document["answer"] is value else 0, name, document.get(f"{name}_feedback"), "plain_text"
            )
        return "truefalse"

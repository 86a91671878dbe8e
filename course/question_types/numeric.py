"""A number, correct when within ±tolerance of the answer, bounds included. Optional `feedback` is shown for that
answer; `other_answers` ({answer, tolerance, credit: percent, feedback}) earn partial credit, as Moodle's several
numeric answers do; `wrong_feedback` is shown when no answer matches."""

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.question_types.answers import is_number, parse_number, plain_number, within_tolerance
from course.question_types.form_values import form_number, typed
from course.question_types.gift_text import gift_escape
from course.render import render_inline

OTHER_ANSWER_FIELDS = frozenset({"answer", "tolerance", "credit", "feedback"})


def number_problems(question, where: str = "") -> list[tuple[str, str]]:
    """The checks of a numeric answer and its tolerance, shared with numeric blanks."""
    problems = []
    answer, tolerance = question.get("answer"), question.get("tolerance", 0)
    if not is_number(answer) or abs(answer) > 1e15:
        problems.append(("answer", f"{where}needs a number as its answer"))
    if not is_number(tolerance) or not 0 <= tolerance <= 1e15:
        problems.append(("tolerance", f"{where}tolerance must be a number of zero or more"))
    return problems


def number_text(answer: float, tolerance: float) -> str:
    return f"{answer:g}" + (f" (± {tolerance:g})" if tolerance else "")


@register
class Numeric(QuestionType):
    name = "numeric"
    label = _l("Number")

    fields = frozenset({"answer", "tolerance", "feedback", "other_answers", "wrong_feedback"})
    item_fields = {"other_answers": OTHER_ANSWER_FIELDS}

    def validate(self, question):
        problems = [
            (key, "a numeric question " + message if key == "answer" else message)
            for key, message in number_problems(question)
        ]
        others = question.get("other_answers", [])
        if not isinstance(others, list):
            return [*problems, ("other_answers", "other_answers must be a list of {answer, tolerance, credit}")]
        for number, other in enumerate(others, start=1):
            if not isinstance(other, Mapping):
                problems.append(("other_answers", f"other answer {number} must be a mapping with answer and credit"))
                continue
            problems += [
                ("other_answers", message) for _key, message in number_problems(other, f"other answer {number} ")
            ]
            credit = other.get("credit")
            if not is_number(credit) or not 0 <= credit <= 100:
                problems.append(("other_answers", f"other answer {number}: credit must be a percentage, 0 to 100"))
        for key in ("feedback", "wrong_feedback"):
            if key in question and not isinstance(question[key], str):
                problems.append((key, f"{key} must be text"))
        return problems

    def spec(self, question):
        spec = {key: question[key] for key in ("answer", "tolerance") if key in question}
        for key in ("feedback", "wrong_feedback"):
            if str(question.get(key) or "").strip():
                spec[key] = str(question[key]).strip()
                spec[f"{key}_html"] = render_inline(spec[key])
        if question.get("other_answers"):
            spec["other_answers"] = [
                {
                    "answer": other["answer"],
                    "tolerance": other.get("tolerance", 0),
                    "credit": other["credit"] / 100,
                    **(
                        {
                            "feedback": str(other["feedback"]).strip(),
                            "feedback_html": render_inline(str(other["feedback"])),
                        }
                        if str(other.get("feedback") or "").strip()
                        else {}
                    ),
                }
                for other in question["other_answers"]
            ]
        return spec

    def document(self, spec):
        written = {key: spec[key] for key in ("answer", "tolerance", "feedback") if key in spec}
        if spec.get("other_answers"):
            written["other_answers"] = [
                {
                    "answer": other["answer"],
                    "tolerance": other.get("tolerance", 0),
                    "credit": plain_number(round(other["credit"] * 100, 5)),
                    **({"feedback": other["feedback"]} if other.get("feedback") else {}),
                }
                for other in spec["other_answers"]
            ]
        if spec.get("wrong_feedback"):
            written["wrong_feedback"] = spec["wrong_feedback"]
        return written

    def form_fields(self):
        return {
            "answer": StringField(_l("Answer (a number)"), validators=[Length(max=50)]),
            "tolerance": StringField(_l("Tolerance (±)"), default="0", validators=[Length(max=50)]),
            "feedback": StringField(_l("Feedback for this answer"), validators=[Length(max=2000)]),
            "other_answers": TextAreaField(
                _l("Other answers for partial credit"),
                validators=[Length(max=5000)],
                description=_l("One per line: number | tolerance | credit% | feedback."),
            ),
            "wrong_feedback": StringField(_l("Feedback when no answer matches"), validators=[Length(max=2000)]),
        }

    def entry_from_form(self, form):
        entry = {"answer": form_number(form.answer.data), "tolerance": form_number(form.tolerance.data, "0")}
        for key in ("feedback", "wrong_feedback"):
            if typed(form[key].data):
                entry[key] = typed(form[key].data)
        others = []
        for line in typed(form.other_answers.data).split("\n"):
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            parts += [""] * (3 - len(parts))
            other = {
                "answer": form_number(parts[0]),
                "tolerance": form_number(parts[1], "0"),
                "credit": form_number(parts[2].removesuffix("%")),
            }
            if len(parts) > 3 and "|".join(parts[3:]).strip():
                other["feedback"] = " | ".join(parts[3:]).strip()
            others.append(other)
        return entry | ({"other_answers": others} if others else {})

    def form_data(self, document):
        answer = document.get("answer")
        others = "\n".join(
            " | ".join(
                [str(o.get("answer")), str(o.get("tolerance", 0)), f"{o.get('credit')}%", str(o.get("feedback") or "")]
            ).rstrip(" |")
            for o in document.get("other_answers", [])
        )
        return {
            "answer": "" if answer is None else str(answer),
            "tolerance": str(document.get("tolerance", 0)),
            "feedback": document.get("feedback", ""),
            "wrong_feedback": document.get("wrong_feedback", ""),
            "other_answers": others,
        }

    def present(self, spec, shuffle, rng):
        private = {"answer": spec["answer"], "tolerance": spec.get("tolerance", 0)}
        for key in ("feedback_html", "wrong_feedback_html", "other_answers"):
            if spec.get(key):
                private[key] = spec[key]
        return {}, private

    def parse_response(self, values):
        text = values[0].strip()[:50] if values else ""
        return text or None

    def grade(self, public, private, response):
        if not response:
            return Grade(0.0, _("(no answer)"))
        value = parse_number(str(response))
        if value is None:
            return Grade(0.0, str(response), ["<p>" + _("That is not a number.") + "</p>"])
        if within_tolerance(value, private["answer"], private["tolerance"]):
            return Grade(1.0, str(response), [private["feedback_html"]] if private.get("feedback_html") else [])
        matched = [
            other
            for other in private.get("other_answers", [])
            if within_tolerance(value, other["answer"], other.get("tolerance", 0))
        ]
        if matched:
            best = max(matched, key=lambda other: other["credit"])
            return Grade(best["credit"], str(response), [best["feedback_html"]] if best.get("feedback_html") else [])
        return Grade(0.0, str(response), [private["wrong_feedback_html"]] if private.get("wrong_feedback_html") else [])

    def correct_answer_text(self, private):
        return number_text(private["answer"], private.get("tolerance") or 0)

    def counted_answers(self, asked, response, result):
        """Numbers that mean the same are counted together: '8,5' and '8.50' are one answer."""
        value = parse_number(str(response))
        return [(f"{value:g}" if value is not None else str(response).strip(), bool(result.get("correct")))]

    def gift_answers(self, document):
        """`#answer:tolerance`, the form Moodle reads for any number, margin 0 included; with other answers each is
        `=%credit%answer:tolerance#feedback`, and `~#feedback` is what Moodle shows when none matches."""

        def one(answer, tolerance, feedback) -> str:
            return f"{answer}:{tolerance}" + (f"#{gift_escape(feedback)}" if feedback else "")

        main = one(document["answer"], document.get("tolerance", 0), document.get("feedback"))
        if not document.get("other_answers") and not document.get("wrong_feedback"):
            return [f"#{main}"]
        lines = ["#", f"={main}"]
        for other in document.get("other_answers", []):
            credit = f"{other['credit']:.5f}".rstrip("0").rstrip(".")
            lines.append(f"=%{credit}%" + one(other["answer"], other.get("tolerance", 0), other.get("feedback")))
        if document.get("wrong_feedback"):
            lines.append(f"~#{gift_escape(document['wrong_feedback'])}")
        return lines

    moodle_xml_types = frozenset({"numerical"})

    def read_moodle_xml(self, question):
        """The first answer at 100% is the answer, the others other answers with their credit; `*` is the feedback
        for any other number."""
        main: dict | None = None
        others, wrong_feedback = [], ""
        for answer in question.answers():
            text, credit = question.text(answer, shown=False), question.fraction(answer)
            feedback = question.text(answer.find("feedback"))
            if text == "*":
                wrong_feedback = feedback
                continue
            if credit < 0:
                raise ValueError(
                    _("fraction %(fraction)s%% in a numerical question: credit goes from 0%% to 100%%", fraction=credit)
                )
            entry = {
                "answer": question.number(text),
                "tolerance": abs(question.number((answer.findtext("tolerance") or "0").strip())),
            }
            if main is None and credit == 100:
                main = {**entry, **({"feedback": feedback} if feedback else {})}
            else:
                others.append(
                    {**entry, "credit": question.plain_number(credit), **({"feedback": feedback} if feedback else {})}
                )
        if main is None:
            raise ValueError(_("a numerical question needs an answer with fraction 100"))
        return {
            **main,
            **({"other_answers": others} if others else {}),
            **({"wrong_feedback": wrong_feedback} if wrong_feedback else {}),
        }

    def write_moodle_xml(self, document, question):
        for answer in [{**document, "credit": 100}, *document.get("other_answers", [])]:
            written = question.add_answer(answer["credit"], str(answer["answer"]), answer.get("feedback"), None)
            question.add("tolerance", str(answer.get("tolerance", 0)), parent=written)
        if document.get("wrong_feedback"):
            question.add_answer(0, "*", document["wrong_feedback"], None)
        return "numerical"

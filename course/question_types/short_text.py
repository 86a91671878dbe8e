"""Short text: a typed answer compared with accepted answers. An accepted answer may carry partial credit (a
percentage) and feedback, and `*` in it stands for any run of characters, as in Moodle."""

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.question_types.answers import accepted_credit, is_number, normalise_text
from course.question_types.gift_text import answer_gift
from course.render import render_inline

ACCEPT_FIELDS = frozenset({"text", "credit", "feedback"})


def accept_problems(accept, where: str = "") -> list[tuple[str, str]]:
    """Accepted answers: plain texts (full credit) or {text, credit: percent, feedback}; one must earn full credit.
    Shared with text blanks."""
    if not isinstance(accept, list) or not accept:
        return [("accept", f"{where}needs a non-empty list of accepted answers")]
    problems = []
    for number, answer in enumerate(accept, start=1):
        text = answer.get("text") if isinstance(answer, Mapping) else answer
        credit = answer.get("credit", 100) if isinstance(answer, Mapping) else 100
        catch_all = credit == 0 and isinstance(text, str) and text.strip() == "*"  # Moodle's =%0%*#feedback
        if (
            isinstance(text, bool | dict | list)
            or text is None
            or not str(text).strip()
            or (not str(text).strip("* ") and not catch_all)
        ):
            problems.append(
                (
                    "accept",
                    f"{where}accepted answer {number} needs a text (not only `*`, except at "
                    "credit 0, for feedback to any other answer)",
                )
            )
        if not is_number(credit) or not 0 <= credit <= 100:
            problems.append(
                (
                    "accept",
                    f"{where}accepted answer {number}: credit must be a percentage from 0 (feedback only) to 100",
                )
            )
    if not problems and not any(_credit(answer) == 1.0 for answer in accept):
        problems.append(("accept", f"{where}one accepted answer must earn full credit (100)"))
    return problems


def _credit(answer) -> float:
    return float(answer.get("credit", 100)) / 100 if isinstance(answer, Mapping) else 1.0


def accept_spec(accept) -> list:
    """Plain texts stay texts (what older attempts stored); answers with credit or feedback become mappings."""
    spec: list = []
    for answer in accept:
        if not isinstance(answer, Mapping):
            spec.append(str(answer))
            continue
        entry = {"text": str(answer["text"]), "credit": _credit(answer)}
        if answer.get("feedback"):
            entry |= {"feedback": str(answer["feedback"]), "feedback_html": render_inline(str(answer["feedback"]))}
        spec.append(entry)
    return spec


def accept_document(accept) -> list:
    written: list = []
    for answer in accept:
        if isinstance(answer, str):
            written.append(answer)
            continue
        entry = {"text": answer["text"]}
        if answer.get("credit", 1.0) != 1.0:
            credit = round(answer["credit"] * 100, 4)
            entry["credit"] = int(credit) if credit.is_integer() else credit
        if answer.get("feedback"):
            entry["feedback"] = answer["feedback"]
        written.append(entry if len(entry) > 1 else answer["text"])
    return written


def accepted(accept) -> list[dict]:
    """Accepted answers in one shape, {text, credit, feedback_html}, whatever way they were stored."""
    return [{"text": a, "credit": 1.0} if isinstance(a, str) else a for a in accept]


def grade_typed(response: str, accept) -> tuple[float, list[str]]:
    """The credit a typed answer earns and the feedback of the accepted answer it matched."""
    credit, matched = accepted_credit(response, accepted(accept))
    return credit, [matched["feedback_html"]] if matched and matched.get("feedback_html") else []


def accept_lines(accept) -> str:
    """Accepted answers as the course format writes them, for the editor, one a line: `text` or
    `text | credit% | feedback`."""
    rows = []
    for answer in accept:
        if isinstance(answer, str):
            rows.append(answer)
        else:
            rows.append(
                " | ".join([answer["text"], f"{answer.get('credit', 100)}%", answer.get("feedback", "")]).rstrip(" |")
            )
    return "\n".join(rows)


def accept_from_lines(text: str | None) -> list:
    """The inverse of accept_lines; a credit that is not a number is passed on as typed for the loader to name."""
    answers: list = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        if len(parts) == 1:
            answers.append(parts[0])
            continue
        credit_text = parts[1].removesuffix("%").strip()
        entry: dict = {"text": parts[0]}
        try:
            entry["credit"] = float(credit_text) if "." in credit_text else int(credit_text)
        except ValueError:
            entry["credit"] = parts[1]
        if len(parts) > 2 and parts[2]:
            entry["feedback"] = " | ".join(parts[2:])
        answers.append(entry)
    return answers


@register
class ShortText(QuestionType):
    name = "short_text"
    label = _l("Short text")
    fields = frozenset({"accept"})
    item_fields = {"accept": ACCEPT_FIELDS}

    def validate(self, question):
        return [(key, "a short_text question " + message) for key, message in accept_problems(question.get("accept"))]

    def spec(self, question):
        return {"accept": accept_spec(question["accept"])}

    def document(self, spec):
        return {"accept": accept_document(spec["accept"])}

    def form_fields(self):
        return {
            "accept": TextAreaField(
                _l("Accepted answers"),
                validators=[Length(max=5000)],
                description=_l(
                    "One per line; case, accents' encoding and spacing are ignored, and * stands for any characters. "
                    "For partial credit and feedback write: answer | 50% | feedback."
                ),
            )
        }

    def entry_from_form(self, form):
        return {"accept": accept_from_lines(form.accept.data)}

    def form_data(self, document):
        return {"accept": accept_lines(document.get("accept", []))}

    def present(self, spec, shuffle, rng):
        return {}, {"accept": list(spec["accept"])}

    def parse_response(self, values):
        text = values[0].strip()[:500] if values else ""
        return text or None

    def grade(self, public, private, response):
        if not response:
            return Grade(0.0, _("(no answer)"))
        credit, feedback = grade_typed(str(response), private["accept"])
        return Grade(credit, str(response), feedback)

    def correct_answer_text(self, private):
        return next(a["text"] for a in accepted(private["accept"]) if a["credit"] >= 1.0)

    def counted_answers(self, asked, response, result):
        return [(normalise_text(str(response)), bool(result.get("correct")))]

    def gift_answers(self, document):
        """Each accepted answer as `=`, with its %credit% when partial and its #feedback."""
        lines = []
        for answer in document["accept"]:
            if isinstance(answer, str):
                lines.append(answer_gift("=", answer))
            else:
                credit = answer.get("credit", 100)
                weight = None if credit == 100 else credit
                lines.append(answer_gift("=", answer["text"], answer.get("feedback"), weight))
        return lines

    moodle_xml_types = frozenset({"shortanswer"})

    def read_moodle_xml(self, question):
        """Every answer with its fraction as credit and its feedback; `*` wildcards as Moodle reads them."""
        accept: list = []
        for answer in question.answers():
            credit, text = question.fraction(answer), question.text(answer, shown=False)
            feedback = question.text(answer.find("feedback"))
            if credit < 0:
                raise ValueError(
                    _("fraction %(fraction)s%% in a short answer: credit goes from 0%% to 100%%", fraction=credit)
                )
            if credit == 100 and not feedback:
                accept.append(text)
            else:
                accept.append(
                    {
                        "text": text,
                        "credit": question.plain_number(credit),
                        **({"feedback": feedback} if feedback else {}),
                    }
                )
        return {"accept": accept}

    def write_moodle_xml(self, document, question):
        question.add("usecase", "0")
        for answer in document["accept"]:
            if isinstance(answer, str):
                question.add_answer(100, answer, None, "plain_text")
            else:
                question.add_answer(answer.get("credit", 100), answer["text"], answer.get("feedback"), "plain_text")
        return "shortanswer"

"""A number, correct when within ±tolerance of the answer, bounds included."""

from wtforms import StringField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.question_types.answers import is_number, parse_number, within_tolerance
from course.question_types.form_values import form_number


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
    label = "Number"
    fields = frozenset({"answer", "tolerance"})

    def validate(self, question):
        return [(key, "a numeric question " + message if key == "answer" else message)
                for key, message in number_problems(question)]  # fmt: skip

    def spec(self, question):
        return {key: question[key] for key in ("answer", "tolerance") if key in question}

    def document(self, spec):
        return self.spec(spec)

    def form_fields(self):
        return {"answer": StringField("Answer (a number)", validators=[Length(max=50)]),
                "tolerance": StringField("Tolerance (±)", default="0", validators=[Length(max=50)])}  # fmt: skip

    def entry_from_form(self, form):
        return {"answer": form_number(form.answer.data), "tolerance": form_number(form.tolerance.data, "0")}

    def form_data(self, document):
        answer = document.get("answer")
        return {"answer": "" if answer is None else str(answer), "tolerance": str(document.get("tolerance", 0))}

    def present(self, spec, shuffle, rng):
        return {}, {"answer": spec["answer"], "tolerance": spec.get("tolerance", 0)}

    def parse_response(self, values):
        text = values[0].strip()[:50] if values else ""
        return text or None

    def grade(self, public, private, response):
        if not response:
            return Grade(0.0, "(no answer)")
        value = parse_number(str(response))
        if value is None:
            return Grade(0.0, str(response), ["<p>That is not a number.</p>"])
        return Grade(1.0 if within_tolerance(value, private["answer"], private["tolerance"]) else 0.0, str(response))

    def correct_answer_text(self, private):
        return number_text(private["answer"], private.get("tolerance") or 0)

    def counted_answers(self, asked, response, result):
        """Numbers that mean the same are counted together: '8,5' and '8.50' are one answer."""
        value = parse_number(str(response))
        return [(f"{value:g}" if value is not None else str(response).strip(), bool(result.get("correct")))]

    def gift_answers(self, document):
        """`#answer:tolerance`, the form Moodle reads for any number, margin 0 included."""
        return [f"#{document['answer']}:{document.get('tolerance', 0)}"]

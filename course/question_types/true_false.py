"""True or false: a statement the student judges."""

from wtforms import RadioField, SelectChoice

from course.question_types import Grade, QuestionType, register


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    fields = frozenset({"answer"})
    analysis = "choices"

    def validate(self, question):
        if not isinstance(question.get("answer"), bool):
            return [("answer", "a true_false question needs answer: true or answer: false")]
        return []

    def spec(self, question):
        return {"answer": question["answer"]}

    def document(self, spec):
        return {"answer": spec["answer"]}

    def form_fields(self):
        return {"truth": RadioField("The statement is", choices=[SelectChoice("true", "True"),
                                    SelectChoice("false", "False")], validate_choice=False)}  # fmt: skip

    def entry_from_form(self, form):
        return {"answer": {"true": True, "false": False}.get(form.truth.data)}

    def form_data(self, document):
        answer = document.get("answer")
        return {"truth": ("true" if answer else "false") if isinstance(answer, bool) else None}

    def form_field_for(self, key):
        return "truth" if key == "answer" else None

    def present(self, spec, shuffle, rng):
        return {}, {"answer": spec["answer"]}

    def parse_response(self, values):
        value = values[0].strip().lower() if values else ""
        return {"true": True, "false": False}.get(value)

    def grade(self, public, private, response):
        if not isinstance(response, bool):
            return Grade(0.0, "(no answer)")
        return Grade(1.0 if response is private["answer"] else 0.0, "True" if response else "False")

    def correct_answer_text(self, private):
        return "True" if private["answer"] else "False"

    def counted_answers(self, asked, response, result):
        if not isinstance(response, bool):
            return []
        return [("True" if response else "False", response is asked["private"]["answer"])]

    def key_answers(self, asked):
        return {self.correct_answer_text(asked["private"])}

    def listed_answers(self, spec):
        return [{"text": "True", "correct": spec.get("answer") is True},
                {"text": "False", "correct": spec.get("answer") is False}]  # fmt: skip

    def gift_answers(self, document):
        """T or F: the short forms Moodle writes its own documentation with."""
        return ["T" if document["answer"] else "F"]

"""Fill in the blanks: blanks written [[1]], [[2]] … inline in the prompt, in that order, each a short text (its
accepted answers, with credit and `*` as for short_text) or a number (answer and tolerance). Each blank earns an
equal share of the points."""

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from course.question_types import Grade, QuestionType, register
from course.question_types.answers import normalise_text, parse_number, within_tolerance
from course.question_types.numeric import number_problems, number_text
from course.question_types.short_text import accept_document, accept_problems, accept_spec, accepted, grade_typed
from course.render import render_markdown

BLANK = re.compile(r"\[\[(\d{1,2})\]\]")
BLANK_FIELDS = frozenset({"accept", "answer", "tolerance"})


@register
class FillBlanks(QuestionType):
    name = "fill_blanks"
    label = _l("Fill in the blanks")
    fields = frozenset({"blanks"})
    item_fields = {"blanks": BLANK_FIELDS}
    prompt_in_partial = True

    def validate(self, question):
        blanks = question.get("blanks")
        if not isinstance(blanks, list) or not blanks:
            return [("blanks", "a fill_blanks question needs a list of blanks, one per [[n]] in the prompt")]
        numbers = [int(n) for n in BLANK.findall(str(question.get("prompt") or ""))]
        if numbers != list(range(1, len(blanks) + 1)):
            return [
                ("prompt", f"the prompt must hold [[1]] to [[{len(blanks)}]], once each and in order, one per blank")
            ]
        problems = []
        for number, blank in enumerate(blanks, start=1):
            where = f"blank {number} "
            if not isinstance(blank, Mapping) or ("accept" in blank) == ("answer" in blank):
                problems.append(("blanks", f"{where}needs either accept (texts) or answer (a number)"))
            elif "accept" in blank:
                problems += [("blanks", message) for _key, message in accept_problems(blank["accept"], where)]
            else:
                problems += [("blanks", message) for _key, message in number_problems(blank, where)]
        return problems

    def spec(self, question):
        blanks = [
            {"accept": accept_spec(b["accept"])}
            if "accept" in b
            else {"answer": b["answer"], "tolerance": b.get("tolerance", 0)}
            for b in question["blanks"]
        ]
        # The prompt's HTML cut at each blank: text, blank 1, text, blank 2 … (the take page puts inputs between).
        segments = BLANK.split(render_markdown(str(question["prompt"]).strip()).html)[::2]
        return {"blanks": blanks, "segments": segments}

    def document(self, spec):
        return {
            "blanks": [{"accept": accept_document(b["accept"])} if "accept" in b else dict(b) for b in spec["blanks"]]
        }

    def form_fields(self):
        return {
            "blanks": TextAreaField(
                _l("Blanks"),
                validators=[Length(max=10_000)],
                description=_l(
                    "Write [[1]], [[2]] … in the question where the blanks go. Here one line per blank, in order: "
                    "accepted answers separated by | (e.g. paper | laminated paper), or = and a number with an "
                    "optional ± tolerance (e.g. = 85.6 ± 0.1)."
                ),
            )
        }

    def entry_from_form(self, form):
        blanks = []
        for line in (form.blanks.data or "").replace("\r\n", "\n").split("\n"):
            line = line.strip()
            if line.startswith("="):
                answer, _sign, tolerance = line[1:].partition("±")
                value, margin = parse_number(answer), parse_number(tolerance) if tolerance.strip() else 0
                blanks.append(
                    {
                        "answer": answer.strip() if value is None else value,
                        "tolerance": tolerance.strip() if margin is None else margin,
                    }
                )
            elif line:
                blanks.append({"accept": [part.strip() for part in line.split("|") if part.strip()]})
        return {"blanks": blanks}

    def form_data(self, document):
        rows = []
        for blank in document.get("blanks", []):
            if "accept" in blank:
                rows.append(" | ".join(a if isinstance(a, str) else a["text"] for a in blank["accept"]))
            else:
                rows.append(f"= {blank['answer']}" + (f" ± {blank['tolerance']}" if blank.get("tolerance") else ""))
        return {"blanks": "\n".join(rows)}

    def form_field_for(self, key):
        return "blanks" if key in ("blanks", "prompt") else None

    def present(self, spec, shuffle, rng):
        numeric = ["answer" in blank for blank in spec["blanks"]]
        return {"segments": spec["segments"], "numeric": numeric}, {"blanks": spec["blanks"]}

    def parse_response(self, values):
        typed = [value.strip()[:200] for value in values[:50]]
        return typed if any(typed) else None

    def _blank_credit(self, blank: Mapping, typed: str) -> float:
        if not typed:
            return 0.0
        if "accept" in blank:
            return grade_typed(typed, blank["accept"])[0]
        value = parse_number(typed)
        return 1.0 if value is not None and within_tolerance(value, blank["answer"], blank["tolerance"]) else 0.0

    def grade(self, public, private, response):
        blanks = private["blanks"]
        if not isinstance(response, list) or not any(response):
            return Grade(0.0, _("(no answer)"))
        typed = [str(r) for r in response[: len(blanks)]] + [""] * max(0, len(blanks) - len(response))
        credit = sum(self._blank_credit(blank, text) for blank, text in zip(blanks, typed, strict=True))
        return Grade(credit / len(blanks), "; ".join(f"[{n}] {text or '—'}" for n, text in enumerate(typed, 1)))

    def correct_answer_text(self, private):
        return "; ".join(
            f"[{n}] "
            + (
                next(a["text"] for a in accepted(b["accept"]) if a["credit"] >= 1.0)
                if "accept" in b
                else number_text(b["answer"], b["tolerance"])
            )
            for n, b in enumerate(private["blanks"], start=1)
        )

    def counted_answers(self, asked, response, result):
        """Each blank's answer, "[n] answer", grouped after normalisation like short text and numbers."""
        counted = []
        for number, (blank, text) in enumerate(zip(asked["private"]["blanks"], response, strict=False), start=1):
            if not str(text).strip():
                continue
            value = parse_number(str(text)) if "answer" in blank else None
            shown = f"{value:g}" if value is not None else normalise_text(str(text))
            counted.append((f"[{number}] {shown}", self._blank_credit(blank, str(text)) >= 1.0))
        return counted

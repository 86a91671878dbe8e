"""Question types as plugins: one module per type in this package, each a `QuestionType` subclass registered with
`@register`. A type owns everything that differs between types — its keys in the course format and their checks,
the spec stored with the question, the editor's fields, the partials for taking, reviewing and previewing, grading,
the correct answer in words, what item analysis counts, its GIFT answers and its Moodle XML form (both ways) — so
the rest of the code asks the registry (`question_type(name)`, `moodle_xml_reader`) and never switches on a type's
name. Grading is pure: no Flask, no database.

Every module of this package is imported below, so adding a type is adding a module (and its templates under
templates/question_types/<name>/).
"""

import importlib
import pkgutil
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask import Blueprint
from flask_babel import gettext as _

# No views: the blueprint only puts this package's templates (question_types/<name>/<part>.html) on Jinja's path.
bp = Blueprint("question_types", __name__, template_folder="templates")

QUESTION_TYPES: dict[str, "QuestionType"] = {}


class UnknownQuestionType(ValueError):
    """A question names a type no module registers: an error wherever it is met, never a guess."""


def register(cls: type["QuestionType"]) -> type["QuestionType"]:
    QUESTION_TYPES[cls.name] = cls()
    return cls


def question_type(name: str) -> "QuestionType":
    """The registered type of this name; UnknownQuestionType otherwise."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionType(f"unknown question type {name!r} (known: {', '.join(QUESTION_TYPES)})") from None


bp.add_app_template_global(question_type)


def moodle_xml_reader(moodle_type: str, question) -> "QuestionType":
    """The registered type that reads this Moodle XML question (a MoodleXmlQuestion) of Moodle's type
    `moodle_type`; UnknownQuestionType when no type does."""
    for qtype in QUESTION_TYPES.values():
        if moodle_type in qtype.moodle_xml_types and qtype.reads_moodle_xml(question):
            return qtype
    raise UnknownQuestionType(f"no question type reads Moodle's {moodle_type!r}")


@dataclass
class Grade:
    """The outcome for one question: the fraction of its points earned and what to tell the student. `pending`
    means an instructor has yet to mark it (the fraction is 0 until then)."""

    fraction: float
    response_text: str
    feedback_html: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    pending: bool = False

    @property
    def correct(self) -> bool:
        return self.fraction >= 1.0


class QuestionType:
    """The interface every question type implements. Methods with a body are the common case; a type overrides
    what differs."""

    name: ClassVar[str]
    label: ClassVar[str]
    # Course-format keys of this type beyond those every question has (id, type, prompt, explanation, …), and for
    # each key holding a list of mappings, the keys those mappings may have.
    fields: ClassVar[frozenset[str]] = frozenset()
    item_fields: ClassVar[Mapping[str, frozenset[str]]] = {}
    # Graded by an instructor after submission rather than on submit.
    manual: ClassVar[bool] = False
    # The answer may hold line breaks (a textarea), so they are kept when the form is read.
    multiline: ClassVar[bool] = False
    # The take partial prints the prompt itself (with inputs inside it).
    prompt_in_partial: ClassVar[bool] = False
    # What item analysis counts: "choices" (each answer the author listed, zero counts included), "typed"
    # (answers shared by enough students) or "" (nothing: only facility and discrimination).
    analysis: ClassVar[str] = "typed"

    # The course format -------------------------------------------------------------------------------------------

    def validate(self, question: Mapping) -> list[tuple[str, str]]:
        """Problems in an author's question as (key, message) pairs, the key locating the line; empty when valid."""
        raise NotImplementedError

    def spec(self, question: Mapping) -> dict[str, Any]:
        """What the type stores to present and grade a valid question, author Markdown rendered once, here."""
        raise NotImplementedError

    def document(self, spec: Mapping) -> dict[str, Any]:
        """The type's keys in the course format, from a stored spec: what export writes and the editor reads."""
        raise NotImplementedError

    # The browser editor -----------------------------------------------------------------------------------------

    def form_fields(self) -> dict[str, Any]:
        """Unbound WTForms fields the question form adds for this type."""
        raise NotImplementedError

    def entry_from_form(self, form) -> dict[str, Any]:
        """The type's keys in the course format from the submitted form (values as typed: the loader judges)."""
        raise NotImplementedError

    def form_data(self, document: Mapping) -> dict[str, Any]:
        """The form's values for a question in the course format (the inverse of entry_from_form)."""
        raise NotImplementedError

    def form_field_for(self, key: str) -> str | None:
        """The form field a problem at this course-format key belongs to; None lists it above the form."""
        return key if key in self.fields else None

    # Taking and grading (pure) ----------------------------------------------------------------------------------

    def present(self, spec: Mapping, shuffle: bool, rng: random.Random) -> tuple[dict, dict]:
        """What the student sees (public) and the key kept on the server (private), fixed for the attempt."""
        return {}, dict(spec)

    def parse_response(self, values: Sequence[str]) -> Any:
        """Turn submitted form values into a stored response; None when the student left it blank."""
        raise NotImplementedError

    def grade(self, public: Mapping, private: Mapping, response: Any) -> Grade:
        raise NotImplementedError

    def correct_answer_text(self, private: Mapping) -> str:
        """The right answer in words, shown only after submission."""
        raise NotImplementedError

    # Item analysis ----------------------------------------------------------------------------------------------

    def counted_answers(self, asked: Mapping, response: Any, result: Mapping) -> list[tuple[str, bool]]:
        """The answers item analysis counts for one response, each with whether it was right."""
        return [(str(response), bool(result.get("correct")))]

    def key_answers(self, asked: Mapping) -> set[str]:
        """For "choices" analysis: the right answers as this attempt was graded (the key may have changed since)."""
        return set()

    def listed_answers(self, spec: Mapping) -> list[dict[str, Any]]:
        """For "choices" analysis: every answer the author listed ({"text", "correct", "misconception"})."""
        return []

    # GIFT -------------------------------------------------------------------------------------------------------

    def gift_answers(self, document: Mapping) -> list[str]:
        """The lines of the question's GIFT answer block; ValueError when GIFT cannot hold this type."""
        raise ValueError(f"GIFT cannot hold a {self.name!r} question")

    # Moodle XML -------------------------------------------------------------------------------------------------

    # Moodle's names (`<question type="…">`) of the questions this type reads from a Moodle XML file.
    moodle_xml_types: ClassVar[frozenset[str]] = frozenset()

    def reads_moodle_xml(self, question) -> bool:
        """Whether this type reads this question of one of its `moodle_xml_types` (single and multiple choice share
        Moodle's multichoice). `question` is a course.content.moodle_xml.MoodleXmlQuestion."""
        return True

    def read_moodle_xml(self, question) -> dict[str, Any]:
        """The type's keys in the course format from a Moodle XML question (a MoodleXmlQuestion: the element, and
        its texts, fractions and numbers as Lanyard keeps them); ValueError naming what cannot be read."""
        raise NotImplementedError

    def write_moodle_xml(self, document: Mapping, question) -> str:
        """Add the type's elements to a Moodle XML question (a course.content.moodle_xml_export.MoodleXmlWriter) from
        its course-format keys and return Moodle's name of the type; ValueError when Moodle XML cannot hold it."""
        raise ValueError(_("a %(kind)s question has no Moodle XML form Lanyard writes", kind=self.name))

    # Templates --------------------------------------------------------------------------------------------------

    # Partials this type has of its own; the others are the shared ones (question_types/_<part>.html).
    partials: ClassVar[frozenset[str]] = frozenset({"take", "preview", "edit"})
    # True when the type's result partial shows each answer's feedback beside that answer, not in a list below.
    feedback_beside_answers: ClassVar[bool] = False

    def template(self, part: str) -> str:
        """The template of `part` (take, result, preview, edit) for a question of this type."""
        return f"question_types/{self.name}/{part}.html" if part in self.partials else f"question_types/_{part}.html"


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

"""Moodle XML (Moodle's own question export, docs.moodle.org "Moodle XML format") into a course's quizzes; writing it
back is course.content.moodle_xml_export's.

`read_moodle_xml` turns a file into the same question dicts GIFT gives (course.content.gift), and `import_moodle_xml`
writes them through gift_quiz.import_questions, so the checks, the all-or-nothing rule and `skip_unsupported`
(Moodle's "stop on error: no") are GIFT's. The file is parsed with defusedxml: entity declarations (billion laughs)
and external references are refused; the size limit and the number of questions are GIFT's.

Each question type maps itself (course/question_types/<type>.py): the type whose `moodle_xml_types` names the
`<question type="…">` (and whose `reads_moodle_xml` accepts it: single and multiple choice share multichoice) reads
its keys from a `MoodleXmlQuestion`, and `write_moodle_xml` writes them through a `MoodleXmlWriter`
(moodle_xml_export); this module handles what every question has and never switches on a type's name. Today:
multichoice (single: right or wrong, fractions 100/0; multiple: the answers with a positive fraction are the right
ones and must add up to 100%; unequal fractions are kept as the choices' credits), truefalse (each answer's feedback
kept), shortanswer (fractions as credit, `*` wildcards, feedback), numerical (tolerance, several answers with
credit, `*` as the feedback for any other number), matching (a subquestion without text is a distractor), essay
(graderinfo is the marker's guidance), ordering (the answers in their right order). `<name>` gives the id as a GIFT
title does; `<generalfeedback>` the explanation; `<defaultgrade>` the points; the category and `<tags>` the tags.
Text formats: html through the one allow-list, markdown and moodle_auto_format kept, plain_text escaped. A type no
registered type reads (ddwtos, cloze, calculated, description…) is a problem at the question's line; a Lanyard type
without a Moodle XML form is not exported (an error, or listed as skipped).

Embedded images (`<file name="card.png" encoding="base64">` beside a `<text>` that shows `@@PLUGINFILE@@/card.png`)
become course figures, checked as uploaded ones are, and the text shows `figures/card.png`; a refused one is a
problem at the `<file>`'s line. What Lanyard has no place for is lost: penalty, shuffle and numbering settings,
combined feedback (correct/partially/incorrect), hints, numerical units, essay response settings.
"""

import base64
import binascii
import re
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from urllib.parse import unquote
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from flask_babel import gettext as _

from course.content.figures import EXTENSIONS, figure_name, renamed
from course.content.gift import GiftRead, question_ids
from course.content.gift_answers import credited, decimal, out_of_range, out_of_range_message, plain_number
from course.content.gift_quiz import MAX_GIFT_BYTES, import_bank
from course.content.gift_source import category_tag
from course.content.loader import FIGURE_TYPES, MAX_FIGURE_BYTES, figure_problem
from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import MAX_QUESTIONS
from course.question_types import UnknownQuestionType, moodle_xml_reader
from course.question_types.gift_text import html_to_markdown, plain_to_markdown
from course.sanitize import without_control_characters


def xml_too_large() -> str:
    """Why a Moodle XML file above MAX_GIFT_BYTES is refused unread."""
    return _("is larger than %(size)d MiB, the limit for a Moodle XML file", size=MAX_GIFT_BYTES // (1024 * 1024))


MAX_EMBEDDED_FIGURES = 50
PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGINFILE_REFERENCE = re.compile(r"@@PLUGINFILE@@/([^\"'\s()<>?#]+)")


class _Problem(ValueError):
    """A question that cannot be read; the message names what, and `line` where, when not the question's line. A
    ValueError, as question types raise while reading."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _LineBuilder(TreeBuilder):
    """A tree builder that notes the line each element starts on (ElementTree itself keeps none)."""

    def __init__(self):
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[Element, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber if self.parser else 1
        return element


def _parse(data: bytes, path: str) -> tuple[Element, dict[Element, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        line = parser.parser.CurrentLineNumber or 1
        message = _(
            "refused: the file declares XML entities or external references (%(kind)s), which a Moodle "
            "export never holds and which could exhaust the server",
            kind=type(error).__name__,
        )
        raise ContentError([ContentProblem(path, line, message)]) from None
    except ParseError as error:
        message = _("is not well-formed XML: %(error)s", error=error)
        raise ContentError([ContentProblem(path, error.position[0] or 1, message)]) from None
    return root, builder.lines


def _text(element: Element | None, default_format: str = "html", shown: bool = True) -> str:
    """The <text> of an element written in its format, as Lanyard keeps text (Markdown); `shown` False for text
    compared rather than shown (typed answers, numbers): only HTML entities and tags are taken off."""
    if element is None:
        return ""
    text_element = element.find("text")
    text = (text_element.text if text_element is not None else element.text) or ""
    text = without_control_characters(text).strip()
    text_format = element.get("format") or default_format
    if not shown:
        return html_to_markdown(text) if text_format == "html" and "<" in text else text
    if text_format == "html":
        return html_to_markdown(text)
    if text_format == "plain_text":
        return plain_to_markdown(text)
    return text  # markdown, moodle_auto_format


def _fraction(answer: Element) -> Decimal:
    value = decimal(answer.get("fraction", "0"))
    if value is None or abs(value) > 100:
        raise _Problem(
            _("fraction %(fraction)s is not a number from -100 to 100", fraction=repr(answer.get("fraction")))
        )
    return value


def _number(text: str) -> int | float:
    if out_of_range(text):
        raise _Problem(out_of_range_message(text))
    number = decimal(text or "0")
    if number is None:
        raise _Problem(_("%(text)s is not a number", text=repr(text)))
    return plain_number(number)


class MoodleXmlQuestion:
    """One <question> of a Moodle XML file as a question type's `read_moodle_xml` reads it: the element, and its
    texts (in the question's text format unless told), fractions and numbers as Lanyard keeps them. What cannot be
    read raises a ValueError naming it."""

    credited = staticmethod(credited)
    plain_number = staticmethod(plain_number)
    fraction = staticmethod(_fraction)
    number = staticmethod(_number)

    def __init__(self, element: Element, text_format: str):
        self.element = element
        self.text_format = text_format

    def text(self, element: Element | None, shown: bool = True, text_format: str | None = None) -> str:
        """An element's <text> as Lanyard keeps text; `shown` False for text compared rather than shown."""
        return _text(element, text_format or self.text_format, shown)

    def answers(self) -> list[Element]:
        return self.element.findall("answer")

    def flag(self, tag: str, default: bool) -> bool:
        """A yes/no setting such as <single>true</single>; `default` when the file leaves it out."""
        value = self.element.findtext(tag)
        return default if value is None or not value.strip() else value.strip().lower() in ("true", "1")


def read_moodle_xml(data: bytes, path: str = "<moodle-xml>") -> GiftRead:
    """Read a Moodle XML file, keeping the questions that can be read and reporting the others, each at its line as
    `question N (name): …`. Problems of the file as a whole come with no questions."""
    root, lines = _parse(data, path)
    if root.tag != "quiz":
        message = _("the root element is <%(tag)s>, not Moodle's <quiz>", tag=root.tag)
        return GiftRead(problems=[ContentProblem(path, 1, message)])
    elements = [element for element in root.findall("question") if element.get("type") != "category"]
    if len(elements) > MAX_QUESTIONS:
        message = _(
            "holds %(count)d questions; a file may hold at most %(max)d: split it",
            count=len(elements),
            max=MAX_QUESTIONS,
        )
        return GiftRead(problems=[ContentProblem(path, lines[elements[MAX_QUESTIONS]], message)])
    if not elements:
        return GiftRead(problems=[ContentProblem(path, 1, _("no questions found in the file"))])
    read, category, number = GiftRead(), "", 0
    kept: list[tuple[str, int, dict | None, str]] = []
    for element in root.findall("question"):
        kind = element.get("type", "")
        if kind == "category":
            category = category_tag(element.findtext("category/text") or "")
            continue
        number += 1
        title = " ".join((element.findtext("name/text") or "").split())
        try:
            figures = _embedded_figures(element, lines, read.figures)
            kept.append((title, lines[element], _question(element, kind, category), category))
        except _Problem as problem:
            if title:
                message = _("question %(number)d (%(title)s): %(problem)s", number=number, title=title, problem=problem)
            else:
                message = _("question %(number)d: %(problem)s", number=number, problem=problem)
            read.problems.append(ContentProblem(path, problem.line or lines[element], message))
            kept.append((title, lines[element], None, category))
        else:
            read.figures.update(figures)
    for question_id, (title, line, question, category) in zip(
        question_ids([entry[0] for entry in kept]), kept, strict=True
    ):
        if question is not None:
            read.questions.append(
                {"id": question_id, **({"title": title} if title and title != question_id else {}), **question}
            )
            read.lines.append(line)
            read.categories.append(category)
    return read


def _embedded_figures(
    question: Element, lines: dict[Element, int], taken: dict[str, tuple[str, bytes]]
) -> dict[str, tuple[str, bytes]]:
    """Take the question's embedded files (`<file name="card.png" encoding="base64">` beside a `<text>`) out of it,
    each checked as a course figure would be (allowed type, bytes that are what the name says, SVG without scripts
    or external references, bounded size and count), and point its texts' `@@PLUGINFILE@@/card.png` at the figure
    as `figures/<name>`. Returns the new figures by name; _Problem at the file's line for one refused."""
    figures: dict[str, tuple[str, bytes]] = {}
    names: dict[str, str] = {}
    for parent in list(question.iter()):
        for embedded in parent.findall("file"):
            line = lines.get(embedded)
            name = embedded.get("name", "")
            media_type = FIGURE_TYPES.get(PurePath(name).suffix.lower())
            if media_type is None:
                raise _Problem(
                    _("embedded file %(name)s: figures must be SVG, PNG, JPEG or WebP", name=repr(name)), line
                )
            if embedded.get("encoding", "base64") != "base64":
                raise _Problem(
                    _(
                        "embedded file %(name)s: encoding %(encoding)s; Moodle embeds files as base64",
                        name=repr(name),
                        encoding=repr(embedded.get("encoding")),
                    ),
                    line,
                )
            if len(taken) + len(figures) >= MAX_EMBEDDED_FIGURES:
                raise _Problem(
                    _(
                        "embedded file %(name)s: a file may embed at most %(max)d images",
                        name=repr(name),
                        max=MAX_EMBEDDED_FIGURES,
                    ),
                    line,
                )
            encoded = "".join((embedded.text or "").split())
            if len(encoded) * 3 // 4 > MAX_FIGURE_BYTES:  # before decoding it
                raise _Problem(
                    _(
                        "embedded file %(name)s: the image is larger than %(size)d KiB",
                        name=repr(name),
                        size=MAX_FIGURE_BYTES // 1024,
                    ),
                    line,
                )
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise _Problem(
                    _("embedded file %(name)s: its content is not valid base64", name=repr(name)), line
                ) from None
            problem = figure_problem(data, media_type)
            if problem:
                raise _Problem(_("embedded file %(name)s: %(problem)s", name=repr(name), problem=problem), line)
            stored = figure_name("", name, media_type) or renamed("figure" + EXTENSIONS[media_type], data)
            held = taken.get(stored) or figures.get(stored)
            if held is not None and held[1] != data:
                stored = renamed(stored, data)
            figures[stored], names[name] = (media_type, data), stored
            parent.remove(embedded)
    for text in question.iter("text"):
        if text.text and PLUGINFILE in text.text:
            line = lines.get(text)
            text.text = _PLUGINFILE_REFERENCE.sub(partial(_figure_reference, names=names, line=line), text.text)
    return figures


def _figure_reference(found: re.Match, names: dict[str, str], line: int | None) -> str:
    name = unquote(found[1])
    if name not in names:
        raise _Problem(
            _("the text shows @@PLUGINFILE@@/%(name)s, which is not embedded in the file", name=found[1]), line
        )
    return f"figures/{names[name]}"


def _question(element: Element, kind: str, category: str) -> dict:
    """A <question> in the course format, its type's keys read by the type that reads Moodle's `kind`."""
    prompt_element = element.find("questiontext")
    text_format = prompt_element.get("format", "html") if prompt_element is not None else "html"
    read = MoodleXmlQuestion(element, text_format)
    try:
        qtype = moodle_xml_reader(kind, read)
    except UnknownQuestionType:
        raise _Problem(_("unsupported question type '%(kind)s': Lanyard has no such question", kind=kind)) from None
    try:
        fields = qtype.read_moodle_xml(read)
    except ValueError as error:
        raise error if isinstance(error, _Problem) else _Problem(str(error)) from None
    question = {"type": qtype.name, "prompt": _text(prompt_element, text_format), **fields}
    explanation = _text(element.find("generalfeedback"), text_format)
    if explanation:
        question["explanation"] = explanation
    points = decimal(element.findtext("defaultgrade") or "1")
    if points is not None and points != 1:
        question["points"] = plain_number(points)
    tags = [category] if category else []
    tags += [
        tag
        for tag in (" ".join((t.text or "").split()) for t in element.findall("tags/tag/text"))
        if tag and tag not in tags
    ]
    if tags:
        question["tags"] = tags
    return question


def read_moodle_xml_file(data: bytes, path: str) -> GiftRead:
    """A Moodle XML file's bytes read question by question; ContentError when the file as a whole is refused."""
    if len(data) > MAX_GIFT_BYTES:
        raise ContentError([ContentProblem(path, 1, xml_too_large())])
    return read_moodle_xml(data, path)


# A Moodle XML file's questions into a quiz, its embedded images becoming course figures: import_bank with the
# Moodle XML reader (the arguments are import_bank's).
import_moodle_xml = partial(import_bank, read_moodle_xml_file)

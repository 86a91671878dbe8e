"""Moodle XML (Moodle's own question export, docs.moodle.org "Moodle XML format") into a course's quizzes and back.

`read_moodle_xml` turns a file into the same question dicts GIFT gives (course.content.gift), and `import_moodle_xml`
writes them through gift_quiz.import_questions, so the checks, the all-or-nothing rule and `skip_unsupported`
(Moodle's "stop on error: no") are GIFT's. The file is parsed with defusedxml: entity declarations (billion laughs)
and external references are refused; the size limit and the number of questions are GIFT's.

Types: multichoice (single: right or wrong, fractions 100/0; multiple: the answers with a positive fraction are the
right ones and must add up to 100%), truefalse (each answer's feedback kept), shortanswer (fractions as credit, `*`
wildcards, feedback), numerical (tolerance, several answers with credit, `*` as the feedback for any other number),
matching (a subquestion without text is a distractor), essay (graderinfo is the marker's guidance), ordering (the
answers in their right order). `<name>` gives the id as a GIFT title does; `<generalfeedback>` the explanation;
`<defaultgrade>` the points; the category and `<tags>` the tags. Text formats: html through the one allow-list,
markdown and moodle_auto_format kept, plain_text escaped. Every other type (ddwtos, cloze, calculated, description…)
and embedded images (`<file encoding="base64">`, not imported yet) are problems at the question's line. What Lanyard
has no place for is lost: penalty, shuffle and numbering settings, combined feedback (correct/partially/incorrect),
hints, numerical units, essay response settings.

`export_moodle_xml` writes a quiz document (exporter.quiz_document) so that `read_moodle_xml` gives it back; every
text is written with format="markdown", which Moodle reads.
"""

from collections.abc import Callable
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from flask_babel import gettext as _

from course.content.exporter import quiz_document
from course.content.gift import (
    GiftRead,
    _category_tag,
    _decimal,
    _export_titles,
    _out_of_range,
    _plain_number,
    _question_ids,
)
from course.content.gift_quiz import (
    MAX_GIFT_BYTES,
    GiftImportSummary,
    import_questions,
    import_target,
    located_questions,
)
from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import MAX_NUMBER, MAX_NUMBER_CHARACTERS, MAX_QUESTIONS
from course.models import Course, Quiz
from course.question_types.gift_text import html_to_markdown, plain_to_markdown
from course.sanitize import without_control_characters


def xml_too_large() -> str:
    """Why a Moodle XML file above MAX_GIFT_BYTES is refused unread."""
    return _("is larger than %(size)d MiB, the limit for a Moodle XML file", size=MAX_GIFT_BYTES // (1024 * 1024))


_WEIGHT_SLACK = Decimal("0.01")


class _Problem(Exception):
    """A question that cannot be read; the message names what."""


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
        message = _("refused: the file declares XML entities or external references (%(kind)s), which a Moodle "
                    "export never holds and which could exhaust the server", kind=type(error).__name__)  # fmt: skip
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
    if element.find("file") is not None:
        raise _Problem(_("embedded file %(name)s: images embedded in Moodle XML are not imported yet; add the image "
                         "as a course figure and remove it from the question",
                         name=repr(element.find("file").get("name", ""))))  # fmt: skip
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
    value = _decimal(answer.get("fraction", "0"))
    if value is None or abs(value) > 100:
        raise _Problem(_("fraction %(fraction)s is not a number from -100 to 100",
                         fraction=repr(answer.get("fraction"))))
    return value


def _answers(question: Element) -> list[Element]:
    return question.findall("answer")


def _multichoice(question: Element, text_format: str) -> dict:
    single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
    answers = _answers(question)
    if len(answers) < 2:
        raise _Problem(_("a multichoice question needs at least two answers"))
    fractions = [_fraction(answer) for answer in answers]
    if single:
        if any(fraction not in (0, 100) for fraction in fractions) or fractions.count(100) != 1:
            raise _Problem(_("unsupported fractions in a one-answer multichoice: Lanyard's single choice has exactly "
                             "one answer at 100% and the others at 0%"))
    else:
        right = sum(fraction for fraction in fractions if fraction > 0)
        if abs(right - 100) > _WEIGHT_SLACK:
            raise _Problem(_("the fractions of the right answers add up to %(total)s%%, not 100%%", total=right))
    choices = []
    for answer, fraction in zip(answers, fractions, strict=True):
        feedback = _text(answer.find("feedback"), text_format)
        choices.append({"text": _text(answer, text_format), "correct": fraction > 0,
                        **({"feedback": feedback} if feedback else {})})  # fmt: skip
    return {"type": "single" if single else "multiple", "choices": choices}


def _truefalse(question: Element, text_format: str) -> dict:
    fields: dict = {"type": "true_false"}
    for answer in _answers(question):
        value = _text(answer, text_format, shown=False).lower()
        if value not in ("true", "false"):
            raise _Problem(_("a truefalse answer is 'true' or 'false', not %(value)s", value=repr(value)))
        if _fraction(answer) == 100:
            fields["answer"] = value == "true"
        feedback = _text(answer.find("feedback"), text_format)
        if feedback:
            fields[f"{value}_feedback"] = feedback
    if "answer" not in fields:
        raise _Problem(_("neither true nor false has fraction 100"))
    return fields


def _shortanswer(question: Element, text_format: str) -> dict:
    accept: list = []
    for answer in _answers(question):
        credit, text = _fraction(answer), _text(answer, text_format, shown=False)
        feedback = _text(answer.find("feedback"), text_format)
        if credit < 0:
            raise _Problem(_("fraction %(fraction)s%% in a short answer: credit goes from 0%% to 100%%",
                             fraction=credit))
        if credit == 100 and not feedback:
            accept.append(text)
        else:
            accept.append({"text": text, "credit": _plain_number(credit),
                           **({"feedback": feedback} if feedback else {})})  # fmt: skip
    return {"type": "short_text", "accept": accept}


def _number(text: str) -> int | float:
    if _out_of_range(text):
        raise _Problem(_("%(number)s is out of range: numbers are at most %(max)s in size and %(length)d characters "
                         "long", number=repr(text[:MAX_NUMBER_CHARACTERS]), max=format(MAX_NUMBER, ".0e"),
                         length=MAX_NUMBER_CHARACTERS))  # fmt: skip
    number = _decimal(text or "0")
    if number is None:
        raise _Problem(_("%(text)s is not a number", text=repr(text)))
    return _plain_number(number)


def _numerical(question: Element, text_format: str) -> dict:
    main: dict | None = None
    others, wrong_feedback = [], ""
    for answer in _answers(question):
        text, credit = _text(answer, text_format, shown=False), _fraction(answer)
        feedback = _text(answer.find("feedback"), text_format)
        if text == "*":
            wrong_feedback = feedback
            continue
        if credit < 0:
            raise _Problem(_("fraction %(fraction)s%% in a numerical question: credit goes from 0%% to 100%%",
                             fraction=credit))
        entry = {"answer": _number(text), "tolerance": abs(_number((answer.findtext("tolerance") or "0").strip()))}
        if main is None and credit == 100:
            main = {**entry, **({"feedback": feedback} if feedback else {})}
        else:
            others.append({**entry, "credit": _plain_number(credit), **({"feedback": feedback} if feedback else {})})
    if main is None:
        raise _Problem(_("a numerical question needs an answer with fraction 100"))
    return {"type": "numeric", **main, **({"other_answers": others} if others else {}),
            **({"wrong_feedback": wrong_feedback} if wrong_feedback else {})}  # fmt: skip


def _matching(question: Element, text_format: str) -> dict:
    pairs, distractors = [], []
    for sub in question.findall("subquestion"):
        item, match = _text(sub, text_format), _text(sub.find("answer"), "plain_text", shown=False)
        if item:
            pairs.append({"item": item, "match": match})
        elif match:
            distractors.append(match)
    return {"type": "matching", "pairs": pairs, **({"distractors": distractors} if distractors else {})}


def _essay(question: Element, text_format: str) -> dict:
    guidance = _text(question.find("graderinfo"), text_format)
    return {"type": "essay", **({"guidance": guidance} if guidance else {})}


def _ordering(question: Element, text_format: str) -> dict:
    return {"type": "ordering", "items": [_text(answer, text_format) for answer in _answers(question)]}


_READERS: dict[str, Callable[[Element, str], dict]] = {
    "multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer, "numerical": _numerical,
    "matching": _matching, "match": _matching, "essay": _essay, "ordering": _ordering,
}  # fmt: skip


def read_moodle_xml(data: bytes, path: str = "<moodle-xml>") -> GiftRead:
    """Read a Moodle XML file, keeping the questions that can be read and reporting the others, each at its line as
    `question N (name): …`. Problems of the file as a whole come with no questions."""
    root, lines = _parse(data, path)
    if root.tag != "quiz":
        message = _("the root element is <%(tag)s>, not Moodle's <quiz>", tag=root.tag)
        return GiftRead(problems=[ContentProblem(path, 1, message)])
    elements = [element for element in root.findall("question") if element.get("type") != "category"]
    if len(elements) > MAX_QUESTIONS:
        message = _("holds %(count)d questions; a file may hold at most %(max)d: split it", count=len(elements),
                    max=MAX_QUESTIONS)  # fmt: skip
        return GiftRead(problems=[ContentProblem(path, lines[elements[MAX_QUESTIONS]], message)])
    if not elements:
        return GiftRead(problems=[ContentProblem(path, 1, _("no questions found in the file"))])
    read, category, number = GiftRead(), "", 0
    kept: list[tuple[str, int, dict | None]] = []
    for element in root.findall("question"):
        kind = element.get("type", "")
        if kind == "category":
            category = _category_tag(element.findtext("category/text") or "")
            continue
        number += 1
        title = " ".join((element.findtext("name/text") or "").split())
        try:
            kept.append((title, lines[element], _question(element, kind, category)))
        except _Problem as problem:
            if title:
                message = _("question %(number)d (%(title)s): %(problem)s", number=number, title=title, problem=problem)
            else:
                message = _("question %(number)d: %(problem)s", number=number, problem=problem)
            read.problems.append(ContentProblem(path, lines[element], message))
            kept.append((title, lines[element], None))
    for question_id, (title, line, question) in zip(_question_ids([entry[0] for entry in kept]), kept, strict=True):
        if question is not None:
            read.questions.append({"id": question_id, **({"title": title} if title and title != question_id else {}),
                                   **question})  # fmt: skip
            read.lines.append(line)
    return read


def _question(element: Element, kind: str, category: str) -> dict:
    reader = _READERS.get(kind)
    if reader is None:
        raise _Problem(_("unsupported question type '%(kind)s': Lanyard has no such question", kind=kind))
    prompt_element = element.find("questiontext")
    text_format = prompt_element.get("format", "html") if prompt_element is not None else "html"
    question = {"prompt": _text(prompt_element, text_format), **reader(element, text_format)}
    question = {"type": question.pop("type"), **question}
    explanation = _text(element.find("generalfeedback"), text_format)
    if explanation:
        question["explanation"] = explanation
    points = _decimal(element.findtext("defaultgrade") or "1")
    if points is not None and points != 1:
        question["points"] = _plain_number(points)
    tags = [category] if category else []
    tags += [tag for tag in (" ".join((t.text or "").split()) for t in element.findall("tags/tag/text"))
             if tag and tag not in tags]  # fmt: skip
    if tags:
        question["tags"] = tags
    return question


def import_moodle_xml(data: bytes, path: str, course: Course, quiz_slug: str, module_slug: str | None = None,
                      skip_unsupported: bool = False) -> GiftImportSummary:  # fmt: skip
    """Add a Moodle XML file's questions to the course's quiz QUIZ_SLUG, as gift_quiz.import_gift does a GIFT file's:
    ValueError for a wrong quiz or module, ContentError with every problem; either way nothing is written."""
    quiz, module = import_target(course, quiz_slug, module_slug)
    if len(data) > MAX_GIFT_BYTES:
        raise ContentError([ContentProblem(path, 1, xml_too_large())])
    entries, skipped = located_questions(read_moodle_xml(data, path), skip_unsupported)
    return import_questions(quiz, module, entries, skipped, path, course, quiz_slug, skip_unsupported)


# --- export -----------------------------------------------------------------------------------------------------


def _add_text(parent: Element, tag: str, text: str, text_format: str | None = "markdown") -> Element:
    element = SubElement(parent, tag, {"format": text_format} if text_format else {})
    SubElement(element, "text").text = str(text)
    return element


def _add_answer(parent: Element, fraction: float, text: str, feedback: str | None = None,
                text_format: str | None = "markdown") -> Element:  # fmt: skip
    answer = _add_text(parent, "answer", text, text_format)
    answer.set("fraction", f"{fraction:.7f}".rstrip("0").rstrip("."))
    if feedback:
        _add_text(answer, "feedback", feedback)
    return answer


def _write_answers(element: Element, question: dict) -> str:
    """Fill in the type's elements; return Moodle's type name. ValueError for a type Moodle XML is not written for."""
    kind = question["type"]
    if kind in ("single", "multiple"):
        choices = question["choices"]
        right = sum(1 for choice in choices if choice.get("correct"))
        wrong = len(choices) - right
        SubElement(element, "single").text = "true" if kind == "single" else "false"
        SubElement(element, "shuffleanswers").text = "1"
        for choice in choices:
            if kind == "single":
                fraction = 100 if choice.get("correct") else 0
            else:
                fraction = 100 / right if choice.get("correct") else -100 / wrong
            _add_answer(element, fraction, choice["text"], choice.get("feedback"))
        return "multichoice"
    if kind == "true_false":
        for value in (True, False):
            name = str(value).lower()
            _add_answer(element, 100 if question["answer"] is value else 0, name, question.get(f"{name}_feedback"),
                        "plain_text")  # fmt: skip
        return "truefalse"
    if kind == "short_text":
        SubElement(element, "usecase").text = "0"
        for answer in question["accept"]:
            if isinstance(answer, str):
                _add_answer(element, 100, answer, None, "plain_text")
            else:
                _add_answer(element, answer.get("credit", 100), answer["text"], answer.get("feedback"), "plain_text")
        return "shortanswer"
    if kind == "numeric":
        answers = [{**question, "credit": 100}, *question.get("other_answers", [])]
        for answer in answers:
            written = _add_answer(element, answer["credit"], str(answer["answer"]), answer.get("feedback"), None)
            SubElement(written, "tolerance").text = str(answer.get("tolerance", 0))
        if question.get("wrong_feedback"):
            _add_answer(element, 0, "*", question["wrong_feedback"], None)
        return "numerical"
    if kind == "matching":
        SubElement(element, "shuffleanswers").text = "true"
        for pair in question["pairs"]:
            sub = _add_text(element, "subquestion", pair["item"])
            SubElement(SubElement(sub, "answer"), "text").text = str(pair["match"])
        for distractor in question.get("distractors", []):
            sub = _add_text(element, "subquestion", "")
            SubElement(SubElement(sub, "answer"), "text").text = str(distractor)
        return "matching"
    if kind == "essay":
        SubElement(element, "responseformat").text = "editor"
        if question.get("guidance"):
            _add_text(element, "graderinfo", question["guidance"])
        return "essay"
    if kind == "ordering":
        for position, item in enumerate(question["items"], start=1):
            _add_answer(element, position, item)
        return "ordering"
    raise ValueError(_("a %(kind)s question has no Moodle XML form Lanyard writes", kind=kind))


def export_moodle_xml(quiz: dict, skipped: list[str] | None = None) -> str:
    """A quiz document as Moodle XML. A question it cannot hold raises ValueError, or, given a `skipped` list, is
    left out and named there."""
    root = Element("quiz")
    questions = list(quiz["questions"])
    category = None
    for question, title in zip(questions, _export_titles(questions), strict=True):
        element = Element("question")
        name = SubElement(element, "name")
        SubElement(name, "text").text = title
        _add_text(element, "questiontext", question["prompt"])
        if question.get("explanation"):
            _add_text(element, "generalfeedback", question["explanation"])
        SubElement(element, "defaultgrade").text = str(question.get("points", 1))
        try:
            element.set("type", _write_answers(element, question))
        except ValueError as error:
            message = _("question %(id)s: %(problem)s", id=question["id"], problem=error)
            if skipped is None:
                raise ValueError(message) from None
            skipped.append(message)
            continue
        tags = list(question.get("tags") or [])
        tag = tags.pop(0) if tags else ""
        if tag != category:
            category_element = SubElement(root, "question", {"type": "category"})
            category_text = f"$course$/top{'/' + tag if tag else ''}"
            SubElement(SubElement(category_element, "category"), "text").text = category_text
            category = tag
        if tags:
            tags_element = SubElement(element, "tags")
            for extra in tags:
                SubElement(SubElement(tags_element, "tag"), "text").text = extra
        root.append(element)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def quiz_moodle_xml(quiz: Quiz, skipped: list[str] | None = None) -> str:
    """A stored quiz as Moodle XML (sources, objectives and the quiz settings have no place there)."""
    return export_moodle_xml(quiz_document(quiz, module_slugs={}), skipped)

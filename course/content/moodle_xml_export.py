"""A quiz as Moodle XML (course.content.moodle_xml reads it back), for Moodle and for `flask moodle-xml export`.

`export_moodle_xml` writes a quiz document (exporter.quiz_document) so that `read_moodle_xml` gives it back; every
text is written with format="markdown", which Moodle reads. Each question type writes its own elements through a
`MoodleXmlWriter`; the course figures a question's texts show are embedded as Moodle embeds them.
"""

import base64
import json
from collections.abc import Mapping
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from flask_babel import gettext as _
from sqlalchemy import select

from course.content.exporter import quiz_document
from course.content.figures import FIGURE_REFERENCE
from course.content.gift_export import export_titles
from course.content.moodle_xml import PLUGINFILE
from course.extensions import db
from course.models import Figure, Quiz
from course.question_types import question_type


class MoodleXmlWriter:
    """A <question> element as a question type's `write_moodle_xml` fills it in; texts are written with
    format="markdown", which Moodle reads, unless told."""

    def __init__(self, element: Element):
        self.element = element

    def add(self, tag: str, text: str | None = None, parent: Element | None = None) -> Element:
        """A child element (of the question unless `parent`), holding `text` if given."""
        child = SubElement(self.element if parent is None else parent, tag)
        if text is not None:
            child.text = text
        return child

    def add_text(
        self, tag: str, text: str, text_format: str | None = "markdown", parent: Element | None = None
    ) -> Element:
        """An element holding a <text>, as Moodle writes every text."""
        element = SubElement(
            self.element if parent is None else parent, tag, {"format": text_format} if text_format else {}
        )
        SubElement(element, "text").text = str(text)
        return element

    def add_answer(
        self, fraction: float, text: str, feedback: str | None = None, text_format: str | None = "markdown"
    ) -> Element:
        """An <answer> with its fraction (percent) and feedback."""
        answer = self.add_text("answer", text, text_format)
        answer.set("fraction", f"{fraction:.7f}".rstrip("0").rstrip("."))
        if feedback:
            self.add_text("feedback", feedback, parent=answer)
        return answer


def _embed_figures(question: Element, figures: Mapping[str, tuple[str, bytes]]) -> None:
    """Write the figures a question's texts show back as Moodle embeds them: `figures/card.png` becomes
    `@@PLUGINFILE@@/card.png` and the bytes a base64 `<file>` beside that `<text>`."""
    for parent in list(question.iter()):
        text = parent.find("text")
        if text is None or not text.text:
            continue
        shown = [name for name in dict.fromkeys(FIGURE_REFERENCE.findall(text.text)) if name in figures]
        for name in shown:
            text.text = text.text.replace(f"figures/{name}", f"{PLUGINFILE}{name}")
            embedded = SubElement(parent, "file", {"name": name, "path": "/", "encoding": "base64"})
            embedded.text = base64.b64encode(figures[name][1]).decode("ascii")


def export_moodle_xml(
    quiz: dict, skipped: list[str] | None = None, figures: Mapping[str, tuple[str, bytes]] | None = None
) -> str:
    """A quiz document as Moodle XML, with the FIGURES (name: (media type, bytes)) its questions show embedded. A
    question it cannot hold raises ValueError, or, given a `skipped` list, is left out and named there."""
    root = Element("quiz")
    questions = list(quiz["questions"])
    category = None
    for question, title in zip(questions, export_titles(questions), strict=True):
        element = Element("question")
        writer = MoodleXmlWriter(element)
        writer.add("text", title, parent=writer.add("name"))
        writer.add_text("questiontext", question["prompt"])
        if question.get("explanation"):
            writer.add_text("generalfeedback", question["explanation"])
        writer.add("defaultgrade", str(question.get("points", 1)))
        try:
            element.set("type", question_type(question["type"]).write_moodle_xml(question, writer))
        except ValueError as error:  # an unknown type too
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
        _embed_figures(element, figures or {})
        root.append(element)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def quiz_moodle_xml(quiz: Quiz, skipped: list[str] | None = None) -> str:
    """A stored quiz as Moodle XML (sources, objectives and the quiz settings have no place there), the course
    figures its questions show embedded."""
    document = quiz_document(quiz, module_slugs={})
    shown = set(FIGURE_REFERENCE.findall(json.dumps(document["questions"])))
    figures = (
        {
            figure.name: (figure.media_type, figure.data)
            for figure in db.session.scalars(
                select(Figure).where(Figure.course_id == quiz.course_id, Figure.name.in_(shown))
            )
        }
        if shown
        else {}
    )
    return export_moodle_xml(document, skipped, figures)

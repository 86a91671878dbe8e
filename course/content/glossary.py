"""The course's glossary (glossary.yaml, entries declared once as GLOSSARY_ENTRY) and its figures, judged from their
bytes."""

import re
import xml.etree.ElementTree as ElementTree

from flask_babel import gettext as _

from course import schema
from course.content.checking import MAX_TITLE, SLUG_FIELD, TEXT, CheckerBase, _display
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.render import render_markdown

FIGURE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
MAX_FIGURE_BYTES = 2 * 1024 * 1024


GLOSSARY_ENTRY = schema.Schema({"term": TEXT, "anchor": SLUG_FIELD, "definition": TEXT})


class GlossaryChecker(CheckerBase):
    def load_glossary(self) -> list[dict[str, str]]:
        path = self.lessons_dir / "glossary.yaml"
        if not path.is_file():
            return []
        data, problems = load_yaml(self.read_text(path) or "", _display(path))
        self.problems += problems
        if problems:
            return []
        entries = data.get("terms") if isinstance(data, LineDict) else None
        if not isinstance(entries, LineList):
            self.problem(path, 1, _("glossary.yaml needs a list under 'terms'"))
            return []
        glossary: list[dict[str, str]] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                self.problem(path, entries.line_of(index), _("each glossary entry needs term, anchor and definition"))
                continue
            an_entry = _("a glossary entry")
            self.unknown_fields(entry, GLOSSARY_ENTRY, path, an_entry)
            term, anchor, definition = self.fields(
                entry, GLOSSARY_ENTRY, path, an_entry, "term", "anchor", "definition"
            )
            if anchor and any(g["anchor"] == anchor for g in glossary):
                self.problem(path, entry.line_of("anchor"), _("duplicate glossary anchor '%(anchor)s'", anchor=anchor))
                continue
            glossary.append(
                {
                    "term": term,
                    "anchor": anchor,
                    "definition": definition,
                    "definition_html": render_markdown(definition).html,
                }
            )
        return sorted(glossary, key=lambda g: g["term"].casefold())

    def load_figures(self) -> dict[str, tuple[str, bytes]]:
        folder = self.lessons_dir / "figures"
        figures: dict[str, tuple[str, bytes]] = {}
        if not folder.is_dir():
            return figures
        for path in sorted(folder.iterdir()):
            media_type = FIGURE_TYPES.get(path.suffix.lower())
            if media_type is None:
                self.problem(path, 1, _("figures must be SVG, PNG, JPEG or WebP"))
                continue
            if len(path.name) > MAX_TITLE:
                self.problem(path, 1, _("figure file names are at most %(max)d characters long", max=MAX_TITLE))
                continue
            if path.stat().st_size > MAX_FIGURE_BYTES:  # before reading it
                self.problem(path, 1, _("figure is larger than %(size)d KiB", size=MAX_FIGURE_BYTES // 1024))
                continue
            data = path.read_bytes()
            problem = figure_problem(data, media_type)
            if problem:
                self.problem(path, 1, problem)
                continue
            figures[path.name] = (media_type, data)
        return figures


_SVG_FORBIDDEN_ATTR = re.compile(r"^on", re.IGNORECASE)
_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",), "image/webp": (b"RIFF",)}


def figure_problem(data: bytes, media_type: str) -> str | None:
    """Why a figure cannot be accepted, judged from its bytes (never its name); None when it is fine.

    SVG may carry scripts, so any script, event handler, foreign object or external reference is refused.
    """
    if media_type != "image/svg+xml":
        return _raster_problem(data, media_type)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return _("SVG with a DOCTYPE or entities is not accepted")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - DOCTYPE and entities are refused just above
    except ElementTree.ParseError as error:
        return _("SVG is not well-formed XML (%(error)s)", error=error)
    if not root.tag.endswith("svg"):
        return _("the file's content is not an SVG image")
    return next(filter(None, map(_svg_element_problem, root.iter())), None)


def _raster_problem(data: bytes, media_type: str) -> str | None:
    """A PNG, JPEG or WebP whose bytes do not start as that format's do, whatever its name says."""
    ok = any(data.startswith(magic) for magic in _MAGIC[media_type])
    if media_type == "image/webp":
        ok = ok and data[8:12] == b"WEBP"
    return None if ok else _("the file's content is not a %(format)s image", format=media_type.split("/")[1].upper())


def _svg_element_problem(element: ElementTree.Element) -> str | None:
    """What in one SVG element could run a script or fetch something from elsewhere; None when nothing does."""
    tag = element.tag.rsplit("}", 1)[-1].lower()
    if tag in ("script", "foreignobject", "iframe", "object", "embed"):
        return _("SVG contains a <%(tag)s> element", tag=tag)
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if _SVG_FORBIDDEN_ATTR.match(local):
            return _("SVG contains an event handler attribute '%(name)s'", name=local)
        if local == "href" and not value.startswith("#"):
            return _("SVG links to an external resource")
        if "url(" in value and "url(#" not in value.replace(" ", ""):
            return _("SVG refers to an external resource")
    if tag == "style" and element.text and ("@import" in element.text or "url(" in element.text):
        return _("SVG style sheet refers to an external resource")
    return None

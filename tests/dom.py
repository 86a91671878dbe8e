"""HTML assertions through a real parser: pages are parsed with the standard library's html.parser into a small
element tree, and tests find elements with a little CSS (`tag#id.class[attr=value]`, descendant and `>` child
combinators, commas) instead of reading markup with regexes and string splits.

    page = parse(response.get_data(as_text=True))
    page.one("input[name=csrf_token]")["value"]
    [cell.text for cell in page.one("#roster").all("td")]
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements a reader sees apart from their neighbours: `text` puts a space around them, as a browser's innerText does.
SEPARATE_ELEMENTS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
# Elements whose start implicitly closes an open one of the same kind, as browsers do with `<li>a<li>b`.
SELF_CLOSING_SIBLINGS = {"li", "option", "p", "tr", "td", "th", "dt", "dd"}


class Element:
    """One element: its tag, attributes (valueless ones map to ""), children (elements and text) and parent."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []
        self.source, self.start, self.end = "", 0, 0  # the document and where this element's markup lies in it

    def __repr__(self) -> str:
        attributes = "".join(f' {name}="{value}"' for name, value in self.attrs.items())
        return f"<{self.tag}{attributes}>"

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def html(self) -> str:
        """The element's own markup, start tag to end tag, exactly as the page has it."""
        return self.source[self.start : self.end]

    @property
    def raw_text(self) -> str:
        """Every piece of text inside, joined as it is (entities already decoded)."""
        return "".join(child if isinstance(child, str) else child.raw_text for child in self.children)

    @property
    def text(self) -> str:
        """The text inside as a reader sees it: block elements and table cells apart, white space made one space."""
        return " ".join(self._spaced_text().split())

    def _spaced_text(self) -> str:
        inner = "".join(child if isinstance(child, str) else child._spaced_text() for child in self.children)
        return f" {inner} " if self.tag in SEPARATE_ELEMENTS else inner

    @property
    def next_element(self) -> "Element | None":
        """The next sibling that is an element (text between them skipped), or None."""
        siblings = self.parent.children if self.parent else []
        later = siblings[siblings.index(self) + 1 :]
        return next((sibling for sibling in later if isinstance(sibling, Element)), None)

    def descendants(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def all(self, selector: str) -> list["Element"]:
        """Every element inside that matches the selector, in document order."""
        alternatives = [_parse_selector(part) for part in selector.split(",")]
        return [
            element for element in self.descendants() if any(_matches(element, steps, self) for steps in alternatives)
        ]

    def one(self, selector: str) -> "Element":
        """The single element that matches; an assertion error says how many did when it is not exactly one."""
        found = self.all(selector)
        assert len(found) == 1, f"{len(found)} elements match {selector!r}"
        return found[0]

    def first(self, selector: str) -> "Element | None":
        """The first element that matches, or None."""
        found = self.all(selector)
        return found[0] if found else None

    def innermost(self, selector: str, containing: str) -> "Element":
        """The deepest element matching the selector whose text contains `containing` (the section a phrase is in)."""
        found = [element for element in self.all(selector) if containing in element.text]
        assert found, f"no {selector!r} contains {containing!r}"
        return next(element for element in found if not any(other in found for other in element.descendants()))

    def texts(self, selector: str) -> list[str]:
        return [element.text for element in self.all(selector)]

    def rows(self, selector: str = "tr") -> list[list[str]]:
        """The text of each header or data cell, row by row, of the rows the selector finds."""
        return [
            [cell.text for cell in row.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
            for row in self.all(selector)
        ]


def parse(html: str) -> Element:
    """The document as a tree under a root element named "#document"."""
    builder = _TreeBuilder(html)
    builder.feed(html)
    builder.close()
    for element in builder.open[1:]:  # never closed: they run to the end of the document
        element.end = len(html)
    builder.root.end = len(html)
    return builder.root


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.root = self._element("#document", [])
        self.open = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _element(self, tag: str, attrs) -> Element:
        element = Element(tag, {name: value or "" for name, value in attrs}, getattr(self, "open", [None])[-1])
        element.source = self.source
        return element

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        if tag in SELF_CLOSING_SIBLINGS and self.open[-1].tag == tag:
            self.open.pop().end = start
        element = self._element(tag, attrs)
        element.start = start
        element.end = start + len(self.get_starttag_text() or "")
        self.open[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        element = self._element(tag, attrs)
        element.start = self._offset()
        element.end = element.start + len(self.get_starttag_text() or "")
        self.open[-1].children.append(element)

    def handle_endtag(self, tag):
        end = self.source.find(">", self._offset()) + 1
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                for element in self.open[depth:]:
                    element.end = end
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


# One compound selector: a tag (or *), then #id, .class and [attr], [attr=value], [attr^=value], [attr*=value].
_TOKEN = re.compile(
    r"""\s*(>)\s*|\s+|([\w*-]+)|\#([\w-]+)|\.([\w-]+)|\[([\w:-]+)(?:([*^$]?=)["']?([^"'\]]*)["']?)?\]"""
)


def _parse_selector(selector: str) -> list[tuple[str, dict]]:
    """A selector as steps from the outermost element in, each with the combinator that joins it to the previous."""
    steps: list[tuple[str, dict]] = []
    combinator, current = " ", None
    position, selector = 0, selector.strip()
    while position < len(selector):
        match = _TOKEN.match(selector, position)
        assert match and match.end() > position, f"unsupported selector: {selector!r}"
        position = match.end()
        child, tag, id_, class_, attr, operator, value = match.groups()
        if child or not any((tag, id_, class_, attr)):  # a combinator: `>` or white space
            if current is not None:
                steps.append((combinator, current))
                current, combinator = None, " "
            if child:
                combinator = ">"
            continue
        if current is None:
            current = {"tag": None, "id": None, "classes": [], "attrs": []}
        if tag:
            current["tag"] = None if tag == "*" else tag
        elif id_:
            current["id"] = id_
        elif class_:
            current["classes"].append(class_)
        else:
            current["attrs"].append((attr, operator, value))
    assert current is not None, f"a selector cannot end with a combinator: {selector!r}"
    steps.append((combinator, current))
    return steps


def _matches_compound(element: Element, compound: dict) -> bool:
    if compound["tag"] and element.tag != compound["tag"]:
        return False
    if compound["id"] and element.attrs.get("id") != compound["id"]:
        return False
    if not set(compound["classes"]) <= element.classes:
        return False
    for name, operator, value in compound["attrs"]:
        actual = element.attrs.get(name)
        if actual is None:
            return False
        if operator == "=" and actual != value:
            return False
        if operator == "^=" and not actual.startswith(value):
            return False
        if operator == "$=" and not actual.endswith(value):
            return False
        if operator == "*=" and value not in actual:
            return False
    return True


def _matches(element: Element | None, steps: list[tuple[str, dict]], scope: Element) -> bool:
    """Whether the element matches the last step and its ancestors (up to `scope`) the steps before it."""
    if element is None or element is scope or not steps:
        return False
    combinator, compound = steps[-1]
    if not _matches_compound(element, compound):
        return False
    if len(steps) == 1:  # the outermost step: a leading `>` means a child of the element searched from
        return combinator != ">" or element.parent is scope
    ancestor = element.parent
    if combinator == ">":
        return _matches(ancestor, steps[:-1], scope)
    while ancestor is not None and ancestor is not scope:
        if _matches(ancestor, steps[:-1], scope):
            return True
        ancestor = ancestor.parent
    return False


def has_cells(rows: list[list[str]], *cells: str) -> bool:
    """Whether some row holds these cell texts one after another."""
    width = len(cells)
    return any(list(cells) == row[start : start + width] for row in rows for start in range(len(row) - width + 1))


def input_value(html: str, name: str) -> str:
    """The value of the inputs named `name` (a CSRF token, a hidden confirmation field), which every form on the
    page that has one gives the same."""
    values = {element.get("value") for element in parse(html).all(f"input[name='{name}']")}
    assert len(values) == 1, f"inputs named {name!r} hold {values or 'nothing'}"
    return values.pop() or ""

"""GIFT text as the types' `gift_answers` and course.content.gift write it: escaped, one line per answer."""

import re
from html.parser import HTMLParser

GIFT_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_CONTROL_CHARACTER = re.compile(r"[\\~=#{}:]")


def gift_escape(text: str) -> str:
    """GIFT text on one line: control characters escaped, line breaks as \\n so a blank line cannot end a question."""
    escaped = _CONTROL_CHARACTER.sub(r"\\\g<0>", str(text).strip())
    return escaped.replace("\r", "").replace("\n", r"\n")


def answer_gift(marker: str, text: str, feedback: str | None = None, weight: float | None = None) -> str:
    """One `=`/`~` answer; a text that starts like a %weight% gets an explicit one so it is not read as a weight."""
    if weight is None and GIFT_WEIGHT.match(text.strip()):
        weight = 100 if marker == "=" else 0
    weight_gift = "" if weight is None else f"%{weight:.5f}".rstrip("0").rstrip(".") + "%"
    feedback_gift = f"#{gift_escape(feedback)}" if feedback else ""
    return f"{marker}{weight_gift}{gift_escape(text)}{feedback_gift}"


# --- GIFT text formats ------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")
_BOLD_ITALIC = re.compile(r"<(/?)(b|i)(?=[\s>/])", re.IGNORECASE)


def plain_to_markdown(text: str) -> str:
    """`[plain]` text: every Markdown character escaped, so students read exactly what was written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def html_to_markdown(html: str) -> str:
    """`[html]` text: reduced to course/sanitize.py's allow-list first (<b>/<i> read as <strong>/<em>), then written
    as the Markdown that course/render.py renders back to the same elements. What the allow-list drops is lost."""
    from course.sanitize import clean_html  # the one allow-list; imported here so the types stay light to import

    writer = _MarkdownWriter()
    writer.feed(
        clean_html(_BOLD_ITALIC.sub(lambda tag: f"<{tag[1]}{'strong' if tag[2].lower() == 'b' else 'em'}", html))
    )
    writer.close()
    return writer.markdown()


class _MarkdownWriter(HTMLParser):
    """Writes the allow-listed elements as Markdown: blocks, emphasis, links, images, code, lists, headings, tables."""

    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "section",
            "figure",
            "figcaption",
            "blockquote",
            "ul",
            "ol",
            "pre",
            "table",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "dl",
            "dd",
            "dt",
            "hr",
        }
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list] = []  # [tag, number]
        self.links: list[str] = []
        self.pre = False
        self.quote = 0
        self.row: list[str] | None = None
        self.rows: list[list[str]] = []
        self.in_list = False
        self._cell_start = 0

    def _flush(self) -> None:
        text = "".join(self.line).strip()
        self.line = []
        if text:
            text = "\n".join("> " * self.quote + part for part in text.split("\n")) if self.quote else text
            if self.lists and self.blocks and self.in_list:  # items of one list stay together: a tight list
                self.blocks[-1] += "\n" + text
            else:
                self.blocks.append(text)
            self.in_list = bool(self.lists)

    def handle_starttag(self, tag, attrs):
        if tag in self._BLOCKS and not (tag == "div" and self.lists):
            self._flush()
        mark = self._inline_mark(tag)
        if mark:
            self.line.append(mark)
        elif tag in self._OPENERS:
            self._OPENERS[tag](self, tag, dict(attrs))

    def handle_endtag(self, tag):
        mark = self._inline_mark(tag)
        if mark:
            self.line.append(mark)
        elif tag in self._CLOSERS:
            self._CLOSERS[tag](self)
        elif tag in self._BLOCKS and not (tag == "div" and self.lists):
            self._flush()

    def _inline_mark(self, tag: str) -> str | None:
        """The Markdown that both opens and closes an inline element (code inside <pre> is no inline code)."""
        if tag == "code":
            return None if self.pre else "`"
        return {"strong": "**", "em": "*"}.get(tag)

    # Start tags: each handler takes the tag and its attributes.

    def _open_quote(self, tag: str, attributes: dict) -> None:
        self.quote += 1

    def _open_list(self, tag: str, attributes: dict) -> None:
        self.lists.append([tag, 0])

    def _open_item(self, tag: str, attributes: dict) -> None:
        """A list item's marker, numbered in an <ol>, indented by how deep the list is."""
        self._flush()
        kind: list = self.lists[-1] if self.lists else ["ul", 0]  # [tag, number], as in self.lists
        kind[1] += 1
        indent = "   " * (len(self.lists) - 1)
        self.line.append(indent + (f"{kind[1]}. " if kind[0] == "ol" else "- "))

    def _open_heading(self, tag: str, attributes: dict) -> None:
        self.line.append("#" * int(tag[1]) + " ")

    def _line_break(self, tag: str, attributes: dict) -> None:
        self.line.append("\\\n")

    def _rule(self, tag: str, attributes: dict) -> None:
        self.blocks.append("---")

    def _open_pre(self, tag: str, attributes: dict) -> None:
        self.pre = True
        self.line.append("```\n")

    def _open_link(self, tag: str, attributes: dict) -> None:
        self.links.append(attributes.get("href") or "")
        self.line.append("[")

    def _image(self, tag: str, attributes: dict) -> None:
        title = f' "{attributes["title"]}"' if attributes.get("title") else ""
        self.line.append(f"![{plain_to_markdown(attributes.get('alt') or '')}]({attributes.get('src', '')}{title})")

    def _open_row(self, tag: str, attributes: dict) -> None:
        self.row = []

    def _open_cell(self, tag: str, attributes: dict) -> None:
        if self.row is not None:
            self.row.append("")
            self._cell_start = len(self.line)

    _OPENERS = {
        "blockquote": _open_quote,
        "ul": _open_list,
        "ol": _open_list,
        "li": _open_item,
        **dict.fromkeys(("h2", "h3", "h4", "h5", "h6"), _open_heading),
        "br": _line_break,
        "hr": _rule,
        "pre": _open_pre,
        "a": _open_link,
        "img": _image,
        "tr": _open_row,
        "td": _open_cell,
        "th": _open_cell,
    }

    # End tags.

    def _close_pre(self) -> None:
        self.pre = False
        self.line.append("\n```")
        self._flush()

    def _close_link(self) -> None:
        href = self.links.pop() if self.links else ""
        self.line.append(f"]({href})" if href else "]")

    def _close_cell(self) -> None:
        """A table cell's text on one line, pipes escaped, taken out of the line into the row."""
        if self.row is not None:
            cell = "".join(self.line[self._cell_start :]).strip().replace("|", "\\|").replace("\n", " ")
            del self.line[self._cell_start :]
            self.row[-1] = cell

    def _close_row(self) -> None:
        if self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def _close_table(self) -> None:
        """The rows as a pipe table, the first one its header, every row as wide as the widest."""
        if self.rows:
            width = max(len(row) for row in self.rows)
            rows = [row + [""] * (width - len(row)) for row in self.rows]
            lines = [f"| {' | '.join(rows[0])} |", "|" + " --- |" * width]
            lines += [f"| {' | '.join(row)} |" for row in rows[1:]]
            self.line = []
            self.blocks.append("\n".join(lines))
        self.rows = []

    def _close_list(self) -> None:
        self._flush()
        if self.lists:
            self.lists.pop()
        if not self.lists:
            self._flush()
            self.in_list = False

    def _close_quote(self) -> None:
        self._flush()
        self.quote = max(0, self.quote - 1)

    _CLOSERS = {
        "pre": _close_pre,
        "a": _close_link,
        "td": _close_cell,
        "th": _close_cell,
        "tr": _close_row,
        "table": _close_table,
        "ul": _close_list,
        "ol": _close_list,
        "blockquote": _close_quote,
    }

    def handle_data(self, data):
        if self.pre:
            self.line.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if not "".join(self.line).strip() or "".join(self.line).endswith(("\n", "- ", ". ")):
            text = text.lstrip()
        self.line.append(plain_to_markdown(text) if text.strip() else text)

    def markdown(self) -> str:
        self._flush()
        return "\n\n".join(block.strip("\n") for block in self.blocks if block.strip())

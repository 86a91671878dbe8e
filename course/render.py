"""Markdown → sanitised HTML, done once when content is imported or saved; pages serve the stored result.

Lesson Markdown is CommonMark with tables, plus the course syntax of DESIGN.md:
- `[@source-id]` cites a source of the lesson and renders as a numbered link to its sources list;
- `![alt](figures/name.svg "caption")` alone in a paragraph becomes a figure with a caption;
- `[text](glossary#anchor)` links a glossary entry and `[text](lesson:slug)` another lesson of the course;
- a fenced block whose info string starts with `lab` embeds the ID Design Lab (`preset=… task=…`);
- `[as of 2026-11-29]` (or `[as of 2026-11]`) after a claim that can change shows students when it was last checked.
Links are written relative to the page (/courses/<course>/lessons/<slug>), so a school can mount the app anywhere.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from babel.dates import format_date, format_skeleton

from course.i18n import N_, translations_for
from course.sanitize import clean_html, safe_url

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

CITATION = re.compile(r"\[@([A-Za-z0-9][\w.-]*)\]")
LAB_PARAM = re.compile(r"(\w+)=([\w-]+)")
AS_OF = re.compile(r"\[as of (\d{4}-\d{2}(?:-\d{2})?)\]")
# The language of the content being rendered: the few words the renderer adds to it are written in that language.
_content_language: ContextVar[str] = ContextVar("content_language", default="en")


def in_content_language(message: str) -> str:
    """A catalogue message in the language of the content being rendered."""
    return translations_for(_content_language.get()).gettext(message)


@contextmanager
def content_language(language: str) -> Iterator[None]:
    """Render in `language`: a dated claim's "(as of …)" and a citation's title, as the course's own text reads."""
    token = _content_language.set(language or "en")
    try:
        yield
    finally:
        _content_language.reset(token)


def calendar_date(value: Any, allow_month: bool = True) -> date | None:
    """A date an author wrote (YYYY-MM-DD, or YYYY-MM where `allow_month`; YAML may have parsed it already), or
    None when it is malformed or lies in the future."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = str(value).strip()
        try:
            if allow_month and re.fullmatch(r"\d{4}-\d{2}", text):
                value = date.fromisoformat(text + "-01")
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                value = date.fromisoformat(text)
            else:
                return None
        except ValueError:
            return None
    return value if value <= date.today() else None


def spoken_date(written: str, language: str = "en") -> str:
    """'2026-11-29' as the language writes a date in a sentence ('29 November 2026', '2026년 11월 29일');
    '2026-11' as a month ('November 2026')."""
    locale = "en_GB" if language.split("-")[0] == "en" else language.replace("-", "_")
    if len(written) == 7:
        return format_skeleton("yMMMM", date.fromisoformat(written + "-01"), locale=locale)
    return format_date(date.fromisoformat(written), "long", locale=locale)


@dataclass
class Rendered:
    """Rendered HTML and what the renderer saw on the way, for the checker and the importer."""

    html: str
    citations: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    lesson_links: list[str] = field(default_factory=list)
    glossary_links: list[str] = field(default_factory=list)
    lab_blocks: list[dict[str, str]] = field(default_factory=list)
    word_count: int = 0
    overfull_lines: list[int] = field(default_factory=list)  # 0-based lines of paragraphs shown as plain text


def _citation_rule(state: "StateInline", silent: bool) -> bool:
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def _as_of_rule(state: "StateInline", silent: bool) -> bool:
    match = AS_OF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("as_of", "", 0)
        token.meta = {"date": match.group(1)}
    state.pos = match.end()
    return True


def _render_as_of(self, tokens, idx, options, env) -> str:
    written, language = tokens[idx].meta["date"], _content_language.get()
    shown = spoken_date(written, language) if calendar_date(written) else written  # the checker reports a bad date
    label = in_content_language(N_("(as of %(date)s)")) % {"date": shown}
    return f'<span class="as-of">{escape(label)}</span>'


def _checked_on(written: str) -> str:
    """When a source was last read, in the course's language."""
    language = _content_language.get()
    shown = spoken_date(written, language) if calendar_date(written) else written
    label = in_content_language(N_("Checked %(date)s.")) % {"date": shown}
    return f' <span class="accessed">{escape(label)}</span>'


def _render_citation(self, tokens, idx, options, env) -> str:
    source_id = tokens[idx].meta["id"]
    cited = env.setdefault("citations", [])
    if source_id not in cited:
        cited.append(source_id)
    number = cited.index(source_id) + 1
    title = in_content_language(N_("Source %(number)d")) % {"number": number}
    return f'<sup class="citation"><a href="#source-{escape(source_id)}" title="{escape(title)}">[{number}]</a></sup>'


def _render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    info = token.info.strip()
    if info.split(" ", 1)[0] != "lab":
        return _default_fence(tokens, idx, options, env)
    params = dict(LAB_PARAM.findall(info))
    env.setdefault("lab_blocks", []).append(params)
    query = urlencode({k: v for k, v in params.items() if k in ("preset", "task")})
    preset, task = escape(params.get("preset", "")), escape(params.get("task", ""))
    return (
        f'<div class="lab-embed" data-preset="{preset}" data-task="{task}">'
        f'<p><a href="/lab?{escape(query)}">Open the ID Design Lab'
        f"{' with this design' if preset else ''}{' and its task' if task else ''}</a></p></div>\n"
    )


def _default_fence(tokens, idx, options, env) -> str:
    token = tokens[idx]
    lang = escape(token.info.strip().split(" ", 1)[0])
    css_class = f' class="language-{lang}"' if lang else ""
    return f"<pre><code{css_class}>{escape(token.content)}</code></pre>\n"


def _course_links(state) -> None:
    """Rewrite course-relative links and images, record them, and turn lone images into captioned figures."""
    env = state.env
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type in ("th_open", "td_open"):
            _align_cell(token)
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "link_open":
                _rewrite_link(child, env)
            elif child.type == "image":
                _rewrite_image(child, env)
        _make_figure_of_lone_image(tokens, index)


def _align_cell(token) -> None:
    """A table cell's alignment as a class, since the sanitiser keeps no inline styles."""
    style = token.attrs.pop("style", None)
    if style:
        token.attrSet("class", "align-" + str(style).split(":", 1)[1].strip())


def _rewrite_link(link, env: dict) -> None:
    """Point `lesson:slug` and `glossary#anchor` links at their pages, relative to the lesson, and record them."""
    href = str(link.attrGet("href") or "")
    if href.startswith("lesson:"):
        slug = href.removeprefix("lesson:")
        env.setdefault("lesson_links", []).append(slug)
        link.attrSet("href", f"../lessons/{slug}")
    elif href.startswith("glossary"):
        anchor = href.partition("#")[2]
        env.setdefault("glossary_links", []).append(anchor)
        link.attrSet("href", f"../glossary#{anchor}" if anchor else "../glossary")


def _rewrite_image(image, env: dict) -> None:
    """Point a course figure at its URL relative to the lesson, record it, and load every image lazily."""
    src = str(image.attrGet("src") or "")
    if src.startswith("figures/"):
        env.setdefault("figures", []).append(src.removeprefix("figures/"))
        image.attrSet("src", f"../{src}")
    image.attrSet("loading", "lazy")


def _make_figure_of_lone_image(tokens: list, index: int) -> None:
    """An image alone in its paragraph becomes a figure, its title the caption."""
    token = tokens[index]
    children = [c for c in token.children if not (c.type == "text" and not c.content.strip())]
    is_lone_image = (
        len(children) == 1 and children[0].type == "image" and index > 0 and tokens[index - 1].type == "paragraph_open"
    )
    if not is_lone_image:
        return
    caption = str(children[0].attrGet("title") or "")
    tokens[index - 1].tag = "figure"
    tokens[index + 1].tag = "figure"
    if caption:
        from markdown_it.token import Token

        caption_token = Token("html_inline", "", 0)
        caption_token.content = f"<figcaption>{escape(caption)}</figcaption>"
        token.children.append(caption_token)


def _word_count(state) -> None:
    words = 0
    for token in state.tokens:
        if token.type == "inline":
            words += sum(len(c.content.split()) for c in token.children or [] if c.type in ("text", "code_inline"))
    state.env["word_count"] = words


@cache
def _markdown() -> "MarkdownIt":
    """The one parser, built when content is first rendered: pages serve stored HTML, so a process that only
    serves them never imports markdown-it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(anchors_plugin, min_level=2, max_level=3)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.inline.ruler.before("link", "as_of", _as_of_rule)
    md.add_render_rule("as_of", _render_as_of)
    md.add_render_rule("fence", _render_fence)
    md.core.ruler.push("course_links", _course_links)
    md.core.ruler.push("word_count", _word_count)
    return md


# Links, citations and emphasis in one paragraph. Sanitising grows with the square of a paragraph's elements
# (html5lib finds each element's place among its siblings), so a paragraph with more is shown as plain text and
# the content checker reports it: no real paragraph comes near, and a crafted one cannot stall an import.
MAX_INLINE_PARTS = 400


def render_markdown(text: str) -> Rendered:
    """Render a block of author Markdown (a lesson body, a prompt, an explanation) to clean HTML."""
    env: dict[str, Any] = {}
    markdown = _markdown()
    tokens = markdown.parse(text or "", env)
    for token in tokens:
        if token.type == "inline" and len(token.children or ()) > MAX_INLINE_PARTS:
            token.children = [type(token)("text", "", 0, content=token.content)]
            env.setdefault("overfull_lines", []).append(token.map[0] if token.map else 0)
    html = markdown.renderer.render(tokens, markdown.options, env)
    return Rendered(
        overfull_lines=env.get("overfull_lines", []),
        html=clean_html(html),
        citations=env.get("citations", []),
        figures=env.get("figures", []),
        lesson_links=env.get("lesson_links", []),
        glossary_links=env.get("glossary_links", []),
        lab_blocks=env.get("lab_blocks", []),
        word_count=env.get("word_count", 0),
    )


def render_inline(text: str) -> str:
    """Render one line of author Markdown (a choice, a feedback sentence) without a wrapping paragraph."""
    return clean_html(_markdown().renderInline(str(text or "")))


def render_sources(sources: list[dict[str, Any]], citations: list[str]) -> tuple[list[dict[str, Any]], str]:
    """Number sources in the order the text first cites them (uncited ones last) and render the list."""
    order = {source_id: number for number, source_id in enumerate(citations)}
    ordered = sorted(sources, key=lambda s: order.get(str(s.get("id")), len(order)))
    numbered = [{**source, "number": number} for number, source in enumerate(ordered, start=1)]
    items = []
    for source in numbered:
        parts = [f"<em>{escape(str(source.get('title', '')))}</em>"]
        for key in ("publisher", "date"):
            if source.get(key):
                parts.append(escape(str(source[key])))
        url = safe_url(str(source.get("url", "")))
        link = f' <a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>' if url else ""
        accessed = _checked_on(str(source["accessed"])) if source.get("accessed") else ""
        items.append(f'<li id="source-{escape(str(source.get("id", "")))}">{", ".join(parts)}.{link}{accessed}</li>')
    html = f'<ol class="sources">{"".join(items)}</ol>' if items else ""
    return numbered, clean_html(html)

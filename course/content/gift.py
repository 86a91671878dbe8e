"""Convert quizzes between Moodle's GIFT text format and Lanyard's quiz dicts.

Teachers arrive with question banks exported from Moodle as GIFT, and leave with them the same way (writing GIFT is
course.content.gift_export's). Both directions are pure, so the CLI (`flask gift import|export`) and the upload form
share them.

`parse_gift` reads what Moodle's own importer reads, and turns each question into a Lanyard question dict:

- single choice `{=right ~wrong}`; multiple answers `{~%50%a ~%50%b ~%-100%c}`, right = positive weight;
- true/false `{T}` `{TRUE}` `{F}` `{FALSE}`; short answer `{=a =b}` → short_text accept; numeric `{#10:0.5}`,
  `{#9..11}` (answer 10, tolerance 1) and `{#=10:0 =%50%9:1}` (the one full-credit answer is kept);
- `::Title::` → id (a slug, unique in the file; untitled questions are q1, q2 … by position), per-choice feedback
  `#…`, general feedback `####…` → explanation, `//` comments, `$CATEGORY:` lines (a tag, or the quiz when
  importing by category), escapes
  `\\ \\~ \\= \\# \\{ \\} \\: \\n`, multi-line questions, `[markdown]` `[html]` `[plain]` `[moodle]` markers (stripped).

Where Lanyard has no home for something, the choice is deliberate:

- Missing-word questions (text after the answer block) become the same type with "_____" where the block stood,
  exactly what Moodle shows the student.
- True/false, short answer and numeric questions have no per-answer feedback in Lanyard: the feedback of the kept
  answers (for true/false: wrong-answer, then right-answer feedback) goes into the explanation, before the general
  feedback.
- Multiple-answer weights are kept as the choices' credits (a student earns the sum of the picked choices'
  weights, as in Moodle), unless they are the equal shares Lanyard gives without credits.
- Partial-credit answers of short answer and numeric questions are dropped; at least one full-credit answer (exactly
  one for numeric) must remain.

Everything else is reported, never dropped: matching, essay `{}`, description (no answer block), partial or negative
weights in single choice, multiple-answer weights of the right answers not adding up to 100, short-answer wildcards
`*`, unreadable numbers, braces that do not pair up, more than one answer block, an empty file. All problems of a
file come at once in a ContentError, each at the line where its question starts or, for a brace or an answer, its
own line.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from course.content.gift_answers import answer_reader
from course.content.gift_source import QuestionSource, clean, question_sources, split_format_marker, unmask
from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import MAX_QUESTIONS

_BLANK = "_____"
MAX_ID = 80  # loader.MAX_SLUG: the length of the database's key column

_TITLE = re.compile(r"\s*::(.*?)::", re.DOTALL)
_BRACE = re.compile(r"[{}]")


@dataclass
class GiftRead:
    """A GIFT file read question by question: the good questions (with ids) and the line each starts on, and every
    problem, each at its line. A question with a problem is left out of `questions`. `categories` holds each kept
    question's category (as `category_tag` writes it) and `figures` the images the file embeds (Moodle XML), by
    the name the questions' `figures/<name>` references use: (media type, bytes), already checked."""

    questions: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    figures: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def read_gift(text: str, path: str = "<gift>") -> GiftRead:
    """Read a GIFT file, keeping the questions that can be read and reporting the others (Moodle's "stop on error:
    no"). Problems of the file as a whole (empty, too many questions) come as problems with no questions."""
    sources = list(question_sources(text, path))
    if len(sources) > MAX_QUESTIONS:  # each question is checked and rendered: refuse before that work
        message = _(
            "holds %(count)d questions; a file may hold at most %(max)d: split it",
            count=len(sources),
            max=MAX_QUESTIONS,
        )
        return GiftRead(problems=[ContentProblem(path, sources[MAX_QUESTIONS].line_numbers[0], message)])
    if not sources:
        message = _("no questions found: the file is empty or holds only comments")
        return GiftRead(problems=[ContentProblem(path, 1, message)])
    read = GiftRead()
    titles: list[str] = []
    kept: list[tuple[int, dict, str] | None] = []
    for source in sources:
        question = _read_question(source)
        read.problems.extend(source.problems)
        titles.append(question[0] if question else "")
        kept.append(
            (source.line_numbers[0], question[1], source.category) if question and not source.problems else None
        )
    for question_id, title, entry in zip(question_ids(titles), titles, kept, strict=True):
        if entry is None:
            continue
        line, fields, category = entry
        read.questions.append(
            {"id": question_id, **({"title": title} if title and title != question_id else {}), **fields}
        )
        read.lines.append(line)
        read.categories.append(category)
    return read


def parse_gift(text: str, path: str = "<gift>") -> list[dict]:
    """Read a GIFT file into Lanyard question dicts, or raise ContentError listing every problem in the file."""
    read = read_gift(text, path)
    if read.problems:
        raise ContentError(read.problems)
    return read.questions


def question_lines(text: str) -> list[int]:
    """The line each question of a GIFT file starts on, in parse_gift's order, so later checks can point there."""
    return [source.line_numbers[0] for source in question_sources(text, "<gift>")]


def _read_question(source: QuestionSource) -> tuple[str, dict] | None:
    """Return (title, question without id) from one question's source, or None once problems are reported."""
    text = source.text
    title, body_start = "", 0
    if text.lstrip().startswith("::"):
        match = _TITLE.match(text)
        if not match:
            source.report(0, _("the question title is not closed: write ::Title:: before the question text"))
            return None
        title, body_start = " ".join(unmask(match[1]).split()), match.end()
    block = _find_answer_block(source, body_start)
    if block is None:
        return (title, {}) if title else None
    open_at, close_at = block
    before, after = text[body_start:open_at], text[close_at + 1 :]
    source.text_format = split_format_marker(before)[0]
    prompt = clean(before + _BLANK + after if after.strip() else before)
    if not prompt:
        source.report(0, _("the question has no text before its answers"))

    body = text[open_at + 1 : close_at]
    general_feedback = ""
    general_at = body.find("####")
    if general_at != -1:
        general_feedback = clean(body[general_at + 4 :], source.text_format)
        body = body[:general_at]
    fields = answer_reader(body.strip())(source, body, open_at + 1)
    if source.problems:
        return title, {}
    question = {"type": fields.pop("type"), "prompt": prompt, **fields}
    if general_feedback:
        question["explanation"] = general_feedback
    if source.category:
        question["tags"] = [source.category]
    return title, question


def _find_answer_block(source: QuestionSource, start: int) -> tuple[int, int] | None:
    """Offsets of the question's one {…}, or None after reporting braces that do not pair up or are missing."""
    blocks: list[tuple[int, int]] = []
    open_at, depth = 0, 0
    for brace in _BRACE.finditer(source.text, start):
        if brace[0] == "{":
            if depth:
                source.report(brace.start(), _(r"'{' inside an answer block: write a literal brace as \{"))
            else:
                open_at = brace.start()
            depth += 1
        elif not depth:
            source.report(brace.start(), _(r"'}' without an opening '{': write a literal brace as \}"))
        else:
            depth -= 1
            if not depth:
                blocks.append((open_at, brace.start()))
    if depth:
        source.report(open_at, _("'{' is never closed: the answer block needs its '}' before the next blank line"))
    if len(blocks) > 1:
        source.report(blocks[1][0], _(r"a second answer block: a question has one; write literal braces as \{ \}"))
    if not blocks and not source.problems:
        source.report(0, _("unsupported description (text without an answer block): Lanyard has no such question"))
    return blocks[0] if blocks and not source.problems else None


def question_ids(titles: list[str]) -> list[str]:
    """Slugs of the titles, q<position> for untitled questions, suffixed -2, -3 … where they repeat; at most MAX_ID
    characters, suffix included."""
    ids: list[str] = []
    taken: set[str] = set()
    for position, title in enumerate(titles, start=1):
        base = _slug(title) or f"q{position}"
        question_id = base
        for suffix in itertools.count(2):
            if question_id not in taken:
                break
            question_id = f"{base[: MAX_ID - len(str(suffix)) - 1].rstrip('-')}-{suffix}"
        ids.append(question_id)
        taken.add(question_id)
    return ids


def _slug(title: str) -> str:
    """An id from a question title of any characters: ASCII, lowercase, words joined by hyphens, at most MAX_ID
    characters, so `Grant's tomb` is `grants-tomb` and `Q_1 (a)` is `q-1-a`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_ID].rstrip("-")

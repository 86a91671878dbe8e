"""Convert quizzes between Moodle's GIFT text format and Lanyard's quiz dicts.

Teachers arrive with question banks exported from Moodle as GIFT, and leave with them the same way. Both functions
are pure, so the CLI (`flask gift import|export`) and the upload form share them.

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

`export_gift` writes a quiz's questions so that `parse_gift` gives them back (id, type, prompt, choices with
text/correct/feedback, answer, tolerance, accept, explanation). GIFT has no place for source, points, objective,
choice misconceptions or the quiz settings (pass_mark, max_attempts, shuffle): they are lost. Ids survive when they
are slugs, as Lanyard ids are. A short answer containing "->" reads back as matching, as it does in Moodle.
"""

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import MAX_NUMBER, MAX_NUMBER_CHARACTERS, MAX_QUESTIONS
from course.question_types import question_type
from course.question_types.gift_text import GIFT_WEIGHT, gift_escape, html_to_markdown, plain_to_markdown
from course.question_types.multiple import kept_credits

_BLANK = "_____"
MAX_ID = 80  # loader.MAX_SLUG: the length of the database's key column

# Escaped characters hide as Private Use Area placeholders while the control characters are parsed.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans({held: "\n" if char == "n" else char for char, held in _PLACEHOLDERS.items()})
_ESCAPE_SEQUENCE = re.compile(r"\\([\\~=#{}:n])")

_LINE_BREAK = re.compile(r"\r\n?|\n")
_TITLE = re.compile(r"\s*::(.*?)::", re.DOTALL)
_BRACE = re.compile(r"[{}]")
_FORMAT_MARKER = re.compile(r"\[(markdown|html|plain|moodle)\]")
_CATEGORY_PREFIX = re.compile(r"^(?:\$(?:course|system|module|cat\d*)\$/?)?(?:top/?)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_SLACK = Decimal("0.01")  # 3 × 33.33333 is 100 for Moodle, and so for us


class _Source:
    """One question's lines, escapes masked, joined into a text that still knows each character's file line, and the
    $CATEGORY it sits under."""

    def __init__(self, path: str, lines: list[str], line_numbers: list[int], category: str = ""):
        self.path = path
        self.text = "\n".join(lines)
        self.line_numbers = line_numbers
        self.line_offsets = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        self.category = category
        self.text_format = ""
        self.problems: list[ContentProblem] = []

    def report(self, offset: int, message: str) -> None:
        """Record a problem at the file line holding text[offset]; offset 0 is where the question starts."""
        line = self.line_numbers[bisect.bisect_right(self.line_offsets, offset) - 1]
        self.problems.append(ContentProblem(self.path, line, message))


@dataclass(frozen=True)
class _Answer:
    """One `=…` or `~…` of an answer block, already unescaped; weight None when GIFT gave none."""

    marker: str
    weight: Decimal | None
    text: str
    feedback: str
    offset: int
    raw: str = ""

    def weight_or(self, default: int) -> Decimal:
        """The weight GIFT gave, else the default the question type gives this answer's marker."""
        return Decimal(default) if self.weight is None else self.weight


@dataclass
class GiftRead:
    """A GIFT file read question by question: the good questions (with ids) and the line each starts on, and every
    problem, each at its line. A question with a problem is left out of `questions`. `categories` holds each kept
    question's category (as `_category_tag` writes it) and `figures` the images the file embeds (Moodle XML), by
    the name the questions' `figures/<name>` references use: (media type, bytes), already checked."""

    questions: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    figures: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def read_gift(text: str, path: str = "<gift>") -> GiftRead:
    """Read a GIFT file, keeping the questions that can be read and reporting the others (Moodle's "stop on error:
    no"). Problems of the file as a whole (empty, too many questions) come as problems with no questions."""
    sources = list(_question_sources(text, path))
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
    for question_id, title, entry in zip(_question_ids(titles), titles, kept, strict=True):
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
    return [source.line_numbers[0] for source in _question_sources(text, "<gift>")]


def _category_tag(line: str) -> str:
    """`$CATEGORY: $course$/top/Card technology` as the tag `Card technology`; the top category is no tag."""
    category = line.strip().removeprefix("$CATEGORY:").strip()
    return _CATEGORY_PREFIX.sub("", category, count=1).strip().strip("/").strip()


def _question_sources(text: str, path: str) -> Iterator[_Source]:
    """Split a GIFT file at blank lines, leaving out comment and $CATEGORY lines but not their line numbers."""
    lines: list[str] = []
    line_numbers: list[int] = []
    category = ""
    for number, line in enumerate([*_LINE_BREAK.split(text.removeprefix("\ufeff")), ""], start=1):
        if not line.strip():
            if lines:
                yield _Source(path, lines, line_numbers, category)
            lines, line_numbers = [], []
        elif line.lstrip().startswith("$CATEGORY:"):
            if lines:  # a category line ends the question before it, as in Moodle
                yield _Source(path, lines, line_numbers, category)
                lines, line_numbers = [], []
            category = _category_tag(line)
        elif not line.lstrip().startswith("//"):
            lines.append(_ESCAPE_SEQUENCE.sub(lambda escape: _PLACEHOLDERS[escape[1]], line))
            line_numbers.append(number)


def _text_format(masked: str) -> tuple[str, str]:
    """(format, text after the marker) of a text that may start with [markdown], [html], [plain] or [moodle]."""
    text = masked.strip()
    marker = _FORMAT_MARKER.match(text)
    return (marker[1], text[marker.end() :]) if marker else ("", text)


def _clean(masked: str, default_format: str = "") -> str:
    """Author text as Lanyard keeps it, Markdown: escapes restored, no surrounding space, and written in the format
    its marker (or else the question's) names: [html] through the one allow-list, [plain] escaped; [markdown] and
    [moodle] (Moodle's auto-format: text with line breaks) are Markdown already."""
    text_format, text = _text_format(masked)
    text = text.translate(_RESTORE).strip()
    text_format = text_format or default_format
    if text_format == "html":
        return html_to_markdown(text)
    if text_format == "plain":
        return plain_to_markdown(text)
    return text


def _unformatted(masked: str) -> str:
    """Text compared rather than shown (an accepted answer, a number, a match): marker dropped, escapes restored."""
    return _text_format(masked)[1].translate(_RESTORE).strip()


def _read_question(source: _Source) -> tuple[str, dict] | None:
    """Return (title, question without id) from one question's source, or None once problems are reported."""
    text = source.text
    title, body_start = "", 0
    if text.lstrip().startswith("::"):
        match = _TITLE.match(text)
        if not match:
            source.report(0, _("the question title is not closed: write ::Title:: before the question text"))
            return None
        title, body_start = " ".join(match[1].translate(_RESTORE).split()), match.end()
    block = _find_answer_block(source, body_start)
    if block is None:
        return (title, {}) if title else None
    open_at, close_at = block
    before, after = text[body_start:open_at], text[close_at + 1 :]
    source.text_format = _text_format(before)[0]
    prompt = _clean(before + _BLANK + after if after.strip() else before)
    if not prompt:
        source.report(0, _("the question has no text before its answers"))

    body = text[open_at + 1 : close_at]
    general_feedback = ""
    general_at = body.find("####")
    if general_at != -1:
        general_feedback = _clean(body[general_at + 4 :], source.text_format)
        body = body[:general_at]
    read_answers = _answer_reader(source, body.strip())
    if read_answers is None:
        return title, {}
    fields = read_answers(source, body, open_at + 1)
    if source.problems:
        return title, {}
    question = {"type": fields.pop("type"), "prompt": prompt, **fields}
    if general_feedback:
        question["explanation"] = general_feedback
    if source.category:
        question["tags"] = [source.category]
    return title, question


def _find_answer_block(source: _Source, start: int) -> tuple[int, int] | None:
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


_AnswerReader = Callable[[_Source, str, int], dict]
"""Reads an answer block (body, its offset) into the question's type and type fields."""


def _answer_reader(source: _Source, answers: str) -> _AnswerReader | None:
    """Pick the reader for an answer block the way Moodle tells the types apart."""
    if not answers:
        return _read_essay
    if answers.startswith("#"):
        return _read_numeric
    if "~" in answers:
        return _read_choices
    if "=" in answers and "->" in answers:
        return _read_matching
    if answers.partition("#")[0].strip() in _TRUE_FALSE:
        return _read_true_false
    return _read_short_answer


def _split_answers(source: _Source, body: str, offset: int, markers: str, shown: bool = True) -> list[_Answer]:
    """Cut an answer block at its markers; text before the first marker is an answer too, as in Moodle. Answers
    students are `shown` are read in the question's text format; the others (typed answers, numbers) as written."""
    answers = []
    for match in re.finditer(rf"(^|[{markers}])([^{markers}]*)", body):
        content = match[2].strip()
        if not match[1] and not content:
            continue
        answer_offset = offset + match.start()
        weight_match = GIFT_WEIGHT.match(content)
        weight = Decimal(weight_match[1]) if weight_match else None
        if weight_match:
            content = content[weight_match.end() :]
        if weight is not None and abs(weight) > 100:
            source.report(answer_offset, _("weight %(weight)s%% is outside -100%% … 100%%", weight=weight))
        text, _sep, feedback = content.partition("#")
        answer_text = _clean(text, source.text_format) if shown else _unformatted(text)
        answer = _Answer(
            match[1], weight, answer_text, _clean(feedback, source.text_format), answer_offset, text.strip()
        )
        answers.append(answer)
    return answers


def _require_texts(source: _Source, answers: list[_Answer]) -> None:
    for answer in answers:
        if not answer.text:
            source.report(answer.offset, _("an answer has no text"))


def _read_essay(source: _Source, body: str, offset: int) -> dict:
    """`{}`: an essay, marked by an instructor; GIFT gives it nothing but the general feedback."""
    return {"type": "essay"}


def _read_choices(source: _Source, body: str, offset: int) -> dict:
    """Single choice when an answer is `=right`, otherwise multiple answers whose right ones carry positive weight."""
    answers = _split_answers(source, body, offset, "=~")
    _require_texts(source, answers)
    if len(answers) < 2:
        source.report(offset, _("a choice question needs at least two answers"))
    weights = [answer.weight_or(100 if answer.marker == "=" else 0) for answer in answers]
    single = any(answer.marker == "=" for answer in answers)
    if single:
        for answer, weight in zip(answers, weights, strict=True):
            if weight not in (0, 100):
                source.report(
                    answer.offset,
                    _(
                        "unsupported weight %(weight)s%% in a single-choice question: Lanyard's "
                        "single choice is right or wrong (=right and ~wrong answers)",
                        weight=weight,
                    ),
                )
        right_count = weights.count(Decimal(100))
        if right_count != 1:
            source.report(
                offset, _("a single-choice question needs exactly one =right answer, not %(count)d", count=right_count)
            )
    else:
        right_weight = sum(weight for weight in weights if weight > 0)
        if not right_weight:
            source.report(offset, _("no answer is right: mark one =right, or give the right ones weights like ~%50%"))
        elif abs(right_weight - 100) > _WEIGHT_SLACK:
            source.report(
                offset, _("the weights of the right answers add up to %(total)s%%, not 100%%", total=right_weight)
            )
    choices = [
        {"text": answer.text, "correct": weight > 0, **({"feedback": answer.feedback} if answer.feedback else {})}
        for answer, weight in zip(answers, weights, strict=True)
    ]
    return {"type": "single" if single else "multiple", "choices": choices if single else credited(choices, weights)}


def credited(choices: list[dict], weights: list[Decimal]) -> list[dict]:
    """Multiple-answer choices with their weights kept as credits (GIFT and Moodle XML), unless the weights are
    the equal shares a choice question without credits has."""
    credits = kept_credits([_plain_number(weight) for weight in weights], [choice["correct"] for choice in choices])
    if credits is None:
        return choices
    return [{**choice, "credit": credit} for choice, credit in zip(choices, credits, strict=True)]


def _read_matching(source: _Source, body: str, offset: int) -> dict:
    """`=item -> match` pairs; `= -> answer` (no item) is an answer that matches no item, a distractor."""
    pairs, distractors = [], []
    for answer in _split_answers(source, body, offset, "=", shown=False):
        item, arrow, match = answer.raw.partition("->")
        if not arrow or not match.strip():
            source.report(answer.offset, _("a matching answer needs an item and its match: =item -> match"))
            continue
        if answer.feedback or answer.weight is not None:
            source.report(answer.offset, _("matching answers have no feedback or weight in GIFT"))
        item_text, match_text = _clean(item, source.text_format), _unformatted(match)
        if item_text:
            pairs.append({"item": item_text, "match": match_text})
        else:
            distractors.append(match_text)
    return {"type": "matching", "pairs": pairs, **({"distractors": distractors} if distractors else {})}


def _read_true_false(source: _Source, body: str, offset: int) -> dict:
    """`{T#feedback for a wrong answer#feedback for a right one}`: each feedback kept for the answer it follows."""
    answer_text, _sep, feedback = body.strip().partition("#")
    wrong_feedback, _sep, right_feedback = (_clean(part, source.text_format) for part in feedback.partition("#"))
    answer = _TRUE_FALSE[answer_text.strip()]
    fields: dict = {"type": "true_false", "answer": answer}
    for key, value in (
        (f"{str(answer).lower()}_feedback", right_feedback),
        (f"{str(not answer).lower()}_feedback", wrong_feedback),
    ):
        if value:
            fields[key] = value
    return fields


def _read_short_answer(source: _Source, body: str, offset: int) -> dict:
    """Every answer with its credit and feedback; `*` is Moodle's wildcard, which Lanyard's short text reads too."""
    answers = _split_answers(source, body, offset, "=", shown=False)
    _require_texts(source, answers)
    accept: list = []
    for answer in answers:
        credit = answer.weight_or(100)
        if credit < 0:
            source.report(
                answer.offset, _("weight %(weight)s%% in a short answer: credit goes from 0%% to 100%%", weight=credit)
            )
        if credit == 100 and not answer.feedback:
            accept.append(answer.text)
        else:
            accept.append(
                {
                    "text": answer.text,
                    "credit": _plain_number(credit),
                    **({"feedback": answer.feedback} if answer.feedback else {}),
                }
            )
    if not any(answer.weight_or(100) == 100 for answer in answers):
        source.report(offset, _("no short answer gets full credit"))
    return {"type": "short_text", "accept": accept}


def _read_numeric(source: _Source, body: str, offset: int) -> dict:
    """`{#answer:margin}`, `{#low..high}` or `{#=a:m#fb =%50%b:m#fb ~#fb}`: the first full-credit answer is the
    answer, the others (with their credit) other answers, and `~#feedback` what a student who matches none reads."""
    start = body.index("#") + 1
    answers = _split_answers(source, body[start:], offset + start, "=~", shown=False)
    wrong_feedback = ""
    numbers = []
    for answer in answers:
        if answer.marker == "~" and not answer.text:
            wrong_feedback = answer.feedback
            continue
        if _out_of_range(answer.text):
            message = _(
                "%(number)s is out of range: numbers are at most %(max)s in size and %(length)d characters long",
                number=repr(answer.text[:MAX_NUMBER_CHARACTERS]),
                max=format(MAX_NUMBER, ".0e"),
                length=MAX_NUMBER_CHARACTERS,
            )
            source.report(answer.offset, message)
        elif _number_and_tolerance(answer.text) is None:
            source.report(
                answer.offset,
                _(
                    "%(answer)s is not a number answer: write 10, 10:0.5 (answer:margin) or 9..11 (range)",
                    answer=repr(answer.text),
                ),
            )
        credit = answer.weight_or(0 if answer.marker == "~" else 100)
        if credit < 0:
            source.report(
                answer.offset,
                _("weight %(weight)s%% in a numeric question: credit goes from 0%% to 100%%", weight=credit),
            )
        numbers.append((answer, credit))
    full_credit = [answer for answer, credit in numbers if credit == 100]
    if not full_credit:
        source.report(offset, _("a numeric question needs a full-credit answer"))
    if source.problems:
        return {}
    main = full_credit[0]
    parsed = _number_and_tolerance(main.text)
    assert parsed is not None  # an answer that is no number was reported above, and a report returns early
    number, tolerance = parsed
    fields: dict[str, Any] = {"type": "numeric", "answer": _plain_number(number), "tolerance": _plain_number(tolerance)}
    if main.feedback:
        fields["feedback"] = main.feedback
    others = []
    for other, credit in numbers:
        if other is main:
            continue
        parsed = _number_and_tolerance(other.text)
        assert parsed is not None  # as for the main answer
        value, margin = parsed
        others.append(
            {
                "answer": _plain_number(value),
                "tolerance": _plain_number(margin),
                "credit": _plain_number(credit),
                **({"feedback": other.feedback} if other.feedback else {}),
            }
        )
    if others:
        fields["other_answers"] = others
    if wrong_feedback:
        fields["wrong_feedback"] = wrong_feedback
    return fields


def _number_and_tolerance(text: str) -> tuple[Decimal, Decimal] | None:
    """GIFT's three ways to write a numeric answer: 10, 10:0.5 and 9..11; None when it is none of them."""
    low_text, dots, high_text = text.partition("..")
    if dots and low_text:
        low, high = _decimal(low_text), _decimal(high_text)
        if low is None or high is None or low > high:
            return None
        return (low + high) / 2, (high - low) / 2
    answer_text, _sep, tolerance_text = text.partition(":")
    answer, tolerance = _decimal(answer_text), _decimal(tolerance_text or "0")
    if answer is None or tolerance is None or tolerance < 0:
        return None
    return answer, tolerance


def _out_of_range(text: str) -> bool:
    """Whether a numeric answer holds a number larger or longer than course files allow, checked before any
    arithmetic: 1e999999999 as an int would take minutes, and 1e5000 has too many digits to print."""
    for part in re.split(r"\.\.|:", text):
        if len(part.strip()) > MAX_NUMBER_CHARACTERS:
            return True
        try:
            number = Decimal(part.strip())
        except InvalidOperation:
            continue
        if number.is_finite() and number.copy_abs() > MAX_NUMBER:  # copy_abs: abs() would round, and overflow
            return True
    return False


def _decimal(text: str) -> Decimal | None:
    """Decimal keeps 3.141..3.142 at exactly 3.1415 ± 0.0005, where floats would not."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain_number(number: Decimal) -> int | float:
    """An int when whole, so the quiz YAML reads `answer: 10`, not `10.0`."""
    return int(number) if number == number.to_integral_value() else float(number)


def _question_ids(titles: list[str]) -> list[str]:
    """Slugs of the titles, q<position> for untitled questions, suffixed -2, -3 … where they repeat; at most MAX_ID
    characters, suffix included."""
    question_ids: list[str] = []
    taken: set[str] = set()
    for position, title in enumerate(titles, start=1):
        base = _slug(title) or f"q{position}"
        question_id = base
        for suffix in itertools.count(2):
            if question_id not in taken:
                break
            question_id = f"{base[: MAX_ID - len(str(suffix)) - 1].rstrip('-')}-{suffix}"
        question_ids.append(question_id)
        taken.add(question_id)
    return question_ids


def _slug(title: str) -> str:
    """An id from a question title of any characters: ASCII, lowercase, words joined by hyphens, at most MAX_ID
    characters, so `Grant's tomb` is `grants-tomb` and `Q_1 (a)` is `q-1-a`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_ID].rstrip("-")


def export_gift(quiz: dict, skipped: list[str] | None = None) -> str:
    """Write every question of a Lanyard quiz dict as GIFT that Moodle and parse_gift both read back. A question
    GIFT cannot hold raises ValueError, or, given a `skipped` list, is left out and named there (and in the file)."""
    header = [f"// Lanyard quiz {quiz['slug']}: {' '.join(str(quiz['title']).split())}"]
    blocks: list[str] = []
    category = ""
    questions = list(quiz["questions"])
    titles = _export_titles(questions)
    for question, title in zip(questions, titles, strict=True):
        try:
            block = _question_gift(question, title)
        except ValueError as error:
            if skipped is None:
                raise
            skipped.append(str(error))
            header.append(f"// Not exported: {' '.join(str(error).split())}")
            continue
        tag = (question.get("tags") or [""])[0]
        if tag != category:
            blocks.append(f"$CATEGORY: $course$/top{'/' + tag if tag else ''}")
            category = tag
        blocks.append(block)
    return "\n\n".join(["\n".join(header), *blocks]) + "\n"


def _export_titles(questions: list[dict]) -> list[str]:
    """Each question's kept title where reading it back derives the same id, else its id (the title is lost)."""
    titles = [question.get("title") or question["id"] for question in questions]
    derived = _question_ids(titles)
    return [
        title if derived_id == question["id"] else question["id"]
        for title, derived_id, question in zip(titles, derived, questions, strict=True)
    ]


def _question_gift(question: dict, title: str) -> str:
    """One question as a GIFT block, its answers one per line so the file reads and diffs well."""
    try:
        answers = question_type(question["type"]).gift_answers(question)
    except ValueError as error:  # an unknown type too
        raise ValueError(_("question %(id)s: %(problem)s", id=question["id"], problem=error)) from None
    lines = [f"::{gift_escape(title)}::[markdown]{gift_escape(question['prompt'])}{{"]
    lines += [f"\t{answer}" for answer in answers]
    if question.get("explanation"):
        lines.append(f"\t####{gift_escape(question['explanation'])}")
    lines.append("}")
    return "\n".join(lines)

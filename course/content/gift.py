"""Convert quizzes between Moodle's GIFT text format and Lanyard's quiz dicts.

Teachers arrive with question banks exported from Moodle as GIFT, and leave with them the same way. Both functions
are pure, so the CLI (`flask gift import|export`) and the upload form share them.

`parse_gift` reads what Moodle's own importer reads, and turns each question into a Lanyard question dict:

- single choice `{=right ~wrong}`; multiple answers `{~%50%a ~%50%b ~%-100%c}`, right = positive weight;
- true/false `{T}` `{TRUE}` `{F}` `{FALSE}`; short answer `{=a =b}` → short_text accept; numeric `{#10:0.5}`,
  `{#9..11}` (answer 10, tolerance 1) and `{#=10:0 =%50%9:1}` (the one full-credit answer is kept);
- `::Title::` → id (a slug, unique in the file; untitled questions are q1, q2 … by position), per-choice feedback
  `#…`, general feedback `####…` → explanation, `//` comments, `$CATEGORY:` lines (ignored), escapes
  `\\ \\~ \\= \\# \\{ \\} \\: \\n`, multi-line questions, `[markdown]` `[html]` `[plain]` `[moodle]` markers (stripped).

Where Lanyard has no home for something, the choice is deliberate:

- Missing-word questions (text after the answer block) become the same type with "_____" where the block stood,
  exactly what Moodle shows the student.
- True/false, short answer and numeric questions have no per-answer feedback in Lanyard: the feedback of the kept
  answers (for true/false: wrong-answer, then right-answer feedback) goes into the explanation, before the general
  feedback.
- Multiple-answer weights only say which answers are right: Lanyard gives each right answer an equal share.
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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from course.content.problems import ContentError, ContentProblem
from course.content.yaml_lines import MAX_NUMBER, MAX_NUMBER_CHARACTERS, MAX_QUESTIONS
from course.question_types import question_type
from course.question_types.gift_text import GIFT_WEIGHT, gift_escape

_BLANK = "_____"

# Escaped characters hide as Private Use Area placeholders while the control characters are parsed.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans({held: "\n" if char == "n" else char for char, held in _PLACEHOLDERS.items()})
_ESCAPE_SEQUENCE = re.compile(r"\\([\\~=#{}:n])")

_LINE_BREAK = re.compile(r"\r\n?|\n")
_TITLE = re.compile(r"\s*::(.*?)::", re.DOTALL)
_BRACE = re.compile(r"[{}]")
_FORMAT_MARKER = re.compile(r"\[(?:markdown|html|plain|moodle)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_SLACK = Decimal("0.01")  # 3 × 33.33333 is 100 for Moodle, and so for us


class _Source:
    """One question's lines, escapes masked, joined into a text that still knows each character's file line."""

    def __init__(self, path: str, lines: list[str], line_numbers: list[int]):
        self.path = path
        self.text = "\n".join(lines)
        self.line_numbers = line_numbers
        self.line_offsets = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
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

    def weight_or(self, default: int) -> Decimal:
        """The weight GIFT gave, else the default the question type gives this answer's marker."""
        return Decimal(default) if self.weight is None else self.weight


def parse_gift(text: str, path: str = "<gift>") -> list[dict]:
    """Read a GIFT file into Lanyard question dicts, or raise ContentError listing every problem in the file."""
    problems: list[ContentProblem] = []
    titles: list[str] = []
    questions: list[dict] = []
    sources = list(_question_sources(text, path))
    if len(sources) > MAX_QUESTIONS:  # each question is checked and rendered: refuse before that work
        message = f"holds {len(sources)} questions; a file may hold at most {MAX_QUESTIONS}: split it"
        raise ContentError([ContentProblem(path, sources[MAX_QUESTIONS].line_numbers[0], message)])
    for source in sources:
        read = _read_question(source)
        problems.extend(source.problems)
        if read:
            titles.append(read[0])
            questions.append(read[1])
    if not sources:
        problems.append(ContentProblem(path, 1, "no questions found: the file is empty or holds only comments"))
    if problems:
        raise ContentError(problems)
    question_ids = _question_ids(titles)
    return [{"id": question_id, **question} for question_id, question in zip(question_ids, questions, strict=True)]


def question_lines(text: str) -> list[int]:
    """The line each question of a GIFT file starts on, in parse_gift's order, so later checks can point there."""
    return [source.line_numbers[0] for source in _question_sources(text, "<gift>")]


def _question_sources(text: str, path: str) -> Iterator[_Source]:
    """Split a GIFT file at blank lines, leaving out comment and $CATEGORY lines but not their line numbers."""
    lines: list[str] = []
    line_numbers: list[int] = []
    for number, line in enumerate([*_LINE_BREAK.split(text.removeprefix("\ufeff")), ""], start=1):
        if not line.strip():
            if lines:
                yield _Source(path, lines, line_numbers)
            lines, line_numbers = [], []
        elif not line.lstrip().startswith(("//", "$CATEGORY:")):
            lines.append(_ESCAPE_SEQUENCE.sub(lambda escape: _PLACEHOLDERS[escape[1]], line))
            line_numbers.append(number)


def _clean(masked: str) -> str:
    """Author text as Lanyard keeps it: no GIFT format marker, escapes restored, no surrounding space."""
    text = masked.strip()
    marker = _FORMAT_MARKER.match(text)
    if marker:
        text = text[marker.end():]
    return text.translate(_RESTORE).strip()


def _read_question(source: _Source) -> tuple[str, dict] | None:
    """Return (title, question without id) from one question's source, or None once problems are reported."""
    text = source.text
    title, body_start = "", 0
    if text.lstrip().startswith("::"):
        match = _TITLE.match(text)
        if not match:
            source.report(0, "the question title is not closed: write ::Title:: before the question text")
            return None
        title, body_start = _clean(match[1]), match.end()
    block = _find_answer_block(source, body_start)
    if block is None:
        return None
    open_at, close_at = block
    before, after = text[body_start:open_at], text[close_at + 1:]
    prompt = _clean(before + _BLANK + after if after.strip() else before)
    if not prompt:
        source.report(0, "the question has no text before its answers")

    body = text[open_at + 1:close_at]
    general_feedback = ""
    general_at = body.rfind("####")
    if general_at != -1:
        general_feedback = _clean(body[general_at + 4:])
        body = body[:general_at]
    read_answers = _answer_reader(source, body.strip())
    if read_answers is None:
        return None
    fields, answer_feedback = read_answers(source, body, open_at + 1)
    if source.problems:
        return None
    question = {"type": fields.pop("type"), "prompt": prompt, **fields}
    explanation = "\n\n".join(dict.fromkeys(part for part in [*answer_feedback, general_feedback] if part))
    if explanation:
        question["explanation"] = explanation
    return title, question


def _find_answer_block(source: _Source, start: int) -> tuple[int, int] | None:
    """Offsets of the question's one {…}, or None after reporting braces that do not pair up or are missing."""
    blocks: list[tuple[int, int]] = []
    open_at, depth = 0, 0
    for brace in _BRACE.finditer(source.text, start):
        if brace[0] == "{":
            if depth:
                source.report(brace.start(), r"'{' inside an answer block: write a literal brace as \{")
            else:
                open_at = brace.start()
            depth += 1
        elif not depth:
            source.report(brace.start(), r"'}' without an opening '{': write a literal brace as \}")
        else:
            depth -= 1
            if not depth:
                blocks.append((open_at, brace.start()))
    if depth:
        source.report(open_at, "'{' is never closed: the answer block needs its '}' before the next blank line")
    if len(blocks) > 1:
        source.report(blocks[1][0], r"a second answer block: a question has one; write literal braces as \{ \}")
    if not blocks and not source.problems:
        source.report(0, "unsupported description (text without an answer block): Lanyard has no such question")
    return blocks[0] if blocks and not source.problems else None


_AnswerReader = Callable[[_Source, str, int], tuple[dict, list[str]]]
"""Reads an answer block (body, its offset) into the question's type fields and feedback for the explanation."""


def _answer_reader(source: _Source, answers: str) -> _AnswerReader | None:
    """Pick the reader for an answer block the way Moodle tells the types apart, or report an unsupported one."""
    if not answers:
        source.report(0, "unsupported essay question ({}): Lanyard grades every answer automatically")
        return None
    if answers.startswith("#"):
        return _read_numeric
    if "~" in answers:
        return _read_choices
    if "=" in answers and "->" in answers:
        source.report(0, "unsupported matching question (=item -> match): Lanyard has no matching type")
        return None
    if answers.partition("#")[0].strip() in _TRUE_FALSE:
        return _read_true_false
    return _read_short_answer


def _split_answers(source: _Source, body: str, offset: int, markers: str) -> list[_Answer]:
    """Cut an answer block at its markers; text before the first marker is an answer too, as in Moodle."""
    answers = []
    for match in re.finditer(rf"(^|[{markers}])([^{markers}]*)", body):
        content = match[2].strip()
        if not match[1] and not content:
            continue
        answer_offset = offset + match.start()
        weight_match = GIFT_WEIGHT.match(content)
        weight = Decimal(weight_match[1]) if weight_match else None
        if weight_match:
            content = content[weight_match.end():]
        if weight is not None and abs(weight) > 100:
            source.report(answer_offset, f"weight {weight}% is outside -100% … 100%")
        text, _, feedback = content.partition("#")
        answer = _Answer(match[1], weight, _clean(text), _clean(feedback), answer_offset)
        if not answer.text:
            source.report(answer_offset, "an answer has no text")
        answers.append(answer)
    return answers


def _read_choices(source: _Source, body: str, offset: int) -> tuple[dict, list[str]]:
    """Single choice when an answer is `=right`, otherwise multiple answers whose right ones carry positive weight."""
    answers = _split_answers(source, body, offset, "=~")
    if len(answers) < 2:
        source.report(offset, "a choice question needs at least two answers")
    weights = [answer.weight_or(100 if answer.marker == "=" else 0) for answer in answers]
    single = any(answer.marker == "=" for answer in answers)
    if single:
        for answer, weight in zip(answers, weights, strict=True):
            if weight not in (0, 100):
                source.report(answer.offset, f"weight {weight}% in a single-choice question: only =right and "
                                             "~wrong answers are supported")
        right_count = weights.count(100)
        if right_count != 1:
            source.report(offset, f"a single-choice question needs exactly one =right answer, not {right_count}")
    else:
        right_weight = sum(weight for weight in weights if weight > 0)
        if not right_weight:
            source.report(offset, "no answer is right: mark one =right, or give the right ones weights like ~%50%")
        elif abs(right_weight - 100) > _WEIGHT_SLACK:
            source.report(offset, f"the weights of the right answers add up to {right_weight}%, not 100%")
    choices = [
        {"text": answer.text, "correct": weight > 0, **({"feedback": answer.feedback} if answer.feedback else {})}
        for answer, weight in zip(answers, weights, strict=True)
    ]
    return {"type": "single" if single else "multiple", "choices": choices}, []


def _read_true_false(source: _Source, body: str, offset: int) -> tuple[dict, list[str]]:
    """`{T#feedback for a wrong answer#feedback for a right one}`, both feedbacks going to the explanation."""
    answer, _, feedback = body.strip().partition("#")
    wrong_feedback, _, right_feedback = feedback.partition("#")
    return {"type": "true_false", "answer": _TRUE_FALSE[answer.strip()]}, [_clean(wrong_feedback),
                                                                            _clean(right_feedback)]


def _read_short_answer(source: _Source, body: str, offset: int) -> tuple[dict, list[str]]:
    """Accept the full-credit answers; Lanyard compares answers literally, so a Moodle wildcard cannot come along."""
    full_credit = [answer for answer in _split_answers(source, body, offset, "=") if answer.weight_or(100) == 100]
    if not full_credit:
        source.report(offset, "no short answer gets full credit")
    for answer in full_credit:
        if "*" in answer.text:
            source.report(answer.offset, f"unsupported wildcard '*' in the short answer {answer.text!r}")
    return {"type": "short_text", "accept": [answer.text for answer in full_credit]}, [
        answer.feedback for answer in full_credit]


def _read_numeric(source: _Source, body: str, offset: int) -> tuple[dict, list[str]]:
    """`{#answer:margin}`, `{#low..high}` or `{#=a:m =%50%b:m ~#wrong}`, keeping the one full-credit answer."""
    start = body.index("#") + 1
    answers_text, _, wrong_answer = body[start:].partition("~")
    answers = _split_answers(source, answers_text, offset + start, "=")
    full_credit = [answer for answer in answers if answer.weight_or(100) == 100]
    if len(full_credit) != 1:
        source.report(offset, f"a numeric question needs exactly one full-credit answer, not {len(full_credit)}")
    for answer in answers:
        if _out_of_range(answer.text):
            source.report(answer.offset, f"{answer.text[:MAX_NUMBER_CHARACTERS]!r} is out of range: numbers are at "
                                         f"most {MAX_NUMBER:.0e} in size and {MAX_NUMBER_CHARACTERS} characters long")
        elif _number_and_tolerance(answer.text) is None:
            source.report(answer.offset, f"{answer.text!r} is not a number answer: write 10, 10:0.5 (answer:margin)"
                                         " or 9..11 (range)")
    if source.problems:
        return {}, []
    answer, tolerance = _number_and_tolerance(full_credit[0].text)
    fields = {"type": "numeric", "answer": _plain_number(answer), "tolerance": _plain_number(tolerance)}
    return fields, [full_credit[0].feedback, _clean(wrong_answer.partition("#")[2])]


def _number_and_tolerance(text: str) -> tuple[Decimal, Decimal] | None:
    """GIFT's three ways to write a numeric answer: 10, 10:0.5 and 9..11; None when it is none of them."""
    low_text, dots, high_text = text.partition("..")
    if dots and low_text:
        low, high = _decimal(low_text), _decimal(high_text)
        if low is None or high is None or low > high:
            return None
        return (low + high) / 2, (high - low) / 2
    answer_text, _, tolerance_text = text.partition(":")
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
    """Slugs of the titles, q<position> for untitled questions, suffixed -2, -3 … where they repeat."""
    question_ids: list[str] = []
    taken: set[str] = set()
    for position, title in enumerate(titles, start=1):
        base = _slug(title) or f"q{position}"
        question_id = base
        for suffix in itertools.count(2):
            if question_id not in taken:
                break
            question_id = f"{base}-{suffix}"
        question_ids.append(question_id)
        taken.add(question_id)
    return question_ids


def _slug(title: str) -> str:
    """An id from a question title: ASCII, lowercase, hyphens, so `Grant's tomb` is `grants-tomb`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().replace("'", "")
    return re.sub(r"[^a-z0-9_]+", "-", ascii_title.lower()).strip("-")


def export_gift(quiz: dict) -> str:
    """Write every question of a Lanyard quiz dict as GIFT that Moodle and parse_gift both read back."""
    header = f"// Lanyard quiz {quiz['slug']}: {' '.join(str(quiz['title']).split())}"
    return "\n\n".join([header, *(_question_gift(question) for question in quiz["questions"])]) + "\n"


def _question_gift(question: dict) -> str:
    """One question as a GIFT block, its answers one per line so the file reads and diffs well."""
    try:
        answers = question_type(question["type"]).gift_answers(question)
    except ValueError as error:  # an unknown type too
        raise ValueError(f"question {question['id']}: {error}") from None
    lines = [f"::{gift_escape(question['id'])}::[markdown]{gift_escape(question['prompt'])}{{"]
    lines += [f"\t{answer}" for answer in answers]
    if question.get("explanation"):
        lines.append(f"\t####{gift_escape(question['explanation'])}")
    lines.append("}")
    return "\n".join(lines)

"""Write a quiz's questions as GIFT (course.content.gift reads it), for Moodle and for `flask gift export`.

`export_gift` writes a quiz's questions so that `parse_gift` gives them back (id, type, prompt, choices with
text/correct/feedback, answer, tolerance, accept, explanation). GIFT has no place for source, points, objective,
choice misconceptions or the quiz settings (pass_mark, max_attempts, shuffle): they are lost. Ids survive when they
are slugs, as Lanyard ids are. A short answer containing "->" reads back as matching, as it does in Moodle.
"""

from flask_babel import gettext as _

from course.content.gift import question_ids
from course.question_types import question_type
from course.question_types.gift_text import gift_escape


def export_gift(quiz: dict, skipped: list[str] | None = None) -> str:
    """Write every question of a Lanyard quiz dict as GIFT that Moodle and parse_gift both read back. A question
    GIFT cannot hold raises ValueError, or, given a `skipped` list, is left out and named there (and in the file)."""
    header = [f"// Lanyard quiz {quiz['slug']}: {' '.join(str(quiz['title']).split())}"]
    blocks: list[str] = []
    category = ""
    questions = list(quiz["questions"])
    titles = export_titles(questions)
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


def export_titles(questions: list[dict]) -> list[str]:
    """Each question's kept title where reading it back derives the same id, else its id (the title is lost)."""
    titles = [question.get("title") or question["id"] for question in questions]
    derived = question_ids(titles)
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

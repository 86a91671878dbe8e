"""`flask gift import|export` and `flask moodle-xml import|export`: the same commands for each question-bank format,
with the format's own reader and writer."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from course.cli.courses import report_problems
from course.content import ContentError, ContentProblem
from course.content.gift_quiz import MAX_GIFT_BYTES, gift_too_large, import_gift, quiz_gift
from course.content.moodle_xml import import_moodle_xml, xml_too_large
from course.content.moodle_xml_export import quiz_moodle_xml
from course.extensions import db
from course.models import Course, Quiz


@dataclass(frozen=True)
class QuestionBankFormat:
    """A format quizzes are exchanged in with Moodle, and the functions that read and write it."""

    kind: str  # the format's name in help texts
    read: Callable  # (bytes, file name, course, quiz slug, module slug, skip unsupported, by category) -> summary
    write: Callable  # (quiz, list collecting skipped questions or None) -> text
    too_large: Callable[[], str]  # the message for a file over MAX_GIFT_BYTES
    left_out: str  # the question types the format cannot hold


GIFT = QuestionBankFormat("GIFT", import_gift, quiz_gift, gift_too_large, "ordering, fill in the blanks")
MOODLE_XML = QuestionBankFormat("Moodle XML", import_moodle_xml, quiz_moodle_xml, xml_too_large, "fill in the blanks")


def _course(slug: str | None) -> Course:
    """The course named by --course, or the only course when there is just one."""
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    if slug is None and len(courses) == 1:
        return courses[0]
    for course in courses:
        if course.slug == slug:
            return course
    known = ", ".join(course.slug for course in courses) or _("none yet")
    if slug is None:
        message = _("name the course (courses: %(known)s)", known=known)
    else:
        message = _("there is no course '%(slug)s' (courses: %(known)s)", slug=slug, known=known)
    raise click.BadParameter(message, param_hint="--course")


def question_bank_cli(name: str, description: str, bank_format: QuestionBankFormat) -> AppGroup:
    """The `import` and `export` commands of one format: the same options, size check, reports and all-or-nothing
    rule, with the format's own reader and writer."""
    group = AppGroup(name, help=description)
    kind = bank_format.kind

    @group.command(
        "import", help=f"Add the questions of a {kind} file to a quiz: same id replaced, new ids added; all or nothing."
    )
    @click.argument("bank_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
    @click.option("--quiz", "quiz_slug", help="The quiz to add to; a new slug creates a draft quiz.")
    @click.option("--course", "course_slug", help="The course (needed when there is more than one).")
    @click.option("--module", "module_slug", help="The module of a new quiz; without it the quiz is course-level.")
    @click.option(
        "--skip-unsupported",
        is_flag=True,
        help="Import the good questions and list the others with their "
        'lines (Moodle\'s "stop on error: no"); without it nothing is written if any question fails.',
    )
    @click.option(
        "--by-category",
        is_flag=True,
        help="Instead of --quiz, put each question into the existing quiz "
        "its category names: the category's last part is the quiz's slug or title.",
    )
    def import_bank(**options) -> None:
        _import_bank(bank_format, **options)

    @group.command(
        "export",
        help=f"Write a quiz's questions as {kind} (sources, objectives and quiz settings have no place there).",
    )
    @click.argument("quiz_slug")
    @click.argument("bank_file", metavar="FILE", type=click.Path(dir_okay=False))
    @click.option("--course", "course_slug", help="The course (needed when there is more than one).")
    @click.option(
        "--skip-unsupported",
        is_flag=True,
        help=f"Leave out the questions {kind} cannot hold ({bank_format.left_out}) and list them; without it nothing "
        "is written.",
    )
    def export_bank(**options) -> None:
        _export_bank(bank_format, **options)

    return group


def _import_bank(
    bank_format: QuestionBankFormat,
    bank_file: str,
    quiz_slug: str | None,
    course_slug: str | None,
    module_slug: str | None,
    skip_unsupported: bool,
    by_category: bool,
) -> None:
    """Read a question-bank file into a quiz (or the quizzes its categories name), then report what was added."""
    if bool(quiz_slug) == by_category:
        raise click.UsageError(_("give either --quiz SLUG or --by-category"))
    course = _course(course_slug)
    if Path(bank_file).stat().st_size > MAX_GIFT_BYTES:  # refused before it is read
        report_problems(ContentError([ContentProblem(bank_file, 1, bank_format.too_large())]))
    try:
        done = bank_format.read(
            Path(bank_file).read_bytes(), bank_file, course, quiz_slug, module_slug, skip_unsupported, by_category
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except ContentError as error:
        report_problems(error)
    for summary in done.quizzes:
        click.echo(str(summary))
    if done.figures:
        click.echo(
            ngettext("Added %(num)d figure to the course.", "Added %(num)d figures to the course.", done.figures)
        )
    if done.skipped:
        click.echo(
            ngettext(
                "Skipped %(num)d problem; its question was not imported:",
                "Skipped %(num)d problems; those questions were not imported:",
                len(done.skipped),
            )
        )
        for problem in done.skipped:
            click.echo("  " + str(problem))


def _export_bank(
    bank_format: QuestionBankFormat, quiz_slug: str, bank_file: str, course_slug: str | None, skip_unsupported: bool
) -> None:
    """Write a quiz's questions to a question-bank file: all of them, or those the format holds and a list of the
    rest."""
    course = _course(course_slug)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    if quiz is None:
        message = _("course '%(course)s' has no quiz '%(quiz)s'", course=course.slug, quiz=quiz_slug)
        raise click.BadParameter(message, param_hint="QUIZ_SLUG")
    skipped: list[str] | None = [] if skip_unsupported else None
    try:
        text = bank_format.write(quiz, skipped)
    except ValueError as error:
        message = _("%(problem)s; nothing was written (--skip-unsupported leaves such questions out)", problem=error)
        raise click.ClickException(message) from None
    Path(bank_file).write_text(text, encoding="utf-8")
    exported = len(quiz.questions) - len(skipped or [])
    click.echo(
        ngettext(
            "Exported %(num)d question of quiz '%(slug)s' to %(file)s.",
            "Exported %(num)d questions of quiz '%(slug)s' to %(file)s.",
            exported,
            slug=quiz.slug,
            file=bank_file,
        )
    )
    for message in skipped or []:
        click.echo(_("Skipped %(question)s", question=message))


gift_cli = question_bank_cli("gift", "Import and export quizzes in Moodle's GIFT format.", GIFT)
moodle_xml_cli = question_bank_cli("moodle-xml", "Import and export quizzes in Moodle XML format.", MOODLE_XML)

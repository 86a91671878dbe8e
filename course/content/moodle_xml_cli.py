"""`flask moodle-xml import|export`: Moodle XML question banks, as `flask gift import|export` does GIFT."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from course.content.gift_quiz import MAX_GIFT_BYTES
from course.content.moodle_xml import XML_TOO_LARGE, import_moodle_xml, quiz_moodle_xml
from course.content.problems import ContentError, ContentProblem
from course.extensions import db
from course.models import Quiz

moodle_xml_cli = AppGroup("moodle-xml", help="Import and export quizzes in Moodle XML format.")


@moodle_xml_cli.command("import")
@click.argument("xml_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--quiz", "quiz_slug", required=True, help="The quiz to add to; a new slug creates a draft quiz.")
@click.option("--course", "course_slug", help="The course (needed when there is more than one).")
@click.option("--module", "module_slug", help="The module of a new quiz; without it the quiz is course-level.")
@click.option("--skip-unsupported", is_flag=True, help="Import the good questions and list the others with their "
              "lines (Moodle's \"stop on error: no\"); without it nothing is written if any question fails.")
def moodle_xml_import_command(xml_file: str, quiz_slug: str, course_slug: str | None, module_slug: str | None,
                              skip_unsupported: bool) -> None:  # fmt: skip
    """Add the questions of a Moodle XML file to a quiz: same id replaced, new ids added; all or nothing."""
    from course.cli import _course, _report_problems  # course.cli registers this group: imported when run

    course = _course(course_slug)
    if Path(xml_file).stat().st_size > MAX_GIFT_BYTES:  # refused before it is read
        _report_problems(ContentError([ContentProblem(xml_file, 1, XML_TOO_LARGE)]))
    try:
        summary = import_moodle_xml(Path(xml_file).read_bytes(), xml_file, course, quiz_slug, module_slug,
                                    skip_unsupported)  # fmt: skip
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except ContentError as error:
        _report_problems(error)
    state = "created as a draft" if summary.created else "updated"
    click.echo(f"Quiz '{summary.quiz.slug}' {state}: {summary.added} question(s) added, {summary.replaced} replaced.")
    if summary.skipped:
        click.echo(f"Skipped {len(summary.skipped)} problem(s); those questions were not imported:")
        for problem in summary.skipped:
            click.echo(f"  {problem}")


@moodle_xml_cli.command("export")
@click.argument("quiz_slug")
@click.argument("xml_file", type=click.Path(dir_okay=False))
@click.option("--course", "course_slug", help="The course (needed when there is more than one).")
@click.option("--skip-unsupported", is_flag=True, help="Leave out the questions Moodle XML is not written for (fill "
              "in the blanks) and list them; without it nothing is written.")
def moodle_xml_export_command(quiz_slug: str, xml_file: str, course_slug: str | None, skip_unsupported: bool) -> None:
    """Write a quiz's questions as Moodle XML (sources, objectives and quiz settings have no place there)."""
    from course.cli import _course

    course = _course(course_slug)
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    if quiz is None:
        raise click.BadParameter(f"course '{course.slug}' has no quiz '{quiz_slug}'", param_hint="QUIZ_SLUG")
    skipped: list[str] | None = [] if skip_unsupported else None
    try:
        text = quiz_moodle_xml(quiz, skipped)
    except ValueError as error:
        raise click.ClickException(f"{error}; nothing was written (--skip-unsupported leaves such questions out)") \
            from None
    Path(xml_file).write_text(text, encoding="utf-8")
    click.echo(f"Exported {len(quiz.questions) - len(skipped or [])} question(s) of quiz '{quiz.slug}' to {xml_file}.")
    for name in skipped or []:
        click.echo(f"  not exported: {name}")

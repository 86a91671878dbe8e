"""The course stays true after it ships (issue 14): dated sources and claims with stale warnings, every objective
assessed, and a teacher's guide per module that travels with the course."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from course.content import check_course, import_course, load_course
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.content.review import review_folder
from course.extensions import db
from course.models import Module
from course.render import render_markdown

ROOT = Path(__file__).resolve().parent.parent
LESSON = "lessons/01-basics/01-what-a-card-is.md"
GUIDE = """\
audience: Upper-secondary students; no technical background.
prerequisites: None.
content_note: Mentions of **genocide**; give notice a lesson ahead.
timing: {quiz: 10, lab: 0, discussion: 20, activity: 30}
discussion:
  - {prompt: "What does a card prove?", good_answer: That the holder matches a register entry.}
  - {prompt: "Who keeps the register?", good_answer: A state office; name it.}
  - {prompt: "What would you leave off?", good_answer: Fields that sort people.}
activity:
  title: Paper cards
  materials: Index cards and pens
  steps: |-
    1. Each group designs a card.
    2. Another group tries to misuse it.
misconceptions:
  - {misconception: The chip is the card's memory of everything, response: Show what the register holds instead.}
"""


def edit(course_dir: Path, name: str, old: str, new: str) -> None:
    path = course_dir / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))


def warnings(course_dir: Path, stale_after: int | None = None, today: date | None = None) -> list[str]:
    return [str(w) for w in review_folder(course_dir, stale_after, today)]


# --- the bundled course -----------------------------------------------------------------------------------------


def test_the_bundled_course_passes_with_stale_after_365():
    assert check_course(ROOT) == []
    # A source that could not be re-checked against a copy carries no accessed: date, so that
    # course check warns about it honestly; nothing else may be stale.
    assert [w for w in warnings(ROOT, 365) if "has no accessed: date" not in w] == []


def test_every_checked_source_is_dated_and_every_question_assesses_an_objective():
    course = load_course(ROOT)
    for module in course.modules:
        for lesson in module.lessons:
            for source in lesson.sources:
                # accessed: is required only where the source was actually checked; when present it
                # must be a real date that is not in the future.
                if source.get("accessed") is not None:
                    assert date.fromisoformat(str(source["accessed"])) <= date.today(), (lesson.slug, source["id"])
    for quiz in course.quizzes:
        for question in quiz.questions:
            assert question.objective, (quiz.slug, question.key)


def test_every_module_of_the_bundled_course_has_a_complete_teachers_guide():
    course = load_course(ROOT)
    total_reading = 0
    for module in course.modules:
        guide = module.guide
        assert len(guide["discussion"]) >= 3 and guide["misconceptions"] and guide["activity"]["materials"], module.slug
        total_reading += sum(lesson.minutes for lesson in module.lessons)
        assert "<h4>" in module.guide_html
    # The fact-check estimated 3.5 to 4 hours of reading; the lessons' minutes now say so.
    assert 210 <= total_reading <= 240
    genocide = next(m for m in course.modules if m.slug == "data-fields")
    assert "genocide" in genocide.guide["content_note"].lower()


def test_dated_claims_are_shown_to_students():
    course = load_course(ROOT)
    dated = [lesson for module in course.modules for lesson in module.lessons if 'class="as-of"' in lesson.body_html]
    assert len(dated) >= 5


def test_the_arithmetic_items_are_gone():
    text = "\n".join(path.read_text() for path in (ROOT / "quizzes").glob("*.yaml"))
    for key in ("next-reissue-year", "fields-removed", "mrz-characters-difference", "estonia-share-updated"):
        assert f"id: {key}\n" not in text


# --- accessed and [as of] ---------------------------------------------------------------------------------------


def test_as_of_renders_next_to_the_claim():
    html = render_markdown("Cards lapsed on 3 August 2026 [as of 2026-11-29].").html
    assert '<span class="as-of">(as of 29 November 2026)</span>' in html


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    date: 2019-01-17\n", "    date: 2019-01-17\n    accessed: 17 Jan 2019\n", "accessed must be a date"),
        ("    date: 2019-01-17\n", "    date: 2019-01-17\n    accessed: 2999-01-01\n", "not in the future"),
        ("also count people [@asiapress].", "also count people [as of 2019-13].", "[as of 2019-13]"),
    ],
)
def test_malformed_dates_are_problems_at_their_line(course_dir, old, new, message):
    edit(course_dir, LESSON, old, new)
    problems = check_course(course_dir)
    assert any(message in p.message and p.path.endswith("01-what-a-card-is.md") for p in problems), problems


def test_stale_after_warns_for_old_or_missing_accessed_dates_and_old_as_of(course_dir):
    today = date.today()
    old = (today - timedelta(days=400)).isoformat()
    edit(course_dir, LESSON, "    date: 2019-01-17\n", f"    date: 2019-01-17\n    accessed: {old}\n")
    edit(course_dir, LESSON, "also count people [@asiapress].", f"also count people [@asiapress] [as of {old}].")
    found = [w for w in warnings(course_dir, 365) if "01-what-a-card-is.md" in w]
    assert any(":8: warning: source 'iso-7810' has no accessed" in w for w in found), found
    assert any(":17: warning: source 'asiapress' was last checked" in w for w in found), found
    assert any("[as of" in w and "days old" in w for w in found), found
    assert not any("last checked" in w or "days old" in w for w in warnings(course_dir, 500))
    assert check_course(course_dir) == []  # warnings never fail the check


def test_cli_prints_warnings_with_path_and_line_but_succeeds(runner, course_dir):
    result = runner.invoke(args=["course", "check", str(course_dir), "--stale-after", "365"])
    assert result.exit_code == 0, result.output
    assert "01-what-a-card-is.md:8: warning: source 'iso-7810' has no accessed" in result.output
    assert re.search(r"No problems found, \d+ warnings?\.", result.output)


# --- objectives -------------------------------------------------------------------------------------------------


def test_unassessed_objectives_and_questions_without_one_are_reported(course_dir):
    found = warnings(course_dir)
    assert any("01-what-a-card-is.md:5: warning: objective 'Name one registry' is not assessed" in w for w in found)
    assert any("basics-quiz.yaml" in w and "names no objective" in w for w in found), found


def test_an_unknown_objective_is_a_problem(course_dir):
    quiz = course_dir / "quizzes/basics-quiz.yaml"
    text = quiz.read_text()
    quiz.write_text(text.replace("    type: single\n", "    type: single\n    objective: Fly to the moon\n", 1))
    problems = check_course(course_dir)
    assert any("objective is not an objective of the module's lessons" in p.message for p in problems), problems


def test_every_bundled_objective_is_assessed_in_its_module_quiz_or_the_final():
    assert not [w for w in warnings(ROOT) if "objective" in w]


# --- the teacher's guide ----------------------------------------------------------------------------------------


def test_a_guide_is_imported_shown_to_instructors_only_and_exported(app, client, auth, course_dir, tmp_path):
    (course_dir / "lessons/02-chips/guide.yaml").write_text(GUIDE)
    with app.app_context():
        import_course(course_dir)
        module = db.session.scalar(select(Module).where(Module.slug == "chips"))
        assert module.teacher_guide["timing"]["activity"] == 30
        assert "<strong>genocide</strong>" in module.teacher_guide_html
        files = course_files(course_for_export("sample-course"))
    assert yaml.safe_load(files["lessons/02-chips/guide.yaml"]) == yaml.safe_load(GUIDE)
    auth.create("pupil")
    auth.login("pupil")
    assert "Teacher&#39;s guide" not in client.get("/courses/sample-course").get_data(as_text=True)
    assert "Paper cards" not in client.get("/courses/sample-course").get_data(as_text=True)
    auth.logout()
    auth.as_role("admin")
    outline = client.get("/courses/sample-course").get_data(as_text=True)
    assert "Paper cards" in outline and "Another group tries to misuse it." in outline
    authoring = client.get("/author/courses/sample-course").get_data(as_text=True)
    assert "Paper cards" in authoring
    assert "Keeping the course true" in authoring and "is not assessed" in authoring


def test_export_import_export_with_a_guide_is_identical(app, course_dir, tmp_path):
    (course_dir / "lessons/02-chips/guide.yaml").write_text(GUIDE)
    with app.app_context():
        import_course(course_dir)
        first = course_files(course_for_export("sample-course"))
        write_course_folder(first, tmp_path / "out")
        import_course(tmp_path / "out")
        assert course_files(course_for_export("sample-course")) == first


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            '  - {prompt: "What would you leave off?", good_answer: Fields that sort people.}\n',
            "",
            5,
            "'discussion' needs 3 or more entries",
        ),
        (
            "timing: {quiz: 10, lab: 0, discussion: 20, activity: 30}",
            "timing: {quiz: 10, lab: 0, discussion: 20}",
            4,
            "timing needs 'activity'",
        ),
        ("  materials: Index cards and pens\n", "", 10, "the activity has no materials: write one"),
        ("prerequisites: None.\n", "prerequisites: None.\nanswers: yes\n", 3, "unknown field 'answers'"),
        ("timing: {quiz: 10,", "timing: {reading: 5, quiz: 10,", 4, "unknown field 'reading'"),
    ],
)
def test_guide_problems_are_reported_at_their_line(course_dir, old, new, line, message):
    assert old in GUIDE
    (course_dir / "lessons/02-chips/guide.yaml").write_text(GUIDE.replace(old, new, 1))
    problems = [str(p) for p in check_course(course_dir)]
    assert any(f"guide.yaml:{line}: " in p and message in p for p in problems), problems

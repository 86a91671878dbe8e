"""Moodle XML import and export: each type from a file built by Moodle's documented format, skipped questions at
their lines, round trips through the database, and a hostile file."""

import time
from pathlib import Path

import pytest

from course.content.moodle_xml import export_moodle_xml, read_moodle_xml
from course.content.problems import ContentError

MOODLE_DATA = Path(__file__).parent / "data" / "moodle"
DOCUMENTED = MOODLE_DATA / "moodle-documented.xml"
UNSUPPORTED = MOODLE_DATA / "unsupported.xml"
BOMB = MOODLE_DATA / "billion-laughs.xml"


def documented() -> dict[str, dict]:
    read = read_moodle_xml(DOCUMENTED.read_bytes(), "documented.xml")
    assert read.problems == []
    return {question["id"]: question for question in read.questions}


def test_every_type_of_the_documented_file_is_read():
    questions = documented()
    assert list(questions) == ["grants-tomb", "q-2-primes", "sun-rises", "pet", "pi", "capitals", "reflection",
                               "steps"]  # fmt: skip
    assert {question["type"] for question in questions.values()} == {
        "single", "multiple", "true_false", "short_text", "numeric", "matching", "essay", "ordering"}  # fmt: skip


def test_multichoice_single_keeps_feedback_per_answer_points_tags_and_sanitises_html():
    question = documented()["grants-tomb"]
    assert question["title"] == "Grant's tomb"
    assert "<script>" not in question["prompt"] and "**buried**" in question["prompt"]
    assert [choice["correct"] for choice in question["choices"]] == [False, True, False]
    assert question["choices"][0]["feedback"].startswith("Entombed")
    assert "feedback" not in question["choices"][2]
    assert question["explanation"].startswith("Nobody is *buried*")
    assert question["points"] == 2
    assert question["tags"] == ["Card technology", "history"]


def test_multichoice_multiple_markdown_kept():
    question = documented()["q-2-primes"]
    assert question["prompt"] == "Which of these are **prime**?"
    assert [choice["correct"] for choice in question["choices"]] == [True, True, False]
    assert question["choices"][2]["feedback"] == "4 is 2 × 2."


def test_truefalse_keeps_both_feedbacks_and_plain_text_is_escaped():
    question = documented()["sun-rises"]
    assert question["answer"] is True
    assert question["prompt"] == r"The sun rises in the \*east\*\."
    assert question["true_feedback"].startswith("Well done")
    assert question["false_feedback"].startswith("Look out")


def test_shortanswer_fractions_and_wildcards():
    accept = documented()["pet"]["accept"]
    assert accept[0] == "dog" and accept[2] == "gold*fish"
    assert accept[1]["text"] == "Cat" and accept[1]["credit"] == 50 and accept[1]["feedback"].startswith("Half")


def test_numerical_tolerance_several_answers_and_other_feedback():
    question = documented()["pi"]
    assert (question["answer"], question["tolerance"]) == (3.14, 0.005)
    assert question["other_answers"][0]["answer"] == 3 and question["other_answers"][0]["credit"] == 50
    assert question["wrong_feedback"].startswith("No: π")


def test_matching_with_distractor_essay_guidance_and_ordering():
    questions = documented()
    assert questions["capitals"]["pairs"] == [{"item": "France", "match": "Paris"}, {"item": "Japan", "match": "Tokyo"}]
    assert questions["capitals"]["distractors"] == ["Sydney"]
    assert questions["reflection"]["guidance"].startswith("Full marks name a **specific**")
    assert questions["steps"]["items"] == ["Enrol", "Verify", "Issue"]


def test_unsupported_questions_are_reported_at_their_lines():
    read = read_moodle_xml(UNSUPPORTED.read_bytes(), "unsupported.xml")
    assert [question["id"] for question in read.questions] == ["good-one"]
    messages = [str(problem) for problem in read.problems]
    assert messages[0].startswith("unsupported.xml:9: question 2 (Drag words): unsupported question type 'ddwtos'")
    assert messages[1] == ("unsupported.xml:19: question 3 (With image): embedded file 'card.png': the file's content "
                           "is not a PNG image")
    assert messages[2].startswith("unsupported.xml:25: question 4 (Intro)")


def test_pure_round_trip():
    quiz = {"slug": "bank", "title": "Bank", "questions": list(documented().values())}
    first = read_moodle_xml(export_moodle_xml(quiz).encode(), "first.xml")
    assert first.problems == [] and first.questions == quiz["questions"]


def test_bad_xml_is_reported_with_its_line():
    with pytest.raises(ContentError) as raised:
        from course.content.moodle_xml import _parse

        _parse(b"<quiz>\n<question>\n</quiz>", "broken.xml")
    [problem] = raised.value.problems
    assert problem.line == 3 and "not well-formed XML" in problem.message


# --- the command line and the database -------------------------------------------------------------------------


def test_cli_round_trip_through_the_database(app, runner, sample_course, tmp_path):
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    result = runner.invoke(args=["moodle-xml", "import", str(DOCUMENTED), "--quiz", "bank"])
    assert result.exit_code == 0, result.output
    assert "8 question(s) added" in result.output
    assert runner.invoke(args=["moodle-xml", "export", "bank", str(first)]).exit_code == 0
    assert read_moodle_xml(first.read_bytes()).questions == read_moodle_xml(DOCUMENTED.read_bytes()).questions
    assert runner.invoke(args=["moodle-xml", "import", str(first), "--quiz", "bank-2"]).exit_code == 0
    assert runner.invoke(args=["moodle-xml", "export", "bank-2", str(second)]).exit_code == 0
    assert second.read_text() == first.read_text()


def test_cli_all_or_nothing_and_skip_unsupported(app, runner, sample_course):
    from course.extensions import db
    from course.models import Quiz

    path = str(UNSUPPORTED)
    result = runner.invoke(args=["moodle-xml", "import", path, "--quiz", "bank"])
    assert result.exit_code == 1
    assert f"{path}:9: question 2 (Drag words)" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank")) is None
    result = runner.invoke(args=["moodle-xml", "import", path, "--quiz", "bank", "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "1 question(s) added" in result.output
    for line in (9, 19, 25):
        assert f"{path}:{line}: " in result.output
    with app.app_context():
        quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank"))
        assert [(q.key, q.type) for q in quiz.questions] == [("good-one", "true_false")]


def test_billion_laughs_is_refused_quickly_and_nothing_is_written(app, runner, sample_course):
    from course.extensions import db
    from course.models import Quiz

    started = time.monotonic()
    result = runner.invoke(args=["moodle-xml", "import", str(BOMB), "--quiz", "bomb"])
    assert time.monotonic() - started < 1
    assert result.exit_code == 1
    assert f"{BOMB}:" in result.output and "refused: the file declares XML entities" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Quiz).where(Quiz.slug == "bomb")) is None


def test_too_large_file_is_refused_before_it_is_read(app, runner, sample_course, tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"<quiz>" + b" " * (3 * 1024 * 1024) + b"</quiz>")
    result = runner.invoke(args=["moodle-xml", "import", str(big), "--quiz", "big"])
    assert result.exit_code == 1 and "limit for a Moodle XML file" in result.output

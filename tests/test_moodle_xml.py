"""Moodle XML import and export: each type from a file built by Moodle's documented format, skipped questions at
their lines, round trips through the database, and a hostile file."""

import ast
import time
from pathlib import Path

import pytest

from course.content import moodle_xml, moodle_xml_export
from course.content.moodle_xml import read_moodle_xml
from course.content.moodle_xml_export import export_moodle_xml
from course.content.problems import ContentError
from course.question_types import QUESTION_TYPES, QuestionType

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
    assert list(questions) == ["grants-tomb", "q-2-primes", "sun-rises", "pet", "pi", "capitals", "reflection", "steps"]
    assert {question["type"] for question in questions.values()} == {
        "single",
        "multiple",
        "true_false",
        "short_text",
        "numeric",
        "matching",
        "essay",
        "ordering",
    }


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
    assert messages[1] == (
        "unsupported.xml:19: question 3 (With image): embedded file 'card.png': the file's content is not a PNG image"
    )
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
    assert "8 questions added" in result.output
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
    assert "1 question added" in result.output
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


# --- a file as Moodle 4 writes it: every element, images, categories ---------------------------------------------

WRITTEN = MOODLE_DATA / "moodle-written.xml"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGP4zwAEEAIIACDuBfv1K+nKAAAAAElFTkSuQmCC"


def written() -> dict[str, dict]:
    read = read_moodle_xml(WRITTEN.read_bytes(), "written.xml")
    return {question["id"]: question for question in read.questions}


def test_a_file_as_moodle_writes_it_is_read_with_nothing_lost():
    read = read_moodle_xml(WRITTEN.read_bytes(), "written.xml")
    questions = {question["id"]: question for question in read.questions}
    assert list(questions) == [
        "chip-contents",
        "chip-risks-weighted",
        "chip-needs-contact",
        "blood-field",
        "validity-years",
        "standards",
        "design-trade-off",
    ]
    contents = questions["chip-contents"]
    assert contents["title"] == "Chip contents" and contents["points"] == 3
    assert [choice["correct"] for choice in contents["choices"]] == [True, True, True, False]
    assert "credit" not in contents["choices"][0]  # 33.33333 × 3 and -100: the equal shares, no credits needed
    assert contents["choices"][2]["feedback"].startswith("Yes: in data group 2")
    assert contents["prompt"].endswith("![An ID card with a gold chip](figures/chip-card.png)")
    assert contents["explanation"].endswith("![The chip's data groups](figures/layers.svg)")
    assert contents["tags"] == ["Chips quiz", "chips"]
    assert [choice["credit"] for choice in questions["chip-risks-weighted"]["choices"]] == [50, 30, 20, -100]
    assert questions["chip-needs-contact"]["answer"] is False
    assert questions["chip-needs-contact"]["true_feedback"].startswith("No: radio waves")
    assert questions["blood-field"]["accept"][1] == "blood gr*"
    assert questions["blood-field"]["accept"][2]["credit"] == 50
    assert questions["validity-years"]["other_answers"][0]["credit"] == 33.33333
    assert questions["standards"]["distractors"] == ["barcodes"]
    assert questions["design-trade-off"]["guidance"].startswith("One risk and one benefit")
    assert read.categories == ["Chips quiz"] * 3 + ["Default for Sample course/Basics quiz"] * 4
    assert {name: media_type for name, (media_type, _) in read.figures.items()} == {
        "chip-card.png": "image/png",
        "layers.svg": "image/svg+xml",
    }
    assert [str(problem) for problem in read.problems] == [
        "written.xml:334: question 8 (Select the standard): unsupported question type 'gapselect': Lanyard has no "
        "such question",
        "written.xml:360: question 9 (Cloze years): unsupported question type 'cloze': Lanyard has no such question",
    ]


def test_export_embeds_the_figures_and_reads_back_the_same():
    read = read_moodle_xml(WRITTEN.read_bytes(), "written.xml")
    quiz = {"slug": "bank", "title": "Bank", "questions": read.questions}
    text = export_moodle_xml(quiz, figures=read.figures)
    assert '<file name="chip-card.png" path="/" encoding="base64">' in text
    assert "@@PLUGINFILE@@/chip-card.png" in text and "figures/" not in text
    again = read_moodle_xml(text.encode(), "again.xml")
    assert again.problems == [] and again.questions == read.questions and again.figures == read.figures


def one_question(files: str, text: str = '<img src="@@PLUGINFILE@@/card.png" alt="Card">') -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Card</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Is this a card? {text}</p>]]></text>
      {files}
    </questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>""".encode()


SVG_SCRIPT = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4="


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ('<file name="card.png" encoding="base64">not base64!</file>', "its content is not valid base64"),
        ('<file name="card.gif" encoding="base64">R0lGODlhAQABAA==</file>', "figures must be SVG, PNG, JPEG or WebP"),
        ('<file name="card.png" encoding="base64">R0lGODlhAQABAA==</file>', "the file's content is not a PNG image"),
        (f'<file name="card.svg" encoding="base64">{SVG_SCRIPT}</file>', "SVG contains a <script> element"),
        ('<file name="card.png" encoding="base64">' + "A" * (3 * 1024 * 1024) + "</file>", "larger than 2048 KiB"),
        (f'<file name="other.png" encoding="base64">{PNG}</file>', "@@PLUGINFILE@@/card.png, which is not embedded"),
        ("".join(f'<file name="card{n}.png" encoding="base64">{PNG}</file>' for n in range(51)), "at most 50 images"),
    ],
)
def test_refused_embedded_images_are_reported_at_their_line(files, message):
    read = read_moodle_xml(one_question(files), "images.xml")
    [problem] = read.problems
    assert read.questions == [] and read.figures == {}
    assert message in problem.message and problem.message.startswith("question 1 (Card): ")
    assert problem.line == (6 if "not embedded" in message else 7)


def test_an_embedded_image_is_rewritten_to_the_figure():
    read = read_moodle_xml(one_question(f'<file name="card.png" path="/" encoding="base64">{PNG}</file>'), "x.xml")
    assert read.questions[0]["prompt"] == r"Is this a card? ![Card](figures/card.png)"
    assert read.figures["card.png"][0] == "image/png"


def test_cli_images_become_course_figures_and_the_round_trip_keeps_them(app, runner, sample_course, tmp_path):
    from course.extensions import db
    from course.models import Figure, Quiz

    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    result = runner.invoke(args=["moodle-xml", "import", str(WRITTEN), "--quiz", "bank", "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "7 questions added" in result.output and "Added 2 figures to the course." in result.output
    assert f"{WRITTEN}:334: question 8 (Select the standard)" in result.output
    with app.app_context():
        figures = {f.name: (f.media_type, f.data) for f in db.session.scalars(db.select(Figure))}
        assert figures["chip-card.png"][0] == "image/png" and figures["layers.svg"][0] == "image/svg+xml"
        quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank"))
        assert 'src="../figures/chip-card.png"' in quiz.questions[0].prompt_html
    assert runner.invoke(args=["moodle-xml", "export", "bank", str(first)]).exit_code == 0
    assert runner.invoke(args=["moodle-xml", "import", str(first), "--quiz", "bank-2"]).exit_code == 0
    assert runner.invoke(args=["moodle-xml", "export", "bank-2", str(second)]).exit_code == 0
    assert second.read_text() == first.read_text()
    assert read_moodle_xml(first.read_bytes()).questions == [
        question for question in read_moodle_xml(WRITTEN.read_bytes()).questions
    ]
    with app.app_context():
        assert {f.name: (f.media_type, f.data) for f in db.session.scalars(db.select(Figure))} == figures


def test_an_image_whose_name_the_course_uses_for_another_is_renamed(app, runner, sample_course, tmp_path):
    from course.extensions import db
    from course.models import Course, Figure, Quiz

    with app.app_context():
        course = db.session.scalar(db.select(Course))
        db.session.add(Figure(course_id=course.id, name="card.png", media_type="image/png", data=b"\x89PNG\r\n\x1a\nx"))
        db.session.commit()
    path = tmp_path / "card.xml"
    path.write_bytes(one_question(f'<file name="card.png" path="/" encoding="base64">{PNG}</file>'))
    result = runner.invoke(args=["moodle-xml", "import", str(path), "--quiz", "bank"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = sorted(db.session.scalars(db.select(Figure.name)))
        assert len(names) == 3 and names[0].startswith("card-") and names[1] == "card.png"
        quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank"))
        assert f"figures/{names[0]}" in quiz.questions[0].prompt_markdown


# --- into the quizzes the categories name ----------------------------------------------------------------------


def test_cli_by_category_puts_each_question_into_the_quiz_its_category_names(app, runner, sample_course):
    from course.extensions import db
    from course.models import Quiz

    with app.app_context():
        before = {q.slug: len(q.questions) for q in db.session.scalars(db.select(Quiz))}
    result = runner.invoke(args=["moodle-xml", "import", str(WRITTEN), "--by-category", "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "Quiz “chips-quiz” updated: 3 questions added" in result.output
    assert "Quiz “basics-quiz” updated: 4 questions added" in result.output
    with app.app_context():
        after = {q.slug: len(q.questions) for q in db.session.scalars(db.select(Quiz))}
    assert after == {**before, "chips-quiz": before["chips-quiz"] + 3, "basics-quiz": before["basics-quiz"] + 4}


def test_cli_by_category_refuses_categories_that_name_no_quiz_and_writes_nothing(app, runner, sample_course):
    from course.extensions import db
    from course.models import Question

    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(Question.id)))
    result = runner.invoke(args=["moodle-xml", "import", str(DOCUMENTED), "--by-category"])
    assert result.exit_code == 2
    assert "these name none: 'Card technology' (first question at line 16)" in result.output
    assert "The quizzes are: basics-quiz, chips-quiz, final-check" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Question.id))) == before
    result = runner.invoke(args=["moodle-xml", "import", str(DOCUMENTED), "--by-category", "--quiz", "bank"])
    assert result.exit_code == 2 and "either --quiz SLUG or --by-category" in result.output


def test_cli_gift_by_category(app, runner, sample_course, tmp_path):
    from course.extensions import db
    from course.models import Quiz

    gift = tmp_path / "bank.gift"
    gift.write_text(
        "$CATEGORY: $course$/top/Final check\n\n::One::1 + 1 = 2 {T}\n\n"
        "$CATEGORY: $course$/top/Sample/chips-quiz\n\n::Two::Chips are small {T}\n"
    )
    result = runner.invoke(args=["gift", "import", str(gift), "--by-category"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        quizzes = {q.slug: [question.key for question in q.questions] for q in db.session.scalars(db.select(Quiz))}
    assert quizzes["final-check"][-1] == "one" and quizzes["chips-quiz"][-1] == "two"
    assert "one" not in quizzes["chips-quiz"]


# --- the registry is the only place that knows the types ---------------------------------------------------------


class _Hotspot(QuestionType):
    """A type only this test registers: Moodle's ddimageortext, its answers the spots to drop on."""

    name = "test_hotspot"
    label = "Hotspot"
    moodle_xml_types = frozenset({"ddimageortext"})

    def read_moodle_xml(self, question):
        return {"spots": [question.text(answer, shown=False) for answer in question.answers()]}

    def write_moodle_xml(self, document, question):
        for spot in document["spots"]:
            question.add_answer(100, spot, None, "plain_text")
        return "ddimageortext"


HOTSPOT_QUIZ = {
    "slug": "spots",
    "title": "Spots",
    "questions": [
        {"id": "where", "type": "test_hotspot", "prompt": "Where is the chip?", "spots": ["top left", "centre"]}
    ],
}


def test_a_type_registered_in_a_test_is_exported_and_imported_through_its_own_mapping(monkeypatch):
    monkeypatch.setitem(QUESTION_TYPES, "test_hotspot", _Hotspot())
    text = export_moodle_xml(HOTSPOT_QUIZ)
    assert '<question type="ddimageortext">' in text and "<text>centre</text>" in text
    read = read_moodle_xml(text.encode(), "spots.xml")
    assert read.problems == [] and read.questions == HOTSPOT_QUIZ["questions"]


def test_without_its_plugin_a_type_is_an_error_both_ways(monkeypatch):
    monkeypatch.setitem(QUESTION_TYPES, "test_hotspot", _Hotspot())
    text = export_moodle_xml(HOTSPOT_QUIZ)
    monkeypatch.delitem(QUESTION_TYPES, "test_hotspot")
    with pytest.raises(ValueError, match="question where: unknown question type 'test_hotspot'"):
        export_moodle_xml(HOTSPOT_QUIZ)
    skipped: list[str] = []
    assert "<question type=" not in export_moodle_xml(HOTSPOT_QUIZ, skipped)
    assert skipped and skipped[0].startswith("question where: unknown question type 'test_hotspot'")
    read = read_moodle_xml(text.encode(), "spots.xml")
    assert read.questions == []
    assert [problem.message for problem in read.problems] == [
        "question 1 (where): unsupported question type 'ddimageortext': Lanyard has no such question"
    ]


def test_a_type_without_a_moodle_xml_form_is_not_exported():
    quiz = {
        "slug": "blanks",
        "title": "Blanks",
        "questions": [
            {"id": "gap", "type": "fill_blanks", "prompt": "A card is [[1]] mm wide.", "blanks": [{"answer": 85.6}]}
        ],
    }
    with pytest.raises(ValueError, match="a fill_blanks question has no Moodle XML form Lanyard writes"):
        export_moodle_xml(quiz)


@pytest.mark.parametrize("module", [moodle_xml, moodle_xml_export])
def test_moodle_xml_modules_name_no_question_type(module):
    """Type names, Lanyard's or Moodle's, are the plugins' business: no string in course/content/moodle_xml.py or
    moodle_xml_export.py is one, so nothing there can switch on them."""
    names = set(QUESTION_TYPES) | {moodle for qtype in QUESTION_TYPES.values() for moodle in qtype.moodle_xml_types}
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert names and not strings & names, strings & names

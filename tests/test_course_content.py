"""The flagship course, "Chip, Paper and the State", has the shape issue 3 asks for."""

import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest

from course.content import load_course
from tests.dom import parse

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "what-id-is-for",
    "card-technology",
    "data-fields",
    "renewal-and-enumeration",
    "surveillance-architectures",
    "designing-for-privacy",
]


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT)


def lessons(course):
    return [lesson for module in course.modules for lesson in module.lessons]


def test_six_modules_in_order_with_three_or_four_lessons(course):
    assert course.slug == "chip-paper-state"
    assert [m.slug for m in course.modules] == MODULES
    for module in course.modules:
        readings = [lesson for lesson in module.lessons if lesson.kind != "scenario"]
        assert 3 <= len(readings) <= 4, module.slug
        assert len(module.lessons) - len(readings) <= 1, module.slug  # a scenario at most (tests/test_scenarios.py)


def test_the_course_opens_with_the_2019_reissue(course):
    first = course.modules[0].lessons[0]
    assert "2019" in first.title or "2019" in first.body_markdown[:1500]
    assert "North Korea" in first.body_markdown


# Scenario lessons are held to their own standard in tests/test_scenarios.py: their text lives in their nodes.
@pytest.mark.parametrize(
    "lesson",
    [lesson for lesson in lessons(load_course(ROOT)) if lesson.kind != "scenario"],
    ids=lambda lesson: lesson.slug,
)
def test_each_lesson_meets_the_textbook_standard(lesson):
    assert 600 <= lesson.word_count <= 1500, (lesson.slug, lesson.word_count)
    assert 2 <= len(lesson.objectives) <= 4, lesson.slug
    assert lesson.minutes >= 1
    assert lesson.key_terms, lesson.slug
    assert len(set(lesson.citations)) >= 2, lesson.slug
    assert "<table>" in lesson.body_html or "<figure>" in lesson.body_html, lesson.slug
    cited = set(lesson.citations)
    assert all(source.get("url") for source in lesson.sources if source["id"] in cited), lesson.slug


def test_figures_required_by_the_course_exist_and_are_described(course):
    required = {
        "paper-card-front.svg",
        "paper-card-back.svg",
        "chip-card-front.svg",
        "chip-card-back.svg",
        "read-range.svg",
        "registry-linkage.svg",
    }
    assert required <= set(course.figures)
    used = {name for lesson in lessons(course) for name in lesson.figures}
    assert required <= used
    for name, (_media_type, data) in course.figures.items():
        root = ElementTree.fromstring(data)  # noqa: S314 - our own files
        tags = {element.tag.rsplit("}", 1)[-1] for element in root}
        assert {"title", "desc"} <= tags, name
        assert root.get("viewBox"), name


def test_every_image_in_a_lesson_has_meaningful_alt_text(course):
    for lesson in lessons(course):
        for image in parse(lesson.body_html).all("img"):
            assert len(image.get("alt", "").split()) >= 6, (lesson.slug, image)


def test_glossary_covers_the_key_terms(course):
    anchors = {entry["anchor"] for entry in course.glossary}
    assert {
        "machine-readable-zone",
        "bac",
        "pace",
        "selective-disclosure",
        "function-creep",
        "enumeration",
        "contactless-chip",
        "unlinkability",
        "offline-verification",
    } <= anchors


def quizzes(course):
    return {quiz.slug: quiz for quiz in course.quizzes}


def test_every_module_has_a_quiz_of_8_to_12_questions_with_four_types(course):
    by_module = {quiz.module: quiz for quiz in course.quizzes if not quiz.is_final}
    assert set(by_module) == set(MODULES)
    for module, quiz in by_module.items():
        assert 8 <= len(quiz.questions) <= 12, module
        assert len({q.type for q in quiz.questions}) >= 4, module


def test_final_assessment_spans_the_course(course):
    finals = [quiz for quiz in course.quizzes if quiz.is_final]
    assert len(finals) == 1
    final = finals[0]
    assert len(final.questions) >= 20
    assert len({q.type for q in final.questions}) == 5


def test_every_question_explains_and_cites_and_every_wrong_choice_says_why(course):
    for quiz in course.quizzes:
        for question in quiz.questions:
            where = f"{quiz.slug}/{question.key}"
            assert question.explanation_markdown, where
            assert question.source, where
            for choice in question.spec.get("choices", []):
                if not choice["correct"]:
                    assert choice["feedback"], f"{where}: {choice['text']}"


def test_questions_go_beyond_recall(course):
    """Most questions are choices or judgements; numbers to remember are a minority."""
    counts = Counter(q.type for quiz in course.quizzes for q in quiz.questions)
    assert counts["numeric"] <= sum(counts.values()) // 5


def test_lab_is_used_in_module_six(course):
    module = course.modules[-1]
    assert any(lesson.lab_blocks for lesson in module.lessons)

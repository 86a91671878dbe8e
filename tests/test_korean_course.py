"""The Korean edition of module 1 (courses/chip-paper-state-ko, issue 15) is a course of its own: the real checker
finds no problem in it, it imports as a `ko` course with its lessons, quiz, glossary and Korean figures, its pages
say they are Korean, and an export reads back as the same course."""

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content import check_course, import_course, load_course
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.extensions import db
from course.models import Course, Figure, Lesson, Question, Quiz
from tests.dom import parse
from tests.test_exporter import without_paths

FOLDER = Path(__file__).resolve().parent.parent / "courses" / "chip-paper-state-ko"
SLUG = "chip-paper-state-ko"
LESSONS = [
    "the-2019-reissue",
    "what-an-id-document-does",
    "registries-behind-the-card",
    "what-registries-make-possible",
]
FIGURES = {"chip-card-front.svg", "paper-card-front.svg"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SVG = "{http://www.w3.org/2000/svg}"


def korean(text: str) -> bool:
    """Whether a text is written in Korean: it has Hangul in it, and more Hangul than Latin letters."""
    return len(HANGUL.findall(text)) > len(re.findall(r"[A-Za-z]", text))


def exported(slug: str) -> dict[str, bytes]:
    """Export from a fresh session, as a later request would."""
    db.session.remove()
    return course_files(course_for_export(slug))


@pytest.fixture(scope="module")
def course():
    return load_course(FOLDER)


@pytest.fixture
def imported(app):
    with app.app_context():
        return import_course(FOLDER).course.slug


# --- the folder ------------------------------------------------------------------------------------------------


def test_the_real_checker_finds_no_problem():
    assert check_course(FOLDER) == []


def test_course_check_on_the_command_line_passes(runner):
    result = runner.invoke(args=["course", "check", str(FOLDER), "--stale-after", "365"])
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output
    assert "is not assessed" not in result.output  # every objective has a question


def test_one_korean_module_of_four_lessons(course):
    assert course.slug == SLUG
    assert course.language == "ko"
    assert korean(course.title) and korean(course.summary)
    assert [module.slug for module in course.modules] == ["what-id-is-for"]
    module = course.modules[0]
    assert korean(module.title)
    assert [lesson.slug for lesson in module.lessons] == LESSONS
    for lesson in module.lessons:
        assert korean(lesson.title), lesson.slug
        assert korean(lesson.body_markdown), lesson.slug
        assert all(korean(objective) for objective in lesson.objectives), lesson.slug
        assert len(set(lesson.citations)) >= 2, lesson.slug
        assert not lesson.lab_blocks, lesson.slug  # module 1 has no lab, as in the English course


def test_the_opening_lesson_keeps_the_english_facts(course):
    body = course.modules[0].lessons[0].body_markdown
    for fact in ("2019년 1월", "2019년 11월", "8cm", "5.5cm", "546명", "487명", "2,914명", "3만 2천"):
        assert fact in body, fact
    assert "의심" in body  # the purpose is the residents' suspicion, not a fact


def test_the_teachers_guide_is_in_korean(course):
    guide = course.modules[0].guide
    assert korean(guide["audience"]) and korean(guide["activity"]["steps"])
    assert len(guide["discussion"]) >= 3
    assert all(korean(item["prompt"]) and korean(item["good_answer"]) for item in guide["discussion"])


def test_every_question_names_an_objective_and_explains_in_korean(course):
    (quiz,) = course.quizzes
    assert quiz.module == "what-id-is-for" and korean(quiz.title)
    objectives = {objective for lesson in course.modules[0].lessons for objective in lesson.objectives}
    assert {question.objective for question in quiz.questions} == objectives
    assert len({question.type for question in quiz.questions}) >= 4
    for question in quiz.questions:
        assert korean(question.prompt_markdown), question.key
        assert korean(question.explanation_markdown), question.key
        for choice in question.spec.get("choices", []):
            assert choice["feedback"] and korean(choice["feedback"]), (question.key, choice["text"])
            assert korean(choice["text"]), (question.key, choice["text"])


def test_korean_sources_are_cited(course):
    urls = {source.get("url", "") for lesson in course.modules[0].lessons for source in lesson.sources}
    assert "https://www.rfa.org/korean/in_focus/ne-je-07242020065342.html" in urls
    assert "https://www.asiapress.org/korean/2019/01/society-human-rights/identitycard/" in urls
    assert "https://ko.wikisource.org/wiki/2013%ED%97%8C%EB%B0%9468" in urls


def test_the_figures_speak_korean(course):
    assert set(course.figures) == FIGURES
    for name, (_media_type, data) in course.figures.items():
        root = ElementTree.fromstring(data)  # noqa: S314 - our own files
        assert root.get("lang") == "ko", name
        assert korean(root.find(f"{SVG}title").text) and korean(root.find(f"{SVG}desc").text), name
        texts = " ".join(element.text or "" for element in root.iter(f"{SVG}text"))
        assert korean(texts), name


# --- imported --------------------------------------------------------------------------------------------------


def test_import_brings_everything_across(app, imported):
    with app.app_context():
        stored = db.session.scalar(select(Course).where(Course.slug == SLUG))
        assert stored.language == "ko"
        lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == stored.id).order_by(Lesson.position))
        assert [lesson.slug for lesson in lessons] == LESSONS
        quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == stored.id))
        assert quiz.slug == "what-id-is-for-quiz"
        assert db.session.scalar(select(func.count()).select_from(Question).where(Question.quiz_id == quiz.id)) == 14
        assert {entry["anchor"] for entry in stored.glossary} >= {"registry", "enumeration", "songbun", "defector"}
        assert all(korean(entry["term"]) and korean(entry["definition"]) for entry in stored.glossary)
        names = set(db.session.scalars(select(Figure.name).where(Figure.course_id == stored.id)))
        assert names == FIGURES
        assert korean(stored.modules[0].teacher_guide_html)


def test_every_figure_in_a_lesson_has_korean_alt_text_and_caption(app, imported):
    with app.app_context():
        bodies = db.session.scalars(select(Lesson.body_html).join(Course).where(Course.slug == SLUG)).all()
    images = [image for body in bodies for image in parse(body).all("img")]
    assert len(images) == len(FIGURES)
    for image in images:
        alt = image.get("alt", "")
        assert korean(alt) and len(alt.split()) >= 6, alt
    captions = [caption for body in bodies for caption in parse(body).texts("figcaption")]
    assert len(captions) == len(FIGURES) and all(korean(caption) for caption in captions)


CONTENT_IN_KOREAN = re.compile(r'<(?!html\b|option\b)[a-z0-9]+[^>]*\blang="ko"')


def test_korean_content_is_marked_korean_in_either_interface(app, client, auth, imported):
    """The page's lang is the reader's interface language; the course's text carries its own lang="ko"."""
    auth.as_role("student")
    page = client.get(f"/courses/{SLUG}/lessons/the-2019-reissue", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="en"' in text and CONTENT_IN_KOREAN.search(text)
    assert "2019년, 북한이 공민증을 새로 나눠 주다" in text
    assert 'src="../figures/chip-card-front.svg"' in text  # relative to /courses/<slug>/lessons/<lesson>
    figure = client.get(f"/courses/{SLUG}/figures/chip-card-front.svg")
    assert figure.status_code == 200 and "공민증 (견본)" in figure.get_data(as_text=True)
    for address in (f"/courses/{SLUG}", f"/courses/{SLUG}/glossary"):
        english = client.get(address, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert '<html lang="en"' in english and CONTENT_IN_KOREAN.search(english), address
        korean = client.get(address, headers={"Accept-Language": "ko"}).get_data(as_text=True)
        assert '<html lang="ko"' in korean, address


# --- export and import again -----------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_course(app, imported, tmp_path):
    with app.app_context():
        first = exported(imported)
        write_course_folder(first, tmp_path / "first")
        db.session.remove()
        db.drop_all()
        db.create_all()
        assert import_course(tmp_path / "first").created
        second = exported(imported)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert without_paths(load_course(tmp_path / "first")) == without_paths(load_course(FOLDER))
    for name in FIGURES:
        assert first[f"lessons/figures/{name}"] == (FOLDER / "lessons" / "figures" / name).read_bytes()


def test_the_words_the_renderer_adds_follow_the_courses_language():
    """A Korean course's dated claims, citation titles and "checked" dates read in Korean, whoever imports it."""
    from course.render import content_language, render_markdown, render_sources

    with content_language("ko"):
        korean = render_markdown("카드는 2026년 8월 3일에 효력을 잃었다 [@eu] [as of 2026-11-29].").html
        _, sources = render_sources([{"id": "eu", "title": "규정", "accessed": "2026-11-29"}], ["eu"])
    assert '<span class="as-of">(2026년 11월 29일 기준)</span>' in korean
    assert 'title="출처 1"' in korean and "2026년 11월 29일 확인." in sources
    english = render_markdown("Cards lapsed [@eu] [as of 2026-11].").html
    assert "(as of November 2026)" in english and 'title="Source 1"' in english


def test_the_teachers_guide_reads_in_korean_throughout(app, imported):
    """The guide's headings are written in the course's language, as its text is."""
    from course.models import Module

    with app.app_context():
        guide = db.session.scalar(select(Module.teacher_guide_html).join(Course).where(Course.slug == SLUG))
    assert "<h4>토론 질문</h4>" in guide and "좋은 답에 들어갈 내용:" in guide
    assert "Discussion prompts" not in guide

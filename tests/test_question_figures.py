"""Course figures shown in questions work on every page that shows a question: taking and reading an attempt, the
author's quiz page and preview, the marking queue, item analysis and the instructor's page of a student. Each
image address a page holds is requested, relative to that page, as the browser would."""

import re
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from course.content import import_course
from course.extensions import db
from course.models import Course, CourseOwner, Figure, Quiz
from tests.test_classroom import add_users, make_class, sign_in_as

FIGURES_QUIZ = """\
slug: figures-quiz
title: Questions with figures
module: basics
pass_mark: 50
max_attempts: 0
shuffle: false
questions:
  - id: pick
    type: single
    prompt: "Which card is this? ![A card](figures/card.svg)"
    choices:
      - {text: "The old one ![Old card](figures/card.svg)", correct: true}
      - {text: The new one}
    explanation: "See ![the card](figures/card.svg)."
  - id: essay
    type: essay
    prompt: "Describe the card. ![The card](figures/card.svg)"
    guidance: "Mentions the chip ![Chip](figures/card.svg)"
    points: 2
"""

IMAGE_SOURCE = re.compile(r'<img [^>]*src="([^"]+)"')


@pytest.fixture
def figures_class(app, course_dir):
    (course_dir / "quizzes" / "figures-quiz.yaml").write_text(FIGURES_QUIZ, encoding="utf-8")
    with app.app_context():
        import_course(course_dir)
    ids = add_users(app, {"teacher": "instructor", "sam": "student"})
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        db.session.add(CourseOwner(course_id=course_id, user_id=ids["teacher"]))
        db.session.commit()
    return make_class(app, "7B", ids["teacher"], [ids["sam"]]), ids


def assert_figures_load(client, url: str, least: int = 1) -> None:
    """The page at URL shows at least LEAST images, and each of its addresses, resolved as a browser resolves it
    against the page, answers with the figure."""
    response = client.get(url)
    assert response.status_code == 200, url
    sources = IMAGE_SOURCE.findall(response.get_data(as_text=True))
    assert len(sources) >= least, (url, sources)
    for source in sources:
        address = urljoin("http://localhost" + url, source.replace("&amp;", "&"))
        figure = client.get(address, follow_redirects=True)
        assert figure.status_code == 200 and figure.mimetype == "image/svg+xml", (url, source, figure.status_code)


def test_every_page_showing_a_question_shows_its_figures(app, client, auth, figures_class):
    app.config["MIN_STUDENTS_FOR_STATS"] = 1
    classroom, ids = figures_class
    sign_in_as(auth, "sam")
    attempt_url = client.post("/courses/sample-course/quizzes/figures-quiz/start").location
    assert_figures_load(client, attempt_url, least=3)  # the prompts and a choice
    data = {"q-pick": "0", "q-essay": "It has a chip.", "action": "submit", "confirmed": "yes"}
    assert client.post(attempt_url, data=data).status_code == 302
    assert_figures_load(client, attempt_url, least=3)
    auth.logout()
    sign_in_as(auth, "teacher")
    author = "/author/courses/sample-course/quizzes/figures-quiz"
    assert_figures_load(client, author, least=2)  # the quiz editor's list of questions
    assert_figures_load(client, f"{author}/preview", least=5)  # prompts, choice, explanation, marker's guidance
    teach = f"/teach/classes/{classroom}"
    assert_figures_load(client, f"{teach}/quizzes/figures-quiz/marking?answer=1", least=2)  # prompt and guidance
    assert_figures_load(client, f"{teach}/quizzes/figures-quiz/analysis", least=2)
    assert_figures_load(client, f"{teach}/students/{ids['sam']}", least=2)


def test_a_figure_a_question_shows_cannot_be_deleted(app, client, auth, figures_class):
    sign_in_as(auth, "teacher")
    delete = "/author/courses/sample-course/figures/card.svg/delete"
    page = client.get(delete).get_data(as_text=True)
    assert "These quiz questions show it: Questions with figures: pick; Questions with figures: essay." in page
    response = client.post(delete, data={"confirm": "y"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Figure.name).where(Figure.name == "card.svg")) == "card.svg"


def test_a_figure_only_a_question_shows_cannot_be_deleted_and_others_can(app, client, auth, figures_class):
    sign_in_as(auth, "teacher")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
        db.session.add_all(
            [
                Figure(course_id=course_id, name=name, media_type="image/svg+xml", data=svg)
                for name in ("chip.svg", "c.svg")
            ]
        )
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "figures-quiz"))
        question = quiz.questions[0]
        question.spec = {
            **question.spec,
            "choices": [
                {**question.spec["choices"][0], "feedback": "Look: ![chip](figures/chip.svg)"},
                *question.spec["choices"][1:],
            ],
        }
        db.session.commit()
    response = client.post("/author/courses/sample-course/figures/chip.svg/delete", data={"confirm": "y"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "These quiz questions show it: Questions with figures: pick." in page and "These lessons" not in page
    # No text shows c.svg itself (figures/card.svg is another figure), so it goes
    assert client.post("/author/courses/sample-course/figures/c.svg/delete", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        assert set(db.session.scalars(select(Figure.name))) == {"card.svg", "chip.svg"}

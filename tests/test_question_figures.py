"""Course figures shown in questions work on every page that shows a question: taking and reading an attempt, the
author's quiz page and preview, the marking queue, item analysis and the instructor's page of a student. Each
image address a page holds is requested, relative to that page, as the browser would."""

import re
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from course.content import import_course
from course.extensions import db
from course.models import Course, CourseOwner
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

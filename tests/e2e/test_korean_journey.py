"""A Korean student's whole journey in Chromium: a browser that asks for Korean gets the Korean interface, registers
with a Korean username, reads the Korean edition's first lesson, passes its quiz and sees the progress — axe clean
on every page. Labels are looked up in the Korean catalogue, so the test follows the translation, not a copy of it."""

import re
from pathlib import Path

import pytest
import yaml
from babel.support import Translations

from tests.e2e.test_accessibility import audit
from tests.e2e.test_student_journey import answer_correctly

ROOT = Path(__file__).resolve().parents[2]
EDITION = ROOT / "courses" / "chip-paper-state-ko"
KOREAN = Translations.load(str(ROOT / "course" / "translations"), ["ko"])
PASSWORD = "충분히 긴 비밀번호입니다"


def ko(message: str, **values) -> str:
    """The Korean interface text for an English msgid."""
    text = KOREAN.gettext(message)
    return text % values if values else text


@pytest.fixture
def korean_page(browser, live_server, live_app):
    from course.content import import_course
    from course.extensions import db

    with live_app.app_context():
        import_course(str(EDITION))
        db.session.commit()
    context = browser.new_context(base_url=live_server, locale="ko-KR")
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


def test_a_korean_students_journey(korean_page, live_server):
    page, problems = korean_page, []
    course = yaml.safe_load((EDITION / "lessons" / "course.yaml").read_text())
    quiz_file = next((EDITION / "quizzes").glob("*.yaml"))
    quiz = yaml.safe_load(quiz_file.read_text())

    page.goto("/")
    assert page.url.endswith("/setup")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_label(ko("Username")).fill("teacher")
    page.get_by_label(ko("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(ko("Repeat the password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Create the instructor account")).click()
    join_code = page.locator(".join-code").first.inner_text().strip()
    page.get_by_role("button", name=re.compile(re.escape(ko("Sign out %(username)s", username="teacher")))).click()

    page.goto("/register")
    audit(page, problems)
    page.get_by_label(ko("Class join code")).fill(join_code)
    page.get_by_label(ko("Username")).fill("민준")
    page.get_by_label(ko("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(ko("Repeat the password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Create my account")).click()
    assert page.get_by_text(ko("Welcome! Your account is ready.")).is_visible()
    assert page.get_by_role("navigation", name=ko("Main")).get_by_role("link", name=ko("My progress")).is_visible()
    assert page.get_by_role("button", name=ko("Sign out %(username)s", username="민준")).is_visible()

    page.get_by_role("link", name=course["title"]).click()
    audit(page, problems)
    page.locator(f"a[href*='/courses/{course['slug']}/lessons/']").first.click()
    assert page.locator("html").get_attribute("lang") == "ko"
    article = page.locator("article.lesson")
    assert article.get_attribute("lang") == "ko"
    audit(page, problems)

    page.goto(f"/courses/{course['slug']}/quizzes/{quiz['slug']}")
    audit(page, problems)
    page.get_by_role("button", name=ko("Start the quiz")).click()
    audit(page, problems)
    for question in quiz["questions"]:
        if question["type"] == "true_false":
            fieldset = page.locator(f"#question-{question['id']}")
            fieldset.get_by_label(ko("True") if question["answer"] else ko("False"), exact=True).check()
        else:
            answer_correctly(page, question)
    page.get_by_role("button", name=ko("Submit for grading")).click()
    assert page.locator(".result.passed").is_visible()
    audit(page, problems)

    page.get_by_role("navigation", name=ko("Main")).get_by_role("link", name=ko("My progress")).click()
    assert course["title"] in page.locator("main").inner_text()
    audit(page, problems)

    assert not problems, "\n".join(problems)
    assert all(url.startswith(live_server) for url in page.requested_urls)

"""A real browser walks the student journey on the bundled course: setup → registration with the join code →
a lesson → its module quiz, passed → the progress page. No request may leave the site."""

import html
import re
from pathlib import Path

import yaml

from course.render import render_inline

ROOT = Path(__file__).resolve().parents[2]
LESSON = "the-2019-reissue"
QUIZ = "what-id-is-for-quiz"
PASSWORD = "a long enough password"


def plain(markdown: str) -> str:
    """What a choice looks like on the page: rendered, tags dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", render_inline(markdown))).strip()


def set_up_and_register_student(page) -> None:
    page.goto("/")
    assert page.url.endswith("/setup")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create the instructor account").click()
    join_code = page.locator(".join-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", join_code)
    page.get_by_role("button", name=re.compile("Sign out")).click()

    page.goto("/register")
    page.get_by_label("Class join code").fill(join_code.lower())
    page.get_by_label("Username").fill("student1")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    assert page.get_by_text("Welcome! Your account is ready.").is_visible()


def answer_correctly(page, question: dict) -> None:
    fieldset = page.locator(f"#question-{question['id']}")
    kind = question["type"]
    if kind in ("single", "multiple"):
        for choice in question["choices"]:
            if choice.get("correct"):
                fieldset.locator("label", has_text=plain(choice["text"])).first.click()
    elif kind == "true_false":
        fieldset.get_by_label("True" if question["answer"] else "False", exact=True).check()
    elif kind == "short_text":
        fieldset.get_by_role("textbox").fill(str(question["accept"][0]))
    else:
        fieldset.get_by_role("textbox").fill(str(question["answer"]))


def test_student_journey(page, live_server):
    set_up_and_register_student(page)
    course = yaml.safe_load((ROOT / "lessons/course.yaml").read_text())

    page.get_by_role("link", name=course["title"]).click()
    page.get_by_role("link", name=re.compile(r"^Start: ")).click()
    assert LESSON in page.url
    assert page.locator("article.lesson h1").inner_text()
    assert page.locator("sup.citation a").count() >= 2
    assert page.locator("ol.sources li").count() >= 2
    page.get_by_role("button", name=re.compile("Mark complete")).click()
    assert page.get_by_text("completed.").first.is_visible()

    quiz = yaml.safe_load((ROOT / f"quizzes/{QUIZ}.yaml").read_text())
    page.goto(f"/courses/{course['slug']}/quizzes/{QUIZ}")
    page.get_by_role("button", name="Start the quiz").click()
    content = page.content()
    assert "correct" not in content.lower().replace("submit for grading", "")
    for question in quiz["questions"]:
        answer_correctly(page, question)
    page.get_by_role("button", name="Submit for grading").click()
    assert page.locator(".result.passed").is_visible()
    assert "Score: 100%" in page.locator(".result").inner_text()
    assert page.locator(".explanation").count() == len(quiz["questions"])

    page.get_by_role("link", name="My progress").first.click()
    text = page.locator("main").inner_text()
    assert "Lessons completed: 1 of" in text
    assert "Continue where you left off" in text
    assert re.search(re.escape(quiz["title"]) + r"\s+1\s+100%\s+Yes", text)

    outside = [url for url in page.requested_urls if not url.startswith(live_server)]
    assert outside == []


def test_answers_typed_in_an_open_attempt_survive_a_reload(page, live_server):
    set_up_and_register_student(page)
    quiz = yaml.safe_load((ROOT / f"quizzes/{QUIZ}.yaml").read_text())
    page.goto(f"/courses/chip-paper-state/quizzes/{QUIZ}")
    page.get_by_role("button", name="Start the quiz").click()
    attempt_url = page.url
    short = next(q for q in quiz["questions"] if q["type"] == "short_text")
    page.locator(f"#question-{short['id']}").get_by_role("textbox").fill("my saved words")
    page.locator(f"#question-{short['id']}").get_by_role("textbox").blur()
    page.get_by_text("Answers saved.").wait_for()
    page.goto(attempt_url)
    assert page.locator(f"#question-{short['id']}").get_by_role("textbox").input_value() == "my saved words"

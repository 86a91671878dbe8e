"""Submitting with unanswered questions in Chromium: quiz.js's dialog (keyboard only), and the same page without
JavaScript."""

import re

import yaml

from tests.e2e.test_student_journey import QUIZ, ROOT, answer_correctly, set_up_and_register_student


def start_quiz(page) -> dict:
    set_up_and_register_student(page)
    page.goto(f"/courses/chip-paper-state/quizzes/{QUIZ}")
    page.get_by_role("button", name="Start the quiz").click()
    return yaml.safe_load((ROOT / f"quizzes/{QUIZ}.yaml").read_text())


def test_the_dialog_names_the_unanswered_questions_and_submits_on_confirmation(page, live_server):
    quiz = start_quiz(page)
    attempt_url = page.url
    answer_correctly(page, quiz["questions"][0])
    page.get_by_role("button", name="Submit for grading").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    missing = len(quiz["questions"]) - 1
    assert dialog.is_visible() and f"Submit with {missing} unanswered question" in dialog.inner_text()
    assert dialog.get_by_role("link", name="Question 2").is_visible()
    assert "attempt" in dialog.inner_text()  # how many will be left (or that there is no limit)
    page.keyboard.press("Enter")  # the focused "Go back" closes it; nothing is submitted
    assert not dialog.count() and page.url == attempt_url
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit anyway").click()
    page.wait_for_selector(".result")
    assert "Score:" in page.locator(".result").inner_text()


def test_without_javascript_a_confirmation_page_asks_first(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        quiz = start_quiz(page)
        answer_correctly(page, quiz["questions"][0])
        page.get_by_role("button", name="Submit for grading").click()
        assert page.get_by_role("heading", name=re.compile("unanswered question")).is_visible()
        page.get_by_role("link", name="Go back and answer them").click()
        page.get_by_role("button", name="Submit for grading").click()
        page.get_by_role("button", name="Submit anyway").click()
        assert "Score:" in page.locator(".result").inner_text()
    finally:
        context.close()

"""Quizzes end to end on the server: no answers before submission, stable shuffles, saved answers, one result
per submission, attempt limits, immutable attempts."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content import import_course
from course.extensions import db
from course.models import Attempt, Lesson
from tests.dom import parse

QUIZ = "/courses/sample-course/quizzes/basics-quiz"


@pytest.fixture
def student(auth, sample_course):
    return auth.as_role("student", "sam")


def start(client, url=QUIZ) -> str:
    response = client.post(f"{url}/start")
    assert response.status_code == 302 and "/attempts/" in response.location
    return response.location


def shown_choices(html: str, key: str) -> list[str]:
    """Choice texts in the order the page shows them for one question."""
    return parse(html).one(f"fieldset#question-{key}").texts("label[for^=q-]")


def answer_for(html: str, key: str, text: str) -> str:
    """The form value of the choice showing `text`."""
    return str(shown_choices(html, key).index(text))


def test_answers_never_reach_the_page_before_submission(client, student):
    html = client.get(start(client)).get_data(as_text=True)
    for secret in (
        "correct",
        "Yes.",
        "That is a modern material",
        "Not on this card",
        "blood group",
        "85.6",
        "0.5",
        "The old card was paper under a film",
        "Both were printed",
        "misconception",
        "material-age",
        "So reported",
        "data-correct",
        "asiapress",
        "iso-7810",
    ):
        assert secret not in html, secret
    assert "Laminated paper" in html and "What was the <strong>old</strong> card made of?" in html


def test_choice_order_is_stored_and_stable_across_reloads(app, client, student):
    url = start(client)
    first = shown_choices(client.get(url).get_data(as_text=True), "body")
    again = shown_choices(client.get(url).get_data(as_text=True), "body")
    assert first == again and sorted(first) == ["Laminated paper", "Metal", "Polycarbonate"]
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.snapshot[0]["private"]["texts"] == first


def test_shuffle_varies_between_attempts(app, client, auth, sample_course):
    orders = set()
    for number in range(8):
        auth.as_role("student", f"student{number}")
        orders.add(tuple(shown_choices(client.get(start(client)).get_data(as_text=True), "body")))
        auth.logout()
    assert len(orders) > 1


def test_saved_answers_survive_a_reload(client, student):
    url = start(client)
    html = client.get(url).get_data(as_text=True)
    choice = answer_for(html, "body", "Metal")
    response = client.post(
        url,
        data={
            "action": "save",
            "q-body": choice,
            "q-blood": "blood grp",
            "q-width": "85",
            "q-eight-years": "false",
            "q-fields": ["0", "2"],
        },
    )
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert f'id="q-body-{choice}" value="{choice}" checked' in html
    assert 'value="blood grp"' in html and 'value="85"' in html
    assert 'id="q-eight-years-false" value="false" checked' in html
    assert 'id="q-fields-0" value="0" checked' in html and 'id="q-fields-2" value="2" checked' in html
    assert client.post(QUIZ + "/start").location == url  # resuming, not a new attempt


def test_background_save_answers_json(client, student, count_queries):
    url = start(client)
    with count_queries() as autosave:
        response = client.post(url, data={"action": "save", "q-blood": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json() == {"saved": True}
    # The session, the attempt, and one conditional UPDATE of its answers: no quiz, no course, nothing else.
    assert not any("FROM quizzes" in statement for statement in autosave.statements), autosave.statements
    updates = [s for s in autosave.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "responses" in updates[0] and "attempts" in updates[0]


def submit_all_right(client, url):
    html = client.get(url).get_data(as_text=True)
    data = {
        "action": "submit",
        "q-body": answer_for(html, "body", "Laminated paper"),
        "q-fields": [answer_for(html, "fields", "Blood type"), answer_for(html, "fields", "Marital status")],
        "q-eight-years": "true",
        "q-blood": "  Blood  Group ",
        "q-width": "85,6",
    }
    return client.post(url, data=data)


def test_multiple_select_results_mark_each_choice_with_its_own_feedback(client, student):
    url = start(client)
    html = client.get(url).get_data(as_text=True)
    picks = [answer_for(html, "fields", "Blood type"), answer_for(html, "fields", "Religion")]
    client.post(url, data={"action": "submit", "confirmed": "yes", "q-fields": picks})
    page = client.get(url).get_data(as_text=True)
    rows = set(parse(page).one("ul.choice-results").texts("li"))
    # Two points over two right answers: a share is 1 point.
    assert any(row.startswith("Blood type") and "Picked, a right answer: +1" in row for row in rows), rows
    assert any(row.startswith("Marital status") and "Not picked, a right answer: 0" in row for row in rows), rows
    assert any(
        row.startswith("Religion") and "Picked, not a right answer: −1" in row and "Not on this card." in row
        for row in rows
    ), rows
    assert page.count("Not on this card.") == 1  # beside its choice, not again in a list below


def test_submission_scores_and_shows_feedback(client, student):
    url = start(client)
    html = client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={
            "action": "submit",
            "q-body": answer_for(html, "body", "Polycarbonate"),
            "q-fields": [answer_for(html, "fields", "Blood type")],
            "q-eight-years": "true",
            "q-blood": "blood type",
            "q-width": "99",
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    # 0 (single) + 1 of 2 (multiple, half right) + 1 + 1 + 0 = 3 of 6 points = 50% < 60% pass mark
    assert "Score: <strong>50%</strong> (3 of 6 points)" in page and "not passed" in page
    assert "That is a modern material." in page  # the picked choice's feedback
    assert "The old card was paper under a film." in page  # explanation
    assert "Correct answer: Laminated paper" in page
    assert (
        'Source: <a href="https://www.asiapress.org/rimjin-gang/2019/01/recommendations/renews-nationality-cards/"'
        in page
    )
    assert "Partly correct" in page


def test_a_source_id_listed_by_two_lessons_is_the_first_lessons_in_reading_order(app, client, student):
    """Both sample lessons list `asiapress`, with different addresses: the lesson read first defines it, whatever
    order the database returns rows in. Put "Registries" first, and its address is the one the question shows."""
    with app.app_context():
        lessons = {lesson.slug: lesson for lesson in db.session.scalars(select(Lesson))}
        lessons["registries"].position, lessons["what-a-card-is"].position = 0, 1
        db.session.commit()
    url = start(client)
    with app.app_context():
        attempt = db.session.get(Attempt, int(url.rsplit("/", 1)[1]))
        shown = {question["key"]: question["source"] for question in attempt.snapshot}
    assert shown["body"]["url"] == "https://www.asiapress.org/"


def test_a_perfect_attempt_passes(client, student):
    url = start(client)
    submit_all_right(client, url)
    page = client.get(url).get_data(as_text=True)
    assert "Score: <strong>100%</strong>" in page and "<strong>passed</strong>" in page
    progress = client.get("/progress").get_data(as_text=True)
    assert "100%" in progress


def test_double_submission_records_one_result(app, client, student):
    url = start(client)
    submit_all_right(client, url)
    second = client.post(url, data={"action": "submit", "q-body": "0"})
    assert second.status_code == 302
    with app.app_context():
        attempts = db.session.scalars(select(Attempt)).all()
        assert len(attempts) == 1 and attempts[0].percent == 100.0
    assert "already submitted" in client.get(url).get_data(as_text=True)


def test_saving_after_submission_changes_nothing(app, client, student):
    url = start(client)
    submit_all_right(client, url)
    client.post(url, data={"action": "save", "q-blood": "changed"})
    with app.app_context():
        assert db.session.scalar(select(Attempt.responses))["blood"] == "  Blood  Group ".strip()


def test_a_stale_form_changes_nothing_and_says_the_saved_answers_are_kept(app, client, student):
    url = start(client)
    client.post(url, data={"action": "save", "q-blood": "kept"})
    app.config["WTF_CSRF_ENABLED"] = True  # what CSRFProtect does with a page left open past a new sign-in
    for target, words in (
        (url, "your saved answers are kept"),
        (f"{url}/submit", "your saved answers are kept"),
        (f"{QUIZ}/start", "Reload the page and try again"),
    ):
        response = client.post(target, data={"action": "submit", "q-blood": "changed"})
        assert response.status_code == 400 and words in response.get_data(as_text=True), target
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.submitted_at is None and attempt.responses["blood"] == "kept"


def test_tampered_answers_do_not_break_anything(client, student):
    url = start(client)
    response = client.post(
        url, data={"action": "submit", "confirmed": "yes", "q-width": "1e999", "q-blood": "x" * 5000, "q-unknown": "x"}
    )
    assert response.status_code == 302
    assert "Score: <strong>0%</strong>" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "field, values",
    [
        ("q-body", ["99"]),
        ("q-body", ["²"]),
        ("q-body", ["9" * 5000]),
        ("q-body", ["-1"]),
        ("q-body", ["0", "1"]),
        ("q-fields", ["0", "abc"]),
        ("q-fields", ["٣"]),
        ("q-fields", ["7"]),
        ("q-eight-years", ["maybe"]),
    ],
)
@pytest.mark.parametrize("action", ["save", "submit"])
def test_answers_that_are_not_a_choice_are_refused_with_400(app, client, student, field, values, action):
    url = start(client)
    client.post(url, data={"action": "save", "q-blood": "kept"})
    response = client.post(url, data={"action": action, "confirmed": "yes", "q-width": "85", field: values})
    assert response.status_code == 400
    assert "is not one of its answers" in response.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.submitted_at is None and attempt.responses == {"blood": "kept"}  # nothing written
    json_save = client.post(url, data={"action": "save", field: values}, headers={"Accept": "application/json"})
    assert json_save.status_code == 400


def test_submitting_with_unanswered_questions_asks_first_and_keeps_the_answers(app, client, student):
    url = start(client)
    html = client.get(url).get_data(as_text=True)
    assert "After submitting you will have 1 attempt left." in html  # beside the submit button (2 allowed)
    response = client.post(
        url, data={"action": "submit", "q-body": answer_for(html, "body", "Metal"), "q-blood": "blood group"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Submit with 3 unanswered questions?" in page and "You have not answered 3 of 5 questions" in page
    for number, key in ((2, "fields"), (3, "eight-years"), (5, "width")):
        assert f'href="{url}#question-{key}">Question {number}</a>' in page
    assert "Question 1<" not in page and "Question 4<" not in page
    assert "After submitting you will have 1 attempt left." in page
    assert f'action="{url}/submit"' in page and f'href="{url}"' in page  # submit anyway, or go back
    assert parse(page).one("main").all("script") == []
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.submitted_at is None  # not submitted, but what was typed is kept
        assert attempt.responses["blood"] == "blood group" and "body" in attempt.responses
    again = client.get(url).get_data(as_text=True)
    assert 'value="blood group"' in again  # going back shows the answers typed

    submitted = client.post(f"{url}/submit")
    assert submitted.status_code == 302 and submitted.location == url
    result = client.get(url).get_data(as_text=True)
    assert "Score: <strong>" in result
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.submitted_at is not None and attempt.responses["blood"] == "blood group"
    assert client.post(f"{url}/submit").status_code == 302  # a second press changes nothing
    assert "already submitted" in client.get(url).get_data(as_text=True)


def test_submitting_with_every_question_answered_needs_no_confirmation(client, student):
    url = start(client)
    response = submit_all_right(client, url)
    assert response.status_code == 302 and response.location == url
    assert "Score: <strong>100%</strong>" in client.get(url).get_data(as_text=True)


def test_confirmed_submission_with_unanswered_questions_is_graded_at_once(app, client, student):
    url = start(client)
    response = client.post(url, data={"action": "submit", "confirmed": "yes", "q-blood": "blood group"})
    assert response.status_code == 302  # what quiz.js's dialog sends after "Submit anyway"
    with app.app_context():
        assert db.session.scalar(select(Attempt.submitted_at)) is not None


def test_the_last_attempt_says_none_will_be_left(client, student):
    submit_all_right(client, start(client))
    url = start(client)
    assert "This is your last attempt" in client.get(url).get_data(as_text=True)
    page = client.post(url, data={"action": "submit"}).get_data(as_text=True)
    assert "you will have no attempts left" in page and "Submit anyway" in page


def test_only_the_student_submits_their_attempt(app, client, auth, student):
    url = start(client)
    auth.logout()
    auth.as_role("student", "other")
    assert client.post(f"{url}/submit").status_code in (403, 404)
    with app.app_context():
        assert db.session.scalar(select(Attempt.submitted_at)) is None


def test_the_dialog_script_enhances_the_same_form():
    script = (Path(__file__).parent.parent / "course/static/quiz.js").read_text()
    assert 'name = "confirmed"' in script and "showModal" in script and "attempts-left" in script


def test_max_attempts_is_enforced_on_the_server(app, client, student):
    for _ in range(2):
        submit_all_right(client, start(client))
    refused = client.post(QUIZ + "/start")
    assert refused.status_code == 302 and refused.location.endswith(QUIZ)
    assert "You have used all 2 attempts" in client.get(QUIZ).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 2


def test_attempt_history_lists_submitted_attempts(client, student):
    submit_all_right(client, start(client))
    page = client.get(QUIZ).get_data(as_text=True)
    assert "Attempt 1" in page and "Passed" in page and "1 left" in page


def test_a_submitted_attempt_keeps_what_was_asked_after_the_quiz_changes(app, client, student, course_dir):
    url = start(client)
    submit_all_right(client, url)
    quiz_file = course_dir / "quizzes/basics-quiz.yaml"
    quiz_file.write_text(
        quiz_file.read_text()
        .replace("What was the **old** card made of?", "Rewritten prompt?")
        .replace("answer: 85.6", "answer: 54")
    )
    with app.app_context():
        import_course(course_dir)
    page = client.get(url).get_data(as_text=True)
    assert "What was the <strong>old</strong> card made of?" in page and "Rewritten prompt?" not in page
    assert "Score: <strong>100%</strong>" in page


def test_other_students_cannot_see_or_answer_my_attempt(client, auth, student):
    url = start(client)
    auth.logout()
    auth.as_role("student", "other")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"action": "submit"}).status_code == 404


def test_unpublished_quiz_is_not_found(app, client, student):
    from course.models import Quiz

    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        quiz.published = False
        db.session.commit()
    assert client.get(QUIZ).status_code == 404
    assert client.post(QUIZ + "/start").status_code == 404


def test_quiz_page_queries_do_not_grow_with_questions(app, client, student, course_dir, count_queries):
    url = start(client)
    client.get(url)
    with count_queries() as small:
        client.get(url)
    quiz_file = course_dir / "quizzes/basics-quiz.yaml"
    extra = "".join(
        f"  - {{id: extra-{n}, type: true_false, prompt: Extra {n}, answer: true, source: asiapress}}\n"
        for n in range(40)
    )
    quiz_file.write_text(quiz_file.read_text().replace("max_attempts: 2", "max_attempts: 5") + extra)
    with app.app_context():
        import_course(course_dir)
    submit_all_right(client, url)
    big_url = start(client)
    client.get(big_url)
    with count_queries() as large:
        html = client.get(big_url).get_data(as_text=True)
    assert "Extra 39" in html
    assert large.n == small.n <= 8

"""Authoring quizzes in the browser: settings, the five question types, choices, drafts, revisions and restore,
and the promise that editing a quiz never changes a submitted attempt."""

import html

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Attempt, Course, CourseOwner, Lesson, Question, Quiz, Revision
from tests.dom import Element, parse
from tests.test_sanitize import HOSTILE, active_content

AUTHOR = "/author/courses/sample-course"
QUIZ = f"{AUTHOR}/quizzes/basics-quiz"


@pytest.fixture
def instructor(app, auth, sample_course):
    """An instructor who owns the sample course (only owners and administrators change a course)."""
    user_id = auth.as_role("instructor", "teach")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
        db.session.add(CourseOwner(course_id=course_id, user_id=user_id))
        db.session.commit()
    return user_id


def errors_at(page: str, field_id: str) -> list[str]:
    """The error messages render_field shows under one field."""
    help_block = parse(page).first(f"div[id='{field_id}-help']")
    return help_block.texts("p.error") if help_block else []


def quiz_row(app, slug: str = "basics-quiz") -> Quiz | None:
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
        if quiz is not None:
            quiz.questions  # noqa: B018 - loaded while the session is open
        return quiz


def keys(app, slug: str = "basics-quiz") -> list[str]:
    return [q.key for q in quiz_row(app, slug).questions]


def revision_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Revision.id)))


def settings(**changes) -> dict:
    data = {
        "slug": "basics-quiz",
        "title": "Basics quiz",
        "placement": "module:basics",
        "pass_mark": "60",
        "max_attempts": "2",
        "shuffle": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


QUESTIONS = {
    "single": {
        "key": "pick-one",
        "prompt": "Which **one**?",
        "choices-0-text": "Right",
        "choices-0-correct": "y",
        "choices-0-feedback": "Yes.",
        "choices-1-text": "Wrong",
        "choices-1-feedback": "No.",
        "choices-1-misconception": "wrong-idea",
    },
    "multiple": {
        "key": "pick-many",
        "prompt": "Which ones?",
        "choices-0-text": "A",
        "choices-0-correct": "y",
        "choices-1-text": "B",
        "choices-1-correct": "y",
        "choices-2-text": "C",
        "choices-2-misconception": "c-idea",
    },
    "true_false": {"key": "is-it", "prompt": "Cards expire.", "truth": "true"},
    "short_text": {"key": "name-it", "prompt": "Name the field.", "accept": "blood type\nblood group"},
    "numeric": {"key": "how-wide", "prompt": "How wide?", "answer": "85,6", "tolerance": "0.5"},
}


def question_form(kind: str, **changes) -> dict:
    data = {
        **QUESTIONS[kind],
        "explanation": "Because.",
        "source": "asiapress",
        "points": "2",
        "tags": "a, b",
        "objective": "Say what an ID card proves",
        "save": "Save the question",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- quizzes and settings --------------------------------------------------------------------------------------


def test_a_new_quiz_is_an_empty_draft_that_cannot_be_published_yet(app, client, instructor):
    response = client.post(f"{AUTHOR}/quizzes/", data=settings(slug="final-two", title="Final two", placement="final"))
    assert response.location.endswith(f"{AUTHOR}/quizzes/final-two")
    quiz = quiz_row(app, "final-two")
    assert (quiz.published, quiz.is_final, quiz.module_id, quiz.questions) == (False, True, None, [])
    client.post(f"{AUTHOR}/quizzes/final-two/publish")
    assert quiz_row(app, "final-two").published is False
    assert "A quiz needs at least one question" in client.get(f"{AUTHOR}/quizzes/final-two").get_data(as_text=True)
    client.post(f"{AUTHOR}/quizzes/final-two/questions/?type=true_false", data=question_form("true_false"))
    client.post(f"{AUTHOR}/quizzes/final-two/publish")
    assert quiz_row(app, "final-two").published is True


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pass_mark": "150"}, "pass_mark", "pass mark: give a whole number from 0 to 100"),
        ({"max_attempts": "-1"}, "max_attempts", "max attempts: give a whole number from 0 to 1000"),
        ({"max_attempts": "many"}, "max_attempts", "Not a valid integer value."),
        ({"slug": "Basics Quiz"}, "slug", "use lower-case letters and digits in words joined by hyphens"),
        ({"slug": "chips-quiz"}, "slug", "Another quiz of this course has this address."),
        ({"title": ""}, "title", "Give the quiz a title."),
        ({"placement": "module:nowhere"}, "placement", "Not a valid choice."),
    ],
)
def test_settings_errors_are_shown_at_the_field_and_nothing_is_saved(app, client, instructor, changes, field, message):
    page = client.post(QUIZ, data=settings(**changes)).get_data(as_text=True)
    assert any(message.lower() in error.lower() for error in errors_at(page, field)), errors_at(page, field)
    quiz = quiz_row(app)
    assert (quiz.slug, quiz.pass_mark, quiz.max_attempts) == ("basics-quiz", 60, 2) and revision_count(app) == 0


def test_settings_are_saved_with_a_baseline_revision(app, client, instructor):
    response = client.post(QUIZ, data=settings(slug="basics-check", pass_mark="80", placement="final", shuffle=None))
    assert response.location.endswith(f"{AUTHOR}/quizzes/basics-check")
    quiz = quiz_row(app, "basics-check")
    assert (quiz.pass_mark, quiz.is_final, quiz.module_id, quiz.shuffle) == (80, True, None, False)
    assert [q.key for q in quiz.questions] == ["body", "fields", "eight-years", "blood", "width"]
    with app.app_context():
        summaries = list(db.session.scalars(select(Revision.summary).order_by(Revision.id)))
    assert summaries == ["As it was before the first edit in the browser", "Changed the settings"]


# --- questions -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_each_question_type_can_be_added(app, client, instructor, kind):
    response = client.post(f"{QUIZ}/questions/?type={kind}", data=question_form(kind))
    assert response.status_code == 302, errors_at(response.get_data(as_text=True), "key")
    question = quiz_row(app).questions[-1]
    assert (question.key, question.type, question.points) == (QUESTIONS[kind]["key"], kind, 2.0)
    assert question.explanation_html == "<p>Because.</p>\n" and question.objective == "Say what an ID card proves"
    assert question.spec["tags"] == ["a", "b"]
    expected = {
        "single": lambda s: (
            [(c["html"], c["correct"], c["feedback"], c["misconception"]) for c in s["choices"]]
            == [("Right", True, "Yes.", ""), ("Wrong", False, "No.", "wrong-idea")]
        ),
        "multiple": lambda s: [c["correct"] for c in s["choices"]] == [True, True, False],
        "true_false": lambda s: s["answer"] is True,
        "short_text": lambda s: s["accept"] == ["blood type", "blood group"],
        "numeric": lambda s: (s["answer"], s["tolerance"]) == (85.6, 0.5),
    }
    assert expected[kind](question.spec), question.spec
    preview = client.get(f"{QUIZ}/preview").get_data(as_text=True)
    assert QUESTIONS[kind]["prompt"].replace("**one**", "<strong>one</strong>") in preview


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"),
    [
        ("single", {"choices-1-correct": "y"}, "choices", "has 2 correct choices; use type: multiple"),
        ("single", {"choices-0-correct": None}, "choices", "no choice is marked correct"),
        ("multiple", {"choices-1-text": "", "choices-2-text": ""}, "choices", "choice 2 needs a text"),
        ("true_false", {"truth": None}, "truth", "needs answer: true or answer: false"),
        ("short_text", {"accept": ""}, "accept", "needs a non-empty list of accepted answers"),
        ("numeric", {"answer": "eighty"}, "answer", "needs a number as its answer"),
        ("numeric", {"tolerance": "-1"}, "tolerance", "tolerance must be a number of zero or more"),
        ("single", {"key": "body"}, "key", "Another question of this quiz has this id."),
        ("single", {"key": "Not ok"}, "key", "use lower-case letters and digits in words joined by hyphens"),
        ("single", {"prompt": ""}, "prompt", "has no prompt: write one"),
        ("single", {"source": "nowhere"}, "source", "is not the id of a source of the module's lessons"),
        ("single", {"source": "javascript:alert(1)"}, "source", "is not the id of a source"),
        ("single", {"objective": "Fly"}, "objective", "objective is not an objective of the module's lessons"),
        ("single", {"points": "0"}, "points", "give points as a number above 0"),
    ],
)
def test_question_errors_are_shown_at_the_field_and_nothing_is_saved(
    app, client, instructor, kind, changes, field, message
):
    page = client.post(f"{QUIZ}/questions/?type={kind}", data=question_form(kind, **changes)).get_data(as_text=True)
    if field == "choices":
        choices = parse(page).one("fieldset.row-editor#choices")
        assert choices.one("> legend").text == "Choices"
        shown = " ".join(
            child if isinstance(child, str) else child.text
            for child in choices.children
            if not (isinstance(child, Element) and child.tag in ("legend", "fieldset"))
        )
        assert message.lower() in shown.lower(), page
    else:
        assert any(message.lower() in error.lower() for error in errors_at(page, field)), errors_at(page, field)
    assert len(keys(app)) == 5 and revision_count(app) == 0


def test_an_unknown_question_type_is_a_404(client, instructor):
    assert client.get(f"{QUIZ}/questions/?type=hotspot").status_code == 404


def test_editing_a_question_keeps_the_rest_of_the_quiz(app, client, instructor):
    page = client.get(f"{QUIZ}/questions/body").get_data(as_text=True)
    assert 'value="Laminated paper"' in page and 'value="material-age"' in page
    data = {
        "key": "body",
        "prompt": "What was the old card made of, really?",
        "choices-0-text": "Laminated paper",
        "choices-0-correct": "y",
        "choices-1-text": "Polycarbonate",
        "choices-1-misconception": "material-age",
        "choices-1-feedback": "Modern.",
        "explanation": "Paper.",
        "source": "asiapress",
        "points": "1",
    }
    assert client.post(f"{QUIZ}/questions/body", data=data).status_code == 302
    quiz = quiz_row(app)
    assert [q.key for q in quiz.questions] == ["body", "fields", "eight-years", "blood", "width"]
    body = quiz.questions[0]
    assert body.prompt_markdown == "What was the old card made of, really?" and len(body.spec["choices"]) == 2
    assert body.spec["choices"][1]["feedback_html"] == "Modern."


def test_choice_rows_are_added_removed_and_moved_without_saving(app, client, instructor):
    data = question_form("single", save=None)
    page = client.post(f"{QUIZ}/questions/?type=single", data={**data, "row_action": "choices-add"}).get_data(
        as_text=True
    )
    assert 'name="choices-4-text"' in page and "Add another choice" in page
    page = client.post(f"{QUIZ}/questions/?type=single", data={**data, "row_action": "choices-up-1"}).get_data(
        as_text=True
    )
    assert page.index('value="Wrong"') < page.index('value="Right"')
    page = client.post(f"{QUIZ}/questions/?type=single", data={**data, "row_action": "choices-remove-0"}).get_data(
        as_text=True
    )
    assert 'value="Right"' not in page and 'value="Wrong"' in page
    assert len(keys(app)) == 5


def test_questions_move_and_delete_with_confirmation(app, client, instructor):
    client.post(f"{QUIZ}/questions/width/move", data={"direction": "up"})
    assert keys(app) == ["body", "fields", "eight-years", "width", "blood"]
    client.post(f"{QUIZ}/questions/body/move", data={"direction": "up"})  # already first
    assert keys(app)[0] == "body"
    page = client.get(f"{QUIZ}/questions/fields/delete").get_data(as_text=True)
    assert "Attempts already started or submitted keep it" in page
    client.post(f"{QUIZ}/questions/fields/delete", data={})
    assert "fields" in keys(app)
    client.post(f"{QUIZ}/questions/fields/delete", data={"confirm": "y"})
    assert keys(app) == ["body", "eight-years", "width", "blood"]
    with app.app_context():
        summaries = list(db.session.scalars(select(Revision.summary).order_by(Revision.id)))
    assert summaries[1:] == ["Moved question 'width' up", "Deleted question 'fields'"]


def test_the_only_question_of_a_published_quiz_cannot_be_deleted(app, client, instructor):
    for key in ["fields", "eight-years", "blood", "width"]:
        client.post(f"{QUIZ}/questions/{key}/delete", data={"confirm": "y"})
    response = client.post(f"{QUIZ}/questions/body/delete", data={"confirm": "y"})
    assert response.status_code == 409 and "only question of a published quiz" in response.get_data(as_text=True)
    assert keys(app) == ["body"]


def test_deleting_a_quiz_says_how_many_attempts_go(app, client, auth, instructor):
    assert "0 attempts of students" in client.get(f"{QUIZ}/delete").get_data(as_text=True)
    client.post(f"{QUIZ}/delete", data={"confirm": "y"})
    assert quiz_row(app) is None


# --- drafts ----------------------------------------------------------------------------------------------------


def test_a_draft_quiz_is_hidden_from_students_and_previewed_by_instructors(app, client, auth, instructor):
    client.post(f"{QUIZ}/publish")
    assert "Preview" in client.get(f"{QUIZ}/preview").get_data(as_text=True)
    auth.logout()
    auth.as_role("student", "sam")
    assert client.get("/courses/sample-course/quizzes/basics-quiz").status_code == 404
    assert client.post("/courses/sample-course/quizzes/basics-quiz/start").status_code == 404
    assert "Basics quiz" not in client.get("/courses/sample-course").get_data(as_text=True)


# --- attempts stay as they were --------------------------------------------------------------------------------


def attempt_state(app, attempt_id: int) -> tuple:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return attempt.snapshot, attempt.responses, attempt.results, attempt.score, attempt.percent, attempt.passed


def test_editing_a_published_quiz_never_changes_a_submitted_attempt(app, client, auth, instructor):
    auth.logout()
    auth.as_role("student", "sam")
    client.post("/courses/sample-course/quizzes/basics-quiz/start")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        body = next(q for q in attempt.snapshot if q["key"] == "body")
        right = body["private"]["correct"][0]
    client.post(
        f"/attempts/{attempt.id}",
        data={"action": "submit", "confirmed": "yes", "q-body": str(right), "q-width": "85.6", "q-eight-years": "true"},
    )
    before = attempt_state(app, attempt.id)
    assert before[3] == 3.0 and before[2] is not None

    auth.logout()
    auth.login("teach")
    # reword the question and make another choice the right one, change the points, delete a question
    data = {
        "key": "body",
        "prompt": "A reworded prompt",
        "choices-0-text": "Laminated paper",
        "points": "5",
        "choices-1-text": "Polycarbonate",
        "choices-1-correct": "y",
        "source": "asiapress",
    }
    assert client.post(f"{QUIZ}/questions/body", data=data).status_code == 302
    assert client.post(f"{QUIZ}/questions/width/delete", data={"confirm": "y"}).status_code == 302
    assert client.post(QUIZ, data=settings(pass_mark="100")).status_code == 302

    assert attempt_state(app, attempt.id) == before
    auth.logout()
    auth.login("sam")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "What was the <strong>old</strong> card made of?" in page and "A reworded prompt" not in page
    assert "How wide is an ID-1 card" in page


# --- revisions -------------------------------------------------------------------------------------------------


def test_quiz_history_shows_each_revision_and_restores_one(app, client, instructor):
    client.post(f"{QUIZ}/questions/blood/delete", data={"confirm": "y"})
    client.post(QUIZ, data=settings(title="Basics quiz, revised"))
    assert "blood" not in keys(app)
    page = client.get(f"{QUIZ}/history").get_data(as_text=True)
    assert "Deleted question &#39;blood&#39;" in page and "Changed the settings" in page and "teach" in page
    with app.app_context():
        baseline, deleted, _renamed = db.session.scalars(select(Revision).order_by(Revision.id)).all()
    page = client.get(f"{QUIZ}/history?revision={deleted.id}").get_data(as_text=True)
    assert "\n-- id: blood\n-  type: short_text\n" in html.unescape(page)
    response = client.post(f"{QUIZ}/revisions/{baseline.id}/restore")
    assert response.status_code == 302
    quiz = quiz_row(app)
    assert quiz.title == "Basics quiz" and [q.key for q in quiz.questions] == [
        "body",
        "fields",
        "eight-years",
        "blood",
        "width",
    ]
    with app.app_context():
        assert db.session.scalars(select(Revision.summary).order_by(Revision.id.desc())).first() == (
            "Restored revision 1"
        )


def test_a_revision_that_no_longer_fits_the_course_is_not_restored(app, client, instructor):
    client.post(QUIZ, data=settings(title="Renamed"))
    with app.app_context():
        baseline = db.session.scalar(select(Revision).order_by(Revision.id))
        # the module's lessons lose the source the old version's questions cite
        for lesson in db.session.scalars(select(Lesson)):
            lesson.sources = [s for s in lesson.sources if s["id"] != "asiapress"]
        db.session.commit()
    response = client.post(f"{QUIZ}/revisions/{baseline.id}/restore", follow_redirects=True)
    assert "cannot be restored" in response.get_data(as_text=True)
    assert "asiapress" in html.unescape(response.get_data(as_text=True))
    assert quiz_row(app).title == "Renamed"
    assert client.post(f"{QUIZ}/revisions/99999/restore").status_code == 404


def test_lesson_history_and_restore(app, client, instructor):
    url = f"{AUTHOR}/lessons/registries"
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "registries"))
        original = lesson.body_markdown
        data = {
            "module": str(lesson.module_id),
            "slug": "registries",
            "title": lesson.title,
            "minutes": "2",
            "objectives": "\n".join(lesson.objectives),
            "save": "Save",
        }
        for index, source in enumerate(lesson.sources):
            data.update({f"sources-{index}-{key}": value for key, value in source.items() if key != "number"})
    client.post(url, data={**data, "body": "First edit."})
    client.post(url, data={**data, "body": "Second edit."})
    page = client.get(f"{url}/history").get_data(as_text=True)
    assert page.count("Restore<span") == 2  # every revision but the current one
    with app.app_context():
        first_edit = db.session.scalars(select(Revision).order_by(Revision.id)).all()[1]
    page = html.unescape(client.get(f"{url}/history?revision={first_edit.id}").get_data(as_text=True))
    assert "+First edit." in page and "slug: registries" in page
    client.post(f"{url}/revisions/{first_edit.id}/restore")
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "registries"))
        assert lesson.body_markdown == "First edit." and lesson.body_html == "<p>First edit.</p>\n"
        summaries = list(db.session.scalars(select(Revision.summary).where(Revision.lesson_id == lesson.id)))
    assert summaries[-1] == "Restored revision 2" and len(summaries) == 4 and original != "First edit."


# --- hostile text ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_question_text_is_inert_in_the_editor_preview_and_the_result(app, client, auth, instructor, text):
    data = question_form(
        "single",
        prompt=f"Prompt {text}",
        explanation=f"Why {text}",
        **{"choices-0-text": f"Right {text}", "choices-1-feedback": f"No {text}"},
    )
    assert client.post(f"{QUIZ}/questions/?type=single", data=data).status_code == 302
    for url in (QUIZ, f"{QUIZ}/preview"):
        document = parse(client.get(url).get_data(as_text=True))
        main = document.one("main")
        # The editor's own settings form follows the questions; what is checked is everything before it.
        settings = [heading for heading in main.all("h2") if heading.text == "Settings" and url == QUIZ]
        shown = main.source[main.start : settings[0].start if settings else main.end]
        assert active_content(shown, allowed_tags={"form", "input", "button"}) == [], url
    auth.logout()
    auth.as_role("student", "sam")
    client.post("/courses/sample-course/quizzes/basics-quiz/start")
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id))
    client.post(f"/attempts/{attempt_id}", data={"action": "submit", "confirmed": "yes"})
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert active_content(parse(page).one("main").html, allowed_tags={"form", "input", "button"}) == []


def test_question_editor_shows_stored_values_for_every_type(app, client, instructor):
    with app.app_context():
        types = dict(db.session.execute(select(Question.key, Question.type)).all())
    for key in ("body", "fields", "eight-years", "blood", "width"):
        page = client.get(f"{QUIZ}/questions/{key}").get_data(as_text=True)
        assert f'value="{key}"' in page, key
    assert '<input checked id="truth-0"' in client.get(f"{QUIZ}/questions/eight-years").get_data(as_text=True)
    assert "blood group" in client.get(f"{QUIZ}/questions/blood").get_data(as_text=True)
    assert 'value="85.6"' in client.get(f"{QUIZ}/questions/width").get_data(as_text=True)
    assert types["width"] == "numeric"


def test_multiple_choice_credits_are_edited_in_the_browser_and_kept(app, client, instructor):
    credits = {"choices-0-credit": "60", "choices-1-credit": "40", "choices-2-credit": "-100"}
    response = client.post(f"{QUIZ}/questions/?type=multiple", data=question_form("multiple", **credits))
    assert response.status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "pick-many"))
        assert [choice["credit"] for choice in question.spec["choices"]] == [60, 40, -100]
    page = client.get(f"{QUIZ}/questions/pick-many").get_data(as_text=True)
    assert 'name="choices-2-credit"' in page and 'value="-100"' in page
    wrong = {**credits, "choices-0-credit": "70"}
    page = client.post(f"{QUIZ}/questions/pick-many", data=question_form("multiple", **wrong)).get_data(as_text=True)
    assert "The credits of the correct choices add up to 110%, not 100%" in page
